from pathlib import Path

import pytest

from kiosk.config import ConfigError, KioskSettings, parse_size


def test_parse_size():
    assert parse_size("1080x1920") == (1080, 1920)


@pytest.mark.parametrize("bad", ["1080", "x1920", "1080*1920", "big"])
def test_bad_size_names_the_value(bad):
    with pytest.raises(ConfigError, match=bad.replace("*", r"\*")):
        parse_size(bad)


def test_settings_refuse_a_short_idle_time_and_a_bad_pin():
    with pytest.raises(ConfigError, match="idle_seconds"):
        KioskSettings(data_dir=Path("."), idle_seconds=2)
    with pytest.raises(ConfigError, match="pin"):
        KioskSettings(data_dir=Path("."), pin="12")


def kiosk_config_in_a_new_process(tmp_path, env=None) -> dict:
    """What configure(kiosk_mode=True) leaves in Kivy's Config, from a process of its own (Kivy reads
    its configuration once per process)."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json\n"
        "from pathlib import Path\n"
        "from kiosk.config import configure\n"
        f"configure(kiosk_mode=True, kivy_home=Path({str(tmp_path)!r}))\n"
        "from kivy.config import Config\n"
        "keys = ('fullscreen', 'borderless', 'show_cursor', 'resizable')\n"
        "print(json.dumps({k: Config.get('graphics', k) for k in keys}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, **(env or {})},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_kiosk_mode_fills_the_display_without_a_border_a_cursor_or_a_resize(tmp_path):
    seen = kiosk_config_in_a_new_process(tmp_path)
    assert seen == {"fullscreen": "auto", "borderless": "1", "show_cursor": "0", "resizable": "0"}
