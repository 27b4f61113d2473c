"""kiosk.upkeep without a window: a restart asked by the sync waits for the visitor to leave."""

import datetime as dt

from kiosk.screen_power import ScreenPower
from kiosk.upkeep import RESTART_FILE, Upkeep


def test_a_restart_waits_until_the_app_agrees(tmp_path):
    busy = [True]
    stops = []

    def restart():
        if busy[0]:
            return False
        stops.append(1)
        return True

    upkeep = Upkeep(
        data_dir=tmp_path,
        screen=ScreenPower([], data_dir=tmp_path),
        now=lambda: dt.datetime(2026, 12, 5, 12, 0),
        restart=restart,
    )
    (tmp_path / RESTART_FILE).write_text("x")
    upkeep.tick()
    assert stops == [] and (tmp_path / RESTART_FILE).exists()  # a visitor is using the screen
    busy[0] = False
    upkeep.tick()
    assert stops == [1] and not (tmp_path / RESTART_FILE).exists()
