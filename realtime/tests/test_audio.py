"""Voice-gated audio sampling: VAD gating, 16 kHz mono chunks, the interval, on a fake clock."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from dfpn_realtime import AudioParams
from dfpn_realtime.audio import AudioSampler, EnergyVad, SileroVad, find_silero_model
from dfpn_realtime.state import Level

from helpers import silence, to_int16, voiced, white_noise


def feed_stream(
    sampler: AudioSampler,
    audio: np.ndarray,
    rate: int,
    *,
    channels: int = 1,
    start: float = 0.0,
    level: Level = Level.CLEAR,
) -> list[tuple[float, np.ndarray]]:
    """Feed interleaved audio in 20 ms frames; returns (time, chunk) for every chunk produced."""
    step = rate // 50
    out = []
    frames = len(audio) // channels
    for i in range(0, frames, step):
        t = start + i / rate
        piece = audio[i * channels : (i + step) * channels]
        chunk = sampler.feed(to_int16(piece), rate, channels, t, level)
        if chunk is not None:
            out.append((t, chunk))
    return out


def test_silence_produces_nothing() -> None:
    # Given a track with the energy VAD, When 20 s of room noise arrive, Then no chunk and nothing kept
    s = AudioSampler(AudioParams(vad="energy"))
    assert feed_stream(s, silence(20), 16_000) == []
    assert s.speech_samples == 0
    # Control: a voice after the silence is collected by the same sampler
    assert len(feed_stream(s, voiced(4), 16_000, start=20)) == 1


def test_speech_gives_one_3s_chunk_at_16k_mono_from_48k_stereo() -> None:
    # Given 48 kHz stereo audio: 1 s of silence, then 4 s of speech
    mono = np.concatenate([silence(1, 48_000), voiced(4, 48_000)])
    stereo = np.repeat(mono, 2)
    s = AudioSampler(AudioParams(vad="energy"))
    # When fed in 20 ms frames
    chunks = feed_stream(s, stereo, 48_000, channels=2)
    # Then exactly one chunk of 48 000 samples (3 s at 16 kHz), ready ~3 s after the speech started
    assert len(chunks) == 1
    t, chunk = chunks[0]
    assert chunk.shape == (48_000,) and chunk.dtype == np.float32
    assert 3.9 <= t <= 4.3
    # And it is the speech, resampled: its pitch (140 Hz fundamental) is where it was
    spectrum = np.abs(np.fft.rfft(chunk))
    freqs = np.fft.rfftfreq(len(chunk), 1 / 16_000)
    assert 120 <= freqs[spectrum[freqs > 50].argmax() + (freqs <= 50).sum()] <= 160


def test_only_speech_is_kept_across_pauses() -> None:
    # Given speech in 1 s bursts separated by 2 s pauses
    parts = []
    for i in range(5):
        parts += [voiced(1, seed=i), silence(2, seed=10 + i)]
    s = AudioSampler(AudioParams(vad="energy"))
    chunks = feed_stream(s, np.concatenate(parts), 16_000)
    # Then the 3 s chunk is completed in the third burst: each burst counts 1 s of speech plus the VAD's
    # ~0.3 s hangover, and the rest of each pause is not collected (else it would be complete at 3 s)
    assert len(chunks) == 1
    assert 6.0 <= chunks[0][0] <= 7.0


def test_broadband_noise_is_not_speech() -> None:
    # Given loud white noise (a fan, a bad microphone), Then the energy VAD keeps none of it
    s = AudioSampler(AudioParams(vad="energy"))
    assert feed_stream(s, white_noise(10), 16_000) == []
    # Control: a voice at a similar level is speech
    assert len(feed_stream(AudioSampler(AudioParams(vad="energy")), voiced(4, level=0.4), 16_000)) == 1


def test_at_most_one_chunk_per_interval_and_faster_when_suspicious() -> None:
    s = AudioSampler(AudioParams(vad="energy", interval=60, burst_interval=10))
    talk = voiced(100)
    # Given continuous speech for 100 s while CLEAR, Then chunks at ~3 s and ~63 s: one per 60 s
    times = [t for t, _ in feed_stream(s, talk, 16_000)]
    assert len(times) == 2 and times[1] - times[0] >= 60
    # And while SUSPICIOUS the interval is the burst interval (10 s)
    s2 = AudioSampler(AudioParams(vad="energy", interval=60, burst_interval=10))
    times = [t for t, _ in feed_stream(s2, voiced(40), 16_000, level=Level.SUSPICIOUS)]
    assert len(times) == 3 and all(b - a >= 10 for a, b in itertools.pairwise(times))


def test_external_speaking_signal_replaces_the_vad() -> None:
    # Given the integration says nobody speaks, When speech-like audio arrives, Then nothing is kept
    s = AudioSampler(AudioParams(vad="external"))
    assert feed_stream(s, voiced(5), 16_000) == []
    # When it says the user speaks, Then even quiet audio is collected
    s.external_speaking = True
    assert len(feed_stream(s, silence(3.1), 16_000, start=5)) == 1


def test_energy_vad_adapts_to_a_louder_room() -> None:
    # Given a steady hum (a fan: 100 Hz and its harmonics, -32 dBFS, no syllable rhythm) from the start
    t = np.arange(int(0.032 * 400 * 16_000)) / 16_000
    hum = (0.03 * sum(np.sin(2 * np.pi * 100 * k * t) / k for k in range(1, 6))).astype(np.float32)
    vad = EnergyVad()
    probs = [vad.probability(hum[i : i + 512]) for i in range(0, len(hum) - 512, 512)]
    # Then it is voiced at first, and once the noise floor has crept up to it (~2 s) it is not any more
    assert probs[:10] == [1.0] * 10 and probs[-100:] == [0.0] * 100


@pytest.mark.skipif(
    find_silero_model() is None, reason="no Silero VAD model installed (pipecat-ai ships one)"
)
@pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng (apt) makes the real speech for this test"
)
def test_silero_vad_on_real_speech(tmp_path: Path) -> None:
    # Given a spoken sentence (espeak-ng), 1 s of silence before it
    wav = tmp_path / "speech.wav"
    subprocess.run(
        [
            "espeak-ng",
            "-w",
            str(wav),
            "-s",
            "150",
            "This is a test of voice activity detection in a realtime call monitor, speaking for a few seconds.",
        ],
        check=True,
    )
    from helpers import wav_samples

    rate, pcm = wav_samples(wav.read_bytes())
    speech = pcm.astype(np.float32) / 32768
    audio = np.concatenate([silence(1, rate), speech, silence(1, rate)])
    # When the Silero VAD gates it
    s = AudioSampler(AudioParams(vad="silero"))
    assert isinstance(s.vad, SileroVad)
    chunks = feed_stream(s, audio, rate)
    # Then one 3 s chunk is cut from the speech, and the silence before it is not in it
    assert len(chunks) == 1 and chunks[0][0] > 1.0 + 3.0
    # And pure silence gives nothing
    s2 = AudioSampler(AudioParams(vad="silero"))
    assert feed_stream(s2, silence(10, rate), rate) == []
