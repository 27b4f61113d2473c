"""main.py as a person types it: real processes, a real data folder."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from content.config import ConfigError, load_config
from content.contract import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]


def main(*args, data_dir, check=True):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    if check and proc.returncode:
        raise AssertionError(f"main.py {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    bundle = tmp / "demo.zip"
    data = tmp / "data"
    out = main("build-demo", "--out", str(bundle), data_dir=data)
    assert "entries" in out.stdout
    main("import-bundle", str(bundle), data_dir=data)
    return bundle, data


def test_info_json_describes_the_cache(demo):
    _, data = demo
    info = json.loads(main("info", "--json", data_dir=data).stdout.strip().splitlines()[-1])
    assert info["entries"] >= 70
    assert info["counts"]["heritage"] >= 12 and info["counts"]["shop"] >= 14
    assert info["counts"]["food"] >= 8 and info["counts"]["stay"] >= 8
    assert info["media"]["count"] > 0 and info["media"]["bytes"] > 0
    assert info["schema_version"] == SCHEMA_VERSION
    assert info["cursor"] == ""  # the demo town is no back office's state
    assert info["last_import"]["ok"] is True


def test_search_json(demo):
    _, data = demo
    results = json.loads(main("search", "cath", "--lang", "fr", "--json", data_dir=data).stdout)
    assert results[0] == {"id": "demo:cathedrale", "kind": "heritage", "title": "Cathédrale Saint-Pierre"}
    results = json.loads(main("search", "kathedrale", "--lang", "de", "--json", data_dir=data).stdout)
    assert results[0]["id"] == "demo:cathedrale" and results[0]["title"].startswith("Kathedrale")


def test_info_on_an_empty_data_folder(tmp_path):
    info = json.loads(main("info", "--json", data_dir=tmp_path / "empty").stdout)
    assert info["empty"] is True and info["entries"] == 0


def test_a_bad_bundle_is_refused_and_the_old_content_stays(demo, tmp_path):
    bundle, data = demo
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bundle) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info) if info.filename != "entries.jsonl" else b'{"id": "x"}\n')
    before = json.loads(main("info", "--json", data_dir=data).stdout)
    proc = main("import-bundle", str(bad), data_dir=data, check=False)
    assert proc.returncode == 2
    assert "entries.jsonl does not match the sha256" in proc.stderr
    after = json.loads(main("info", "--json", data_dir=data).stdout)
    assert after["entries"] == before["entries"]
    assert after["last_import"]["ok"] is False
    assert "entries.jsonl" in after["last_import"]["errors"][0]
    main("import-bundle", str(bundle), data_dir=data)  # and the next good one lands


def test_environment_names_the_data_folder(demo):
    _, data = demo
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "info", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"BORNE_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"},
    )
    assert json.loads(proc.stdout)["data_dir"] == str(data)


def test_config_file_and_environment(tmp_path):
    (tmp_path / "borne.toml").write_text('commune = "15187"\nidle_seconds = 45\nkiosk_mode = true\n')
    config = load_config(tmp_path, env={"BORNE_KIOSK_TOKEN": "t0k", "BORNE_BACKOFFICE_URL": "http://127.0.0.1:9"})
    assert (config.commune, config.idle_seconds, config.kiosk_mode) == ("15187", 45, True)
    assert config.has_backoffice


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('idle_seconds = "soon"', "idle_seconds = 'soon' is not a int"),
        ("colour = 3", "unknown setting 'colour'"),
        ("commune = ", "borne.toml"),
    ],
)
def test_config_errors_name_the_key(tmp_path, text, message):
    (tmp_path / "borne.toml").write_text(text + "\n")
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path, env={})


def test_config_keeps_fractional_intervals(tmp_path):
    (tmp_path / "borne.toml").write_text("sync_minutes = 0.5\nalert_seconds = 2\n")
    config = load_config(tmp_path, env={})
    assert (config.sync_minutes, config.alert_seconds) == (0.5, 2.0)
    assert isinstance(config.alert_seconds, float)
