"""A plain text progress bar for management commands (stderr; redrawn in place on a terminal)."""

from __future__ import annotations


class ProgressBar:
    """``bar = ProgressBar(stream, "file.json")``; ``bar(done, total, label)``; ``bar.close()``.

    On a terminal the line is redrawn with ``\\r``; elsewhere (logs, tests) a line is written at each
    tenth so a log file stays short.
    """

    def __init__(self, stream, title: str, *, width: int = 30):
        self.stream = stream
        self.title = title
        self.width = width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_step = -1
        self._drawn = False

    def __call__(self, done: int, total: int, label: str = "") -> None:
        total = max(total, 1)
        done = min(max(done, 0), total)
        filled = self.width * done // total
        phase = label.split(" ", 1)[0]
        line = f"{self.title} {phase:<5} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if self.tty:
            self.stream.write("\r" + line[:150].ljust(80))
            self.stream.flush()
            self._drawn = True
            return
        step = (phase, 10 * done // total)
        if step != self._last_step:
            self._last_step = step
            self.stream.write(line + "\n")

    def close(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
