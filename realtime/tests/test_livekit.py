"""The LiveKit path against a real livekit-server (built from the Go module proxy, --dev mode): participants
publish synthetic camera tracks with the LiveKit Python SDK, the detector subscribes, alerts arrive on the data
channel under the topic ``deepfake_alert``."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("livekit.rtc")

from livekit import api, rtc
from livekit.agents import AgentSession

from dfpn_realtime import AudioParams, ConfigError, LocalDetectorsBackend, MonitorConfig, VideoParams
from dfpn_realtime.integrations.livekit import LiveKitDeepfakeDetector, room_credentials

from helpers import RED, SKIN, MarkerDetector, ScriptedBackend, frame, to_int16, voiced, wav_samples

pytestmark = pytest.mark.livekit
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
W, H = 160, 120


def token(identity: str, room: str) -> str:
    grants = api.VideoGrants(room_join=True, room=room)
    return api.AccessToken("devkey", "secret").with_identity(identity).with_grants(grants).to_jwt()


class Publisher:
    def __init__(self, url: str, room: str, identity: str, color: tuple[int, int, int], source: Any) -> None:
        self.url, self.room_name, self.identity, self.color, self.source = url, room, identity, color, source
        self.room = rtc.Room()
        self.video = rtc.VideoSource(W, H)
        pixels = frame(color, W, H)
        self.rgba = np.concatenate([pixels, np.full((H, W, 1), 255, np.uint8)], axis=2).tobytes()

    async def start(self) -> None:
        await self.room.connect(self.url, token(self.identity, self.room_name))
        track = rtc.LocalVideoTrack.create_video_track(f"{self.identity}-video", self.video)
        await self.room.local_participant.publish_track(track, rtc.TrackPublishOptions(source=self.source))

    def push(self) -> None:
        self.video.capture_frame(rtc.VideoFrame(W, H, rtc.VideoBufferType.RGBA, self.rgba))


async def join_observer(url: str, room_name: str) -> tuple[rtc.Room, list[tuple[str, str, dict[str, Any]]]]:
    """A participant that records every data packet it receives: (topic, sender, JSON)."""
    room = rtc.Room()
    got: list[tuple[str, str, dict[str, Any]]] = []

    def on_data(packet: rtc.DataPacket) -> None:
        sender = packet.participant.identity if packet.participant else ""
        got.append((packet.topic or "", sender, json.loads(packet.data)))

    room.on("data_received", on_data)
    await room.connect(url, token("observer", room_name))
    return room, got


@pytest.fixture
async def observer(livekit_url: str) -> AsyncIterator[tuple[rtc.Room, list[tuple[str, str, dict[str, Any]]]]]:
    room, got = await join_observer(livekit_url, "call")
    yield room, got
    await room.disconnect()


async def pump(publishers: list[Publisher], until: Any, timeout: float) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up and not until():
        for p in publishers:
            p.push()
        await asyncio.sleep(1 / 15)


async def test_camera_alert_reaches_the_room_data_channel(
    livekit_url: str, observer: tuple[rtc.Room, list[tuple[str, str, dict[str, Any]]]]
) -> None:
    _, got = observer
    # Given a "manipulated" camera (red), a clean camera, and a red screen share in one room
    pubs = [
        Publisher(livekit_url, "call", "mallory", RED, rtc.TrackSource.SOURCE_CAMERA),
        Publisher(livekit_url, "call", "alice", SKIN, rtc.TrackSource.SOURCE_CAMERA),
        Publisher(livekit_url, "call", "slides", RED, rtc.TrackSource.SOURCE_SCREENSHARE),
    ]
    for p in pubs:
        await p.start()
    # And the detector in the room as its own participant
    monitor_room = rtc.Room()
    await monitor_room.connect(livekit_url, token("dfpn-monitor", "call"))
    detector = LiveKitDeepfakeDetector(
        monitor_room,
        config=MonitorConfig.from_env({}, video=VideoParams(normal_fps=4, burst_fps=8)),
        backend=LocalDetectorsBackend([MarkerDetector()]),
    )
    await detector.start()
    try:
        # When the three publish frames for a while
        def alice_seen() -> bool:
            return ("alice", "video") in {(t.participant_id, t.kind) for t in detector.monitor.tracks()}

        await pump(pubs, lambda: any(e["level"] == "alert" for _, _, e in got) and alice_seen(), timeout=30)
        await pump(pubs, lambda: False, timeout=1.0)  # and a little longer: nothing else may arrive
        # Then the observer received SUSPICIOUS then ALERT for mallory's camera on the topic
        assert [(t, e["level"], e["participant_id"]) for t, _, e in got] == [
            ("deepfake_alert", "suspicious", "mallory"),
            ("deepfake_alert", "alert", "mallory"),
        ]
        assert detector.published == 2
        event = got[1][2]
        spec = {"type", "level", "participant_id", "track_id", "message", "timestamp_ms"}
        assert spec <= set(event) and set(event) - spec == {"previous_level", "kind", "score", "signals"}
        assert event["track_id"].startswith("TR_") and event["signals"][0]["detector"] == "test-marker"
        # And alice's camera was analysed but stayed clear; the screen share was never read
        tracked = {(t.participant_id, t.kind) for t in detector.monitor.tracks()}
        assert tracked == {("mallory", "video"), ("alice", "video")}
    finally:
        await detector.aclose()
        await monitor_room.disconnect()
        for p in pubs:
            await p.room.disconnect()


async def test_the_specifications_form_on_a_real_room(
    livekit_url: str, marker_plugin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the LiveKit specification's usage, its import changed from `from livekit.plugins import dataspike`,
    # with the test detector installed as a plug-in (the specification's code passes no backend)
    monkeypatch.syspath_prepend(str(marker_plugin))
    monkeypatch.setenv("DFPN_RT_DETECTORS", "test-marker")
    monkeypatch.delenv("DFPN_API_KEY", raising=False)
    from dfpn_realtime.integrations import livekit as dataspike

    alerts: list[Any] = []

    async def notification_cb(event: Any) -> None:
        if event.type == dataspike.EventType.ALERT:
            alerts.append(event)

    detector = dataspike.DataspikeDetector(
        api_key="dfpn_0123456789ab_secret",
        normal_fps=4,
        burst_fps=8,
        quality=75,
        notification_cb=notification_cb,
    )
    # (without a room it cannot start, and says where the room goes)
    with pytest.raises(TypeError, match=r"start\(session, room=ctx.room\)"):
        await detector.start()
    room_name = "spec-call"
    mallory = Publisher(livekit_url, room_name, "mallory", RED, rtc.TrackSource.SOURCE_CAMERA)
    await mallory.start()
    monitor_room = rtc.Room()
    await monitor_room.connect(livekit_url, token("dfpn-monitor", room_name))
    session = AgentSession()
    # When it starts the specification's way: start(session, room=ctx.room)
    await detector.start(session, room=monitor_room)
    try:
        await pump([mallory], lambda: bool(alerts), timeout=20)
        # Then its callback sees event.type == EventType.ALERT for mallory's camera, settings as given
        assert [(a.participant_id, a.kind) for a in alerts] == [("mallory", "video")]
        cfg = detector.monitor.config
        assert (cfg.video.normal_fps, cfg.video.burst_fps, cfg.video.quality) == (4, 8, 75)
        assert cfg.escalation.api_key == "dfpn_0123456789ab_secret" and detector.agent_session is session
        assert detector.published == 0  # a callback replaces the data channel, as in the specification
    finally:
        await detector.aclose()
        await monitor_room.disconnect()
        await mallory.room.disconnect()


async def test_microphone_speech_reaches_the_backend_as_16k_chunks(livekit_url: str) -> None:
    # Given a participant publishing a microphone track with speech (48 kHz), and the detector in the room
    room_name = "audio-call"
    speaker = rtc.Room()
    await speaker.connect(livekit_url, token("bob", room_name))
    source = rtc.AudioSource(48_000, 1)
    track = rtc.LocalAudioTrack.create_audio_track("mic", source)
    options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
    await speaker.local_participant.publish_track(track, options)
    monitor_room = rtc.Room()
    await monitor_room.connect(livekit_url, token("dfpn-monitor", room_name))
    backend = ScriptedBackend()
    cfg = MonitorConfig.from_env({}, audio=AudioParams(vad="energy", sample_size=16_000))
    detector = LiveKitDeepfakeDetector(monitor_room, config=cfg, backend=backend)
    await detector.start()
    try:
        # When bob talks (10 ms frames, in real time)
        pcm = to_int16(voiced(4, 48_000))
        give_up = time.monotonic() + 20
        i = 0
        while not backend.samples and time.monotonic() < give_up:
            chunk = pcm[i : i + 960] if i + 960 <= len(pcm) else pcm[:960]
            i = i + 960 if i + 960 <= len(pcm) else 960
            await source.capture_frame(rtc.AudioFrame(chunk, 48_000, 1, 480))
        # Then a 1 s speech chunk at 16 kHz mono (LiveKit resampled, the monitor gated) was analysed
        assert backend.samples, "no audio chunk reached the backend"
        s = backend.samples[0]
        rate, samples = wav_samples(s.data)
        assert (s.kind, s.participant_id, rate, len(samples)) == ("audio", "bob", 16_000, 16_000)
    finally:
        await detector.aclose()
        await monitor_room.disconnect()
        await speaker.disconnect()


async def test_agent_worker_example_publishes_alerts(
    livekit_url: str, marker_plugin: Path, tmp_path: Path
) -> None:
    # Given examples/agent_worker.py running against the server, with the test detector as its only detector
    env = {
        **os.environ,
        "LIVEKIT_URL": livekit_url,
        "LIVEKIT_API_KEY": "devkey",
        "LIVEKIT_API_SECRET": "secret",
        "DFPN_RT_DETECTORS": "test-marker",
        "DFPN_RT_NORMAL_FPS": "4",
        "DFPN_RT_BURST_FPS": "8",
        "DFPN_RT_AGENT_LOAD_THRESHOLD": "inf",  # this 2-core test machine is busy; dispatch anyway
        "DFPN_RT_AGENT_HTTP_PORT": "0",
        "PYTHONPATH": os.pathsep.join([str(marker_plugin), str(Path(__file__).parent)]),
    }
    log_path = tmp_path / "agent.log"
    log = log_path.open("wb")
    agent = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "agent_worker.py"), "start"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    rooms: list[rtc.Room] = []
    try:
        # (LiveKit dispatches a worker when a room is created: wait until the worker is registered)
        give_up = time.monotonic() + 60
        while b"registered worker" not in log_path.read_bytes():
            assert time.monotonic() < give_up and agent.poll() is None, log_path.read_text()[-3000:]
            await asyncio.sleep(0.2)
        # When a participant publishes a "manipulated" camera in a new room
        room, got = await join_observer(livekit_url, "agent-call")
        rooms.append(room)
        mallory = Publisher(livekit_url, "agent-call", "mallory", RED, rtc.TrackSource.SOURCE_CAMERA)
        await mallory.start()
        rooms.append(mallory.room)
        await pump([mallory], lambda: any(e["level"] == "alert" for _, _, e in got), timeout=60)
        # Then the agent joined the room, and the alert arrives on the room's data channel
        levels = [(t, e["level"], e["participant_id"]) for t, _, e in got]
        assert ("deepfake_alert", "alert", "mallory") in levels, log_path.read_text()[-3000:]
    finally:
        for r in rooms:
            await r.disconnect()
        agent.terminate()
        try:
            agent.wait(20)
        except subprocess.TimeoutExpired:
            agent.kill()
        log.close()


def test_agent_worker_without_credentials_is_a_clear_error() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEKIT_")}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "agent_worker.py"), "start"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET" in proc.stderr
    # And the same from the console script the images run
    script = Path(sys.executable).parent / "dfpn-realtime-agent"
    proc = subprocess.run([str(script), "start"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "LIVEKIT_API_SECRET" in proc.stderr
    with pytest.raises(ConfigError, match="LIVEKIT_API_SECRET"):
        room_credentials({"LIVEKIT_URL": "ws://x", "LIVEKIT_API_KEY": "k"})
