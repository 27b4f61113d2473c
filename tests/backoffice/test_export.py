import pytest
from bo_helpers import jpeg_bytes
from django.core.management import CommandError, call_command

from backoffice.catalog.bundles import bundle_key
from backoffice.catalog.images import store_image_bytes
from backoffice.catalog.models import Alert, EntryImage
from content.bundle import BundleError, read_bundle


def test_export_bundle_signed_and_filtered_by_commune(tmp_path, make_entry, other_commune, settings):
    settings.BORNE_BUNDLE_KEY = "00" * 32
    own = make_entry(title="Ici")
    EntryImage.objects.create(entry=own, media=store_image_bytes(jpeg_bytes()))
    make_entry(title="Partout", commune=None)
    make_entry(title="Ailleurs", commune=other_commune)
    make_entry(title="Brouillon", status="draft")
    Alert.objects.create(level="info", message={"fr": "Info"})
    out = tmp_path / "usb.zip"
    call_command("export_bundle", "--out", str(out), "--commune", "15187")
    bundle = read_bundle(out, verify_key=bytes(32))
    assert sorted(e["title"]["fr"] for e in bundle.entries) == ["Ici", "Partout"]
    assert len(bundle.alerts) == 1 and len(bundle.media) == 1
    with pytest.raises(BundleError):
        read_bundle(out, verify_key=b"wrong key")


def test_bundle_key_file_is_generated_once(settings, tmp_path):
    settings.BORNE_BUNDLE_KEY = ""
    settings.BACKOFFICE_DIR = tmp_path
    first = bundle_key()
    assert len(first) == 32 and bundle_key() == first
    assert oct((tmp_path / "bundle.key").stat().st_mode)[-3:] == "600"


def test_unknown_commune_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="99999"):
        call_command("export_bundle", "--out", str(tmp_path / "x.zip"), "--commune", "99999")


def test_kiosk_add_prints_a_working_token(client, commune, capsys):
    call_command("kiosk_add", "Mairie", "--commune", "15187")
    token = capsys.readouterr().out.strip()
    assert client.get("/api/kiosk/v1/changes", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
