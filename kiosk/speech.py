"""Speech output: one small interface, an engine that speaks in its own thread, and its backends.

``SpeechEngine(backend).say(text, lang)`` returns at once: the text goes to a queue that a worker
thread (started on the first ``say``, never at import) hands to the backend. A new ``say``
interrupts what is being said (a visitor moving on does not want to hear the previous item out);
``stop()`` silences it; ``close()`` ends the thread. The UI thread never waits on a voice.

Backends (``speak(text, lang, volume)`` blocking until done or stopped, ``stop()`` from any thread):

- :class:`EspeakBackend`: the ``espeak-ng`` command (Debian package, every kiosk language), one
  process per utterance, played by espeak-ng itself or written to a WAV file;
- :class:`RecordingBackend`: the tests' fake, which records what would have been said.
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

#: espeak-ng's voice for each interface language.
VOICES = {"fr": "fr-fr", "en": "en-gb", "de": "de", "es": "es", "it": "it", "nl": "nl"}
VOLUME_STEPS = (25, 50, 75, 100)  # % of the voice's full loudness, what the volume buttons step through
DEFAULT_VOLUME = 75


class SpeechError(RuntimeError):
    """The speech backend cannot speak (e.g. espeak-ng is not installed)."""


class EspeakBackend:
    """``espeak-ng -v <voice> -a <amplitude> -s <words a minute>``; ``wav_dir``: write WAV files there instead."""

    def __init__(self, *, command: str = "espeak-ng", words_per_minute: int = 150, wav_dir: Path | None = None):
        path = shutil.which(command)
        if path is None:
            raise SpeechError(f"{command!r} is not installed (Debian: apt install espeak-ng)")
        self.command = path
        # the voice yields the processor to the screen (its synthesis runs far ahead of playback anyway)
        self.nice = [nice, "-n", "10"] if (nice := shutil.which("nice")) else []
        self.words_per_minute = words_per_minute
        self.wav_dir = wav_dir
        self._proc: subprocess.Popen | None = None
        self._cancelled = False
        self._lock = threading.Lock()
        self._count = 0

    def argv(self, text: str, lang: str, volume: int) -> list[str]:
        amplitude = max(0, min(200, round(volume * 2)))  # espeak-ng: 0-200, 100 its default
        argv = [self.command, "-v", VOICES.get(lang, "fr-fr"), "-a", str(amplitude), "-s", str(self.words_per_minute)]
        if self.wav_dir is not None:
            self._count += 1
            argv += ["-w", str(self.wav_dir / f"speech-{self._count:04d}.wav")]
        return [*self.nice, *argv, "--", text]

    def start(self, argv: list[str], *, stdout=subprocess.DEVNULL) -> subprocess.Popen | None:
        """Start espeak-ng; None when :meth:`stop` came meanwhile. The lock is never held while the
        process starts (that takes milliseconds, more on a busy board): ``stop()``, called from the UI
        thread, must never wait for it."""
        with self._lock:
            self._cancelled = False
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE)
        with self._lock:
            self._proc, cancelled = proc, self._cancelled
        if cancelled:
            proc.terminate()
            proc.communicate()
            return None
        return proc

    def speak(self, text: str, lang: str, volume: int) -> None:
        proc = self.start(self.argv(text, lang, volume))
        if proc is None:
            return
        _out, err = proc.communicate()
        if proc.returncode not in (0, -15) and err:  # -15: stopped by us
            log.warning("espeak-ng failed (%s): %s", proc.returncode, err.decode(errors="replace").strip()[:200])

    def stop(self) -> None:
        with self._lock:
            self._cancelled = True
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()


@dataclass
class RecordingBackend:
    """Records ``(lang, text)`` instead of speaking (tests, and a kiosk without a voice)."""

    said: list[tuple[str, str]] = field(default_factory=list)
    volumes: list[int] = field(default_factory=list)
    stops: int = 0

    def speak(self, text: str, lang: str, volume: int) -> None:
        self.said.append((lang, text))
        self.volumes.append(volume)

    def stop(self) -> None:
        self.stops += 1


_CLOSE = object()


class SpeechEngine:
    """Speaks through ``backend`` in a thread of its own; ``on_start(text)`` is called (in that thread)
    as each utterance starts (the latency bench listens there)."""

    def __init__(self, backend, *, on_start: Callable[[str], None] | None = None):
        self.backend = backend
        self.volume = DEFAULT_VOLUME
        self.on_start = on_start
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._generation = 0  # bumped by stop(): utterances queued before it are dropped
        self._busy = threading.Event()

    def say(self, text: str, lang: str, *, interrupt: bool = True) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if interrupt:
            self.stop()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
            self._thread.start()
        self._queue.put((self._generation, text, lang))

    def stop(self) -> None:
        """Silence now: drop what is queued and stop what is being said."""
        self._generation += 1
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        if self._busy.is_set():
            self.backend.stop()

    def idle(self, timeout: float = 0.0) -> bool:
        """True once nothing is queued nor being said (waiting up to ``timeout`` s)."""
        end = time.monotonic() + timeout
        while True:
            if self._queue.empty() and not self._busy.is_set():
                return True
            if time.monotonic() >= end:
                return False
            time.sleep(0.01)

    def close(self) -> None:
        self.stop()
        if self._thread is not None:
            self._queue.put(_CLOSE)
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _CLOSE:
                return
            generation, text, lang = item
            if generation != self._generation:
                continue
            self._busy.set()
            if generation != self._generation:  # stopped in between
                self._busy.clear()
                continue
            try:
                if self.on_start is not None:
                    self.on_start(text)
                self.backend.speak(text, lang, self.volume)
            except Exception:  # a voice failing must never take the kiosk down
                log.exception("speech failed")
            finally:
                self._busy.clear()


def default_engine() -> SpeechEngine:
    """espeak-ng when installed, else an engine that only records (the screen works the same, silently)."""
    try:
        backend = EspeakBackend()
    except SpeechError as exc:
        log.warning("no speech: %s", exc)
        backend = RecordingBackend()
    return SpeechEngine(backend)
