"""Switching the screen on and off by the town's hours, with whatever this kiosk's display allows.

Backends, tried in this order when present (detected once, at start):

- ``wlr-randr``: a wlroots compositor's output power (cage, labwc, sway);
- ``xset``: X11's DPMS (Weston's XWayland and plain X sessions);
- ``cec-ctl``: HDMI-CEC standby / image-view-on, for a television that ignores a lost signal;
- ``ddcutil``: DDC/CI's power-mode VCP (D6), for monitors that go on showing "no signal";
- ``fake``: nothing but a record (tests, the soak bench; ``BORNE_SCREEN_BACKEND=fake``).

When a backend fails the next one is tried; when none works the screen stays on and the failure is
logged and reported. What was done goes to ``<data>/screen-state.json`` (the sync puts it in the
heartbeat). No Kivy here: :class:`ScreenPower` is driven by the kiosk's clock (``kiosk.upkeep``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from content.kiosk_settings import ScreenSchedule

log = logging.getLogger(__name__)

STATE_FILE = "screen-state.json"
COMMAND_TIMEOUT = 10.0


class ScreenPowerError(RuntimeError):
    """A backend could not switch the screen; the message says which command and why."""


class Backend:
    name = "none"

    def set(self, on: bool) -> None:
        raise NotImplementedError


class CommandBackend(Backend):
    """A backend that runs one command to switch on and one to switch off."""

    def __init__(self, on: list[str], off: list[str], *, run=subprocess.run):
        self.commands = {True: on, False: off}
        self.run = run

    def set(self, on: bool) -> None:
        argv = self.commands[on]
        try:
            done = self.run(argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ScreenPowerError(f"{' '.join(argv)}: {exc}") from None
        if done.returncode != 0:
            detail = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
            raise ScreenPowerError(f"{' '.join(argv)}: {detail[0]}")


class WlrRandr(CommandBackend):
    name = "wlr-randr"

    def __init__(self, output: str, **kw):
        super().__init__(["wlr-randr", "--output", output, "--on"], ["wlr-randr", "--output", output, "--off"], **kw)


class XDpms(CommandBackend):
    name = "xset"

    def __init__(self, **kw):
        super().__init__(["xset", "dpms", "force", "on"], ["xset", "dpms", "force", "off"], **kw)


class CecCtl(CommandBackend):
    name = "cec-ctl"

    def __init__(self, device: str = "/dev/cec0", **kw):
        base = ["cec-ctl", "-d", device, "--to", "0"]
        super().__init__([*base, "--image-view-on"], [*base, "--standby"], **kw)


class Ddcutil(CommandBackend):
    name = "ddcutil"

    def __init__(self, **kw):
        super().__init__(["ddcutil", "setvcp", "D6", "1"], ["ddcutil", "setvcp", "D6", "5"], **kw)


class FakeBackend(Backend):
    """Records what it was asked; ``fail`` makes it refuse (a backend that went missing)."""

    name = "fake"

    def __init__(self):
        self.calls: list[bool] = []
        self.fail: str | None = None

    def set(self, on: bool) -> None:
        if self.fail:
            raise ScreenPowerError(self.fail)
        self.calls.append(on)


def wlr_output(run=subprocess.run) -> str | None:
    """The first output wlr-randr lists (its lines without indentation are outputs)."""
    try:
        done = run(["wlr-randr"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in done.stdout.splitlines():
        if line and not line[0].isspace():
            return line.split()[0]
    return None


def detect(env=None, *, which: Callable[[str], str | None] = shutil.which, exists=os.path.exists, run=subprocess.run):
    """The backends this kiosk can use, best first (``BORNE_SCREEN_BACKEND`` picks one by name)."""
    env = os.environ if env is None else env
    wanted = env.get("BORNE_SCREEN_BACKEND", "")
    if wanted == "fake":
        return [FakeBackend()]
    found: list[Backend] = []
    if env.get("WAYLAND_DISPLAY") and which("wlr-randr") and (output := wlr_output(run)):
        found.append(WlrRandr(output, run=run))
    if env.get("DISPLAY") and which("xset"):
        found.append(XDpms(run=run))
    if which("cec-ctl") and exists("/dev/cec0"):
        found.append(CecCtl(run=run))
    if which("ddcutil") and exists("/dev/i2c-0"):
        found.append(Ddcutil(run=run))
    if wanted:
        found = [b for b in found if b.name == wanted]
    return found


class ScreenPower:
    """Follows the schedule; a touch at night lights the screen for ``wake_minutes``."""

    def __init__(self, backends: list[Backend], *, data_dir: Path, schedule: ScreenSchedule | None = None):
        self.backends = list(backends)
        self.data_dir = Path(data_dir)
        self.schedule = schedule
        self.on: bool | None = None  # unknown until the first change
        self.woken_until: dt.datetime | None = None
        self.last: dict = {}

    def set_schedule(self, schedule: ScreenSchedule | None) -> None:
        self.schedule = schedule

    def wanted(self, now: dt.datetime) -> bool:
        if self.schedule is None:
            return True
        if self.woken_until is not None and now < self.woken_until:
            return True
        return self.schedule.is_on(now)

    def tick(self, now: dt.datetime) -> None:
        """Switch when the schedule says so (``now``: local time). Does nothing while in line with it."""
        if self.schedule is None and not self.backends:
            return  # nothing asked, nothing possible: the screen stays as the display left it (on)
        wanted = self.wanted(now)
        if wanted != self.on:
            reason = "woken by a touch" if wanted and self.schedule and not self.schedule.is_on(now) else "schedule"
            self.switch(wanted, now, reason=reason)

    def touched(self, now: dt.datetime) -> bool:
        """A touch while the screen is off: True when it lit it (the touch is then only a wake-up)."""
        if self.on is not False or self.schedule is None or not self.schedule.wake_minutes:
            return False
        self.woken_until = now + dt.timedelta(minutes=self.schedule.wake_minutes)
        self.switch(True, now, reason="woken by a touch")
        return True

    def switch(self, on: bool, now: dt.datetime, *, reason: str) -> None:
        errors = []
        for backend in self.backends:
            try:
                backend.set(on)
            except ScreenPowerError as exc:
                errors.append(f"{backend.name}: {exc}")
                continue
            self.on = on
            self._report(backend.name, "on" if on else "off", on, now, reason, "; ".join(errors))
            log.info("screen %s by %s (%s)", "on" if on else "off", backend.name, reason)
            return
        # Nothing could switch it: the screen stays as it is (lit, most likely) and that is said.
        self.on = on  # do not retry every tick; the next change of schedule tries again
        message = "; ".join(errors) or "no screen power backend found (wlr-randr, xset, cec-ctl, ddcutil)"
        self._report("none", "unknown", on, now, reason, message)
        log.warning("screen not switched %s: %s", "on" if on else "off", message)

    def _report(self, backend: str, state: str, wanted: bool, now: dt.datetime, reason: str, error: str) -> None:
        self.last = {
            "backend": backend,
            "state": state,
            "action": f"{'on' if wanted else 'off'}: {reason}",
            "at": now.isoformat(timespec="seconds"),
            "error": error,
        }
        path = self.data_dir / STATE_FILE
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_text(json.dumps(self.last, sort_keys=True), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            log.warning("cannot write %s: %s", path, exc)
