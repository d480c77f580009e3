"""Voice-gated audio sampling: resample to 16 kHz mono, keep only speech, cut `sample_size` chunks at most once
per `interval` seconds.

Voice activity detection (VAD), chosen by ``AudioParams.vad``:

- ``silero``: the Silero VAD v5 ONNX model run with onnxruntime (32 ms windows). The model file is not
  downloaded: it is taken from ``$DFPN_RT_SILERO_MODEL``, or from an installed package that ships it
  (``silero-vad``, or ``pipecat-ai``, which the ``[pipecat]`` extra installs). The ``silero-vad`` wheel ships the
  ``.onnx`` but depends on PyTorch, so this package does not require it.
- ``energy``: a dependency-free detector: a 32 ms window is voiced when its level is 12 dB above an adaptive
  noise floor (and above -50 dBFS) and its zero-crossing rate is below 0.35 (broadband noise crosses zero about
  every other sample, voiced speech far less often).
- ``auto``: Silero when its model file is found, else energy.
- ``external``: only the integration's speaking signal (Pipecat's UserStarted/StoppedSpeakingFrame).
- ``none``: every sample counts as speech.

Outside the collection window (less than `interval` since the last chunk) audio is dropped on arrival: it is not
resampled, not analysed and not kept.
"""

from __future__ import annotations

import collections
import importlib.util
import logging
import os
import threading
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import soxr

from dfpn_realtime.config import AUDIO_SAMPLE_RATE, AudioParams, VadKind
from dfpn_realtime.media import F32, pcm_to_float
from dfpn_realtime.state import Level

logger = logging.getLogger(__name__)

#: VAD window: 512 samples = 32 ms at 16 kHz (Silero's window).
WINDOW = 512
SILERO_ENV = "DFPN_RT_SILERO_MODEL"
_SILERO_CANDIDATES = (
    ("silero_vad", ("data", "silero_vad.onnx")),
    ("pipecat", ("audio", "vad", "data", "silero_vad.onnx")),
)


class Vad(Protocol):
    name: str

    def probability(self, window: F32) -> float:
        """Speech probability 0..1 of one `WINDOW`-sample window at 16 kHz."""
        ...

    def reset(self) -> None: ...


class EnergyVad:
    """Level above an adaptive noise floor, with a zero-crossing-rate check against broadband noise."""

    name = "energy"

    def __init__(self, margin_db: float = 12.0, min_db: float = -50.0, max_zcr: float = 0.35) -> None:
        self.margin_db = margin_db
        self.min_db = min_db
        self.max_zcr = max_zcr
        self._floor: float | None = None

    def reset(self) -> None:
        self._floor = None

    def probability(self, window: F32) -> float:
        rms = float(np.sqrt(np.mean(np.square(window, dtype=np.float64)))) if len(window) else 0.0
        level = 20.0 * np.log10(rms + 1e-10)
        if self._floor is None:
            self._floor = min(level, self.min_db)
        elif level < self._floor:
            self._floor = level
        else:
            # The floor creeps up slowly (≈ 3 dB per second of 32 ms windows) so that a louder room re-adapts.
            self._floor = min(self._floor + 0.1, level)
        signs = np.signbit(window)
        zcr = float(np.count_nonzero(signs[1:] != signs[:-1])) / max(1, len(window) - 1)
        voiced = level > max(self._floor + self.margin_db, self.min_db) and zcr < self.max_zcr
        return 1.0 if voiced else 0.0


def find_silero_model() -> Path | None:
    """The Silero VAD ONNX file: ``$DFPN_RT_SILERO_MODEL``, else one shipped by an installed package."""
    env = os.environ.get(SILERO_ENV)
    if env:
        p = Path(env)
        return p if p.is_file() else None
    for package, parts in _SILERO_CANDIDATES:
        try:
            spec = importlib.util.find_spec(package)  # a top-level spec: the package is not imported
        except (ImportError, ValueError):
            continue
        for root in (spec.submodule_search_locations or []) if spec else []:
            candidate = Path(root).joinpath(*parts)
            if candidate.is_file():
                return candidate
    return None


@cache
def _silero_session(path: str) -> Any:
    import onnxruntime

    opts = onnxruntime.SessionOptions()
    opts.inter_op_num_threads = 1
    opts.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])


class SileroVad:
    """Silero VAD v5 (ONNX): one shared session, a recurrent state and 64 samples of context per track."""

    name = "silero"
    _CONTEXT = 64

    def __init__(self, model_path: str | os.PathLike[str] | None = None) -> None:
        path = Path(model_path) if model_path is not None else find_silero_model()
        if path is None:
            raise FileNotFoundError(
                f"no Silero VAD model: set {SILERO_ENV} to silero_vad.onnx, install dfpn-realtime[pipecat] "
                "(pipecat-ai ships it), or use vad='energy'"
            )
        self.model_path = path
        self._session = _silero_session(str(path))
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros((1, self._CONTEXT), dtype=np.float32)

    def probability(self, window: F32) -> float:
        x = np.concatenate([self._context, window.reshape(1, -1).astype(np.float32)], axis=1)
        with self._lock:
            out, state = self._session.run(
                None, {"input": x, "state": self._state, "sr": np.array(AUDIO_SAMPLE_RATE, dtype=np.int64)}
            )
        self._state = state
        self._context = x[:, -self._CONTEXT :]
        return float(np.asarray(out).reshape(-1)[0])


class AlwaysSpeech:
    name = "none"

    def probability(self, window: F32) -> float:
        return 1.0

    def reset(self) -> None:
        return None


def make_vad(kind: VadKind) -> Vad | None:
    """A fresh VAD for one track (None for "external": only the integration's signal counts)."""
    if kind == "external":
        return None
    if kind == "none":
        return AlwaysSpeech()
    if kind == "energy":
        return EnergyVad()
    if kind == "silero":
        return SileroVad()
    model = find_silero_model()
    return SileroVad(model) if model is not None else EnergyVad()


class SpeechGate:
    """Turns per-window speech probabilities into speaking / not speaking with hysteresis: speech starts after
    `start_windows` windows >= `start_at` (the onset windows are kept), and ends after `stop_windows` windows
    < `stop_at` (≈ 320 ms of silence by default)."""

    def __init__(
        self, start_at: float = 0.5, stop_at: float = 0.35, start_windows: int = 3, stop_windows: int = 10
    ) -> None:
        self.start_at, self.stop_at = start_at, stop_at
        self.start_windows, self.stop_windows = start_windows, stop_windows
        self.speaking = False
        self._run = 0
        self._onset: collections.deque[F32] = collections.deque(maxlen=start_windows)

    def reset(self) -> None:
        self.speaking = False
        self._run = 0
        self._onset.clear()

    def update(self, probability: float, window: F32) -> list[F32]:
        """Feed one window; returns the windows to keep (the onset windows when speech starts)."""
        if self.speaking:
            self._run = self._run + 1 if probability < self.stop_at else 0
            if self._run >= self.stop_windows:
                self.speaking, self._run = False, 0
                self._onset.clear()
                return []
            return [window]
        if probability >= self.start_at:
            self._run += 1
            self._onset.append(window)
            if self._run >= self.start_windows:
                self.speaking, self._run = True, 0
                kept = list(self._onset)
                self._onset.clear()
                return kept
        else:
            self._run = 0
            self._onset.clear()
        return []


class AudioSampler:
    """Audio of one track in, `sample_size`-sample 16 kHz mono speech chunks out, at most one per interval."""

    def __init__(
        self, params: AudioParams, vad: Vad | None = None, *, vad_kind: VadKind | None = None
    ) -> None:
        self.params = params
        kind = vad_kind or params.vad
        self.vad = vad if vad is not None else make_vad(kind)
        self.gate = SpeechGate()
        #: Set by an integration that has its own speaking signal; it then replaces the VAD.
        self.external_speaking: bool | None = None
        self._resampler: soxr.ResampleStream | None = None
        self._in_rate: int | None = None
        self._rest = np.zeros(0, dtype=np.float32)
        self._chunks: list[F32] = []
        self._buffered = 0
        self._last_sent: float | None = None
        self.received_samples = 0
        self.speech_samples = 0
        self.chunks_sent = 0

    def interval(self, level: Level) -> float:
        return self.params.interval if level is Level.CLEAR else self.params.burst_interval

    def collecting(self, now: float, level: Level) -> bool:
        return self._last_sent is None or now - self._last_sent >= self.interval(level) - 1e-9

    def _reset_stream(self) -> None:
        self._resampler = None
        self._in_rate = None
        self._rest = np.zeros(0, dtype=np.float32)
        self._chunks.clear()
        self._buffered = 0
        self.gate.reset()
        if self.vad is not None:
            self.vad.reset()

    def _to_16k(self, mono: F32, sample_rate: int) -> F32:
        if sample_rate == AUDIO_SAMPLE_RATE:
            return mono
        if self._resampler is None or self._in_rate != sample_rate:
            self._resampler = soxr.ResampleStream(sample_rate, AUDIO_SAMPLE_RATE, 1, dtype="float32")
            self._in_rate = sample_rate
        return np.asarray(self._resampler.resample_chunk(mono), dtype=np.float32)

    def feed(
        self,
        samples: bytes | np.ndarray[Any, Any],
        sample_rate: int,
        channels: int,
        now: float,
        level: Level = Level.CLEAR,
    ) -> F32 | None:
        """Feed PCM (int16 bytes or an int16/float array, interleaved); returns a full chunk when one is ready."""
        if sample_rate <= 0:
            raise ValueError("sample_rate must be > 0")
        if not self.collecting(now, level):
            if self._buffered or self._resampler is not None:
                self._reset_stream()
            return None
        mono = pcm_to_float(samples, channels)
        self.received_samples += len(mono)
        data = self._to_16k(mono, sample_rate)
        if len(self._rest):
            data = np.concatenate([self._rest, data])
        usable = len(data) - len(data) % WINDOW
        self._rest = data[usable:].copy()
        for start in range(0, usable, WINDOW):
            window = data[start : start + WINDOW]
            for kept in self._keep(window):
                self._chunks.append(kept)
                self._buffered += len(kept)
                self.speech_samples += len(kept)
        if self._buffered < self.params.sample_size:
            return None
        joined = np.concatenate(self._chunks)
        chunk = joined[: self.params.sample_size].copy()
        self._reset_stream()
        self._last_sent = now
        self.chunks_sent += 1
        return chunk

    def _keep(self, window: F32) -> list[F32]:
        if self.external_speaking is not None:
            return [window] if self.external_speaking else []
        if self.vad is None:  # "external" and no signal yet
            return []
        return self.gate.update(self.vad.probability(window), window)


__all__ = [
    "SILERO_ENV",
    "WINDOW",
    "AlwaysSpeech",
    "AudioSampler",
    "EnergyVad",
    "SileroVad",
    "SpeechGate",
    "Vad",
    "find_silero_model",
    "make_vad",
]
