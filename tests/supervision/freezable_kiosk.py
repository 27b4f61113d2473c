"""``python freezable_kiosk.py FREEZE_FILE main.py-args…``: the real kiosk, whose UI loop blocks
forever once FREEZE_FILE appears (a stand-in for a draw that never returns). Nothing else changes."""

import sys
import time
from pathlib import Path

import kiosk.launch as launch

freeze = Path(sys.argv[1])
real_build = launch.build_app


def build_app(settings, **kw):
    app = real_build(settings, **kw)
    from kivy.clock import Clock

    def maybe_freeze(*_args):
        if freeze.exists():
            freeze.unlink()
            time.sleep(3600)  # the UI loop is stuck here: no frame, no touch, no watchdog ping

    Clock.schedule_interval(maybe_freeze, 0.1)
    return app


launch.build_app = build_app
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import main  # noqa: E402

sys.exit(main.main(sys.argv[2:]))
