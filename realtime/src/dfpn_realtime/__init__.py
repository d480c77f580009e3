"""Realtime deepfake monitoring of video calls for the Deepfake Proof Network (DFPN).

```python
from dfpn_realtime import Monitor, MonitorConfig

async def on_event(event):
    print(event.model_dump())   # {"type": "deepfake_alert", "level": "alert", "participant_id": ..., ...}

async with Monitor(MonitorConfig.from_env(), notification_cb=on_event) as monitor:
    monitor.feed_video("alice", "camera", rgb_frame)
    monitor.feed_audio("alice", "microphone", pcm_bytes, 48_000, 1)
```

Integrations: `dfpn_realtime.integrations.livekit` (``dfpn-realtime[livekit]``) and
`dfpn_realtime.integrations.pipecat` (``dfpn-realtime[pipecat]``).
"""

from __future__ import annotations

import logging

from dfpn_realtime.backends import AnalysisBackend, LocalDetectorsBackend, Sample, SampleResult
from dfpn_realtime.clock import Clock, FakeClock, SystemClock
from dfpn_realtime.config import (
    AudioParams,
    ConfigError,
    EscalationParams,
    MonitorConfig,
    NotifyKind,
    RemoteParams,
    StateParams,
    VideoParams,
)
from dfpn_realtime.escalation import DFPNEscalation, Escalation, GatewayEscalation, make_escalation
from dfpn_realtime.monitor import Monitor, NotificationCallback, log_sink
from dfpn_realtime.remote import Backoff, RemoteBackend, RemoteServer
from dfpn_realtime.state import AlertEvent, Event, EventType, Level, Signal, StateMachine, VerificationEvent

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "AlertEvent",
    "AnalysisBackend",
    "AudioParams",
    "Backoff",
    "Clock",
    "ConfigError",
    "DFPNEscalation",
    "Escalation",
    "EscalationParams",
    "Event",
    "EventType",
    "FakeClock",
    "GatewayEscalation",
    "Level",
    "LocalDetectorsBackend",
    "Monitor",
    "MonitorConfig",
    "NotificationCallback",
    "NotifyKind",
    "RemoteBackend",
    "RemoteParams",
    "RemoteServer",
    "Sample",
    "SampleResult",
    "Signal",
    "StateMachine",
    "StateParams",
    "SystemClock",
    "VerificationEvent",
    "VideoParams",
    "__version__",
    "log_sink",
    "make_escalation",
]
