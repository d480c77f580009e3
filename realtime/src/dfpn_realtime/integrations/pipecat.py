"""Pipecat integration: a `FrameProcessor` between ``transport.input()`` and ``transport.output()``.

```python
from dfpn_realtime.integrations.pipecat import DFPNDeepfakeProcessor

deepfake = DFPNDeepfakeProcessor(notification_cb=on_event)      # or settings from DFPN_RT_* variables
pipeline = Pipeline([transport.input(), deepfake, transport.output()])

@transport.event_handler("on_client_connected")
async def on_client_connected(transport, client):
    await deepfake.start()
    deepfake.set_participant_id(client.pc_id)
    await transport.capture_participant_video("camera")
```

It analyses camera ``InputImageRawFrame``s (screen share is ignored) and ``InputAudioRawFrame``s, and passes
every frame on unchanged and at once: the analysis runs in the monitor's own tasks. When the pipeline has a VAD
(``UserStartedSpeakingFrame`` / ``UserStoppedSpeakingFrame``), its speaking signal gates the audio; otherwise the
monitor's own VAD does. Without ``notification_cb`` events are logged and, with ``send_to_client`` (default),
sent to the client as an urgent transport message (``{"label": "rtvi-ai", "type": "server-message", "data":
event}``, which RTVI clients and the playground receive over the WebRTC data channel).

Code written for the Pipecat plug-in specification (``DataspikeDeepfakeProcessor(api_key=..., session=...,
video_params=VideoParams(...), audio_params=AudioParams(...), notification_cb=...)``, callbacks testing
``event.type == EventType.ALERT``) runs unchanged after one import changes::

    from dfpn_realtime.integrations.pipecat import DataspikeDeepfakeProcessor, VideoParams, AudioParams
    from dfpn_realtime.integrations.pipecat import DeepfakeStreamingSchemaResultEvent, EventType

(`DataspikeDeepfakeProcessor` is this processor under the specification's name; see `dfpn_realtime.compat`.)

Needs ``dfpn-realtime[pipecat]``.
"""

from __future__ import annotations

import inspect
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import aiohttp
import numpy as np
from dfpn_detectors import Detector
from loguru import logger
from PIL import Image
from pipecat.frames.frames import (
    CancelFrame,
    EndFrame,
    Frame,
    InputAudioRawFrame,
    InputImageRawFrame,
    OutputTransportMessageUrgentFrame,
    StartFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from dfpn_realtime.backends import AnalysisBackend
from dfpn_realtime.clock import Clock
from dfpn_realtime.compat import build_config, refuse_unknown
from dfpn_realtime.config import AudioParams, MonitorConfig, NotifyKind, VideoParams
from dfpn_realtime.escalation import Escalation, make_escalation
from dfpn_realtime.media import U8
from dfpn_realtime.monitor import Monitor, NotificationCallback
from dfpn_realtime.state import AlertEvent, Event, EventType

#: ``transport_source`` values taken as the camera; SmallWebRTC names the camera "camera" and the screen
#: "screenVideo", single-source transports leave it None.
CAMERA_SOURCES: tuple[str | None, ...] = ("camera", None)


def image_array(frame: InputImageRawFrame) -> U8:
    """The frame's pixels as an (H, W, 3|4) or (H, W) uint8 array: raw RGB/RGBA/L bytes, else an encoded image
    (JPEG, PNG) decoded with Pillow."""
    width, height = frame.size
    channels = {"RGB": 3, "RGBA": 4, "L": 1}.get((frame.format or "RGB").upper())
    if channels is not None and len(frame.image) == width * height * channels:
        arr = np.frombuffer(frame.image, dtype=np.uint8)
        return arr.reshape(height, width) if channels == 1 else arr.reshape(height, width, channels)
    with Image.open(io.BytesIO(frame.image)) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


def _frame_processor_parameters() -> list[str]:
    """The keyword parameters of Pipecat's ``FrameProcessor`` (``name``, ...), which this processor passes on."""
    signature = inspect.signature(FrameProcessor.__init__)
    return [
        name
        for name, p in signature.parameters.items()
        if name != "self" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]


class DFPNDeepfakeProcessor(FrameProcessor):
    """Realtime deepfake detection for a Pipecat pipeline, on the DFPN detectors and network."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        session: aiohttp.ClientSession | None = None,
        video_params: VideoParams | Any = None,
        audio_params: AudioParams | Any = None,
        notification_cb: NotificationCallback | None = None,
        notify: NotifyKind | None = None,
        config: MonitorConfig | None = None,
        normal_fps: float | None = None,
        burst_fps: float | None = None,
        quality: int | None = None,
        sample_size: int | None = None,
        interval: float | None = None,
        participant_id: str = "user",
        send_to_client: bool = True,
        video_sources: Sequence[str | None] = CAMERA_SOURCES,
        backend: AnalysisBackend | None = None,
        detectors: Sequence[Detector] | None = None,
        escalation: Escalation | None = None,
        clock: Clock | None = None,
        **kwargs: Any,
    ) -> None:
        """The specification's parameters (`dfpn_realtime.compat`): ``api_key`` is a DFPN gateway key (default
        ``$DFPN_API_KEY``) used only when escalation is enabled; ``session`` carries the gateway's HTTP calls (it is
        not closed by `stop`); ``video_params`` / ``audio_params`` are `VideoParams` / `AudioParams` (or the
        specification's dataclasses); ``notification_cb`` receives every notified event. ``notify`` chooses which
        transitions are notified (`NotifyKind`). Other keyword arguments go to Pipecat's ``FrameProcessor``
        (``name``, ...); anything else is a `TypeError`."""
        parent = _frame_processor_parameters()
        refuse_unknown(
            type(self).__name__,
            {k: v for k, v in kwargs.items() if k not in parent},
            [*_OWN_PARAMETERS, *parent],
        )
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise TypeError(f"session must be an aiohttp.ClientSession, not {type(session).__name__}")
        super().__init__(**kwargs)
        cfg = build_config(
            config,
            api_key=api_key,
            video=video_params,
            audio=audio_params,
            video_shortcuts={"normal_fps": normal_fps, "burst_fps": burst_fps, "quality": quality},
            audio_shortcuts={"sample_size": sample_size, "interval": interval},
            notify=notify,
        )
        if escalation is None and cfg.escalation.enabled:
            escalation = make_escalation(cfg.escalation, clock=clock, session=session)
        self.session = session
        self.participant_id = participant_id
        self.send_to_client = send_to_client
        self.video_sources = tuple(video_sources)
        self.monitor = Monitor(
            cfg,
            backend=backend,
            detectors=detectors,
            escalation=escalation,
            notification_cb=notification_cb,
            default_sink=self._default_sink,
            clock=clock,
        )
        self._connection: Any = None
        self.frames_passed = 0

    # ---- the API of the realtime plugins it replaces ----------------------------------------------------------

    async def start(self) -> None:
        """Load the detectors (or connect to remote analysis) and start analysing. Called again: no-op."""
        await self.monitor.start()

    async def stop(self) -> None:
        """Stop analysing; queued samples and per-track state are dropped."""
        await self.monitor.stop()

    def set_participant_id(self, participant_id: str) -> None:
        """The id put in events (e.g. the SmallWebRTC connection's ``pc_id``)."""
        if participant_id != self.participant_id:
            self.monitor.remove_participant(self.participant_id)
        self.participant_id = participant_id

    def set_webrtc_connection(self, connection: Any) -> None:
        """Accepted for drop-in compatibility; the processor reads media from the pipeline's frames."""
        self._connection = connection
        pc_id = getattr(connection, "pc_id", None)
        if pc_id and self.participant_id == "user":
            self.set_participant_id(str(pc_id))

    # ---- frames -----------------------------------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            await self.start()
            return
        if isinstance(frame, EndFrame | CancelFrame):
            await self.stop()
        elif isinstance(frame, InputImageRawFrame):
            self._on_image(frame)
        elif isinstance(frame, InputAudioRawFrame):
            self._on_audio(frame)
        elif isinstance(frame, UserStartedSpeakingFrame | VADUserStartedSpeakingFrame):
            self.monitor.set_speaking(self.participant_id, self._audio_track(None), True)
        elif isinstance(frame, UserStoppedSpeakingFrame | VADUserStoppedSpeakingFrame):
            self.monitor.set_speaking(self.participant_id, self._audio_track(None), False)
        self.frames_passed += 1
        await self.push_frame(frame, direction)

    def _on_image(self, frame: InputImageRawFrame) -> None:
        source = getattr(frame, "transport_source", None)
        if source not in self.video_sources or not self.monitor.running:
            return
        lazy: Callable[[], U8] = lambda: image_array(frame)  # noqa: E731 (converted only when sampled)
        self.monitor.feed_video(self.participant_id, source or "camera", lazy)

    @staticmethod
    def _audio_track(source: str | None) -> str:
        return "microphone" if source in (None, "microphone") else source

    def _on_audio(self, frame: InputAudioRawFrame) -> None:
        if not self.monitor.running:
            return
        track = self._audio_track(getattr(frame, "transport_source", None))
        self.monitor.feed_audio(
            self.participant_id, track, frame.audio, frame.sample_rate, frame.num_channels
        )

    async def _default_sink(self, event: Event) -> None:
        payload = event.model_dump(mode="json", exclude_none=True)
        logger.info("{}", json.dumps(payload))
        if self.send_to_client:
            message = {"label": "rtvi-ai", "type": "server-message", "data": payload}
            await self.push_frame(OutputTransportMessageUrgentFrame(message=message))

    async def cleanup(self) -> None:
        await self.monitor.stop()
        await super().cleanup()  # type: ignore[no-untyped-call]


_OWN_PARAMETERS = [
    name
    for name in inspect.signature(DFPNDeepfakeProcessor.__init__).parameters
    if name not in ("self", "kwargs")
]

#: The processor under the Pipecat plug-in specification's name (code written for it runs after its import
#: changes to this module).
DataspikeDeepfakeProcessor = DFPNDeepfakeProcessor
#: The specification's callback event: `AlertEvent` (``type`` is an `EventType`; the JSON form says
#: ``"type": "deepfake_alert"``).
DeepfakeStreamingSchemaResultEvent = AlertEvent

__all__ = [
    "CAMERA_SOURCES",
    "AudioParams",
    "DFPNDeepfakeProcessor",
    "DataspikeDeepfakeProcessor",
    "DeepfakeStreamingSchemaResultEvent",
    "EventType",
    "VideoParams",
    "image_array",
]
