"""``dfpn-realtime``: serve remote analysis, list the local detectors.

dfpn-realtime serve --port 8765            # API key from DFPN_RT_API_KEY (or --api-key)
dfpn-realtime detectors                    # which detectors a monitor here would run
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence

from dfpn_realtime.backends import LocalDetectorsBackend, default_detector_names, load_realtime_detectors
from dfpn_realtime.config import ConfigError
from dfpn_realtime.remote import RemoteServer


async def _serve(args: argparse.Namespace) -> None:
    names = [n.strip() for n in args.detectors.split(",")] if args.detectors else None
    server = RemoteServer(
        LocalDetectorsBackend(names=names, max_workers=args.workers),
        args.api_key or os.environ.get("DFPN_RT_API_KEY", ""),
        host=args.host,
        port=args.port,
    )
    await server.start()
    print(f"dfpn-realtime: serving analysis on {server.url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.close()


def run(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="dfpn-realtime", description=__doc__.splitlines()[0] if __doc__ else ""
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the local detectors for remote monitors (RemoteBackend)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--api-key", default=None, help="default: $DFPN_RT_API_KEY")
    serve.add_argument("--detectors", default=os.environ.get("DFPN_RT_DETECTORS"), help="comma-separated ids")
    serve.add_argument("--workers", type=int, default=2, help="detector threads")
    sub.add_parser("detectors", help="list the detectors a monitor would load here")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(message)s"
    )
    try:
        if args.command == "serve":
            asyncio.run(_serve(args))
        else:
            wanted = default_detector_names()
            loaded = {d.model_id for d in load_realtime_detectors()}
            for name in wanted:
                print(f"{name}\t{'loaded' if name in loaded else 'not loadable here (see the log)'}")
    except ConfigError as e:
        sys.exit(f"dfpn-realtime: {e}")


__all__ = ["run"]


if __name__ == "__main__":
    run()
