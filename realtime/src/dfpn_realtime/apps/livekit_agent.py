"""LiveKit agent worker: deepfake monitoring for every room it is dispatched to (``dfpn-realtime-agent``).

    pip install -e 'realtime[livekit]'          # with sdk-python and detectors
    export LIVEKIT_URL=ws://localhost:7880 LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret
    dfpn-realtime-agent start                   # or: python realtime/examples/agent_worker.py start

The worker joins each new room, subscribes to the remote participants' cameras (screen shares are ignored) and
microphones, and publishes every state change on the room's data channel under the topic ``deepfake_alert``:

    {"type": "deepfake_alert", "level": "alert", "participant_id": "mallory", "track_id": "TR_...",
     "message": "High likelihood of manipulation detected in the video of mallory.", "timestamp_ms": ...}

Settings come from DFPN_RT_* variables (see realtime/README.md): e.g. DFPN_RT_NORMAL_FPS, DFPN_RT_BURST_FPS,
DFPN_RT_DETECTORS, and DFPN_RT_ESCALATE=1 with DFPN_RT_NETWORK / DFPN_RT_WALLET to have ALERTs verified by the
DFPN network. DFPN_RT_AGENT_LOAD_THRESHOLD sets the CPU load above which LiveKit stops dispatching rooms to this
worker (LiveKit's default: 0.7). Set DFPN_RT_CALLBACK=log to log events instead of publishing them (an example
of notification_cb).
"""

from __future__ import annotations

import json
import logging
import os
import sys

from livekit.agents import AgentServer, AutoSubscribe, JobContext, cli

from dfpn_realtime import ConfigError, Event, MonitorConfig
from dfpn_realtime.integrations.livekit import LiveKitDeepfakeDetector, room_credentials

logger = logging.getLogger("dfpn-agent")

# LiveKit stops dispatching jobs to a worker whose machine is above 70 % CPU; a monitoring agent on a shared or
# small machine may want another threshold (DFPN_RT_AGENT_LOAD_THRESHOLD, e.g. 0.95 or inf).
# DFPN_RT_AGENT_HTTP_PORT moves the worker's health-check HTTP server off LiveKit's default 8081 (0: any port).
_options: dict[str, float | int] = {}
if os.environ.get("DFPN_RT_AGENT_LOAD_THRESHOLD"):
    _options["load_threshold"] = float(os.environ["DFPN_RT_AGENT_LOAD_THRESHOLD"])
if os.environ.get("DFPN_RT_AGENT_HTTP_PORT"):
    _options["port"] = int(os.environ["DFPN_RT_AGENT_HTTP_PORT"])
server = AgentServer(**_options)  # type: ignore[arg-type]


async def log_event(event: Event) -> None:
    """A custom notification_cb: route events anywhere (webhook, moderation queue, database...)."""
    logger.warning("deepfake event: %s", json.dumps(event.model_dump(mode="json", exclude_none=True)))


@server.rtc_session()
async def entrypoint(ctx: JobContext) -> None:
    config = MonitorConfig.from_env()
    await ctx.connect(auto_subscribe=AutoSubscribe.SUBSCRIBE_ALL)
    callback = log_event if os.environ.get("DFPN_RT_CALLBACK") == "log" else None
    detector = LiveKitDeepfakeDetector(ctx.room, config=config, notification_cb=callback)
    await detector.start()
    ctx.add_shutdown_callback(detector.aclose)
    logger.info("monitoring room %s", ctx.room.name)


def main() -> None:
    try:
        room_credentials()  # a clear error now rather than a connection failure later
        MonitorConfig.from_env()
    except ConfigError as e:
        sys.exit(f"agent_worker: {e}")
    cli.run_app(server)


if __name__ == "__main__":
    main()
