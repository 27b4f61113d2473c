"""Speech benchmark: from a tap to the first sound, and the frames drawn while the kiosk speaks.

    python bench/bench_speech.py [--runs 5] [--seconds 8] [--no-frames] [--json]
    (frames need a display: xvfb-run -a -s "-screen 0 1920x1920x24" .venv/bin/python bench/bench_speech.py)

1. Latency: for each language, ``SpeechEngine.say()`` (what audio mode's next/select zones call on
   a tap) to the first audible sample that espeak-ng produces (``--stdout``, read as it comes: its
   playback is the same stream, plus the sound card's buffer of a few tens of milliseconds).
2. Frames: the real kiosk app on the demo town in audio mode, a simulated tap on the "next" zone
   every 0.3 s (each interrupts the voice and starts espeak-ng again) while every frame is stamped;
   prints the longest gap between frames, how many exceed 100 ms, and the time from each tap's
   release to its first audible sample (event loop, reading, thread, espeak-ng start and synthesis).
"""

from __future__ import annotations

import argparse
import array
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kiosk.speech import EspeakBackend, SpeechEngine  # noqa: E402

SENTENCES = {
    "fr": "Cathédrale Saint-Pierre. Ouvert, ferme à 19 h.",
    "en": "Saint Peter's Cathedral. Open, closes at 7 PM.",
    "de": "Kathedrale Sankt Peter. Geöffnet, schließt um 19 Uhr.",
    "es": "Catedral de San Pedro. Abierto, cierra a las 19.",
    "it": "Cattedrale di San Pietro. Aperto, chiude alle 19.",
    "nl": "Sint-Pieterskathedraal. Open, sluit om 19 uur.",
}
AUDIBLE = 500  # |sample| above this (16-bit) counts as sound


class FirstSoundProbe(EspeakBackend):
    """espeak-ng writing its sound to a pipe; notes when the first audible sample arrives."""

    def __init__(self):
        super().__init__()
        self.first_sound = threading.Event()
        self.at = 0.0

    def speak(self, text, lang, volume):
        argv = self.argv(text, lang, volume)
        argv.insert(-2, "--stdout")
        proc = self.start(argv, stdout=subprocess.PIPE)
        if proc is None:
            return
        header = proc.stdout.read(44)
        while header and not self.first_sound.is_set():
            chunk = proc.stdout.read1(4096) if hasattr(proc.stdout, "read1") else proc.stdout.read(4096)
            if not chunk:
                break
            samples = array.array("h", chunk[: len(chunk) // 2 * 2])
            if any(abs(s) > AUDIBLE for s in samples):
                self.at = time.perf_counter()
                self.first_sound.set()
        proc.communicate()


def latency(runs: int) -> dict:
    out = {}
    for lang, text in SENTENCES.items():
        times = []
        for _ in range(runs):
            probe = FirstSoundProbe()
            engine = SpeechEngine(probe)
            t0 = time.perf_counter()
            engine.say(text, lang)
            if not probe.first_sound.wait(10):
                raise RuntimeError(f"no sound from espeak-ng for {lang}")
            times.append((probe.at - t0) * 1000)
            engine.idle(timeout=10)
            engine.close()
        out[lang] = {"median_ms": statistics.median(times), "max_ms": max(times)}
    return out


def frames(seconds: float, *, voice: bool = True) -> dict:
    """The kiosk in audio mode, stepping every 0.3 s; frame gaps while it speaks (``voice=False``: the
    same walk with a silent recorder, to tell the voice's share from the screens')."""
    data_dir = Path(tempfile.mkdtemp(prefix="borne-bench-speech-"))
    from kiosk.config import KioskSettings
    from kiosk.launch import build_app, prepare_data

    prepare_data(data_dir)
    settings = KioskSettings(data_dir=data_dir, kiosk_mode=False, size=(1080, 1920), idle_seconds=3600)

    class Speaking(FirstSoundProbe):  # every step really synthesises; notes each utterance's first sound
        sounds: list[float] = []

        def speak(self, text, lang, volume):
            self.first_sound.clear()
            super().speak(text, lang, volume)
            if self.first_sound.is_set():
                self.sounds.append(self.at)

    from kiosk.speech import RecordingBackend

    app = build_app(settings, speech=SpeechEngine(Speaking() if voice else RecordingBackend()))
    stamps: list[float] = []
    marks: list[tuple[float, str]] = []
    releases: list[float] = []
    result: dict = {}

    handler_ms: list[float] = []

    def timed(method):
        def run(*args):
            t0 = time.perf_counter()
            method(*args)
            handler_ms.append((time.perf_counter() - t0) * 1000)

        return run

    def script():
        from kivy.clock import Clock

        app.audio.step = timed(app.audio.step)  # the zone's handler on the UI thread: reading, queueing the text
        app.go_home()
        app.audio.start()
        yield 0.5
        app.open_list("heritage")
        yield 0.5
        Clock.schedule_interval(lambda _dt: stamps.append(time.perf_counter()), 0)
        end = time.perf_counter() + seconds
        steps = 0
        while time.perf_counter() < end:
            from kiosk.touch import center_of, press

            marks.append((time.perf_counter(), "next"))
            touch = press(*center_of(app.audio._bar.ids.next))  # a visitor's tap on the "next" zone
            yield 0.05
            releases.append(time.perf_counter())
            touch.up()  # the zone acts on release
            steps += 1
            if steps % 6 == 0:  # now and then into an entry and back: a screen change while speaking
                marks.append((time.perf_counter(), "open entry"))
                app.audio.select()
                yield 0.3
                marks.append((time.perf_counter(), "back"))
                app.back()
            yield 0.3
        result["steps"] = steps

    def run(*_args):
        from kivy.clock import Clock

        steps = script()

        def advance(_dt):
            try:
                Clock.schedule_once(advance, next(steps))
            except StopIteration:
                app.stop()

        Clock.schedule_once(advance, 1.0)

    app.bind(on_start=run)
    app.run()
    app.cache.close()
    app.usage.close()
    gaps = [(b - a) * 1000 for a, b in zip(stamps, stamps[1:], strict=False)]
    slow = []
    for a, b in zip(stamps, stamps[1:], strict=False):
        if (b - a) > 0.1:
            cause = [what for t, what in marks if a - 0.02 <= t <= b]
            slow.append({"gap_ms": round((b - a) * 1000), "during": ", ".join(cause) or "?"})
    result["slow"] = slow
    result["handler_ms"] = {"median": statistics.median(handler_ms), "max": max(handler_ms)} if handler_ms else {}
    if voice:
        sounds = sorted(Speaking.sounds)
        taps = []
        for t in releases:
            after = [s for s in sounds if s > t]
            if after and after[0] - t < 0.25:  # this tap's own sound (the next tap comes 0.3 s later)
                taps.append((after[0] - t) * 1000)
        result["tap_to_sound_ms"] = {
            "taps": len(taps),
            "median": statistics.median(taps) if taps else None,
            "max": max(taps) if taps else None,
        }
    result.update(
        {
            "frames": len(stamps),
            "max_gap_ms": max(gaps) if gaps else None,
            "p99_gap_ms": sorted(gaps)[int(len(gaps) * 0.99)] if gaps else None,
            "over_100ms": sum(1 for g in gaps if g > 100),
        }
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--no-frames", action="store_true")
    parser.add_argument("--silent", action="store_true", help="the frames' walk with a silent recorder (comparison)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = {"latency": latency(args.runs)}
    if not args.no_frames and os.environ.get("DISPLAY"):
        result["frames"] = frames(args.seconds, voice=not args.silent)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("tap -> first audible sample (espeak-ng, SpeechEngine.say to the sound stream)")
    print(f"{'lang':6}{'median ms':>12}{'max ms':>10}")
    for lang, row in result["latency"].items():
        print(f"{lang:6}{row['median_ms']:12.0f}{row['max_ms']:10.0f}")
    if "frames" in result:
        f = result["frames"]
        print(
            f"\nframes while speaking ({f['steps']} steps in {args.seconds:.0f} s): {f['frames']} frames, "
            f"longest gap {f['max_gap_ms']:.0f} ms, p99 {f['p99_gap_ms']:.0f} ms, {f['over_100ms']} over 100 ms"
            + (" (silent recorder)" if args.silent else " (espeak-ng speaking)")
        )
        for row in f["slow"]:
            print(f"  {row['gap_ms']} ms during: {row['during']}")
        if f["handler_ms"]:
            print(
                f"the 'next' zone's handler on the UI thread: median {f['handler_ms']['median']:.2f} ms, "
                f"max {f['handler_ms']['max']:.2f} ms"
            )
        if "tap_to_sound_ms" in f and f["tap_to_sound_ms"]["taps"]:
            t = f["tap_to_sound_ms"]
            print(
                f"tap on 'next' (release) -> first audible sample, in the running kiosk: median {t['median']:.0f} ms, "
                f"max {t['max']:.0f} ms over {t['taps']} taps"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
