"""Pipecat bot with realtime deepfake detection, and the local playground in the browser.

    pip install -e 'realtime[pipecat]'          # with sdk-python and detectors
    python realtime/examples/bot.py -t webrtc   # the same as: dfpn-realtime-bot -t webrtc
    # then open http://localhost:7860/dfpn/ and press Connect

The bot is `dfpn_realtime.apps.pipecat_bot` (its source is the example to copy): transport.input() →
DFPNDeepfakeProcessor → transport.output(), every event logged and sent to the browser. Pipecat's runner calls the
``bot()`` imported here. Settings come from DFPN_RT_* variables (see realtime/README.md).
"""

from __future__ import annotations

from dfpn_realtime.apps.pipecat_bot import bot, main

__all__ = ["bot"]

if __name__ == "__main__":
    main()
