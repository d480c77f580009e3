"""Voice cloning: speech detection (Silero VAD, ONNX) and spectral facts; Inconclusive unless a model is plugged in.

No wheel ships weights of a voice-clone (anti-spoofing) model, so this detector does not guess. It reports:
- ``speech`` — the share of 32 ms frames that Silero VAD (MIT, ``silero_vad.onnx`` from the installed
  ``silero-vad`` wheel, installed with ``--no-deps``; run here with onnxruntime) calls speech;
- ``band_limited`` — the spectrum falls off a cliff (> 30 dB) at 4-16 kHz, below the file's Nyquist (typical of
  audio generated or resampled at 8-32 kHz and saved at 44.1/48 kHz, as most TTS and voice-conversion vocoders
  do, but also of telephone audio and of MP3s at low bit rates);
- ``spectral_flatness`` of the louder half of the frames (noise-like ~1, tonal ~0).
These are facts for a human or a downstream model, not a verdict. With ``model`` (a path to an
``onnx-classifier`` config whose input kind is ``audio``) the plugged-in model's verdict is returned instead,
with these detections added. C2PA manifests in WAV/MP3/M4A are read by ``c2pa-provenance``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from dfpn_detectors.base import Analysis, Detection, GuardedDetector, Media, Modality
from dfpn_detectors.faces import ModelUnavailableError, installed_file
from dfpn_detectors.media import MediaLimits, decode_audio

logger = logging.getLogger(__name__)

VAD_FILE = "silero_vad/data/silero_vad.onnx"
FRAME = 512
CONTEXT = 64


class SileroVad:
    """Silero VAD v5/v6 ONNX at 16 kHz, streamed frame by frame (512 samples + 64 of context)."""

    def __init__(self, model_path: str | None = None) -> None:
        import onnxruntime as ort

        path = model_path or str(installed_file("silero-vad", VAD_FILE, "DFPN_SILERO_VAD_ONNX"))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()

    def probabilities(self, pcm16k: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        n = pcm16k.size // FRAME
        out = np.zeros(n, np.float32)
        state = np.zeros((2, 1, 128), np.float32)
        context = np.zeros((1, CONTEXT), np.float32)
        sr = np.array(16000, dtype=np.int64)
        with self._lock:
            for i in range(n):
                chunk = np.concatenate([context, pcm16k[None, i * FRAME:(i + 1) * FRAME]], axis=1)
                prob, state = self.session.run(None, {"input": chunk, "state": state, "sr": sr})
                context = chunk[:, -CONTEXT:]
                out[i] = float(np.asarray(prob).reshape(-1)[0])
        return out


#: Cut-off frequencies of common generation / resampling rates (Nyquist of 8, 11.025, 16, 22.05, 24, 32 kHz).
CUTOFFS = (4000.0, 5512.5, 8000.0, 11025.0, 12000.0, 16000.0)


def spectrum_facts(x: npt.NDArray[np.float32], rate: int) -> tuple[float | None, float, float]:
    """(cut-off frequency where the spectrum falls off a cliff or None, the cliff's depth in dB, the spectral
    flatness of the louder half of the frames)."""
    n = 2048
    if x.size < n:
        x = np.pad(x, (0, n - x.size))
    hop = n // 2
    frames = np.lib.stride_tricks.sliding_window_view(x, n)[::hop][:2000]
    spec = np.abs(np.fft.rfft(frames * np.hanning(n), axis=1)) ** 2
    power = spec.mean(axis=0) + 1e-20
    freqs = np.fft.rfftfreq(n, 1.0 / rate)
    nyquist = rate / 2
    best: tuple[float | None, float] = (None, 0.0)
    for fc in CUTOFFS:
        if fc > 0.9 * nyquist:
            break
        below = power[(freqs > 0.5 * fc) & (freqs < 0.85 * fc)]
        above = power[(freqs > 1.15 * fc) & (freqs < min(1.6 * fc, nyquist))]
        if below.size and above.size:
            drop = float(10 * np.log10(below.mean() / above.mean()))
            if drop > best[1]:
                best = (fc, drop)
    totals = spec.sum(axis=1)
    loud = spec[totals >= np.median(totals)] + 1e-20
    flatness = float(np.mean(np.exp(np.log(loud).mean(axis=1)) / loud.mean(axis=1))) if loud.size else 0.0
    return best[0], best[1], flatness


class VoiceSpectralDetector(GuardedDetector):
    """Voice cloning: VAD and spectral facts, Inconclusive unless a plugged-in ONNX model decides."""

    model_id = "voice-spectral"
    modalities = frozenset({Modality.VOICE_CLONING})
    media_kinds = frozenset({"audio", "video"})

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.limits = MediaLimits.from_config(config)
        try:
            self.vad: SileroVad | None = SileroVad(config.get("vad_model"))
            self.unavailable = ""
        except ModelUnavailableError as exc:
            logger.warning("voice-spectral: %s", exc)
            self.vad, self.unavailable = None, str(exc)
        self.model: Any = None
        if config.get("model"):
            from dfpn_detectors.onnx_classifier import OnnxClassifierDetector

            self.model = OnnxClassifierDetector.from_file(config["model"])

    def _analyze(self, media: Media) -> Analysis:
        audio = decode_audio(media, self.limits)
        seconds = audio.native.size / audio.native_rate
        detections: list[Detection] = []
        notes = [f"{seconds:.1f} s, {audio.rate or audio.native_rate} Hz, {audio.channels} ch, {audio.codec}"]
        if audio.describe():
            notes.append(audio.describe())
        if self.vad is not None and audio.pcm16k.size >= FRAME:
            probs = self.vad.probabilities(audio.pcm16k)
            speech = float((probs > 0.5).mean())
            detections.append(Detection(type="speech", confidence=round(speech, 4)))
            notes.append(f"speech in {100 * speech:.0f}% of frames")
        elif self.vad is None:
            notes.append(f"VAD unavailable: {self.unavailable}")
        cutoff, drop, flatness = spectrum_facts(audio.native, audio.native_rate)
        if cutoff is not None and drop > 30:
            detections.append(Detection(type="band_limited", confidence=round(min(1.0, drop / 60), 4)))
            notes.append(f"energy stops at ~{cutoff / 1000:.1f} kHz of {audio.native_rate / 2000:.1f} "
                         f"(a {drop:.0f} dB cliff)")
        detections.append(Detection(type="spectral_flatness", confidence=round(min(1.0, max(0.0, flatness)), 4)))
        if self.model is not None:
            verdict: Analysis = self.model.analyze(media)
            return verdict.model_copy(update={
                "detections": tuple(detections) + verdict.detections,
                "notes": "; ".join([*notes, verdict.notes]),
            })
        notes.append("no voice-clone model plugged in: facts only")
        return Analysis.inconclusive(self.model_id, "; ".join(notes), detections)
