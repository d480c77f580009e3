"""The monitor end to end on a fake clock: sampling, burst switch, alerts, queue dropping, callbacks."""

from __future__ import annotations

import asyncio
import itertools
import logging

import numpy as np
import pytest

from dfpn_realtime import (
    AlertEvent,
    AudioParams,
    Event,
    EventType,
    FakeClock,
    Level,
    LocalDetectorsBackend,
    Monitor,
    MonitorConfig,
    VideoParams,
)

from helpers import (
    RED,
    MarkerDetector,
    ScriptedBackend,
    feed_frames,
    frame,
    levels,
    red_if_manipulated,
    to_int16,
    voiced,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def config(**kw: object) -> MonitorConfig:
    return MonitorConfig.from_env({}, **kw)  # type: ignore[arg-type]


async def test_clean_call_samples_at_normal_rate_and_stays_quiet(clock: FakeClock) -> None:
    # Given a monitor with a backend that finds every frame clean
    backend = ScriptedBackend(lambda s: 0.05)
    events: list[Event] = []

    async def on_event(e: Event) -> None:
        events.append(e)

    async with Monitor(config(), backend=backend, notification_cb=on_event, clock=clock) as m:
        # When 60 s of a 30 fps camera arrive
        taken = await feed_frames(m, clock, 60)
        await m.drain()
    # Then 12 frames were analysed (0.2 fps), as JPEGs, and no event was sent
    assert len(taken) == 12 and len(backend.samples) == 12
    assert all(s.data[:3] == b"\xff\xd8\xff" and s.mime_type == "image/jpeg" for s in backend.samples)
    assert events == []
    assert (m.stats.frames_seen, m.stats.frames_sampled) == (1800, 12)


async def test_manipulated_video_bursts_then_alerts_then_clears(clock: FakeClock) -> None:
    # Given the real local-detectors backend with a test detector that calls red frames manipulated
    backend = LocalDetectorsBackend([MarkerDetector()])
    events: list[Event] = []

    async def on_event(e: Event) -> None:
        events.append(e)

    async with Monitor(config(), backend=backend, notification_cb=on_event, clock=clock) as m:
        # When the participant's video turns "manipulated" at t=20 s and clean again at t=40 s
        t0 = clock.monotonic()

        def make(now: float) -> np.ndarray:
            return frame(RED) if 19.99 <= now - t0 < 39.99 else frame()

        taken = [t - t0 for t in await feed_frames(m, clock, 60, make=make)]
        await m.drain()
    # Then before the attack one frame per 5 s was taken
    assert [t for t in taken if t < 19.9] == pytest.approx([0, 5, 10, 15], abs=0.05)
    # And SUSPICIOUS after the second red frame (t=25), then one frame a second, ALERT on the third red frame
    assert levels(events) == ["suspicious", "alert", "clear"]
    burst = [t for t in taken if 24.9 <= t < 39.9]
    assert len(burst) >= 14 and all(
        b - a == pytest.approx(1.0, abs=0.05) for a, b in itertools.pairwise(burst)
    )
    # And the ALERT cleared after five clean frames at the burst rate (t=40..44), then back to 0.2 fps
    after = [t for t in taken if t >= 39.9]
    assert after[:5] == pytest.approx([40, 41, 42, 43, 44], abs=0.05)
    assert all(b - a == pytest.approx(5.0, abs=0.05) for a, b in itertools.pairwise(after[5:]))
    # And the ALERT is the specifications' event (type == EventType.ALERT; JSON "type": "deepfake_alert"), with
    # the fake clock's wall time, the level before it, and the signal that ran on the frame that raised it
    alert = next(e for e in events if isinstance(e, AlertEvent) and e.level is Level.ALERT)
    assert alert.type == EventType.ALERT and alert.previous_level is Level.SUSPICIOUS
    dumped = alert.model_dump(mode="json")
    assert (dumped["type"], dumped["participant_id"], dumped["track_id"], dumped["kind"]) == (
        "deepfake_alert",
        "alice",
        "camera",
        "video",
    )
    assert dumped["signals"] == [{"detector": "test-marker", "verdict": "Manipulated", "confidence": 90}]
    assert dumped["score"] == pytest.approx(0.95)
    # (the ALERT came with the third red frame, at t=26 s)
    assert dumped["timestamp_ms"] == pytest.approx(FakeClock().time_ms() + 26_000, abs=50)


async def test_one_noisy_frame_in_a_call_sends_nothing(clock: FakeClock) -> None:
    # Given one red frame in a clean call
    backend = ScriptedBackend(red_if_manipulated)
    async with Monitor(config(), backend=backend, clock=clock) as m:
        t0 = clock.monotonic()
        await feed_frames(m, clock, 60, make=lambda now: frame(RED) if 10 <= now - t0 < 10.1 else frame())
        await m.drain()
    # Then no event: hysteresis
    assert list(m.events) == []
    # Control: the same call with the red lasting 15 s (three sampled frames) raises SUSPICIOUS then ALERT
    async with Monitor(config(), backend=ScriptedBackend(red_if_manipulated), clock=clock) as m:
        t0 = clock.monotonic()
        await feed_frames(m, clock, 60, make=lambda now: frame(RED) if 10 <= now - t0 < 25 else frame())
        await m.drain()
    assert levels(m.events)[:2] == ["suspicious", "alert"]


async def test_tracks_are_independent(clock: FakeClock) -> None:
    backend = ScriptedBackend(red_if_manipulated)
    async with Monitor(config(), backend=backend, clock=clock) as m:
        for _ in range(6 * 30):
            m.feed_video("mallory", "cam", frame(RED))
            m.feed_video("alice", "cam", frame())
            await m.drain()
            clock.advance(1 / 30 * 5)
        assert m.level("mallory", "cam") is Level.ALERT and m.level("alice", "cam") is Level.CLEAR
    assert {e.participant_id for e in m.events} == {"mallory"}


async def test_a_slow_backend_never_blocks_the_media_path(clock: FakeClock) -> None:
    # Given a backend that does not answer, a queue of 4 and burst sampling of every frame
    backend = ScriptedBackend()
    backend.gate = asyncio.Event()
    cfg = config(video=VideoParams(normal_fps=30, burst_fps=30, queue_size=4), analysis_workers=1)
    async with Monitor(cfg, backend=backend, clock=clock) as m:
        # When 20 frames arrive while the only worker is stuck on the first
        for i in range(20):
            assert m.feed_video("alice", "cam", frame())
            clock.advance(1 / 30)
            if i == 0:
                await asyncio.sleep(0.01)  # the worker takes the first frame and waits on the backend
        await asyncio.sleep(0.01)
        # Then every call returned at once, the queue holds the newest 4, and the oldest were dropped
        stats = m.queue_stats["video"]
        assert (stats["put"], stats["dropped_full"]) == (20, 15)
        backend.gate.set()
        await m.drain()
    assert len(backend.samples) == 5
    assert backend.samples[0].captured_at < backend.samples[1].captured_at


async def test_frames_are_converted_only_when_sampled(clock: FakeClock) -> None:
    calls = 0

    def lazy() -> np.ndarray:
        nonlocal calls
        calls += 1
        return frame()

    async with Monitor(config(), backend=ScriptedBackend(), clock=clock) as m:
        for _ in range(300):
            m.feed_video("alice", "cam", lazy)
            clock.advance(1 / 30)
    assert calls == 2  # t=0 and t=5 s of 10 s


async def test_audio_chunks_reach_the_backend_as_16k_wav(clock: FakeClock) -> None:
    # Given a monitor with the energy VAD
    backend = ScriptedBackend()
    async with Monitor(config(audio=AudioParams(vad="energy")), backend=backend, clock=clock) as m:
        # When a participant talks for 5 s (48 kHz mono in 20 ms frames)
        talk = voiced(5, 48_000)
        for i in range(0, len(talk), 960):
            m.feed_audio("alice", "mic", to_int16(talk[i : i + 960]), 48_000, 1)
            clock.advance(0.02)
        await m.drain()
    # Then one 3 s 16 kHz WAV chunk was analysed
    from helpers import wav_samples

    assert len(backend.samples) == 1
    s = backend.samples[0]
    assert (s.kind, s.mime_type, s.track_id) == ("audio", "audio/wav", "mic")
    rate, pcm = wav_samples(s.data)
    assert (rate, len(pcm)) == (16_000, 48_000)


async def test_a_failing_callback_does_not_stop_the_monitor(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[Event] = []

    async def flaky(e: Event) -> None:
        seen.append(e)
        raise RuntimeError("webhook down")

    async with Monitor(
        config(), backend=ScriptedBackend(lambda s: 0.99), notification_cb=flaky, clock=clock
    ) as m:
        with caplog.at_level(logging.ERROR):
            await feed_frames(m, clock, 10)
            await m.drain()
    assert levels(seen) == ["suspicious", "alert"]
    assert "notification callback failed" in caplog.text


async def test_default_sink_without_a_callback(clock: FakeClock) -> None:
    got: list[Event] = []

    async def sink(e: Event) -> None:
        got.append(e)

    async with Monitor(
        config(), backend=ScriptedBackend(lambda s: 0.99), default_sink=sink, clock=clock
    ) as m:
        await feed_frames(m, clock, 10)
        await m.drain()
    assert levels(got) == ["suspicious", "alert"]


async def test_log_sink_is_the_last_resort(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="dfpn_realtime.events"):
        async with Monitor(config(), backend=ScriptedBackend(lambda s: 0.99), clock=clock) as m:
            await feed_frames(m, clock, 10)
            await m.drain()
    assert '"type": "deepfake_alert"' in caplog.text and '"level": "alert"' in caplog.text


async def test_removed_participant_state_is_forgotten(clock: FakeClock) -> None:
    async with Monitor(config(), backend=ScriptedBackend(lambda s: 0.99), clock=clock) as m:
        await feed_frames(m, clock, 10, participant="bob")
        await m.drain()
        assert m.level("bob", "camera") is Level.ALERT
        m.remove_participant("bob")
        assert m.level("bob", "camera") is Level.CLEAR and m.tracks() == []


async def test_malformed_media_is_refused_without_raising(clock: FakeClock) -> None:
    async with Monitor(config(), backend=ScriptedBackend(), clock=clock) as m:
        # Given an odd number of PCM bytes, a float frame and a 1-D "frame"
        assert m.feed_audio("alice", "mic", b"\x00\x01\x02", 48_000, 1) is False
        assert m.feed_video("alice", "cam", np.zeros((4, 4, 3), dtype=np.float32)) is False
        assert m.feed_video("bob", "cam", np.zeros(12, dtype=np.uint8)) is False
        # Then nothing was queued, and the monitor still works
        assert m.stats.frames_sampled == 0
        assert m.feed_video("carol", "cam", frame())


@pytest.mark.parametrize(
    ("notify", "expected"),
    [
        ("transitions", ["suspicious", "alert", "clear"]),
        ("rises", ["suspicious", "alert"]),
        ("alerts", ["alert", "clear"]),
    ],
)
async def test_notify_chooses_which_transitions_are_notified(
    clock: FakeClock, notify: str, expected: list[str]
) -> None:
    # Given the same attack (red from t=20 s to t=40 s) under each notify setting
    events: list[Event] = []

    async def on_event(e: Event) -> None:
        events.append(e)

    backend = ScriptedBackend(red_if_manipulated)
    async with Monitor(config(notify=notify), backend=backend, notification_cb=on_event, clock=clock) as m:
        t0 = clock.monotonic()
        taken = await feed_frames(
            m, clock, 60, make=lambda now: frame(RED) if 19.99 <= now - t0 < 39.99 else frame()
        )
    # Then the notified transitions are the setting's (every one is a state change: the sampling still bursts)
    assert levels(events) == expected
    assert len([t for t in taken if 24.9 <= t - t0 < 39.9]) >= 14
