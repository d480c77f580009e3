"""Code written for the realtime plug-in specifications (Dataspike's Pipecat and LiveKit deepfake plug-ins) runs
after one import changes: every parameter they show is accepted with the same meaning, or refused loudly.

The specification examples below are copied from the Pipecat specification (its "Code Example", "Custom
Notification Channels" and "Full Bot Example"), with only their imports changed. The LiveKit form is in
test_livekit.py (it needs a real room)."""

from __future__ import annotations

import dataclasses
import logging
import textwrap
from pathlib import Path
from typing import Any

import aiohttp
import pytest

pytest.importorskip("pipecat")

from pipecat.frames.frames import Frame, InputImageRawFrame
from pipecat.tests.utils import SleepFrame, run_test
from pipecat.transports.smallwebrtc.connection import SmallWebRTCConnection

from dfpn_realtime import AlertEvent, ConfigError, Event, MonitorConfig
from dfpn_realtime.integrations import pipecat as integration
from dfpn_realtime.integrations.pipecat import DataspikeDeepfakeProcessor, DFPNDeepfakeProcessor

from helpers import RED, ScriptedBackend, frame, levels, red_if_manipulated

# The specification's "Code Example" and "Custom Notification Channels", the import changed from
# `from deepfake import ...` / `from schema_pb2 import ...`. `post_to_webhook`, `db` and `slack` are the reader's.
SPEC_CODE = """
import os
from dfpn_realtime.integrations.pipecat import DataspikeDeepfakeProcessor, VideoParams, AudioParams
from dfpn_realtime.integrations.pipecat import DeepfakeStreamingSchemaResultEvent, EventType

async def on_deepfake_alert(event):
    if event.type == EventType.ALERT:
        print(f"ALERT: Deepfake detected for {event.participant_id}")
        await post_to_webhook({
            "event": "deepfake_detected",
            "participant": event.participant_id,
            "track": event.track_id,
            "timestamp": event.timestamp_ms
        })
        await db.store_incident(event)
    elif event.type == EventType.CLEAR:
        print(f"CLEAR: Manipulation no longer detected for {event.participant_id}")

def make_processor(session, video_params=None):
    return DataspikeDeepfakeProcessor(
        api_key=os.getenv("DATASPIKE_API_KEY"),
        session=session,
        video_params=video_params or VideoParams(
            normal_fps=0.2,   # Baseline frame rate
            burst_fps=1.0,    # Elevated rate during suspicious states
            quality=75        # JPEG quality (0-100)
        ),
        audio_params=AudioParams(
            sample_rate=16000,   # Required: 16kHz
            sample_size=48000,   # 3 seconds of audio
            interval=60          # Seconds between audio samples
        ),
        notification_cb=on_deepfake_alert
    )
"""


class Reader:
    """What the specification's handler calls: a webhook and a database, recording what they get."""

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []
        self.stored: list[Any] = []

    async def post_to_webhook(self, body: dict[str, Any]) -> None:
        self.posted.append(body)

    async def store_incident(self, event: Any) -> None:
        self.stored.append(event)


def spec_namespace(reader: Reader) -> dict[str, Any]:
    namespace: dict[str, Any] = {"post_to_webhook": reader.post_to_webhook, "db": reader}
    exec(textwrap.dedent(SPEC_CODE), namespace)
    return namespace


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATASPIKE_API_KEY", "DATASPIKE_WS_URL", "DFPN_API_KEY", "DFPN_API_URL", "DFPN_RT_ESCALATE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def marker_detector(monkeypatch: pytest.MonkeyPatch, marker_plugin: Path) -> None:
    """The test detector (red frames are "manipulated") installed as a plug-in and chosen by DFPN_RT_DETECTORS:
    the specification's code constructs the processor without a backend, as an application would."""
    monkeypatch.syspath_prepend(str(marker_plugin))
    monkeypatch.setenv("DFPN_RT_DETECTORS", "test-marker")


async def test_the_specifications_constructor_maps_every_parameter(
    no_keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the specification's code with its import changed, and a DFPN gateway key in the environment
    monkeypatch.setenv("DFPN_API_KEY", "dfpn_0123456789ab_secret")
    ns = spec_namespace(Reader())
    # When it constructs the processor exactly as the specification does
    async with aiohttp.ClientSession() as session:
        proc = ns["make_processor"](session)
        # Then every parameter means what it says: the sampling, the audio chunking, the callback, the session
        cfg = proc.monitor.config
        assert (cfg.video.normal_fps, cfg.video.burst_fps, cfg.video.quality) == (0.2, 1.0, 75)
        assert (cfg.audio.sample_rate, cfg.audio.sample_size, cfg.audio.interval) == (16_000, 48_000, 60)
        assert proc.monitor.notification_cb is ns["on_deepfake_alert"] and proc.session is session
        # And the API key (api_key=None, so from the environment as the specification's is) is the gateway's,
        # used only for escalation, which stays off until enabled (nothing leaves the machine)
        assert cfg.escalation.api_key == "dfpn_0123456789ab_secret" and not cfg.escalation.enabled
        assert isinstance(proc, DFPNDeepfakeProcessor) and DataspikeDeepfakeProcessor is DFPNDeepfakeProcessor


async def test_the_specifications_callback_sees_alert_and_clear_in_a_real_pipeline(
    no_keys: None, marker_detector: None
) -> None:
    # Given the specification's processor and handler, set up as its on_client_connected does
    reader = Reader()
    ns = spec_namespace(reader)
    async with aiohttp.ClientSession() as session:
        proc = ns["make_processor"](session, ns["VideoParams"](normal_fps=20, burst_fps=30, quality=75))
        client = SmallWebRTCConnection()
        await proc.start()
        proc.set_webrtc_connection(client)
        proc.set_participant_id(client.pc_id)
        # When red ("manipulated") then clean camera frames flow through a Pipecat pipeline
        sent: list[Frame] = []
        for color in [RED] * 8 + [(180, 140, 120)] * 10:
            f = InputImageRawFrame(image=frame(color, 96, 72).tobytes(), size=(96, 72), format="RGB")
            f.transport_source = "camera"
            sent += [f, SleepFrame(sleep=0.06)]
        await run_test(proc, frames_to_send=sent)
        await proc.stop()
    # Then the handler's ALERT branch ran once, with the specification's fields, for this participant
    assert [b["participant"] for b in reader.posted] == [client.pc_id]
    assert reader.posted[0]["track"] == "camera" and reader.posted[0]["timestamp"] > 1_700_000_000_000
    (incident,) = reader.stored
    assert isinstance(incident, AlertEvent) and incident.type == ns["EventType"].ALERT


def test_unknown_keyword_arguments_are_refused_with_what_to_use() -> None:
    # Given a keyword the processor does not have (another plug-in's), Then a TypeError names it and the fix
    with pytest.raises(TypeError, match=r"'ws_url' \(use DFPN_RT_REMOTE_URL") as err:
        DFPNDeepfakeProcessor(ws_url="wss://elsewhere", backend=ScriptedBackend())
    assert "video_params" in str(err.value)  # and lists what it accepts
    with pytest.raises(TypeError, match="'videoparams'"):
        DFPNDeepfakeProcessor(videoparams={"normal_fps": 1}, backend=ScriptedBackend())
    # Control: Pipecat's own FrameProcessor keywords still pass through
    assert DFPNDeepfakeProcessor(name="deepfake", backend=ScriptedBackend()).name == "deepfake"


def test_a_key_of_another_service_is_refused_without_echoing_it(no_keys: None) -> None:
    # Given a Dataspike key passed on unchanged, Then it is refused, and the message does not repeat it
    with pytest.raises(ConfigError, match="DFPN_API_KEY") as err:
        DFPNDeepfakeProcessor(api_key="ds_live_abcdef123456", backend=ScriptedBackend())
    assert "ds_live_abcdef123456" not in str(err.value)
    # Control: a DFPN gateway key is accepted
    proc = DFPNDeepfakeProcessor(api_key="dfpn_0123456789ab_s", backend=ScriptedBackend())
    assert proc.monitor.config.escalation.api_key == "dfpn_0123456789ab_s"


def test_audio_params_sample_rate_must_be_16k() -> None:
    # Given another rate (ours refuses it by type: integration.AudioParams(sample_rate=8000) is a ValidationError)
    with pytest.raises(ValueError, match="16000"):
        integration.AudioParams(sample_rate=8000)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="16000"):
        DFPNDeepfakeProcessor(audio_params={"sample_rate": 44_100}, backend=ScriptedBackend())
    # Control: 16 kHz (the specification's required value) is accepted
    proc = DFPNDeepfakeProcessor(
        audio_params={"sample_rate": 16_000, "interval": 30}, backend=ScriptedBackend()
    )
    assert proc.monitor.config.audio.interval == 30


def test_the_specifications_own_dataclasses_are_read_too() -> None:
    # Given the specification's VideoParams / AudioParams dataclasses (an application that kept its old import)
    @dataclasses.dataclass
    class VideoParams:
        burst_fps: float = 1
        normal_fps: float = 0.2
        quality: int = 75

    @dataclasses.dataclass
    class AudioParams:
        sample_rate: int = 16000
        sample_size: int = 48000
        interval: int = 60

    proc = DFPNDeepfakeProcessor(
        video_params=VideoParams(burst_fps=2, normal_fps=0.5, quality=60),
        audio_params=AudioParams(sample_size=32_000, interval=20),
        backend=ScriptedBackend(),
    )
    cfg = proc.monitor.config
    assert (cfg.video.normal_fps, cfg.video.burst_fps, cfg.video.quality) == (0.5, 2.0, 60)
    assert (cfg.audio.sample_size, cfg.audio.interval) == (32_000, 20)
    # And a params object with a field of another meaning is refused, not dropped
    with pytest.raises(ConfigError, match="fps"):
        DFPNDeepfakeProcessor(video_params={"fps": 3}, backend=ScriptedBackend())
    # And giving both a params object and its shortcut is refused (which wins would be a guess)
    with pytest.raises(TypeError, match="either video_params or normal_fps"):
        DFPNDeepfakeProcessor(video_params=VideoParams(), normal_fps=1.0, backend=ScriptedBackend())


async def test_foreign_settings_are_named_at_start_and_never_used(
    no_keys: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Given the replaced plug-in's variables in the environment
    monkeypatch.setenv("DATASPIKE_API_KEY", "ds_live_abcdef123456")
    monkeypatch.setenv("DATASPIKE_WS_URL", "wss://api.example/stream")
    proc = DFPNDeepfakeProcessor(backend=ScriptedBackend())
    # When the processor starts, Then each is named with what to set instead, and neither is used
    with caplog.at_level(logging.WARNING, logger="dfpn_realtime.monitor"):
        await proc.start()
        await proc.stop()
    assert "DATASPIKE_API_KEY is set but not used: set DFPN_API_KEY" in caplog.text
    assert "DATASPIKE_WS_URL is set but not used: set DFPN_RT_REMOTE_URL" in caplog.text
    assert "ds_live_abcdef123456" not in caplog.text
    assert proc.monitor.config.escalation.api_key is None and proc.monitor.config.remote.url is None
    # Control: without them, nothing is said
    monkeypatch.delenv("DATASPIKE_API_KEY")
    monkeypatch.delenv("DATASPIKE_WS_URL")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dfpn_realtime.monitor"):
        await proc.start()
        await proc.stop()
    assert "not used" not in caplog.text


async def test_notify_rises_only_via_the_processor() -> None:
    # Given notify="rises", When a track goes up to ALERT and back, Then only the rises reach the callback
    events: list[Event] = []

    async def on_event(e: Event) -> None:
        events.append(e)

    cfg = MonitorConfig.from_env({}, video={"normal_fps": 20, "burst_fps": 30})
    proc = DFPNDeepfakeProcessor(
        config=cfg, notify="rises", backend=ScriptedBackend(red_if_manipulated), notification_cb=on_event
    )
    sent: list[Frame] = []
    for color in [RED] * 6 + [(180, 140, 120)] * 10:
        f = InputImageRawFrame(image=frame(color, 64, 48).tobytes(), size=(64, 48), format="RGB")
        f.transport_source = "camera"
        sent += [f, SleepFrame(sleep=0.06)]
    await run_test(proc, frames_to_send=sent)
    assert levels(events) == ["suspicious", "alert"]
    # (the same transitions with notify="transitions" end in "clear": test_monitor's parametrized control)
