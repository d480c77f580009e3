"""``voice-prosody``: an offline audio signal for the realtime path. Voice perturbation measured with Praat (through
`parselmouth <https://parselmouth.readthedocs.io>`_, a maintained wheel), scored by a small logistic model.

A human larynx never repeats a cycle exactly: the period (jitter) and the amplitude (shimmer) of consecutive
glottal cycles vary by about 0.5-1 % and 3-7 %, and the pitch wanders. Formant synthesizers (espeak-ng), LPC and
channel vocoders and PSOLA pitch manipulation re-make the excitation from a smoothed pitch track: too regular
cycles, a flatter pitch, a different harmonics-to-noise ratio. The detector measures, on the voiced part of a
speech chunk, with Praat's own algorithms:

- ``jitter_local``, ``jitter_ppq5`` (period perturbation), ``shimmer_local``, ``shimmer_apq5`` (amplitude
  perturbation), from Praat's cross-correlation point process;
- ``hnr_db``, the mean harmonics-to-noise ratio;
- ``f0_sd_semitones``, the standard deviation of the pitch.

A logistic model over these (log jitter and shimmer), fitted on the training seeds of the generated labelled set
`dfpn_realtime.voiceset` (``scripts/voice_eval.py --fit`` prints `MODEL`), gives P(synthetic). Manipulated at
P >= 0.8 (confidence 50..100), Authentic below 0.2, otherwise Inconclusive. With less than 0.5 s of voiced speech
(or no speech at all) it answers Inconclusive: it could not tell.

Accuracy (held-out seeds of the same generated set, ``make bench-realtime`` / ``scripts/voice_eval.py``) is in the
README, with what it does not measure: human recordings, neural TTS and voice cloning, call codecs. It is a
signal to look closer at, like every local detector here, not a verdict on a voice.
"""

from __future__ import annotations

import io
import math
import wave

import numpy as np
import numpy.typing as npt
from dfpn_detectors import Analysis, Detection, Evidence, GuardedDetector, Media, MediaError, Modality, decide
from pydantic import BaseModel, ConfigDict

F64 = npt.NDArray[np.float64]

#: Least voiced speech (seconds of glottal periods found) to measure anything.
MIN_VOICED_SECONDS = 0.5
MANIPULATED_AT = 0.8
AUTHENTIC_BELOW = 0.2


class ProsodyFeatures(BaseModel):
    """Praat's voice report on a chunk."""

    model_config = ConfigDict(frozen=True)

    jitter_local: float
    jitter_ppq5: float
    shimmer_local: float
    shimmer_apq5: float
    hnr_db: float
    f0_sd_semitones: float
    voiced_seconds: float

    def vector(self) -> list[float]:
        """The model's inputs: log jitter and shimmer (their spread is multiplicative), HNR and pitch spread."""
        return [
            math.log(max(self.jitter_local, 1e-5)),
            math.log(max(self.jitter_ppq5, 1e-5)),
            math.log(max(self.shimmer_local, 1e-4)),
            math.log(max(self.shimmer_apq5, 1e-4)),
            self.hnr_db,
            self.f0_sd_semitones,
        ]


FEATURES = (
    "log_jitter_local",
    "log_jitter_ppq5",
    "log_shimmer_local",
    "log_shimmer_apq5",
    "hnr_db",
    "f0_sd_st",
)


class ProsodyModel(BaseModel):
    """Standardisation and logistic weights over `ProsodyFeatures.vector`."""

    model_config = ConfigDict(frozen=True)

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def probability(self, features: ProsodyFeatures) -> float:
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, features.vector(), self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


#: Fitted by ``scripts/voice_eval.py --fit`` on seeds 1000-1059 of `dfpn_realtime.voiceset` (clean and noisy).
MODEL = ProsodyModel(
    mean=(-4.92983, -5.64362, -2.4126, -3.07384, 15.7628, 1.25923),
    scale=(0.35348, 0.45605, 0.36173, 0.37867, 2.79088, 0.58085),
    weights=(-1.58414, -1.53275, 0.20332, 0.98165, -0.61981, 0.28978),
    bias=1.44536,
)


def measure(pcm: F64, rate: int) -> ProsodyFeatures | None:
    """Praat's voice report on mono samples in [-1, 1]; None with less than `MIN_VOICED_SECONDS` of voicing."""
    import parselmouth
    from parselmouth.praat import call

    sound = parselmouth.Sound(np.asarray(pcm, dtype=np.float64), rate)
    points = call(sound, "To PointProcess (periodic, cc)", 75, 500)
    periods = call(points, "Get number of periods", 0, 0, 0.0001, 0.02, 1.3)
    mean_period = call(points, "Get mean period", 0, 0, 0.0001, 0.02, 1.3)
    voiced = periods * mean_period if periods and not math.isnan(mean_period) else 0.0
    if voiced < MIN_VOICED_SECONDS:
        return None
    report = {
        "jitter_local": call(points, "Get jitter (local)", 0, 0, 0.0001, 0.02, 1.3),
        "jitter_ppq5": call(points, "Get jitter (ppq5)", 0, 0, 0.0001, 0.02, 1.3),
        "shimmer_local": call([sound, points], "Get shimmer (local)", 0, 0, 0.0001, 0.02, 1.3, 1.6),
        "shimmer_apq5": call([sound, points], "Get shimmer (apq5)", 0, 0, 0.0001, 0.02, 1.3, 1.6),
        "hnr_db": call(sound.to_harmonicity_cc(0.01, 75, 0.1, 1.0), "Get mean", 0, 0),
        "f0_sd_semitones": call(sound.to_pitch(0.01, 75, 500), "Get standard deviation", 0, 0, "semitones"),
    }
    if any(v is None or math.isnan(v) for v in report.values()):
        return None
    return ProsodyFeatures(voiced_seconds=voiced, **report)


def read_pcm(media: Media) -> tuple[F64, int]:
    """Mono samples of a 16-bit PCM WAV (what the monitor sends); other audio through the detectors' decoder."""
    try:
        with wave.open(io.BytesIO(media.data)) as w:
            if w.getsampwidth() == 2:
                rate, channels = w.getframerate(), w.getnchannels()
                pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768
                return pcm.reshape(-1, channels).mean(axis=1), rate
    except (wave.Error, EOFError):
        pass
    from dfpn_detectors.media import MediaLimits, decode_audio

    audio = decode_audio(media, MediaLimits())
    return np.asarray(audio.pcm16k, dtype=np.float64), 16_000


class VoiceProsodyDetector(GuardedDetector):
    """Voice perturbation (jitter, shimmer, HNR, pitch spread) against a logistic model: see the module."""

    model_id = "voice-prosody"
    modalities = frozenset({Modality.VOICE_CLONING})
    media_kinds = frozenset({"audio"})
    #: Fitted on a generated set only: the DFPN verdict policy shows it, but does not count it.
    evidence = Evidence.SUPPORTING

    def __init__(self, config: object = None, model: ProsodyModel = MODEL) -> None:
        self.model = model

    def _analyze(self, media: Media) -> Analysis:
        try:
            pcm, rate = read_pcm(media)
        except ValueError as e:
            raise MediaError("corrupt_media", f"unreadable audio: {e}") from e
        features = measure(pcm, rate)
        if features is None:
            return Analysis.inconclusive(self.model_id, f"less than {MIN_VOICED_SECONDS} s of voiced speech")
        p = self.model.probability(features)
        notes = (
            ", ".join(f"{k} {v:.4g}" for k, v in features.model_dump().items()) + f"; P(synthetic) {p:.2f}"
        )
        return decide(
            self.model_id,
            p,
            manipulated_at=MANIPULATED_AT,
            authentic_below=AUTHENTIC_BELOW,
            detections=(Detection(type="regular_voice_excitation", confidence=round(p, 4)),),
            notes=notes,
        )


__all__ = [
    "AUTHENTIC_BELOW",
    "FEATURES",
    "MANIPULATED_AT",
    "MIN_VOICED_SECONDS",
    "MODEL",
    "ProsodyFeatures",
    "ProsodyModel",
    "VoiceProsodyDetector",
    "measure",
    "read_pcm",
]
