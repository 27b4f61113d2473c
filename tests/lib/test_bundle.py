import hashlib
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.bundle import BundleError, Limits, read_bundle, write_bundle
from content.contract import SCHEMA_VERSION

from .conftest import alert, entry, make_image, media_item

KEY = b"secret shared by the back office and its kiosks"


@pytest.fixture
def image():
    return make_image()


@pytest.fixture
def bundle_path(tmp_path, image):
    path = tmp_path / "town.zip"
    write_bundle(
        path,
        entries=[entry("musee", media=[media_item(image)]), entry("fete", kind="event")],
        alerts=[alert("route")],
        media={hashlib.sha256(image).hexdigest(): image},
        cursor="c42",
        communes=["15187"],
        signing_key=KEY,
    )
    return path


def rewrite(src, dest, *, drop=(), add=(), replace=None, manifest=None):
    """Copy a bundle member by member, changing what a test needs changed."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = replace.get(info.filename, zin.read(info.filename))
            if info.filename == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            zout.writestr(info.filename, data)
        for name, data in add:
            zout.writestr(name, data)
    return dest


def test_round_trip(bundle_path, image):
    b = read_bundle(bundle_path, verify_key=KEY)
    assert b.cursor == "c42"
    assert b.manifest["schema"] == SCHEMA_VERSION
    assert b.manifest["counts"] == {"entries": 2, "alerts": 1, "media": 1}
    assert [e["id"] for e in b.entries] == ["test:musee", "test:fete"]
    entries, alerts = b.parsed()
    assert entries[0].media[0].sha256 == hashlib.sha256(image).hexdigest()
    assert alerts[0].level == "info"


def test_extracted_media_are_the_bytes(bundle_path, image, tmp_path):
    out = read_bundle(bundle_path).extract_media(tmp_path / "x")
    assert [p.read_bytes() for p in out.values()] == [image]


def test_writer_refuses_invalid_entries_and_missing_media(tmp_path, image):
    with pytest.raises(Exception, match="test:bad"):
        write_bundle(tmp_path / "a.zip", entries=[entry("bad", title={"en": "x"})])
    with pytest.raises(BundleError, match="reference media that were not given"):
        write_bundle(tmp_path / "b.zip", entries=[entry("m", media=[media_item(image)])])
    assert not list(tmp_path.glob("*.zip"))


def test_signature_is_checked(bundle_path, tmp_path):
    with pytest.raises(BundleError, match="signature does not match"):
        read_bundle(bundle_path, verify_key=b"another key")
    unsigned = rewrite(
        bundle_path, tmp_path / "u.zip", manifest=lambda m: {k: v for k, v in m.items() if k != "signature"}
    )
    with pytest.raises(BundleError, match="not signed"):
        read_bundle(unsigned, verify_key=KEY)
    tampered = rewrite(bundle_path, tmp_path / "t.zip", manifest=lambda m: {**m, "cursor": "c99"})
    with pytest.raises(BundleError, match="signature does not match"):
        read_bundle(tampered, verify_key=KEY)


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "media/../../x", "C:\\evil", "media\\x"])
def test_paths_that_climb_out_are_refused(bundle_path, tmp_path, name):
    bad = rewrite(bundle_path, tmp_path / "bad.zip", add=[(name, b"x")])
    with pytest.raises(BundleError, match="climbs out|unexpected member"):
        read_bundle(bad)


def test_unexpected_member_is_refused(bundle_path, tmp_path):
    with pytest.raises(BundleError, match="unexpected member 'run.sh'"):
        read_bundle(rewrite(bundle_path, tmp_path / "x.zip", add=[("run.sh", b"rm -rf /")]))


def test_changed_member_fails_its_hash(bundle_path, tmp_path):
    line = json.dumps(entry("musee", title={"fr": "Autre"})) + "\n"
    bad = rewrite(bundle_path, tmp_path / "h.zip", replace={"entries.jsonl": line.encode()})
    with pytest.raises(BundleError, match="entries.jsonl does not match the sha256"):
        read_bundle(bad)


def test_member_missing_from_archive(bundle_path, tmp_path):
    with pytest.raises(BundleError, match="alerts.jsonl is in the manifest but not in the archive"):
        read_bundle(rewrite(bundle_path, tmp_path / "m.zip", drop=["alerts.jsonl"]))


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.99])
def test_truncated_file_is_refused(bundle_path, tmp_path, cut):
    data = bundle_path.read_bytes()
    bad = tmp_path / "cut.zip"
    bad.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(BundleError, match="truncated or corrupt|not a bundle"):
        read_bundle(bad)


def test_corrupt_member_is_refused(bundle_path, tmp_path):
    data = bytearray(bundle_path.read_bytes())
    with zipfile.ZipFile(bundle_path) as zf:
        info = zf.getinfo("entries.jsonl")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 2
    data[start : start + 8] = b"\xff" * 8
    bad = tmp_path / "corrupt.zip"
    bad.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="entries.jsonl"):
        read_bundle(bad)


def test_not_a_zip(tmp_path):
    p = tmp_path / "x.zip"
    p.write_text("hello")
    with pytest.raises(BundleError, match="not a bundle"):
        read_bundle(p)
    with pytest.raises(BundleError, match="no such file"):
        read_bundle(tmp_path / "nothing.zip")


def test_unknown_schema_is_refused(bundle_path, tmp_path):
    bad = rewrite(bundle_path, tmp_path / "s.zip", manifest=lambda m: {**m, "schema": 7})
    with pytest.raises(BundleError, match="schema version 7 .* is not supported"):
        read_bundle(bad)


def test_decompression_bomb_is_refused(tmp_path):
    bomb = b"\n" * (20 * 1024 * 1024)
    path = tmp_path / "bomb.zip"
    manifest = {
        "schema": SCHEMA_VERSION,
        "members": {
            "entries.jsonl": {"sha256": hashlib.sha256(bomb).hexdigest(), "bytes": len(bomb)},
            "alerts.jsonl": {"sha256": hashlib.sha256(b"").hexdigest(), "bytes": 0},
        },
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("entries.jsonl", bomb)
        zf.writestr("alerts.jsonl", b"")
    with pytest.raises(BundleError, match="decompression bomb"):
        read_bundle(path)


def test_member_lying_about_its_size_is_refused(tmp_path, bundle_path):
    with pytest.raises(BundleError, match="larger than its manifest says"):
        read_bundle(
            rewrite(
                bundle_path,
                tmp_path / "l.zip",
                manifest=lambda m: {
                    **m,
                    "members": {**m["members"], "entries.jsonl": {**m["members"]["entries.jsonl"], "bytes": 3}},
                },
            )
        )


def test_too_many_members_is_refused(bundle_path):
    with pytest.raises(BundleError, match="more than the 2 allowed"):
        read_bundle(bundle_path, limits=Limits(max_members=2))


def test_invalid_entry_inside_is_named(tmp_path):
    bad_line = (json.dumps({**entry("x"), "kind": "castle"}) + "\n").encode()
    path = tmp_path / "b.zip"
    manifest = {
        "schema": SCHEMA_VERSION,
        "members": {
            "entries.jsonl": {"sha256": hashlib.sha256(bad_line).hexdigest(), "bytes": len(bad_line)},
            "alerts.jsonl": {"sha256": hashlib.sha256(b"").hexdigest(), "bytes": 0},
        },
    }
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("entries.jsonl", bad_line)
        zf.writestr("alerts.jsonl", b"")
    with pytest.raises(BundleError, match="entry test:x: kind"):
        read_bundle(path).parsed()


titles = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf"), blacklist_characters="<>[]&"),
    min_size=1,
    max_size=30,
).filter(str.strip)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.sampled_from(["place", "heritage", "shop", "service"]), titles), max_size=8),
    st.text(alphabet="abcdef0123456789", max_size=12),
)
def test_bundle_round_trip_law(tmp_path, records, cursor):
    entries = [entry(f"e{i}", kind=kind, title={"fr": title}) for i, (kind, title) in enumerate(records)]
    path = tmp_path / "law.zip"
    write_bundle(path, entries=entries, cursor=cursor, signing_key=KEY)
    b = read_bundle(path, verify_key=KEY)
    assert b.entries == [json.loads(json.dumps(e)) for e in entries]
    assert b.cursor == cursor
