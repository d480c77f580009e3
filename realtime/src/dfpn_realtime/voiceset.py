"""A generated, labelled set of 3 s speech chunks (16 kHz mono, as the monitor sends them) to measure
`dfpn_realtime.voice.VoiceProsodyDetector` offline. Deterministic from the seed.

Classes (``label`` 0: a human-like voice, 1: made by a synthesizer or vocoder):

- ``natural`` (0): a source-filter voice made here: glottal pulses whose periods and amplitudes vary from one
  cycle to the next as a human larynx's do (jitter 0.5-1.2 %, shimmer 3-7 %, the ranges Praat's manual gives
  for healthy voices), a declining pitch with accents, 3 formants per syllable, breath and consonant noise. It is
  *speech-like*, not human speech: no recording of a person is used (none ships in a package).
- ``espeak`` (1): real text-to-speech: espeak-ng (Debian package) speaking random words with random voices, pitch
  and speed, resampled to 16 kHz.
- ``lpc-vocoder`` (1): a ``natural`` chunk through Praat's LPC vocoder (parselmouth): LPC analysis, then
  resynthesis from a pulse train on its smoothed pitch, as channel/LPC vocoders and many voice changers do.
- ``psola`` (1): a ``natural`` chunk resynthesised by Praat's PSOLA with its pitch contour stylised (2 semitones),
  as pitch-manipulating voice conversion does.

Variants: ``clean``; ``noisy`` (white noise at 20 dB SNR, a poor microphone). Every chunk goes through the
monitor's own path: int16 PCM in a 16 kHz WAV.

What this does *not* measure: human recordings, modern neural TTS and voice cloning (their vocoders model jitter
and shimmer far better than espeak-ng or an LPC vocoder), codecs (Opus at call bit rates), reverberant rooms.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dfpn_realtime.media import encode_wav

SR = 16_000
SECONDS = 3.0
CLASSES = ("natural", "espeak", "lpc-vocoder", "psola")
LABELS = {"natural": 0, "espeak": 1, "lpc-vocoder": 1, "psola": 1}
VARIANTS = ("clean", "noisy")
F64 = npt.NDArray[np.float64]

#: Vowel formants F1-F3 (Hz), Peterson & Barney's adult averages.
_VOWELS = (
    (730, 1090, 2440),
    (270, 2290, 3010),
    (300, 870, 2240),
    (530, 1840, 2480),
    (660, 1720, 2410),
    (570, 840, 2410),
    (440, 1020, 2240),
    (490, 1350, 1690),
)
_TEXT = (
    "the quick brown fox jumps over a lazy dog while seven bright stars watch our small town sleep quietly "
    "tonight please call me back when you have checked the numbers for the second quarter report"
)
_WORDS = tuple(_TEXT.split(" "))
_ESPEAK_VOICES = ("en", "en-us", "en-gb-scotland", "en+f3", "en+m3", "en-us+f2", "en+f4", "en-gb-x-rp")


@dataclass(frozen=True)
class Item:
    cls: str
    variant: str
    seed: int
    wav: bytes

    @property
    def label(self) -> int:
        return LABELS[self.cls]


def _resonate(x: F64, freq: float, bandwidth: float) -> F64:
    """A two-pole resonator (one formant), unit gain at DC scaled away by the caller's normalisation."""
    r = np.exp(-np.pi * bandwidth / SR)
    a1, a2 = 2 * r * np.cos(2 * np.pi * freq / SR), -r * r
    y = np.zeros_like(x)
    y1 = y2 = 0.0
    for i, v in enumerate(x.tolist()):
        out = v + a1 * y1 + a2 * y2
        y[i] = out
        y2, y1 = y1, out
    return y


def _pulse(length: int) -> F64:
    """The derivative of a Rosenberg-like glottal pulse over one period (open 60 %, closing 30 % of that)."""
    open_n = max(4, int(0.6 * length))
    rise = int(open_n * 0.7)
    t = np.arange(open_n) / open_n
    shape = np.concatenate(
        [
            0.5 * (1 - np.cos(np.pi * t[:rise] / 0.7)),
            np.cos(np.pi / 2 * (t[rise:] - 0.7) / 0.3),
            np.zeros(max(0, length - open_n)),
        ]
    )
    return np.diff(shape, prepend=0.0)[:length]


def natural(seed: int) -> F64:
    """A speech-like chunk with human-like cycle-to-cycle perturbation (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(90, 230)
    jitter, shimmer = rng.uniform(0.005, 0.012), rng.uniform(0.03, 0.07)
    n_total = int(SECONDS * SR)
    out = np.zeros(n_total)
    t = rng.uniform(0.02, 0.1)
    while t < SECONDS - 0.2:
        dur = rng.uniform(0.12, 0.32)
        n = int(dur * SR)
        src = np.zeros(n)
        accent = rng.uniform(-0.08, 0.18)
        pos = 0.0
        while True:
            frac = pos / n
            f0 = base * (1 - 0.15 * t / SECONDS) * (1 + accent * np.sin(np.pi * frac))
            period = SR / f0 * (1 + rng.normal(0, jitter))
            length = int(period)
            if int(pos) + length >= n:
                break
            amp = np.sqrt(np.sin(np.pi * min(1.0, frac))) * (1 + rng.normal(0, shimmer))
            src[int(pos) : int(pos) + length] += amp * _pulse(length)
            pos += period
        y = src
        for formant, bandwidth in zip(_VOWELS[rng.integers(len(_VOWELS))], (80, 100, 150), strict=True):
            y = _resonate(y, formant * rng.uniform(0.93, 1.07), bandwidth)
        y = y / (np.sqrt(np.mean(y**2)) + 1e-12) * 0.1 * rng.uniform(0.7, 1.3)
        y += rng.normal(0, 0.003, n)  # breath
        i0 = int(t * SR)
        out[i0 : i0 + n] += y[: n_total - i0]
        t += dur + rng.uniform(0.04, 0.12)
        if rng.random() < 0.5:  # a fricative or plosive burst
            m, j0 = int(rng.uniform(0.03, 0.07) * SR), int(t * SR)
            if j0 + m < n_total:
                out[j0 : j0 + m] += rng.normal(0, 0.01, m)
    return np.asarray(out / np.max(np.abs(out)) * 0.3, dtype=np.float64)


def espeak(seed: int) -> F64:
    """espeak-ng speaking 12 random words (random voice, pitch and speed), 16 kHz, its first 3 s."""
    import parselmouth

    rng = np.random.default_rng(seed)
    text = " ".join(rng.choice(_WORDS, 12))
    voice = str(rng.choice(_ESPEAK_VOICES))
    wav = subprocess.run(
        [
            "espeak-ng",
            "--stdout",
            "-v",
            voice,
            "-p",
            str(rng.integers(25, 75)),
            "-s",
            str(rng.integers(130, 200)),
            text,
        ],
        capture_output=True,
        check=True,
    ).stdout
    with wave.open(io.BytesIO(wav)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768
    sound = parselmouth.Sound(pcm, rate).resample(SR)
    x = np.asarray(sound.values[0][: int(SECONDS * SR)], dtype=np.float64)
    return np.asarray(x / (np.max(np.abs(x)) + 1e-12) * 0.3, dtype=np.float64)


def lpc_vocoder(x: F64) -> F64:
    """Praat's LPC vocoder: LPC (Burg, order 16) analysis, resynthesis from a pulse train on the smoothed pitch."""
    import parselmouth
    from parselmouth.praat import call

    sound = parselmouth.Sound(x, SR)
    pulses = call(
        call(sound.to_pitch(0.01, 75, 500), "To PointProcess"), "To Sound (pulse train)", SR, 1, 0.05, 2000
    )
    lpc = call(sound, "To LPC (burg)", 16, 0.025, 0.005, 50)
    y = np.asarray(call([lpc, pulses], "Filter", "no").values[0], dtype=np.float64)
    y = np.nan_to_num(y)
    return np.asarray(y / (np.max(np.abs(y)) + 1e-12) * 0.3, dtype=np.float64)


def psola(x: F64) -> F64:
    """Praat's PSOLA resynthesis with the pitch contour stylised to 2 semitones."""
    import parselmouth
    from parselmouth.praat import call

    manipulation = call(parselmouth.Sound(x, SR), "To Manipulation", 0.01, 75, 500)
    tier = call(manipulation, "Extract pitch tier")
    call(tier, "Stylize...", 2.0, "semitones")
    call([tier, manipulation], "Replace pitch tier")
    y = np.asarray(call(manipulation, "Get resynthesis (overlap-add)").values[0], dtype=np.float64)
    return np.asarray(y / (np.max(np.abs(y)) + 1e-12) * 0.3, dtype=np.float64)


def make(cls: str, variant: str, seed: int) -> Item:
    """One labelled chunk: `cls` (`CLASSES`), `variant` (`VARIANTS`), `seed`; as the monitor's 16 kHz WAV."""
    if cls == "natural":
        x = natural(seed)
    elif cls == "espeak":
        x = espeak(seed)
    elif cls == "lpc-vocoder":
        x = lpc_vocoder(natural(seed))
    elif cls == "psola":
        x = psola(natural(seed))
    else:
        raise ValueError(f"unknown class {cls!r}: one of {CLASSES}")
    if variant == "noisy":
        noise = np.random.default_rng(seed + 1_000_003).normal(0, 1, len(x))
        x = x + noise * np.sqrt(np.mean(x**2) / 10 ** (20 / 10))
    elif variant != "clean":
        raise ValueError(f"unknown variant {variant!r}: one of {VARIANTS}")
    x = np.clip(x, -1, 1)
    return Item(cls, variant, seed, encode_wav(x.astype(np.float32), SR))


def labelled_set(
    seeds: range, classes: tuple[str, ...] = CLASSES, variants: tuple[str, ...] = VARIANTS
) -> Iterator[Item]:
    """Every (class, variant, seed); the espeak class needs ``espeak-ng`` (apt) and is left out without it."""
    have_espeak = shutil.which("espeak-ng") is not None
    for cls in classes:
        if cls == "espeak" and not have_espeak:
            continue
        for variant in variants:
            for seed in seeds:
                yield make(cls, variant, seed)


__all__ = [
    "CLASSES",
    "LABELS",
    "SR",
    "VARIANTS",
    "Item",
    "espeak",
    "labelled_set",
    "lpc_vocoder",
    "make",
    "natural",
    "psola",
]
