"""systemd's notify protocol, spoken by the kiosk and the sync processes (stdlib only).

A service with ``Type=notify`` tells systemd it is ready (``READY=1``), alive (``WATCHDOG=1``) and
what it is doing (``STATUS=…``) by sending one datagram to the Unix socket named in
``$NOTIFY_SOCKET`` (an ``@`` at its start means Linux's abstract namespace). With ``WatchdogSec=``
systemd sets ``$WATCHDOG_USEC`` and restarts the service when no ``WATCHDOG=1`` came for that
long. Outside systemd (a developer's shell, tests without a socket) every call does nothing.

Kept here, beside the contract, because both processes speak it and they never import each other.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


class Notifier:
    """Sends notify messages to one socket; ``Notifier.from_env()`` reads systemd's variables."""

    def __init__(self, address: str | None = None, *, watchdog_usec: int | None = None, pid: int | None = None):
        self.address = address or None
        self.watchdog_usec = watchdog_usec if watchdog_usec and watchdog_usec > 0 else None
        self.pid = pid
        self._sock: socket.socket | None = None
        self._failed = False

    @classmethod
    def from_env(cls, env=None) -> Notifier:
        env = os.environ if env is None else env
        usec = env.get("WATCHDOG_USEC", "")
        # WATCHDOG_PID is not checked: the kiosk runs as cage's child and pings on purpose for the
        # service (its unit says NotifyAccess=all); systemd accepts pings from any process of the unit.
        return cls(env.get("NOTIFY_SOCKET"), watchdog_usec=int(usec) if usec.isdigit() else None)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    @property
    def watchdog_seconds(self) -> float | None:
        """systemd's WatchdogSec, or None when no watchdog is set for this process."""
        return self.watchdog_usec / 1e6 if self.watchdog_usec else None

    def ping_interval(self, default: float = 10.0) -> float:
        """How often to ping: half of WatchdogSec, as sd_watchdog_enabled(3) advises."""
        seconds = self.watchdog_seconds
        return seconds / 2 if seconds else default

    def send(self, *fields: str) -> bool:
        """Send ``fields`` (``"READY=1"``, ``"STATUS=…"``) as one message; False when nothing was sent."""
        if self.address is None:
            return False
        message = "\n".join(fields).encode()
        address = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(message, address)
        except OSError as exc:
            if not self._failed:  # a transition, not every ping
                log.warning("cannot notify systemd at %s: %s", self.address, exc)
                self._failed = True
            return False
        if self._failed:
            log.warning("notifying systemd works again")
            self._failed = False
        return True

    def ready(self, status: str = "") -> bool:
        return self.send("READY=1", *([f"STATUS={status}"] if status else []))

    def ping(self) -> bool:
        return self.send("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={text}")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
