"""The USB bundle across the seam: exported by the back office, imported by a kiosk with a copy of its key."""

import shutil

import pytest
from django.core.management import call_command

from backoffice.catalog.bundles import bundle_key_path
from content.config import load_config
from sync.config import SyncConfig
from sync.errors import SyncError
from sync.job import SyncJob


def kiosk_job(folder, key_file=None):
    """A kiosk's sync job built from its borne.toml, as ``main.py sync`` builds it."""
    folder.mkdir(parents=True, exist_ok=True)
    if key_file is not None:
        (folder / "borne.toml").write_text(f'bundle_key_file = "{key_file}"\n')
    config = SyncConfig.from_app_config(load_config(folder, env={}), version="test")
    return SyncJob.from_config(config, client=None)


@pytest.fixture
def exported(tmp_path, make_entry, settings):
    """A bundle exported with the key the back office generates in its data folder."""
    settings.BORNE_BUNDLE_KEY = ""
    make_entry(title="Cathédrale Saint-Pierre")
    out = tmp_path / "usb" / "borne.zip"
    call_command("export_bundle", "--out", str(out), "--commune", "15187")
    return out


def test_kiosk_with_a_copy_of_the_back_office_key_file_imports_its_bundle(tmp_path, exported):
    key_copy = tmp_path / "etc" / "bundle.key"
    key_copy.parent.mkdir()
    shutil.copy(bundle_key_path(), key_copy)
    job = kiosk_job(tmp_path / "kiosk", key_copy)
    try:
        report = job.import_bundle(exported)
        assert report.upserted == 1
        assert job.cache.meta("bundle")["verified"] is True
    finally:
        job.close()


def test_kiosk_with_another_key_refuses_the_bundle(tmp_path, exported):
    other = tmp_path / "other.key"
    other.write_text("ab" * 32 + "\n")
    job = kiosk_job(tmp_path / "kiosk", other)
    try:
        with pytest.raises(SyncError, match="signature does not match"):
            job.import_bundle(exported)
        assert job.cache.state()["entries"] == 0
    finally:
        job.close()
