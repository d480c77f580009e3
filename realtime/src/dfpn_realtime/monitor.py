"""The monitor: media from any source in, deepfake alert events out.

```python
async with Monitor(MonitorConfig.from_env(), notification_cb=on_event) as monitor:
    monitor.feed_video("alice", "camera", rgb_frame)          # every frame; ~1 µs when it is not sampled
    monitor.feed_audio("alice", "microphone", pcm, 48_000, 1)  # every audio frame
```

The media path (``feed_video`` / ``feed_audio``) never waits: it decides whether to sample (`FrameSampler`,
`AudioSampler`), encodes what it keeps (JPEG, or a 16 kHz WAV chunk) and puts it on a bounded drop-oldest queue.
``analysis_workers`` tasks take samples from the queues, run the backend, feed the per-track `StateMachine`, and
emit an `AlertEvent` for each transition; a track that reaches ALERT is escalated to the DFPN network when
escalation is enabled. Events go to ``notification_cb`` (an async callable), else to the integration's default
sink, else to the log.

``feed_*`` must be called from the thread running the monitor's event loop (both integrations do).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from dfpn_detectors import Detector

from dfpn_realtime.audio import AudioSampler
from dfpn_realtime.backends import (
    ERROR_TYPES,
    AnalysisBackend,
    LocalDetectorsBackend,
    Sample,
    SampleKind,
    SampleResult,
)
from dfpn_realtime.clock import Clock, SystemClock
from dfpn_realtime.config import AUDIO_SAMPLE_RATE, MonitorConfig, NotifyKind, foreign_settings
from dfpn_realtime.escalation import Escalation, make_escalation
from dfpn_realtime.media import FrameSource, encode_jpeg, encode_wav
from dfpn_realtime.sampler import DropOldestQueue, FrameSampler
from dfpn_realtime.state import (
    AlertEvent,
    Event,
    Level,
    Signal,
    StateMachine,
    VerificationEvent,
    message_for,
)

logger = logging.getLogger(__name__)
event_logger = logging.getLogger("dfpn_realtime.events")

NotificationCallback = Callable[[Event], Awaitable[None]]
_Item = tuple[Sample, float]


async def log_sink(event: Event) -> None:
    """The fallback sink: one JSON line per event on the ``dfpn_realtime.events`` logger."""
    level = logging.WARNING if getattr(event, "level", None) is Level.ALERT else logging.INFO
    event_logger.log(level, "%s", json.dumps(event.model_dump(mode="json", exclude_none=True)))


@dataclass
class TrackInfo:
    participant_id: str
    track_id: str
    kind: SampleKind
    machine: StateMachine
    frames: FrameSampler | None = None
    audio: AudioSampler | None = None
    last_escalation: float | None = None
    escalating: bool = False
    analysed: int = 0

    @property
    def level(self) -> Level:
        return self.machine.level


@dataclass
class MonitorStats:
    frames_seen: int = 0
    frames_sampled: int = 0
    audio_chunks: int = 0
    analysed: int = 0
    inconclusive: int = 0
    escalations: int = 0
    #: End-to-end milliseconds per analysed sample: from enqueue (just after encoding) to the backend's answer.
    latencies_ms: collections.deque[float] = field(default_factory=lambda: collections.deque(maxlen=100_000))
    #: Milliseconds spent encoding sampled frames on the media path.
    encode_ms: collections.deque[float] = field(default_factory=lambda: collections.deque(maxlen=100_000))


def notifies(notify: NotifyKind, previous: Level, new: Level) -> bool:
    """Whether a transition `previous` → `new` is notified under the `notify` setting."""
    if notify == "rises":
        return new is not Level.CLEAR
    if notify == "alerts":
        return new is Level.ALERT or previous is Level.ALERT
    return True


def signals_of(result: SampleResult) -> tuple[Signal, ...]:
    """The detectors that read the sample (not those that could not), with their answers."""
    return tuple(
        Signal(detector=a.model_id, verdict=str(a.verdict), confidence=a.confidence)
        for a in result.analyses
        if not any(d.type in ERROR_TYPES for d in a.detections)
    )


class Monitor:
    """Realtime deepfake monitoring of many participants' tracks."""

    def __init__(
        self,
        config: MonitorConfig | None = None,
        *,
        backend: AnalysisBackend | None = None,
        detectors: Sequence[Detector] | None = None,
        escalation: Escalation | None = None,
        notification_cb: NotificationCallback | None = None,
        default_sink: NotificationCallback | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.config = config or MonitorConfig.from_env()
        self.clock: Clock = clock or SystemClock()
        self.backend = backend or self._default_backend(detectors)
        if escalation is None and self.config.escalation.enabled:
            escalation = make_escalation(self.config.escalation, clock=self.clock)
        self.escalation = escalation
        self.notification_cb = notification_cb
        self.default_sink = default_sink
        v = self.config.video
        self._video: DropOldestQueue[_Item] = DropOldestQueue(v.queue_size, max_age=v.max_age)
        self._audio: DropOldestQueue[_Item] = DropOldestQueue(self.config.audio.queue_size, max_age=None)
        self._tracks: dict[tuple[str, str, SampleKind], TrackInfo] = {}
        self._work = asyncio.Event()
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._escalations: set[asyncio.Task[None]] = set()
        self._inflight = 0
        self._running = False
        self.stats = MonitorStats()
        #: The most recent events (newest last).
        self.events: collections.deque[Event] = collections.deque(maxlen=1000)

    def _default_backend(self, detectors: Sequence[Detector] | None) -> AnalysisBackend:
        r = self.config.remote
        if r.url and detectors is None:
            from dfpn_realtime.remote import RemoteBackend

            return RemoteBackend(
                r.url,
                r.api_key,
                backoff_initial=r.backoff_initial,
                backoff_max=r.backoff_max,
                timeout=r.timeout,
                clock=self.clock,
            )
        return LocalDetectorsBackend(
            detectors, names=self.config.detectors, max_workers=self.config.analysis_workers
        )

    # ---- lifecycle -------------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    async def start(self) -> None:
        """Load the detectors (or connect), start the analysis workers. Raises `ConfigError` for missing
        credentials or settings."""
        if self._running:
            return
        for message in foreign_settings():
            logger.warning("%s", message)
        e = self.config.escalation
        if e.api_key and not e.enabled:
            logger.info(
                "a DFPN API key is set but escalation is off: nothing leaves this machine; set DFPN_RT_ESCALATE=1 "
                "(and DFPN_RT_STORAGE) to have ALERTs verified by the DFPN network"
            )
        await self.backend.start()
        if self.escalation is not None:
            try:
                await self.escalation.start()
            except BaseException:
                await self.backend.close()
                raise
        self._running = True
        self._tasks = [
            asyncio.create_task(self._worker(), name=f"dfpn-rt-analysis-{i}")
            for i in range(self.config.analysis_workers)
        ]
        self._tasks.append(asyncio.create_task(self._dispatch(), name="dfpn-rt-events"))
        logger.info(
            "monitor started: %s backend, %.2f/%.2f fps, %d workers, escalation %s",
            self.backend.name,
            self.config.video.normal_fps,
            self.config.video.burst_fps,
            self.config.analysis_workers,
            "on" if self.escalation else "off",
        )

    async def stop(self, drain_timeout: float = 2.0) -> None:
        """Stop: samples already queued are analysed and their events delivered for up to `drain_timeout`
        seconds; then the workers and running escalations are cancelled, and queued samples and per-track state
        dropped."""
        if not self._running:
            return
        self._running = False
        with contextlib.suppress(TimeoutError):
            await self.drain(drain_timeout, escalations=False)
        for task in [*self._tasks, *self._escalations]:
            task.cancel()
        for task in [*self._tasks, *self._escalations]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self._escalations.clear()
        self._video.clear()
        self._audio.clear()
        self._tracks.clear()
        await self.backend.close()
        if self.escalation is not None:
            await self.escalation.close()
        logger.info("monitor stopped")

    async def __aenter__(self) -> Monitor:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def drain(self, timeout: float = 30.0, *, escalations: bool = True) -> None:
        """Wait until every queued sample is analysed and every event delivered (and, with `escalations`,
        every escalation finished)."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + timeout
        while True:
            busy = len(self._video) or len(self._audio) or self._inflight or self._events.qsize()
            if escalations and self._escalations:
                busy = True
            if not busy:
                await self._events.join()
                return
            if loop.time() > give_up:
                raise TimeoutError("monitor did not drain in time")
            await asyncio.sleep(0.002)

    # ---- the media path --------------------------------------------------------------------------------------

    def _track(self, participant_id: str, track_id: str, kind: SampleKind) -> TrackInfo:
        key = (participant_id, track_id, kind)
        track = self._tracks.get(key)
        if track is None:
            track = TrackInfo(participant_id, track_id, kind, StateMachine(self.config.states))
            if kind == "video":
                track.frames = FrameSampler(self.config.video.normal_fps, self.config.video.burst_fps)
            else:
                track.audio = AudioSampler(self.config.audio)
            self._tracks[key] = track
            logger.info("monitoring %s track %s of %s", kind, track_id, participant_id)
        return track

    def feed_video(
        self, participant_id: str, track_id: str, frame: FrameSource, timestamp: float | None = None
    ) -> bool:
        """Offer one video frame (RGB/RGBA/grey uint8 array, or a callable making one, called only when the
        frame is sampled). `timestamp` is the frame's time on the monitor's clock (default: now). Returns True
        when the frame was sampled and queued."""
        if not self._running:
            return False
        track = self._track(participant_id, track_id, "video")
        now = self.clock.monotonic() if timestamp is None else timestamp
        self.stats.frames_seen += 1
        assert track.frames is not None
        if not track.frames.offer(now, track.level):
            return False
        start = time.perf_counter()
        try:
            pixels = frame() if callable(frame) else frame
            jpeg = encode_jpeg(pixels, self.config.video.quality, self.config.video.max_side)
        except (ValueError, TypeError) as e:
            logger.warning("frame of %s/%s not encodable: %s", participant_id, track_id, e)
            return False
        done = time.perf_counter()
        self.stats.encode_ms.append((done - start) * 1000.0)
        self.stats.frames_sampled += 1
        sample = Sample("video", participant_id, track_id, jpeg, "image/jpeg", now, self.clock.time_ms())
        self._video.put_nowait((sample, done), now)
        self._work.set()
        return True

    def feed_audio(
        self,
        participant_id: str,
        track_id: str,
        samples: bytes | Any,
        sample_rate: int,
        channels: int = 1,
        timestamp: float | None = None,
    ) -> bool:
        """Offer PCM audio (int16 bytes, or an int16/float array; interleaved when `channels` > 1). Returns True
        when it completed a speech chunk that was queued for analysis."""
        if not self._running:
            return False
        track = self._track(participant_id, track_id, "audio")
        now = self.clock.monotonic() if timestamp is None else timestamp
        assert track.audio is not None
        try:
            chunk = track.audio.feed(samples, sample_rate, channels, now, track.level)
        except ValueError as e:  # malformed PCM must not break the media path
            logger.warning("audio of %s/%s not usable: %s", participant_id, track_id, e)
            return False
        if chunk is None:
            return False
        wav = encode_wav(chunk, AUDIO_SAMPLE_RATE)
        self.stats.audio_chunks += 1
        sample = Sample("audio", participant_id, track_id, wav, "audio/wav", now, self.clock.time_ms())
        self._audio.put_nowait((sample, time.perf_counter()), now)
        self._work.set()
        return True

    def set_speaking(self, participant_id: str, track_id: str, speaking: bool | None) -> None:
        """An integration's own speaking signal for an audio track (None: back to the monitor's VAD)."""
        track = self._track(participant_id, track_id, "audio")
        assert track.audio is not None
        track.audio.external_speaking = speaking

    def level(self, participant_id: str, track_id: str, kind: SampleKind = "video") -> Level:
        track = self._tracks.get((participant_id, track_id, kind))
        return track.level if track else Level.CLEAR

    def tracks(self) -> list[TrackInfo]:
        return list(self._tracks.values())

    def remove_track(self, participant_id: str, track_id: str) -> None:
        """Forget a track (unsubscribed, participant left): its state and counters are dropped."""
        for kind in ("video", "audio"):
            self._tracks.pop((participant_id, track_id, kind), None)

    def remove_participant(self, participant_id: str) -> None:
        for key in [k for k in self._tracks if k[0] == participant_id]:
            del self._tracks[key]

    @property
    def queue_stats(self) -> dict[str, Any]:
        return {"video": vars(self._video.stats).copy(), "audio": vars(self._audio.stats).copy()}

    # ---- analysis ---------------------------------------------------------------------------------------------

    def _next(self) -> _Item | None:
        now = self.clock.monotonic()
        return self._audio.get_nowait(now) or self._video.get_nowait(now)

    async def _worker(self) -> None:
        while True:
            item = self._next()
            if item is None:
                self._work.clear()
                await self._work.wait()
                continue
            self._inflight += 1
            try:
                await self._analyse(*item)
            except Exception:
                logger.exception("analysis failed")
            finally:
                self._inflight -= 1

    async def _analyse(self, sample: Sample, enqueued: float) -> None:
        try:
            result = await self.backend.analyze(sample)
        except Exception as e:  # a backend must not take the monitor down
            logger.exception("backend %s failed", self.backend.name)
            result = SampleResult.unavailable(self.backend.name, f"{type(e).__name__}: {e}")
        self.stats.latencies_ms.append((time.perf_counter() - enqueued) * 1000.0)
        self.stats.analysed += 1
        if result.score is None:
            self.stats.inconclusive += 1
        track = self._tracks.get((sample.participant_id, sample.track_id, sample.kind))
        if track is None:  # removed while the sample was analysed
            return
        track.analysed += 1
        previous = track.machine.level
        new = track.machine.update(result.score)
        logger.debug(
            "%s/%s %s: score %s -> %s",
            sample.participant_id,
            sample.track_id,
            sample.kind,
            result.score,
            track.level,
        )
        if new is None:
            return
        if notifies(self.config.notify, previous, new):
            self.emit(
                AlertEvent(
                    type=new,
                    level=new,
                    previous_level=previous,
                    participant_id=sample.participant_id,
                    track_id=sample.track_id,
                    kind=sample.kind,
                    message=message_for(new, sample.participant_id, sample.kind),
                    timestamp_ms=self.clock.time_ms(),
                    score=result.score,
                    signals=signals_of(result),
                )
            )
        if new is Level.ALERT:
            self._maybe_escalate(track, sample)

    def _maybe_escalate(self, track: TrackInfo, sample: Sample) -> None:
        if self.escalation is None or track.escalating:
            return
        now = self.clock.monotonic()
        cooldown = self.config.escalation.cooldown
        if track.last_escalation is not None and now - track.last_escalation < cooldown:
            return
        track.escalating = True
        track.last_escalation = now
        self.stats.escalations += 1
        task = asyncio.create_task(self._escalate(track, sample), name="dfpn-rt-escalation")
        self._escalations.add(task)
        task.add_done_callback(self._escalations.discard)

    async def _escalate(self, track: TrackInfo, sample: Sample) -> None:
        assert self.escalation is not None
        try:
            event = await self.escalation.escalate(sample)
        except Exception as e:
            logger.exception("escalation failed")
            event = VerificationEvent(
                status="failed",
                participant_id=sample.participant_id,
                track_id=sample.track_id,
                message=f"Escalation failed: {type(e).__name__}: {e}",
                timestamp_ms=self.clock.time_ms(),
            )
        finally:
            track.escalating = False
        self.emit(event)

    # ---- events -----------------------------------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        """Queue an event for the sink (events are delivered in order, one at a time)."""
        self.events.append(event)
        self._events.put_nowait(event)

    async def _dispatch(self) -> None:
        while True:
            event = await self._events.get()
            try:
                sink = self.notification_cb or self.default_sink or log_sink
                await sink(event)
            except Exception:
                logger.exception("notification callback failed for %s", event.type)
            finally:
                self._events.task_done()


__all__ = [
    "Monitor",
    "MonitorStats",
    "NotificationCallback",
    "TrackInfo",
    "log_sink",
    "notifies",
    "signals_of",
]
