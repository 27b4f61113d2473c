"""The speech engine (kiosk/speech.py): a thread that speaks what the UI queues, and the real espeak-ng."""

from __future__ import annotations

import array
import shutil
import threading
import time
import wave

import pytest

from kiosk.speech import EspeakBackend, RecordingBackend, SpeechEngine


class SlowBackend(RecordingBackend):
    """Speaks until stopped (a long text), so that interrupting can be seen."""

    def __init__(self):
        super().__init__()
        self._stop = threading.Event()

    def speak(self, text, lang, volume):
        self._stop.clear()
        super().speak(text, lang, volume)
        self._stop.wait(5)

    def stop(self):
        super().stop()
        self._stop.set()


def until(condition, timeout=2.0):
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        time.sleep(0.01)
    return condition()


def test_engine_speaks_in_order_in_its_own_thread():
    backend = RecordingBackend()
    engine = SpeechEngine(backend)
    engine.volume = 50
    engine.say("Bonjour", "fr")
    engine.say("Hello", "en", interrupt=False)
    assert engine.idle(timeout=2)
    assert backend.said == [("fr", "Bonjour"), ("en", "Hello")]
    assert backend.volumes == [50, 50]
    engine.close()


def test_a_new_text_interrupts_the_one_being_said_and_stop_silences():
    backend = SlowBackend()
    engine = SpeechEngine(backend)
    engine.say("Un très long texte", "fr")
    assert until(lambda: len(backend.said) == 1)
    engine.say("Suivant", "fr")  # the first text is cut short: the second starts well before 5 s
    assert until(lambda: len(backend.said) == 2)
    assert backend.stops == 1
    assert not engine.idle()
    engine.stop()
    assert engine.idle(timeout=1)
    assert backend.stops == 2
    assert backend.said == [("fr", "Un très long texte"), ("fr", "Suivant")]
    engine.close()


def test_blank_text_says_nothing():
    backend = RecordingBackend()
    engine = SpeechEngine(backend)
    engine.say("  \n ", "fr")
    assert engine.idle(timeout=1)
    assert backend.said == []


@pytest.mark.parametrize(("lang", "voice"), [("fr", "fr-fr"), ("en", "en-gb"), ("nl", "nl"), ("xx", "fr-fr")])
def test_espeak_voice_and_volume_follow_the_language_and_the_setting(lang, voice):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    argv = EspeakBackend().argv("Texte", lang, 50)
    assert argv[argv.index("-v") + 1] == voice
    assert argv[argv.index("-a") + 1] == "100"
    assert argv[-2:] == ["--", "Texte"]  # a text starting with "-" is not read as an option


def test_real_espeak_writes_speech_that_is_not_silent(tmp_path):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    engine = SpeechEngine(EspeakBackend(wav_dir=tmp_path))
    engine.say("Bienvenue à Saint-Flour. La cathédrale est ouverte.", "fr")
    assert engine.idle(timeout=20)
    engine.close()
    [path] = sorted(tmp_path.glob("*.wav"))
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2
        seconds = wav.getnframes() / wav.getframerate()
        samples = array.array("h", wav.readframes(wav.getnframes()))
    assert seconds > 1.0
    loud = sum(1 for s in samples if abs(s) > 1000)
    assert loud / len(samples) > 0.05, "the WAV is (nearly) silent"
