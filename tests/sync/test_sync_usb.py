"""What a kiosk keeps and reports about the last USB bundle: signed, verified, or imported unchecked."""

import datetime as dt
import logging
import os
import time

import pytest
from fakebo import entry

from content.bundle import write_bundle
from sync import heartbeat
from sync.config import ConfigError, SyncConfig
from sync.errors import SyncError

KEY = bytes.fromhex("5a" * 32)
AT = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)


def make_bundle(path, *, key=KEY, title="Lieu"):
    write_bundle(path, entries=[entry(1, title=title)], signing_key=key)
    old = time.time() - 60
    os.utime(path, (old, old))
    return path


@pytest.fixture
def usb(tmp_path):
    path = tmp_path / "usb"
    path.mkdir()
    return path


def test_signed_bundle_with_the_key_is_recorded_as_verified(make_job, usb):
    job = make_job(client=None, bundle_dir=usb, bundle_key=KEY, clock=lambda: AT)
    job.import_bundle(make_bundle(usb / "mairie.zip"))
    assert job.cache.meta("bundle") == {
        "name": "mairie.zip",
        "imported_at": AT.isoformat(timespec="seconds"),
        "signed": True,
        "verified": True,
    }


@pytest.mark.parametrize(("key", "signed"), [(KEY, True), (None, False)])
def test_without_a_key_the_bundle_is_imported_with_a_warning(make_job, usb, caplog, key, signed):
    job = make_job(client=None, bundle_dir=usb, bundle_key=None)
    with caplog.at_level(logging.WARNING):
        report = job.import_bundle(make_bundle(usb / "x.zip", key=key))
    assert report.upserted == 1
    assert any("WITHOUT checking" in r.getMessage() and "x.zip" in r.getMessage() for r in caplog.records)
    assert job.cache.meta("bundle")["signed"] is signed
    assert job.cache.meta("bundle")["verified"] is False


def test_the_watched_folder_imports_without_a_key_too(make_job, usb):
    job = make_job(client=None, bundle_dir=usb, bundle_key=None)
    make_bundle(usb / "x.zip", key=None)
    assert "imported" in job.watch_bundles()[0]
    assert job.cache.state()["entries"] == 1


def test_an_unsigned_bundle_on_a_kiosk_with_a_key_is_refused_and_the_last_record_kept(make_job, usb):
    job = make_job(client=None, bundle_dir=usb, bundle_key=KEY)
    job.import_bundle(make_bundle(usb / "good.zip"))
    with pytest.raises(SyncError, match="not signed by the back office"):
        job.import_bundle(make_bundle(usb / "unsigned.zip", key=None, title="Autre"))
    assert job.cache.meta("bundle")["name"] == "good.zip"
    assert job.cache.state()["entries"] == 1


def test_a_bundle_signed_with_another_key_is_refused_with_what_to_do(make_job, usb):
    job = make_job(client=None, bundle_dir=usb, bundle_key=KEY)
    with pytest.raises(SyncError, match=r"not a copy of this back office's bundle\.key"):
        job.import_bundle(make_bundle(usb / "other.zip", key=b"another town"))
    assert job.cache.meta("bundle") is None


def test_heartbeat_reports_the_last_bundle(make_job, usb):
    job = make_job(client=None, bundle_dir=usb, bundle_key=None, clock=lambda: AT)
    job.import_bundle(make_bundle(usb / "x.zip"))
    assert heartbeat.status(job)["bundle"] == {
        "name": "x.zip",
        "imported_at": "2026-12-04T09:30:00+00:00",
        "signed": True,
        "verified": False,
    }


def test_heartbeat_has_no_bundle_when_none_was_ever_imported(make_job):
    job = make_job(client=None)
    assert "bundle" not in heartbeat.status(job)


def test_the_environment_key_is_read_like_the_back_office_setting(tmp_path):
    config = SyncConfig.from_settings({"data_dir": tmp_path}, env={"BORNE_BUNDLE_KEY": "5A" * 32 + "\n"})
    assert config.bundle_key == KEY


def test_an_empty_environment_key_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigError, match="BORNE_BUNDLE_KEY: empty"):
        SyncConfig(data_dir=tmp_path, bundle_key="  ")


def test_python_m_sync_reads_the_key_file_like_the_back_office(tmp_path, monkeypatch):
    from sync import __main__ as cli

    key_file = tmp_path / "bundle.key"
    key_file.write_text("5a" * 32 + "\n")
    seen = {}
    monkeypatch.setattr(cli, "run_once", lambda config: seen.setdefault("key", config.bundle_key) and 0)
    cli.main(["--data", str(tmp_path / "data"), "--bundle-key-file", str(key_file), "--once"])
    assert seen["key"] == KEY


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"name": "a.zip", "imported_at": "2026-12-04T09:30:00+00:00", "signed": False, "verified": True}, False),
        ({"name": "a.zip", "imported_at": "2026-12-04T09:30:00+00:00", "signed": True, "verified": "yes"}, False),
    ],
)
def test_heartbeat_never_claims_an_unsigned_or_doubtful_bundle_was_verified(record, expected):
    assert heartbeat.bundle_status(record)["verified"] is expected


def test_heartbeat_ignores_a_record_without_a_time():
    assert heartbeat.bundle_status({"name": "a.zip"}) is None
