#!/usr/bin/env python3
"""Connection-flood benchmark (issue #16): `dfpn-gateway serve` on the embedded network, flooded with half-open
connections (nothing sent, or half a request head) spread over many loopback addresses, while a well-behaved client
on 127.0.0.1 polls /v1/health.

    .venv/bin/python gateway/bench/flood.py [--connections 5000] [--per-address 100] [--header-timeout 5]
        [--out target/bench/gateway-flood.json]

Prints and writes JSON: connections held open and refused (503) by the caps, the gateway's peak open file
descriptors, /v1/health latency p50/p95/max during the flood, and the seconds until the server closed every
held connection (the request-head deadline).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_BIN = Path(sys.executable).with_name("dfpn-gateway")


def fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def hold(
    port: int, address: str, half: bool
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(address, 0))
    except OSError:
        return None
    if half:
        writer.write(b"GET /v1/health HTTP/1.1\r\nHost: gateway\r\nX-Slow: ")
    return reader, writer


async def closed(conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], within: float) -> bytes | None:
    """What the server sent before closing the connection, or None if it is still open after `within` s."""
    reader, _ = conn
    try:
        async with asyncio.timeout(within):
            return await reader.read()
    except TimeoutError:
        return None
    except ConnectionError:
        return b""


async def flood(args: argparse.Namespace, port: int, pid: int) -> dict[str, object]:
    latencies: list[float] = []
    peak = fds(pid)
    stop = asyncio.Event()

    async def poll_health() -> None:
        nonlocal peak
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            while not stop.is_set():
                started = time.monotonic()
                response = await http.get("/v1/health")
                assert response.status_code == 200
                latencies.append(time.monotonic() - started)
                peak = max(peak, fds(pid))
                await asyncio.sleep(0.05)

    poller = asyncio.create_task(poll_health())
    started = time.monotonic()
    conns: list[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = []
    for batch in range(0, args.connections, 200):
        addresses = [
            f"127.0.{2 + i // args.per_address // 250}.{2 + i // args.per_address % 250}"
            for i in range(batch, min(batch + 200, args.connections))
        ]
        conns += await asyncio.gather(*(hold(port, a, half=j % 2 == 1) for j, a in enumerate(addresses)))
        peak = max(peak, fds(pid))
    opened_in = time.monotonic() - started
    peak = max(peak, fds(pid))
    live = [c for c in conns if c is not None]
    first = await asyncio.gather(*(closed(c, 0.5) for c in live))
    refused = sum(1 for answer in first if answer is not None and answer.startswith(b"HTTP/1.1 503"))
    closed_early = sum(1 for answer in first if answer is not None and not answer.startswith(b"HTTP/1.1 503"))
    held = [c for c, answer in zip(live, first, strict=True) if answer is None]
    rest = await asyncio.gather(*(closed(c, args.header_timeout + 10) for c in held))
    drained_in = time.monotonic() - started
    still_open = sum(1 for answer in rest if answer is None)
    stop.set()
    await poller
    for _, writer in live:
        writer.close()
    ordered = sorted(latencies)
    return {
        "connections_attempted": args.connections,
        "connect_failed": len(conns) - len(live),
        "held_open": len(held),
        "refused_503": refused,
        "closed_by_head_deadline_while_opening": closed_early,
        "still_open_after_deadline": still_open,
        "seconds_to_open_all": round(opened_in, 2),
        "seconds_until_all_closed": round(drained_in, 2),
        "gateway_peak_fds": peak,
        "health_requests": len(ordered),
        "health_p50_ms": round(statistics.median(ordered) * 1000, 1),
        "health_p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "health_max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--connections", type=int, default=5000)
    p.add_argument(
        "--per-address", type=int, default=100, help="connections opened from each loopback address"
    )
    p.add_argument("--header-timeout", type=float, default=5.0)
    p.add_argument("--max-connections", type=int, default=1000)
    p.add_argument("--per-client", type=int, default=64)
    p.add_argument("--out", type=Path, default=ROOT / "target/bench/gateway-flood.json")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DFPN_GATEWAY_")},
            "DFPN_GATEWAY_DB_PATH": f"{tmp}/gateway.db",
            "DFPN_GATEWAY_MEDIA_DIR": f"{tmp}/media",
            "DFPN_GATEWAY_HEADER_TIMEOUT": str(args.header_timeout),
            "DFPN_GATEWAY_MAX_CONNECTIONS": str(args.max_connections),
            "DFPN_GATEWAY_MAX_CONNECTIONS_PER_CLIENT": str(args.per_client),
        }
        with open(f"{tmp}/serve.log", "wb") as log:
            server = subprocess.Popen(
                [
                    str(GATEWAY_BIN),
                    "serve",
                    "--network",
                    "local",
                    "--port",
                    str(port),
                    "--log-level",
                    "error",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(Path(f"{tmp}/serve.log").read_text())
                time.sleep(0.2)
            baseline = fds(server.pid)
            report = asyncio.run(flood(args, port, server.pid))
            report = {
                "settings": {
                    "header_timeout_s": args.header_timeout,
                    "max_connections": args.max_connections,
                    "max_connections_per_client": args.per_client,
                    "per_address": args.per_address,
                },
                "gateway_baseline_fds": baseline,
                **report,
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
