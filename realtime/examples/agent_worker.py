"""LiveKit agent worker: deepfake monitoring for every room it is dispatched to.

    pip install -e 'realtime[livekit]'          # with sdk-python and detectors
    export LIVEKIT_URL=ws://localhost:7880 LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret
    python realtime/examples/agent_worker.py start          # the same as: dfpn-realtime-agent start

The worker is `dfpn_realtime.apps.livekit_agent` (its source is the example to copy): for each room it joins, a
`LiveKitDeepfakeDetector` publishes every state change on the room's data channel under the topic
``deepfake_alert``. Settings come from DFPN_RT_* variables (see realtime/README.md).
"""

from __future__ import annotations

from dfpn_realtime.apps.livekit_agent import main

if __name__ == "__main__":
    main()
