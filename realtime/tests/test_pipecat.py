"""The Pipecat processor inside a real Pipecat pipeline (pipecat.tests.utils.run_test: source → processor → sink)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pipecat")

from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    InputImageRawFrame,
    TextFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from pipecat.tests.utils import SleepFrame, run_test

from dfpn_realtime import AudioParams, Event, LocalDetectorsBackend, MonitorConfig, VideoParams
from dfpn_realtime.integrations.pipecat import DFPNDeepfakeProcessor, image_array

from helpers import RED, MarkerDetector, ScriptedBackend, frame, levels, to_int16, voiced

FAST = MonitorConfig.from_env({}, video=VideoParams(normal_fps=20, burst_fps=30))


def image(color: tuple[int, int, int], source: str | None = "camera") -> InputImageRawFrame:
    pixels = frame(color, 96, 72)
    f = InputImageRawFrame(image=pixels.tobytes(), size=(96, 72), format="RGB")
    f.transport_source = source
    return f


def paced(frames: list[Frame], gap: float = 0.06) -> list[Frame]:
    out: list[Frame] = []
    for f in frames:
        out += [f, SleepFrame(sleep=gap)]
    return out


async def test_camera_frames_raise_an_alert_and_pass_through_unchanged() -> None:
    # Given the processor in a pipeline, with the local backend and a detector that calls red frames manipulated
    events: list[Event] = []

    async def on_event(e: Event) -> None:
        events.append(e)

    detector = MarkerDetector()
    proc = DFPNDeepfakeProcessor(
        config=FAST,
        backend=LocalDetectorsBackend([detector]),
        notification_cb=on_event,
        participant_id="pc-1",
    )
    sent: list[Frame] = [image(RED) for _ in range(8)] + [TextFrame(text="hello")]
    # When eight red camera frames and a text frame flow through
    down, _ = await run_test(proc, frames_to_send=paced(sent), expected_down_frames=[type(f) for f in sent])
    # Then every frame came out, the very same objects in the same order
    assert all(a is b for a, b in zip(down, sent, strict=True))
    # And the camera became SUSPICIOUS, then ALERT, with participant and track ids
    assert levels(events)[:2] == ["suspicious", "alert"]
    assert {(e.participant_id, e.track_id) for e in events} == {("pc-1", "camera")}
    assert detector.calls >= 3


async def test_screen_share_is_ignored() -> None:
    backend = ScriptedBackend(lambda s: 0.99)
    proc = DFPNDeepfakeProcessor(config=FAST, backend=backend, notification_cb=_ignore)
    sent: list[Frame] = [image(RED, source="screenVideo") for _ in range(5)]
    await run_test(proc, frames_to_send=paced(sent))
    assert backend.samples == []
    # Control: the same frames from the camera are analysed
    camera = ScriptedBackend(lambda s: 0.99)
    proc = DFPNDeepfakeProcessor(config=FAST, backend=camera, notification_cb=_ignore)
    await run_test(proc, frames_to_send=paced([image(RED, source="camera") for _ in range(5)]))
    assert len(camera.samples) >= 3


def tone(seconds: float, freq: float, rate: int = 48_000, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return np.asarray(level * np.sin(2 * np.pi * freq * t), dtype=np.float32)


def audio_frames(pcm: bytes) -> list[Frame]:
    step = 960 * 2  # 20 ms of 48 kHz int16
    return [
        InputAudioRawFrame(audio=pcm[i : i + step], sample_rate=48_000, num_channels=1)
        for i in range(0, len(pcm), step)
    ]


def dominant_hz(sample_wav: bytes) -> float:
    from helpers import wav_samples

    rate, pcm = wav_samples(sample_wav)
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64)))
    return float(np.fft.rfftfreq(len(pcm), 1 / rate)[spectrum.argmax()])


async def speaking_gate_run(vad: str, *, speaking_frames: bool) -> ScriptedBackend:
    """2 s of a 440 Hz tone (someone else, music) while the user is not speaking, then 2 s of the user's voice
    (140 Hz) between UserStarted/StoppedSpeakingFrame; 1 s chunks, one per minute."""
    backend = ScriptedBackend()
    cfg = MonitorConfig.from_env({}, audio=AudioParams(vad=vad, sample_size=16_000))  # type: ignore[arg-type]
    proc = DFPNDeepfakeProcessor(config=cfg, backend=backend, notification_cb=_ignore)
    start, stop = (
        ([UserStartedSpeakingFrame()], [UserStoppedSpeakingFrame()]) if speaking_frames else ([], [])
    )
    sent: list[Frame] = [
        *audio_frames(to_int16(tone(2, 440))),
        *start,
        *audio_frames(to_int16(voiced(2, 48_000))),
        *stop,
        SleepFrame(sleep=0.2),
    ]
    down, _ = await run_test(proc, frames_to_send=sent)
    assert len(down) == len(sent) - 1  # every frame but the SleepFrame passed on
    return backend


async def test_speaking_frames_gate_the_audio() -> None:
    # Given the processor gated by the pipeline's VAD frames (vad="external"), When the tone arrives while the user
    # is silent and the voice while the user speaks
    backend = await speaking_gate_run("external", speaking_frames=True)
    # Then exactly one 1 s chunk was analysed, and it is the voice (140 Hz), not the tone before it
    assert [s.kind for s in backend.samples] == ["audio"]
    assert 120 <= dominant_hz(backend.samples[0].data) <= 160


async def test_without_gating_the_chunk_is_whatever_came_first() -> None:
    # Control for the test above: with the gate off (vad="none"), the same audio gives a chunk of the tone: so
    # that test fails when gating is removed
    backend = await speaking_gate_run("none", speaking_frames=False)
    assert [s.kind for s in backend.samples] == ["audio"]
    assert 430 <= dominant_hz(backend.samples[0].data) <= 450
    # And with the external gate but no speaking frames, nothing is analysed (no VAD signal, no audio)
    assert (await speaking_gate_run("external", speaking_frames=False)).samples == []


def test_image_array_reads_raw_and_encoded_frames() -> None:
    raw = image((10, 20, 30))
    assert image_array(raw).shape == (72, 96, 3)
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(frame(RED, 32, 16)).save(buf, format="PNG")
    png = InputImageRawFrame(image=buf.getvalue(), size=(32, 16), format="PNG")
    arr = image_array(png)
    assert arr.shape == (16, 32, 3) and int(np.asarray(arr)[..., 0].mean()) > 200


async def _ignore(e: Event) -> None:
    return None
