"""A stand-in for systemd's side of the notify protocol: a datagram socket that collects messages,
and a small supervisor that restarts a process whose watchdog pings stop (as WatchdogSec does)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path


class NotifySocket:
    """Receives what a service sends to $NOTIFY_SOCKET."""

    def __init__(self, path: Path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.messages: list[str] = []

    def receive(self, timeout: float) -> list[str]:
        """Messages that arrive within ``timeout`` seconds (all of them, split into fields)."""
        end = time.monotonic() + timeout
        got = []
        while time.monotonic() < end:
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            got += data.decode().split("\n")
        self.messages += got
        return got

    def wait_for(self, field: str, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if field in self.receive(0.2):
                return True
        return False

    def close(self) -> None:
        self.sock.close()


class Supervisor:
    """Runs ``argv`` like a ``Type=notify`` unit with ``WatchdogSec=watchdog_s`` and ``Restart=always``."""

    def __init__(self, argv: list[str], *, sock: NotifySocket, watchdog_s: float, env: dict, cwd: Path):
        self.argv, self.sock, self.watchdog_s = argv, sock, watchdog_s
        self.env = {**env, "NOTIFY_SOCKET": sock.path, "WATCHDOG_USEC": str(int(watchdog_s * 1e6))}
        self.cwd = cwd
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.watchdog_kills = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd)
        self.starts += 1

    def run(self, seconds: float, *, until=None) -> None:
        """Supervise for ``seconds``: kill the process when it has not pinged for watchdog_s, restart it."""
        end = time.monotonic() + seconds
        last = time.monotonic()
        while time.monotonic() < end:
            fields = self.sock.receive(0.2)
            if "WATCHDOG=1" in fields or "READY=1" in fields:
                last = time.monotonic()
            if self.proc.poll() is not None:
                self.start()
                last = time.monotonic()
            elif time.monotonic() - last > self.watchdog_s:
                self.proc.send_signal(signal.SIGABRT)  # WatchdogSignal=SIGABRT, then SIGKILL
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
                self.watchdog_kills += 1
                self.start()
                last = time.monotonic()
            if until is not None and until():
                return

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
