"""Pipecat Cloud entry point: its base image calls ``bot(runner_args)`` of /app/bot.py for each session. The bot
is `dfpn_realtime.apps.pipecat_bot` (transport.input() -> DFPNDeepfakeProcessor -> transport.output())."""

from dfpn_realtime.apps.pipecat_bot import bot

__all__ = ["bot"]
