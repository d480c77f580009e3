"""The voice-prosody detector: Praat's voice report (parselmouth) and its logistic model on the generated labelled
set (espeak-ng TTS, Praat's LPC vocoder, against speech-like audio with human-like jitter and shimmer), and an
audio ALERT in a monitor that says which signals ran."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

pytest.importorskip("parselmouth")

from dfpn_detectors import Media, Verdict

from dfpn_realtime import (
    AlertEvent,
    AudioParams,
    Event,
    FakeClock,
    LocalDetectorsBackend,
    Monitor,
    MonitorConfig,
)
from dfpn_realtime.voice import MODEL, ProsodyModel, VoiceProsodyDetector
from dfpn_realtime.voiceset import make

from helpers import silence, to_int16, wav_samples, white_noise

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng (apt) is the TTS class"
)


def verdicts(detector: VoiceProsodyDetector, cls: str, seeds: range, variant: str = "clean") -> list[Verdict]:
    return [
        detector.analyze(Media(data=make(cls, variant, s).wav, mime_type="audio/wav")).verdict for s in seeds
    ]


@needs_espeak
def test_synthesizers_are_caught_and_human_like_voices_are_not() -> None:
    # Given held-out seeds (the model was fitted on seeds 1000-1059) of each class, clean and with 20 dB of noise
    detector = VoiceProsodyDetector()
    seeds = range(8)
    natural = [*verdicts(detector, "natural", seeds), *verdicts(detector, "natural", seeds, "noisy")]
    synthetic = [
        *verdicts(detector, "espeak", seeds),
        *verdicts(detector, "lpc-vocoder", seeds),
        *verdicts(detector, "lpc-vocoder", seeds, "noisy"),
    ]
    # Then no human-like voice is called Manipulated, and most synthesized ones are
    assert Verdict.MANIPULATED not in natural and natural.count(Verdict.AUTHENTIC) >= 10
    assert synthetic.count(Verdict.MANIPULATED) >= 20, synthetic
    # Control: the same measurements with the model's weights negated get it backwards (the test can fail)
    flipped = VoiceProsodyDetector(
        model=ProsodyModel(
            mean=MODEL.mean, scale=MODEL.scale, weights=tuple(-w for w in MODEL.weights), bias=-MODEL.bias
        )
    )
    assert verdicts(flipped, "natural", seeds).count(Verdict.MANIPULATED) >= 4


def test_no_voice_is_could_not_tell() -> None:
    # Given silence and broadband noise (no voiced speech), Then Inconclusive and not "nothing found"
    detector = VoiceProsodyDetector()
    for audio in (silence(3), white_noise(3)):
        from dfpn_realtime.media import encode_wav

        a = detector.analyze(Media(data=encode_wav(audio), mime_type="audio/wav"))
        assert (a.verdict, a.clean) == (Verdict.INCONCLUSIVE, False) and "voiced speech" in a.notes
    # Control: a voice gets an answer, with Praat's measurements in its notes
    a = detector.analyze(Media(data=make("natural", "clean", 0).wav, mime_type="audio/wav"))
    assert a.verdict is Verdict.AUTHENTIC and "jitter_local" in a.notes


def stream(cls: str, seeds: range) -> np.ndarray:
    """Several 3 s chunks of one class back to back, as one participant's microphone."""
    return np.concatenate(
        [wav_samples(make(cls, "clean", s).wav)[1].astype(np.float32) / 32768 for s in seeds]
    )


async def run_microphone(audio: np.ndarray) -> list[Event]:
    events: list[Event] = []

    async def on_event(e: Event) -> None:
        events.append(e)

    clock = FakeClock()
    cfg = MonitorConfig.from_env({}, audio=AudioParams(vad="none", interval=0, burst_interval=0))
    backend = LocalDetectorsBackend(names=["voice-prosody", "voice-spectral"])
    async with Monitor(cfg, backend=backend, notification_cb=on_event, clock=clock) as m:
        for i in range(0, len(audio) - 320, 320):
            if m.feed_audio("mallory", "microphone", to_int16(audio[i : i + 320]), 16_000, 1):
                await m.drain()
            clock.advance(0.02)
        await m.drain()
    return events


async def test_a_vocoded_voice_raises_an_audio_alert_that_names_its_signals() -> None:
    # Given a participant whose voice goes through an LPC vocoder (five 3 s chunks)
    events = await run_microphone(stream("lpc-vocoder", range(20, 25)))
    # Then the microphone track reaches ALERT, and the event says which signals ran and what they said
    alerts = [e for e in events if isinstance(e, AlertEvent) and e.level.value == "alert"]
    assert alerts, events
    alert = alerts[0]
    assert alert.kind == "audio" and alert.track_id == "microphone"
    signals = {s.detector: s.verdict for s in alert.signals}
    assert signals["voice-prosody"] == "Manipulated" and "voice-spectral" in signals
    # Control: a human-like voice through the same monitor raises nothing
    assert await run_microphone(stream("natural", range(20, 25))) == []
