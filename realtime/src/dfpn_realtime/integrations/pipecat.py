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

Needs ``dfpn-realtime[pipecat]``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import Any

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
from dfpn_realtime.config import AudioParams, MonitorConfig, VideoParams
from dfpn_realtime.escalation import Escalation
from dfpn_realtime.media import U8
from dfpn_realtime.monitor import Monitor, NotificationCallback
from dfpn_realtime.state import Event

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


class DFPNDeepfakeProcessor(FrameProcessor):
    """Realtime deepfake detection for a Pipecat pipeline, on the DFPN detectors and network."""

    def __init__(
        self,
        *,
        config: MonitorConfig | None = None,
        normal_fps: float | None = None,
        burst_fps: float | None = None,
        quality: int | None = None,
        sample_size: int | None = None,
        interval: float | None = None,
        notification_cb: NotificationCallback | None = None,
        participant_id: str = "user",
        send_to_client: bool = True,
        video_sources: Sequence[str | None] = CAMERA_SOURCES,
        backend: AnalysisBackend | None = None,
        detectors: Sequence[Detector] | None = None,
        escalation: Escalation | None = None,
        clock: Clock | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        cfg = config or MonitorConfig.from_env()
        video = {
            k: v for k, v in (("normal_fps", normal_fps), ("burst_fps", burst_fps), ("quality", quality)) if v
        }
        audio = {k: v for k, v in (("sample_size", sample_size), ("interval", interval)) if v is not None}
        if video:
            cfg = cfg.model_copy(update={"video": VideoParams(**{**cfg.video.model_dump(), **video})})
        if audio:
            cfg = cfg.model_copy(update={"audio": AudioParams(**{**cfg.audio.model_dump(), **audio})})
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


__all__ = ["CAMERA_SOURCES", "DFPNDeepfakeProcessor", "image_array"]
