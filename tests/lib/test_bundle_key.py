"""One reading of the bundle key for the back office and the kiosks (content.bundle.read_key)."""

import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.bundle import BundleError, BundleKeyError, read_bundle, read_key, write_bundle
from content.config import ConfigError, load_config

from .conftest import entry


def generated_key_file(folder):
    """A key file as the back office writes it: 64 hex digits and a newline."""
    path = folder / "bundle.key"
    path.write_text(secrets.token_hex(32) + "\n")
    return path


def test_hex_key_file_is_decoded(tmp_path):
    path = generated_key_file(tmp_path)
    assert read_key(path) == bytes.fromhex(path.read_text().strip())


@pytest.mark.parametrize("text", ["  6b6579\n", "6B6579", "\t6b6579\r\n"])
def test_hex_text_is_decoded_whatever_the_case_and_whitespace(text):
    assert read_key(text) == b"key"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("une phrase secrète\n", "une phrase secrète".encode()),
        ("abc", b"abc"),  # an odd number of hex digits is not hex
        ("0x6b6579", b"0x6b6579"),
    ],
)
def test_other_text_is_the_key_as_it_is(text, key):
    assert read_key(text) == key


def test_binary_key_file_is_used_as_it_is(tmp_path):
    raw = bytes(range(256))[40:72]
    path = tmp_path / "bundle.key"
    path.write_bytes(raw)
    assert read_key(path) == raw.strip()


@pytest.mark.parametrize("content", ["", "\n", "   \t\n"])
def test_empty_key_is_a_clear_error_naming_the_file(tmp_path, content):
    path = tmp_path / "bundle.key"
    path.write_text(content)
    with pytest.raises(BundleKeyError, match=r"bundle\.key.*empty"):
        read_key(path)


def test_unreadable_key_file_is_a_clear_error(tmp_path):
    with pytest.raises(BundleKeyError, match=r"missing\.key: cannot be read"):
        read_key(tmp_path / "missing.key")


def test_empty_environment_key_names_the_setting():
    with pytest.raises(BundleKeyError, match="BORNE_BUNDLE_KEY: empty"):
        read_key(" ", where="BORNE_BUNDLE_KEY")


@given(st.binary(min_size=1, max_size=64))
def test_hex_written_key_reads_back_as_its_bytes(raw):
    assert read_key(raw.hex() + "\n") == raw


def test_kiosk_config_reads_the_back_office_key_file_as_the_back_office_does(tmp_path):
    key_file = generated_key_file(tmp_path)
    config = load_config(tmp_path / "data", env={}, bundle_key_file=str(key_file))
    assert config.bundle_key() == bytes.fromhex(key_file.read_text().strip())


def test_kiosk_config_with_an_empty_key_file_is_a_config_error(tmp_path):
    (tmp_path / "bundle.key").write_text("\n")
    config = load_config(tmp_path / "data", env={}, bundle_key_file=str(tmp_path / "bundle.key"))
    with pytest.raises(ConfigError, match="bundle_key_file.*empty"):
        config.bundle_key()


def test_a_bundle_signed_with_the_decoded_key_opens_with_the_key_file(tmp_path):
    key_file = generated_key_file(tmp_path)
    out = tmp_path / "usb.zip"
    # What the back office does: sign with the key its own file holds.
    write_bundle(out, entries=[entry("musee")], signing_key=bytes.fromhex(key_file.read_text()))
    config = load_config(tmp_path / "kiosk", env={}, bundle_key_file=str(key_file))
    assert read_bundle(out, verify_key=config.bundle_key()).signed


def test_a_bundle_signed_with_another_key_says_which_file_to_copy(tmp_path):
    out = tmp_path / "usb.zip"
    write_bundle(out, entries=[entry("musee")], signing_key=b"another back office")
    with pytest.raises(BundleError, match=r"not a copy of this back office's bundle\.key"):
        read_bundle(out, verify_key=read_key(generated_key_file(tmp_path)))
