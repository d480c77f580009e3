"""LiveKit integration: monitor every remote participant's camera (and microphone) in a room.

```python
from dfpn_realtime.integrations.livekit import LiveKitDeepfakeDetector

async def entrypoint(ctx: JobContext):               # a livekit-agents job (see examples/agent_worker.py)
    await ctx.connect(auto_subscribe=AutoSubscribe.SUBSCRIBE_ALL)
    detector = LiveKitDeepfakeDetector(ctx.room)     # or notification_cb=..., normal_fps=..., ...
    await detector.start()
```

Camera tracks (``TrackSource.SOURCE_CAMERA``) of remote participants are sampled; screen shares are ignored.
Microphone tracks are read as 16 kHz mono (LiveKit resamples) and voice-gated, unless ``monitor_audio=False``.
A frame is converted to RGB only when the sampler keeps it. Without ``notification_cb`` every event is
published on the room's data channel, reliably, under the topic ``deepfake_alert`` (JSON, the event's
``model_dump()``).

Code written for the LiveKit plug-in specification (``dataspike.DataspikeDetector(api_key=..., normal_fps=...,
burst_fps=..., quality=..., notification_cb=...)`` then ``await detector.start(session, room=ctx.room)``) runs
unchanged after its import becomes ``from dfpn_realtime.integrations import livekit as dataspike``
(`DataspikeDetector` is this detector under the specification's name; see `dfpn_realtime.compat`).

Needs ``dfpn-realtime[livekit]``. `room_credentials` reads ``LIVEKIT_URL``, ``LIVEKIT_API_KEY`` and
``LIVEKIT_API_SECRET`` and names the missing ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from dfpn_detectors import Detector
from livekit import rtc

from dfpn_realtime.backends import AnalysisBackend
from dfpn_realtime.clock import Clock
from dfpn_realtime.compat import build_config
from dfpn_realtime.config import (
    AUDIO_SAMPLE_RATE,
    AudioParams,
    ConfigError,
    MonitorConfig,
    NotifyKind,
    VideoParams,
)
from dfpn_realtime.escalation import Escalation
from dfpn_realtime.media import U8
from dfpn_realtime.monitor import Monitor, NotificationCallback
from dfpn_realtime.state import AlertEvent, Event, EventType

logger = logging.getLogger(__name__)

TOPIC = "deepfake_alert"
LIVEKIT_ENV = ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET")


def room_credentials(env: Mapping[str, str] | None = None) -> tuple[str, str, str]:
    """(url, api key, api secret) from the environment; `ConfigError` naming whatever is missing."""
    env = os.environ if env is None else env
    missing = [k for k in LIVEKIT_ENV if not env.get(k)]
    if missing:
        raise ConfigError(
            f"LiveKit credentials missing: set {', '.join(missing)} (the server URL, e.g. ws://localhost:7880, "
            "and an API key/secret pair from the LiveKit server's configuration)"
        )
    return env["LIVEKIT_URL"], env["LIVEKIT_API_KEY"], env["LIVEKIT_API_SECRET"]


def video_frame_array(frame: rtc.VideoFrame) -> U8:
    """An (H, W, 3) RGB copy of a LiveKit video frame of any buffer type."""
    rgb = frame if frame.type == rtc.VideoBufferType.RGB24 else frame.convert(rtc.VideoBufferType.RGB24)
    arr = np.frombuffer(bytes(rgb.data), dtype=np.uint8)
    return arr.reshape(rgb.height, rgb.width, 3)


class LiveKitDeepfakeDetector:
    """Deepfake monitoring of a LiveKit room's remote participants."""

    def __init__(
        self,
        room: rtc.Room | None = None,
        *,
        api_key: str | None = None,
        normal_fps: float | None = None,
        burst_fps: float | None = None,
        quality: int | None = None,
        notification_cb: NotificationCallback | None = None,
        video_params: VideoParams | Any = None,
        audio_params: AudioParams | Any = None,
        notify: NotifyKind | None = None,
        config: MonitorConfig | None = None,
        topic: str = TOPIC,
        monitor_audio: bool = True,
        backend: AnalysisBackend | None = None,
        detectors: Sequence[Detector] | None = None,
        escalation: Escalation | None = None,
        clock: Clock | None = None,
    ) -> None:
        """The specification's parameters (`dfpn_realtime.compat`): ``api_key`` is a DFPN gateway key (default
        ``$DFPN_API_KEY``) used only when escalation is enabled; ``normal_fps``, ``burst_fps``, ``quality`` (or
        ``video_params``) and ``audio_params`` set the sampling; ``notification_cb`` receives every notified event
        instead of the room's data channel. The room can be given here or to `start` (``start(session,
        room=ctx.room)``, as the specification does). ``notify`` chooses which transitions are notified."""
        cfg = build_config(
            config,
            api_key=api_key,
            video=video_params,
            audio=audio_params,
            video_shortcuts={"normal_fps": normal_fps, "burst_fps": burst_fps, "quality": quality},
            notify=notify,
        )
        self.room: rtc.Room | None = room
        self.agent_session: Any = None
        self.topic = topic
        self.monitor_audio = monitor_audio
        self.monitor = Monitor(
            cfg,
            backend=backend,
            detectors=detectors,
            escalation=escalation,
            notification_cb=notification_cb,
            default_sink=self._publish,
            clock=clock,
        )
        self._readers: dict[str, asyncio.Task[None]] = {}
        self.published = 0

    # ---- lifecycle -------------------------------------------------------------------------------------------

    async def start(self, session: Any = None, *, room: rtc.Room | None = None) -> None:
        """Start the monitor and follow the room's remote tracks (those already subscribed, and later ones).

        ``start(session, room=ctx.room)`` is the specification's form: `session` (the job's ``AgentSession``) is
        kept as ``agent_session`` and not otherwise needed (the detector reads the room's tracks itself); `room`
        is the room to monitor when the constructor did not get one."""
        if room is not None and self.room is not None and room is not self.room:
            raise ValueError("start(room=...) is another room than the one given to the constructor")
        self.room = room or self.room
        if self.room is None:
            raise TypeError(
                "no room to monitor: pass it to the constructor or to start(session, room=ctx.room)"
            )
        self.agent_session = session
        await self.monitor.start()
        self.room.on("track_subscribed", self._on_track_subscribed)
        self.room.on("track_unsubscribed", self._on_track_unsubscribed)
        self.room.on("participant_disconnected", self._on_participant_disconnected)
        for participant in self.room.remote_participants.values():
            for publication in participant.track_publications.values():
                if publication.track is not None and publication.subscribed:
                    self._on_track_subscribed(publication.track, publication, participant)

    async def aclose(self) -> None:
        """Stop reading tracks and stop the monitor."""
        if self.room is None:
            return
        with contextlib.suppress(KeyError, ValueError):
            self.room.off("track_subscribed", self._on_track_subscribed)
            self.room.off("track_unsubscribed", self._on_track_unsubscribed)
            self.room.off("participant_disconnected", self._on_participant_disconnected)
        for task in self._readers.values():
            task.cancel()
        for task in list(self._readers.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._readers.clear()
        await self.monitor.stop()

    stop = aclose

    # ---- room events -----------------------------------------------------------------------------------------

    def _on_track_subscribed(
        self, track: rtc.Track, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        sid = track.sid
        if sid in self._readers:
            return
        if track.kind == rtc.TrackKind.KIND_VIDEO and publication.source == rtc.TrackSource.SOURCE_CAMERA:
            reader = self._read_video(track, participant.identity)
        elif (
            self.monitor_audio
            and track.kind == rtc.TrackKind.KIND_AUDIO
            and publication.source == rtc.TrackSource.SOURCE_MICROPHONE
        ):
            reader = self._read_audio(track, participant.identity)
        else:
            return  # screen share, screen share audio, unknown sources
        logger.info("reading %s track %s of %s", publication.source, sid, participant.identity)
        self._readers[sid] = asyncio.create_task(reader, name=f"dfpn-rt-{sid}")

    def _on_track_unsubscribed(
        self, track: rtc.Track, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        task = self._readers.pop(track.sid, None)
        if task is not None:
            task.cancel()
        self.monitor.remove_track(participant.identity, track.sid)

    def _on_participant_disconnected(self, participant: rtc.RemoteParticipant) -> None:
        for publication in participant.track_publications.values():
            task = self._readers.pop(publication.sid, None)
            if task is not None:
                task.cancel()
        self.monitor.remove_participant(participant.identity)

    async def _read_video(self, track: rtc.Track, identity: str) -> None:
        stream = rtc.VideoStream(track)
        try:
            async for event in stream:
                frame = event.frame
                self.monitor.feed_video(identity, track.sid, functools.partial(video_frame_array, frame))
        finally:
            await stream.aclose()

    async def _read_audio(self, track: rtc.Track, identity: str) -> None:
        stream = rtc.AudioStream(track, sample_rate=AUDIO_SAMPLE_RATE, num_channels=1)
        try:
            async for event in stream:
                f = event.frame
                self.monitor.feed_audio(identity, track.sid, bytes(f.data), f.sample_rate, f.num_channels)
        finally:
            await stream.aclose()

    async def _publish(self, event: Event) -> None:
        payload = json.dumps(event.model_dump(mode="json", exclude_none=True))
        assert self.room is not None
        await self.room.local_participant.publish_data(payload, reliable=True, topic=self.topic)
        self.published += 1


async def connect_room(
    room_name: str, identity: str = "dfpn-deepfake-monitor", env: Mapping[str, str] | None = None
) -> rtc.Room:
    """Join `room_name` as `identity` with credentials from the environment (outside an agent job)."""
    from livekit import api

    url, key, secret = room_credentials(env)
    token = (
        api.AccessToken(key, secret)
        .with_identity(identity)
        .with_grants(api.VideoGrants(room_join=True, room=room_name, can_publish_data=True))
        .to_jwt()
    )
    room = rtc.Room()
    await room.connect(url, token, rtc.RoomOptions(auto_subscribe=True))
    return room


#: The detector under the LiveKit plug-in specification's name: ``from dfpn_realtime.integrations import livekit as
#: dataspike`` then ``dataspike.DataspikeDetector(...)``.
DataspikeDetector = LiveKitDeepfakeDetector
#: The specification's callback event: `AlertEvent`.
DeepfakeStreamingSchemaResultEvent = AlertEvent

__all__ = [
    "LIVEKIT_ENV",
    "TOPIC",
    "AudioParams",
    "DataspikeDetector",
    "DeepfakeStreamingSchemaResultEvent",
    "EventType",
    "LiveKitDeepfakeDetector",
    "VideoParams",
    "connect_room",
    "room_credentials",
    "video_frame_array",
]
