"""Analysis backends: where a sampled frame or audio chunk is judged.

- `LocalDetectorsBackend`: the DFPN detector plugins (``dfpn_detectors``, the same ones the worker node runs) in
  a thread pool of this process: per-frame speed, nothing leaves the machine.
- `dfpn_realtime.remote.RemoteBackend`: the same detectors on another machine (``dfpn-realtime serve``) over a
  websocket that reconnects with backoff.

Escalation of an ALERT to the DFPN network is not a backend but a follow-up (`dfpn_realtime.escalation`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from dfpn_detectors import Analysis, Detector, Media, Verdict, combine, load_detectors
from pydantic import BaseModel, ConfigDict

from dfpn_realtime.state import score_from_verdicts

logger = logging.getLogger(__name__)

SampleKind = Literal["video", "audio"]

#: Installed detectors left out by default. They judge what a live frame encoded here does not have: a file's
#: metadata or container (C2PA manifests, generator tags, whole video files), or its JPEG compression history
#: (ELA, JPEG ghosts, double quantisation: the frame is decoded video, JPEG-encoded once here, so any earlier
#: JPEG grid is gone). Name them in `detectors` / DFPN_RT_DETECTORS to run them anyway.
DEFAULT_EXCLUDED = frozenset(
    {"c2pa-provenance", "ai-metadata-rules", "video-frames", "ela", "jpeg-ghost", "jpeg-dq"}
)
#: Detection types that mean "this detector could not read the sample": such analyses do not count.
ERROR_TYPES = frozenset(
    {"unsupported_media", "corrupt_media", "media_too_large", "detector_error", "model_unavailable"}
)


@dataclass(frozen=True)
class Sample:
    """One sampled frame (JPEG) or audio chunk (16 kHz mono WAV), in memory only."""

    kind: SampleKind
    participant_id: str
    track_id: str
    data: bytes = field(repr=False)
    mime_type: str
    #: Monotonic time the sample was taken (the monitor's clock).
    captured_at: float
    timestamp_ms: int

    @property
    def extension(self) -> str:
        return ".jpg" if self.mime_type == "image/jpeg" else ".wav"

    def media(self) -> Media:
        return Media(data=self.data, mime_type=self.mime_type, name=f"{self.kind}{self.extension}")


class SampleResult(BaseModel):
    """A backend's answer for one sample."""

    model_config = ConfigDict(frozen=True)

    #: Manipulation score 0..1 (`state.score_from_verdicts`), None when no detector could read the sample.
    score: float | None
    verdict: Verdict
    confidence: int
    analyses: tuple[Analysis, ...] = ()
    latency_ms: float
    backend: str

    @classmethod
    def from_analyses(cls, analyses: Sequence[Analysis], latency_ms: float, backend: str) -> SampleResult:
        usable = [a for a in analyses if not any(d.type in ERROR_TYPES for d in a.detections)]
        score = score_from_verdicts([(str(a.verdict), a.confidence) for a in usable])
        combined = combine(usable) if usable else None
        return cls(
            score=score,
            verdict=combined.verdict if combined else Verdict.INCONCLUSIVE,
            confidence=combined.confidence if combined else 0,
            analyses=tuple(analyses),
            latency_ms=latency_ms,
            backend=backend,
        )

    @classmethod
    def unavailable(cls, backend: str, reason: str) -> SampleResult:
        return cls(
            score=None,
            verdict=Verdict.INCONCLUSIVE,
            confidence=0,
            analyses=(Analysis.inconclusive(backend, reason),),
            latency_ms=0.0,
            backend=backend,
        )


class AnalysisBackend(ABC):
    name: str = "backend"

    async def start(self) -> None:
        """Load models or connect; raise a clear error when something required is missing."""
        return

    async def close(self) -> None:
        return None

    @abstractmethod
    async def analyze(self, sample: Sample) -> SampleResult:
        """Judge one sample. Never raises for a bad sample: answers with score None instead."""


def default_detector_names() -> list[str]:
    """Installed detectors suited to live frames and speech (every one but `DEFAULT_EXCLUDED`)."""
    from importlib.metadata import entry_points

    return sorted({ep.name for ep in entry_points(group="dfpn.detectors")} - DEFAULT_EXCLUDED)


def load_realtime_detectors(
    names: Sequence[str] | None = None, config: Mapping[str, Any] | None = None
) -> list[Detector]:
    """Named detectors (a missing or broken one raises), or the defaults (one that fails to load is skipped
    with a warning, e.g. ``onnx-classifier`` without a model file)."""
    if names is not None:
        return load_detectors(list(names), config)
    loaded: list[Detector] = []
    for name in default_detector_names():
        try:
            loaded.extend(load_detectors([name], config))
        except Exception as e:  # an optional detector that is not configured here
            logger.warning("detector %s not loaded: %s", name, e)
    return loaded


class LocalDetectorsBackend(AnalysisBackend):
    """The ``dfpn_detectors`` plugins, run in a thread pool of `max_workers` threads. Each sample runs every
    detector that `supports` it, in one pool job; samples run in parallel."""

    name = "local"

    def __init__(
        self,
        detectors: Sequence[Detector] | None = None,
        *,
        names: Sequence[str] | None = None,
        config: Mapping[str, Any] | None = None,
        max_workers: int = 2,
    ) -> None:
        self._detectors: list[Detector] | None = list(detectors) if detectors is not None else None
        self._names = names
        self._config = config
        self.max_workers = max_workers
        self._pool: ThreadPoolExecutor | None = None

    @property
    def detectors(self) -> list[Detector]:
        return list(self._detectors or [])

    async def start(self) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="dfpn-rt-detect")
        if self._detectors is None:
            loop = asyncio.get_running_loop()
            self._detectors = await loop.run_in_executor(
                self._pool, load_realtime_detectors, self._names, self._config
            )
        if not self._detectors:
            raise RuntimeError(
                "no local detectors: install dfpn-detectors (its plugins register under the 'dfpn.detectors' "
                "entry points) or pass detectors=[...]"
            )
        logger.info("local detectors: %s", ", ".join(d.model_id for d in self._detectors))

    async def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def analyze_sync(self, sample: Sample) -> SampleResult:
        """Run the detectors on one sample, one after the other, in the calling thread."""
        start = time.perf_counter()
        media = sample.media()
        analyses = [d.analyze(media) for d in self.detectors if d.supports(media)]
        return SampleResult.from_analyses(analyses, (time.perf_counter() - start) * 1000.0, self.name)

    async def analyze(self, sample: Sample) -> SampleResult:
        """Run the detectors that support the sample concurrently, one pool job each: a frame's latency is that
        of its slowest detector, not the sum."""
        if self._pool is None or self._detectors is None:
            raise RuntimeError("LocalDetectorsBackend.start() was not called")
        loop = asyncio.get_running_loop()
        start = time.perf_counter()
        media = sample.media()
        jobs = [
            loop.run_in_executor(self._pool, d.analyze, media) for d in self._detectors if d.supports(media)
        ]
        analyses = list(await asyncio.gather(*jobs))
        return SampleResult.from_analyses(analyses, (time.perf_counter() - start) * 1000.0, self.name)


__all__ = [
    "DEFAULT_EXCLUDED",
    "ERROR_TYPES",
    "AnalysisBackend",
    "LocalDetectorsBackend",
    "Sample",
    "SampleKind",
    "SampleResult",
    "default_detector_names",
    "load_realtime_detectors",
]
