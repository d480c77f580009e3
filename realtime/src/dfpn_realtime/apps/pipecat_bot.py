"""Pipecat bot with realtime deepfake detection, and the local playground in the browser (``dfpn-realtime-bot``).

    pip install -e 'realtime[pipecat]'          # with sdk-python and detectors
    dfpn-realtime-bot -t webrtc                 # then open http://localhost:7860/dfpn/ and press Connect

On Pipecat Cloud (its base image runs ``bot()`` of /app/bot.py) the image's bot.py re-exports `bot` from here.

Two pages: /dfpn/ is this package's playground (self-contained: it shows your camera and every deepfake event
as it arrives); /client/ is Pipecat's own playground, whose WebRTC client loads Daily's call-machine bundle from
c.daily.co at run time, so it needs internet access.

The pipeline is transport.input() → DFPNDeepfakeProcessor → transport.output(). The processor samples the
camera (0.2 fps, 1 fps when suspicious) and voice-gated speech, runs the DFPN detectors, and logs each event:

    {"type": "deepfake_alert", "level": "alert", "participant_id": "...", "track_id": "camera", ...}

The event is also sent to the browser over the WebRTC data channel (an RTVI server message). Settings come from
DFPN_RT_* variables (see realtime/README.md). Set DFPN_RT_EVENTS_FILE=path to also append every event to a JSON
lines file (an example of a custom notification_cb).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from loguru import logger
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.runner import PipelineRunner
from pipecat.pipeline.task import PipelineParams, PipelineTask
from pipecat.runner.types import RunnerArguments, SmallWebRTCRunnerArguments
from pipecat.transports.base_transport import TransportParams
from pipecat.transports.smallwebrtc.transport import SmallWebRTCTransport

from dfpn_realtime import Event, MonitorConfig
from dfpn_realtime.integrations.pipecat import DFPNDeepfakeProcessor


def make_processor(**kwargs: Any) -> DFPNDeepfakeProcessor:
    """The deepfake processor, configured from DFPN_RT_* variables (keyword arguments win)."""
    events_file = os.environ.get("DFPN_RT_EVENTS_FILE")
    callback = None
    if events_file:

        async def to_file(event: Event) -> None:
            # A custom notification_cb replaces the default sink; keep logging and informing the client too.
            line = json.dumps(event.model_dump(mode="json", exclude_none=True))
            with open(events_file, "a", encoding="utf-8") as f:
                f.write(line + "\n")
            await processor._default_sink(event)

        callback = to_file
    kwargs.setdefault("config", MonitorConfig.from_env())
    processor = DFPNDeepfakeProcessor(notification_cb=callback, **kwargs)
    return processor


async def run_bot(
    transport: SmallWebRTCTransport, processor: DFPNDeepfakeProcessor, handle_sigint: bool
) -> None:
    pipeline = Pipeline([transport.input(), processor, transport.output()])
    task = PipelineTask(pipeline, params=PipelineParams(enable_metrics=True))

    @transport.event_handler("on_client_connected")  # type: ignore[untyped-decorator]
    async def on_client_connected(transport: SmallWebRTCTransport, client: Any) -> None:
        logger.info(f"client connected: {client.pc_id}")
        await processor.start()
        processor.set_participant_id(client.pc_id)
        await transport.capture_participant_video(client.pc_id, framerate=None, video_source="camera")

    @transport.event_handler("on_client_disconnected")  # type: ignore[untyped-decorator]
    async def on_client_disconnected(transport: SmallWebRTCTransport, client: Any) -> None:
        logger.info("client disconnected")
        await processor.stop()
        await task.cancel()

    await PipelineRunner(handle_sigint=handle_sigint).run(task)


async def bot(runner_args: RunnerArguments) -> None:
    """Entry point called by the Pipecat development runner for each browser connection."""
    if not isinstance(runner_args, SmallWebRTCRunnerArguments):
        raise RuntimeError("this example runs on the SmallWebRTC transport: python bot.py -t webrtc")
    transport = SmallWebRTCTransport(
        webrtc_connection=runner_args.webrtc_connection,
        params=TransportParams(audio_in_enabled=True, video_in_enabled=True, audio_out_enabled=False),
    )
    await run_bot(transport, make_processor(), runner_args.handle_sigint)


PLAYGROUND = Path(__file__).with_name("playground.html")


def add_playground(app: Any) -> None:
    """Serve playground.html at /dfpn/: a self-contained page (no CDN) that shows the camera and the events."""
    from fastapi.responses import HTMLResponse, RedirectResponse

    @app.get("/dfpn", include_in_schema=False)  # type: ignore[untyped-decorator]
    async def dfpn_redirect() -> RedirectResponse:
        return RedirectResponse(url="/dfpn/")

    @app.get("/dfpn/", include_in_schema=False)  # type: ignore[untyped-decorator]
    async def dfpn_playground() -> HTMLResponse:
        return HTMLResponse(PLAYGROUND.read_text(encoding="utf-8"))


def main() -> None:
    """Pipecat's development runner (``-t webrtc``, ``--host``, ``--port``, ...) with `bot` and the playground."""
    import logging
    import sys

    from pipecat.runner.run import app
    from pipecat.runner.run import main as run_main

    # Pipecat's runner calls ``bot()`` of the __main__ module: the console script's wrapper does not have it.
    sys.modules["__main__"].bot = bot  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    add_playground(app)
    run_main()


if __name__ == "__main__":
    main()
