"""Ready-to-run applications: the LiveKit agent worker (``dfpn-realtime-agent``) and the Pipecat bot with the
playground (``dfpn-realtime-bot``). Each needs its extra (``dfpn-realtime[livekit]`` / ``[pipecat]``)."""
