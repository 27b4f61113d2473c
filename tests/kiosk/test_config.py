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
