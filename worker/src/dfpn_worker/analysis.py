"""Running the detectors on a request's media and turning their analyses into one committable answer + report.

How several detectors become one commitment (a request gets exactly one verdict, confidence and model id from
each worker):

1. **Selection**: the detectors whose modalities overlap the request's modalities and whose `supports(media)` is
   true, in the configured order.
2. **Analysis**: each selected detector runs in the analysis pool with a time limit. A detector that raises or
   runs out of time counts as `Inconclusive`, confidence 0, with a note (detectors are meant never to raise on bad
   media; the worker does not trust that). The pool (`Analyzer.start_pool`) is a process pool, one process per
   core, each holding its own copy of the detectors (built once, at the pool's start, by the node's detector
   factory or from the pickled detectors), so analyses use every core and never hold the event loop (the GIL); or
   a thread pool (the embedded network's tests, whose detectors live in the test process). Each detector's time
   and CPU time are measured where it runs, so `dfpn_worker_detector_latency_seconds` holds no queueing.
3. **Verdict**: the verdict policy (`dfpn_detectors.policy.assess`, docs/verdicts.md) over the request's
   modalities gives the verdict and confidence: Manipulated on a decisive trace, Authentic only when every
   detector covering every requested modality ran and found nothing (moderate) or a record proves it (high),
   Inconclusive otherwise. A detector that timed out or failed counts as one that could not run.
4. **Model id**: the model credited on-chain (and paid the model developers' share) is the first of the models
   the policy says decided the verdict (`decided_by`, strongest first) that the worker may credit; when none
   may (or the verdict is Inconclusive), the highest-confidence creditable analysis (the first in configured
   order on a tie). The program accepts a commit only with a model the worker declared whose registered
   modalities cover all of the request's (it fixes that model in the seat), so only such models are credited
   here (`creditable`); when no analysed detector's model qualifies, the first detector whose model does is
   credited. A worker runs every detector that applies but declares at most `MAX_WORKER_MODELS`: the others
   vote and are never credited.
5. **Nothing to run** (no detector supports the media: an unsupported type, or data no decoder recognises):
   `Inconclusive`, confidence 0, credited to the first creditable detector that covers the request's
   modalities, with a note. The worker still commits: the media is what the client submitted and its hash
   matched, and an honest "cannot tell" is an answer.
6. **No creditable model at all**: `LookupError` (the node does not join such requests, see `can_credit`).
7. **Media over the limits** (`limits`, the worker's `media_limits`: declared pixels, video frame size, frame
   count and duration, audio duration and sample rate, bytes; `dfpn_detectors.media.check_media` reads only the
   header): no detector runs and nothing is decoded. `Inconclusive`, confidence 0, one `media_too_large`
   detection and a note naming the limit (`... is over the limit of 40000000 pixels (limits.max_pixels)`),
   credited as in 5. The worker commits it like any other answer: the client's media matched its hash, and "too
   large to analyse here" is an honest answer. (Within the limits, each detector still bounds its own decoding,
   `MediaLimits`.)

The report is canonical JSON (sorted keys, no whitespace, no timings), so the same analyses give the same bytes
and the same report hash: that lets a worker that lost its state re-derive a commitment (see `preimage.py`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from dfpn import Modality as ChainModality
from dfpn import Verdict as ChainVerdict
from dfpn_detectors import Analysis, Detection, Detector, Media, MediaLimits, MediaTooLargeError
from dfpn_detectors import Modality as DetectorModality
from dfpn_detectors import Verdict as DetectorVerdict
from dfpn_detectors.allocator import tune_allocator
from dfpn_detectors.policy import Assessment, assess
from dfpn_worker.metrics import Metrics

logger = logging.getLogger(__name__)

REPORT_VERSION = "dfpn-report-v1"


def chain_modality(modality: DetectorModality) -> ChainModality:
    """A detector modality as the SDK's bit (the enums share member names)."""
    return ChainModality[DetectorModality(modality).name]


def detector_modality(modality: ChainModality) -> DetectorModality:
    return DetectorModality[ChainModality(modality).name]


def modality_mask(detectors: Iterable[Detector]) -> int:
    """The union of the detectors' modalities as the program's bit mask."""
    mask = 0
    for d in detectors:
        for m in d.modalities:
            mask |= int(chain_modality(m))
    return mask


def chain_verdict(verdict: DetectorVerdict | str) -> ChainVerdict:
    return ChainVerdict(str(DetectorVerdict(verdict).value))


@dataclass(frozen=True, slots=True)
class Outcome:
    """One worker's answer to a request: what it commits, and the analyses behind it."""

    verdict: ChainVerdict
    confidence: int
    model_id: str
    detections: tuple[Detection, ...]
    analyses: tuple[Analysis, ...]
    notes: str


def _could_not_run(model_id: str, failure: str, note: str) -> Analysis:
    """A detector's answer when it did not give one: Inconclusive with a `failure` detection (`timeout`,
    `detector_error`), which the verdict policy reads as a detector that could not run."""
    return Analysis.inconclusive(model_id, note, [Detection(type=failure, confidence=1.0)])


#: A picklable callable building the detectors (each pool process calls it once).
DetectorFactory = Callable[[], Sequence[Detector]]

#: The detectors of this pool process, by model id (set by `_init_pool` in each process of the pool).
_POOL_DETECTORS: dict[str, Detector] = {}


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _init_pool(node: int, factory: DetectorFactory | None, pickled: bytes | None) -> None:
    threading.Thread(target=_exit_with_parent, args=(node,), daemon=True, name="dfpn-orphan").start()
    # the detectors' image-sized arrays reuse freed memory instead of faulting fresh pages in per request
    tune_allocator()
    detectors = factory() if factory is not None else pickle.loads(pickled or b"")
    _POOL_DETECTORS.update({d.model_id: d for d in detectors})


def _exit_with_parent(node: int) -> None:
    """A pool process whose node died (SIGKILL: no chance to stop the pool) would wait for work forever: it exits
    as soon as it is re-parented (also when the node died before this process finished starting)."""
    while os.getppid() == node:
        time.sleep(1.0)
    os._exit(0)


def _pool_ready(delay: float) -> int:
    time.sleep(delay)  # holds this process so the other warm-up calls reach the other processes
    return os.getpid()


def _timed(detector: Detector, media: Media, cpu_clock: Callable[[], float]) -> tuple[Any, float, float]:
    """`detector.analyze(media)` with its wall-clock and CPU seconds, measured here (no queueing)."""
    wall, cpu = time.perf_counter(), cpu_clock()
    result = detector.analyze(media)
    return result, time.perf_counter() - wall, cpu_clock() - cpu


def _pool_analyze(model_id: str, media: Media) -> tuple[Any, float, float]:
    """In a pool process (one task at a time: the process's CPU time is this detector's)."""
    return _timed(_POOL_DETECTORS[model_id], media, time.process_time)


class Analyzer:
    """Selects, runs and combines the worker's detectors."""

    def __init__(
        self,
        detectors: Sequence[Detector],
        *,
        declared_models: Iterable[str] | None = None,
        model_modalities: Mapping[str, int] | None = None,
        timeout: float = 120.0,
        metrics: Metrics | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.detectors = list(detectors)
        self.declared = None if declared_models is None else set(declared_models)
        #: The modality mask each model is registered with on-chain (active models only; the node reads them);
        #: None: each detector's own modalities stand in for its model's.
        self.model_modalities = None if model_modalities is None else dict(model_modalities)
        self.timeout = timeout
        self.metrics = metrics
        self.executor = executor
        #: Whether `executor` is a process pool holding its own detectors (`start_pool`).
        self.processes = False
        self._owned: Executor | None = None
        #: One per process (or thread) of the pool `start_pool` made: a detector is handed to the pool only when one
        #: is free, so its time limit counts its own run, not its wait in the pool's queue (a busy worker's
        #: detectors would otherwise time out, and it would commit Inconclusive, for being busy).
        self._slots: asyncio.Semaphore | None = None

    async def start_pool(
        self, kind: str, *, workers: int | None = None, factory: DetectorFactory | None = None
    ) -> None:
        """Start the analysis pool: `kind` "process" (`workers` processes, default one per core, each building its
        detectors with `factory`, else unpickling the analyzer's own; threads with a warning when neither is
        possible) or "thread". Returns once every process is up (start-up cost is paid here, not by a request)."""
        n = workers or available_cores()
        if kind == "process":
            pickled = None
            if factory is None:
                try:
                    pickled = pickle.dumps(self.detectors)
                except Exception as e:
                    logger.warning(
                        "detectors cannot be sent to worker processes (%r): running them in threads", e
                    )
                    kind = "thread"
            if kind == "process":
                # spawn: not fork (the node runs threads), not forkserver (its server outlives a killed node)
                context = multiprocessing.get_context("spawn")
                pool = ProcessPoolExecutor(
                    max_workers=n,
                    mp_context=context,
                    initializer=_init_pool,
                    initargs=(os.getpid(), factory, pickled),
                )
                self.executor, self._owned, self.processes = pool, pool, True
                loop = asyncio.get_running_loop()
                try:
                    pids = await asyncio.gather(
                        *(loop.run_in_executor(pool, _pool_ready, 0.2) for _ in range(n))
                    )
                except Exception:
                    self.close_pool()
                    raise
                logger.info("analysis pool: %d processes %s", n, sorted(set(pids)))
                self._slots = asyncio.Semaphore(n)
                return
        pool_threads = ThreadPoolExecutor(max_workers=max(2, n), thread_name_prefix="dfpn-detector")
        self.executor, self._owned, self.processes = pool_threads, pool_threads, False
        self._slots = asyncio.Semaphore(max(2, n))

    def close_pool(self) -> None:
        """Stop the pool `start_pool` started (running analyses are abandoned)."""
        if self._owned is not None:
            self._owned.shutdown(wait=False, cancel_futures=True)
            self._owned = None
            self.executor = None
            self.processes = False
            self._slots = None

    def committable(self, detector: Detector) -> bool:
        return self.declared is None or detector.model_id in self.declared

    def model_mask(self, detector: Detector) -> int:
        """The modalities the detector's model is registered for (0: not registered or deactivated)."""
        if self.model_modalities is None:
            return modality_mask([detector])
        return self.model_modalities.get(detector.model_id, 0)

    def creditable(self, detector: Detector, request_mask: int) -> bool:
        """Whether a commit may name this detector's model for a request: declared by the worker, and registered
        for every one of the request's modalities (what `commit_result` checks)."""
        return self.committable(detector) and self.model_mask(detector) & request_mask == request_mask

    def can_credit(self, request_mask: int) -> bool:
        """Whether some detector's model may be named in a commit for a request with these modalities."""
        return any(self.creditable(d, request_mask) for d in self.detectors)

    def covering(self, request_mask: int) -> list[Detector]:
        """Detectors with at least one of the request's modalities, in configured order."""
        return [d for d in self.detectors if modality_mask([d]) & request_mask]

    def select(self, media: Media, request_mask: int) -> list[Detector]:
        selected = []
        for d in self.covering(request_mask):
            try:
                ok = bool(d.supports(media))
            except Exception as e:  # a detector's bug must not stop the worker
                logger.warning("%s.supports raised %r; skipping it", d.model_id, e)
                ok = False
            if ok:
                selected.append(d)
        return selected

    async def _run_one(self, detector: Detector, media: Media) -> Analysis:
        if self._slots is None:
            return await self._run_timed(detector, media)
        async with self._slots:
            return await self._run_timed(detector, media)

    async def _run_timed(self, detector: Detector, media: Media) -> Analysis:
        loop = asyncio.get_running_loop()
        start = time.perf_counter()
        elapsed: float | None = None
        cpu: float | None = None
        try:
            async with asyncio.timeout(self.timeout):
                if self.processes:
                    call = loop.run_in_executor(self.executor, _pool_analyze, detector.model_id, media)
                else:
                    call = loop.run_in_executor(self.executor, _timed, detector, media, time.thread_time)
                result, elapsed, cpu = await call
            if not isinstance(result, Analysis):
                raise TypeError(f"analyze returned {type(result).__name__}, not Analysis")
        except TimeoutError:
            # The thread cannot be killed; it finishes in the background and its answer is dropped.
            logger.warning("detector %s took over %ss", detector.model_id, self.timeout)
            result = _could_not_run(detector.model_id, "timeout", f"timed out after {self.timeout:g}s")
        except Exception as e:
            logger.warning("detector %s failed: %r", detector.model_id, e)
            result = _could_not_run(
                detector.model_id, "detector_error", f"detector error: {type(e).__name__}"
            )
        if elapsed is None:  # it failed or timed out: what it cost the request is the time waited
            elapsed = time.perf_counter() - start
        if self.metrics is not None:
            self.metrics.detector_latency.labels(model_id=detector.model_id).observe(elapsed)
            if cpu is not None:
                self.metrics.detector_cpu.labels(model_id=detector.model_id).inc(cpu)
        if result.model_id != detector.model_id:
            result = result.model_copy(update={"model_id": detector.model_id})
        return result

    async def analyze(self, media: Media, request_mask: int, *, limits: MediaLimits | None = None) -> Outcome:
        """Check `media` against `limits` from its header (when given), run the selected detectors and decide (see
        the module docstring). Never raises for bad media. Timed as the `analyse` stage (queueing in the pool
        included)."""
        if self.metrics is None:
            return await self._analyze(media, request_mask, limits)
        with self.metrics.stage("analyse"):
            return await self._analyze(media, request_mask, limits)

    async def _analyze(self, media: Media, request_mask: int, limits: MediaLimits | None) -> Outcome:
        if limits is not None:
            refused = await asyncio.to_thread(over_limits, media, limits)
            if refused is not None:
                logger.info("media refused before analysis: %s", refused.message)
                detection = Detection(type="media_too_large", confidence=1.0)
                note = f"media refused before analysis: {refused.message}"
                return Outcome(
                    ChainVerdict.INCONCLUSIVE, 0, self._fallback(request_mask), (detection,), (), note
                )
        selected = self.select(media, request_mask)
        if not selected:
            note = f"no detector supports this media (kind {_kind(media)!r}, {len(media.data)} bytes)"
            return Outcome(ChainVerdict.INCONCLUSIVE, 0, self._fallback(request_mask), (), (), note)
        analyses = tuple(await asyncio.gather(*(self._run_one(d, media) for d in selected)))
        return self._decide(analyses, selected, request_mask)

    def _fallback(self, request_mask: int) -> str:
        """The model credited when no detector analysed the media: the first creditable one covering the request."""
        fallback = next((d for d in self.covering(request_mask) if self.creditable(d, request_mask)), None)
        if fallback is None:
            raise LookupError("no declared model is registered for all of the request's modalities")
        return fallback.model_id

    def _decide(
        self, analyses: tuple[Analysis, ...], selected: Sequence[Detector], request_mask: int
    ) -> Outcome:
        modalities = [detector_modality(m) for m in ChainModality.from_mask(request_mask)]
        try:
            verdict = assess(list(zip(selected, analyses, strict=True)), modalities)
        except Exception as e:  # the policy is the detectors package's code: do not trust it either
            logger.warning("the verdict policy failed: %r; answering Inconclusive", e)
            verdict = Assessment(
                verdict=DetectorVerdict.INCONCLUSIVE,
                confidence=0,
                reasons=(f"verdict policy failed: {type(e).__name__}",),
            )
        confidence = max(0, min(100, int(verdict.confidence)))
        model_id = self._decider(analyses, verdict.decided_by, selected, request_mask)
        detections = tuple(verdict.detections) or tuple(d for a in analyses for d in a.detections)
        notes = "; ".join(
            [f"verdict: {'; '.join(verdict.reasons)}"]
            + [f"{a.model_id}: {a.notes}" for a in analyses if a.notes]
        )
        return Outcome(chain_verdict(verdict.verdict), confidence, model_id, detections, analyses, notes)

    def _decider(
        self,
        analyses: Sequence[Analysis],
        decided_by: Sequence[str],
        selected: Sequence[Detector],
        request_mask: int,
    ) -> str:
        ok = {d.model_id for d in selected if self.creditable(d, request_mask)}
        decider = next((m for m in decided_by if m in ok), None)
        if decider is not None:
            return decider
        candidates = [a for a in analyses if a.model_id in ok]
        if not candidates:
            fallback = next((d for d in self.detectors if self.creditable(d, request_mask)), None)
            if fallback is None:
                raise LookupError("no declared model is registered for all of the request's modalities")
            return fallback.model_id
        best = max(candidates, key=lambda a: a.confidence)  # max keeps the first of equal confidences
        return best.model_id


def over_limits(media: Media, limits: MediaLimits) -> MediaTooLargeError | None:
    """The limit `media` breaks, read from its header alone (`dfpn_detectors.media.check_media`), or None. A
    failure of the check itself is logged and lets the media through to the detectors, which bound their own
    decoding."""
    from dfpn_detectors.media import check_media

    try:
        check_media(media, limits)
    except MediaTooLargeError as e:
        return e
    except Exception as e:
        logger.warning("media limit check failed (%r); leaving it to the detectors", e)
    return None


def _kind(media: Media) -> str:
    try:
        return str(media.kind)
    except Exception:
        return "unknown"


def _detection(d: Detection) -> dict[str, Any]:
    out: dict[str, Any] = d.model_dump(exclude_none=True, mode="json")
    return out


def build_report(*, request: str, worker: str, content_hash: bytes, outcome: Outcome, model: str) -> bytes:
    """The report JSON the worker stores and commits the SHA-256 of (canonical: sorted keys, compact); `model`
    is the address of the committed model (`outcome.model_id` as the worker's config resolves it)."""
    report = {
        "version": REPORT_VERSION,
        "request": request,
        "worker": worker,
        "contentHash": content_hash.hex(),
        "model": model,
        "modelId": outcome.model_id,
        "verdict": outcome.verdict.value,
        "confidence": outcome.confidence,
        "detections": [_detection(d) for d in outcome.detections],
        "detectors": [
            {
                "modelId": a.model_id,
                "verdict": str(DetectorVerdict(a.verdict).value),
                "confidence": int(a.confidence),
                "detections": [_detection(d) for d in a.detections],
                "notes": a.notes,
            }
            for a in outcome.analyses
        ],
        "notes": outcome.notes,
    }
    return json.dumps(report, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def report_hash(report: bytes) -> bytes:
    return hashlib.sha256(report).digest()


__all__ = [
    "REPORT_VERSION",
    "Analyzer",
    "Outcome",
    "available_cores",
    "build_report",
    "chain_modality",
    "chain_verdict",
    "detector_modality",
    "modality_mask",
    "over_limits",
    "report_hash",
]
