"""Run by scripts/check_bounds.py inside its throwaway venv: the integrations import and work at the installed
versions of pipecat-ai and livekit-agents. Prints one JSON line: the versions and what was checked."""

from __future__ import annotations

import asyncio
import json
from importlib.metadata import version

import numpy as np


async def pipecat_check() -> str:
    import aiohttp
    from pipecat.frames.frames import Frame, InputImageRawFrame, UserStartedSpeakingFrame
    from pipecat.tests.utils import SleepFrame, run_test

    from dfpn_realtime import AnalysisBackend, Sample, SampleResult
    from dfpn_realtime.integrations.pipecat import (
        AudioParams,
        DataspikeDeepfakeProcessor,
        EventType,
        VideoParams,
    )

    class Red(AnalysisBackend):
        async def analyze(self, sample: Sample) -> SampleResult:
            from dfpn_detectors import Verdict

            return SampleResult(
                score=0.95, verdict=Verdict.MANIPULATED, confidence=90, latency_ms=0, backend="red"
            )

    seen: list[object] = []

    async def on_event(event: object) -> None:
        if getattr(event, "type", None) == EventType.ALERT:
            seen.append(event)

    async with aiohttp.ClientSession() as session:
        processor = DataspikeDeepfakeProcessor(
            api_key=None,
            session=session,
            video_params=VideoParams(normal_fps=20, burst_fps=30, quality=75),
            audio_params=AudioParams(sample_rate=16000, sample_size=48000, interval=60),
            notification_cb=on_event,
            backend=Red(),
        )
        pixels = np.full((48, 64, 3), (220, 30, 30), np.uint8).tobytes()
        frames: list[Frame] = [UserStartedSpeakingFrame()]
        for _ in range(6):
            f = InputImageRawFrame(image=pixels, size=(64, 48), format="RGB")
            f.transport_source = "camera"
            frames += [f, SleepFrame(sleep=0.06)]
        await run_test(processor, frames_to_send=frames)
    if not seen:
        raise SystemExit("pipecat: no ALERT reached the callback")
    return "pipeline run: ALERT delivered"


async def livekit_check() -> str:
    from livekit import rtc
    from livekit.agents import AgentServer, AgentSession, AutoSubscribe, JobContext, cli  # noqa: F401 (the example's)

    from dfpn_realtime.integrations import livekit as dataspike

    detector = dataspike.DataspikeDetector(api_key=None, normal_fps=0.2, burst_fps=1.0, quality=75)
    room = rtc.Room()
    await detector.start(AgentSession(), room=room)
    await detector.aclose()
    return "constructed and started on an unconnected room; the example's imports resolve"


async def main() -> None:
    report = {
        "versions": {
            p: version(p) for p in ("pipecat-ai", "livekit-agents", "livekit", "livekit-api", "aiohttp")
        },
        "pipecat": await pipecat_check(),
        "livekit": await livekit_check(),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main())
