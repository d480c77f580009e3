#!/usr/bin/env python3
"""Network benchmark: submit-to-verdict time, sustained finalized requests per second, and what a client pays
beyond the fee, on the embedded LiteSVM network and on a real local validator over JSON-RPC.

    .venv/bin/python scripts/bench_network.py [--requests 200] [--rpc] [--out target/bench/network.json]

Workers here are scripted (`dfpn.testing.ScriptedWorker`: accept the drawn seat, commit, reveal a given answer), so
the figures are the network's own cost; detector time is measured separately (detectors/scripts/bench.py).
Wall-clock figures depend on the machine and its load; compute units (make bench-cu) do not.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from dfpn import AsyncDFPNClient, LocalNetwork, Modality, Verdict
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.generated.types import ConfigParams
from dfpn.local import LOCAL_PARAMS
from dfpn.rpc import RpcTransport
from dfpn.testing import Answer, ScriptedWorker, register_model
from dfpn.transport import Transport
from solders.keypair import Keypair
from solders.pubkey import Pubkey

MODEL = "bench-model"
ANSWERS = [Answer(Verdict.MANIPULATED, 90), Answer(Verdict.MANIPULATED, 80), Answer(Verdict.AUTHENTIC, 70)]
FACE = [Modality.FACE_MANIPULATION]


async def fund(transport: Transport, lamports: int) -> Keypair:
    kp = Keypair()
    if isinstance(transport, LocalNetwork):
        transport.airdrop(kp.pubkey(), lamports)
    else:
        assert isinstance(transport, RpcTransport)
        await transport.airdrop(kp.pubkey(), lamports)
    return kp


async def setup_workers(transport: Transport, reports: Path, count: int = 3) -> list[ScriptedWorker]:
    # A fresh developer each run: its model (`["model", developer, MODEL]`) is new even on a long-lived validator.
    developer = await fund(transport, 2 * LAMPORTS_PER_SOL)
    model = await register_model(transport, developer, MODEL, modalities=list(Modality))
    workers = []
    for _ in range(count):
        kp = await fund(transport, 3 * LAMPORTS_PER_SOL)
        workers.append(await ScriptedWorker.register(transport, kp, reports, model))
    return workers


async def one_request(
    client: AsyncDFPNClient, workers: list[ScriptedWorker], media: Path, deadline: int = 120
) -> dict[str, Any]:
    """Submit, let the workers join/commit/reveal, wait for the verdict, close; time and lamports."""
    before = await client.transport.get_balance(client.wallet.pubkey())
    started = time.perf_counter()
    sub = await client.submit_request(media, modalities=FACE, min_workers=3, deadline_seconds=deadline)
    request = Pubkey.from_string(sub.id)
    for w in workers:
        await w.join(request)
    await asyncio.gather(*(w.commit(request, a) for w, a in zip(workers, ANSWERS, strict=True)))
    await asyncio.gather(*(w.reveal(request) for w in workers))
    result = await client.wait_for_result(sub.id, timeout=120)
    verdict_s = time.perf_counter() - started
    await client.close_request(sub.id)
    after = await client.transport.get_balance(client.wallet.pubkey())
    assert result.verdict is Verdict.MANIPULATED
    return {"seconds": verdict_s, "paid_beyond_fee": before - after - result.fee_lamports}


async def embedded(requests: int, media: Path, reports: Path) -> dict[str, Any]:
    network = LocalNetwork(params=LOCAL_PARAMS)
    workers = await setup_workers(network, reports)
    async with AsyncDFPNClient(
        network, network.funded_keypair(100 * LAMPORTS_PER_SOL), storage="file"
    ) as client:
        await one_request(client, workers, media)  # warm-up
        runs = []
        started = time.perf_counter()
        for _ in range(requests):
            runs.append(await one_request(client, workers, media))
        elapsed = time.perf_counter() - started
    times = sorted(r["seconds"] for r in runs)
    return {
        "requests": requests,
        "submit_to_verdict_ms": {
            "p50": round(statistics.median(times) * 1000, 2),
            "p95": round(times[int(len(times) * 0.95) - 1] * 1000, 2),
        },
        "finalized_requests_per_second": round(requests / elapsed, 1),
        "client_lamports_beyond_fee": max(r["paid_beyond_fee"] for r in runs),
    }


async def rpc_mode(requests: int, media: Path, reports: Path, url: str | None) -> dict[str, Any]:
    from dfpn.storage import IPFSStorage
    from dfpn_localnet import Kubo, Validator, find_validator, free_port_pair, initialise

    validator = None
    # Only the program's upgrade authority initialises the configuration: the started validator's; a validator
    # given by URL must be configured already.
    authority = Keypair()
    if url is None:
        validator = await asyncio.to_thread(
            Validator(binary=find_validator(), rpc_port=free_port_pair(), upgrade_authority=authority).start
        )
        url = validator.url
    try:
        async with RpcTransport(url) as rpc:
            await initialise(rpc, authority, params=_shortest_windows(LOCAL_PARAMS))
            workers = await setup_workers(rpc, reports)
            wallet = await fund(rpc, 10 * LAMPORTS_PER_SOL)
            with Kubo() as kubo:
                storage = IPFSStorage(kubo.api_url)
                async with AsyncDFPNClient(rpc, wallet, storage=storage, poll_interval=0.5) as client:
                    runs = [await one_request(client, workers, media, deadline=60) for _ in range(requests)]
    finally:
        if validator is not None:
            validator.stop()
    times = sorted(r["seconds"] for r in runs)
    return {
        "url": url,
        "requests": requests,
        "submit_to_verdict_ms": {
            "p50": round(statistics.median(times) * 1000),
            "max": round(times[-1] * 1000),
        },
        "client_lamports_beyond_fee": max(r["paid_beyond_fee"] for r in runs),
    }


def _shortest_windows(params: ConfigParams) -> ConfigParams:
    """The smallest windows the program accepts (docs/protocol.md): a 60 s minimum deadline, a 1 s reveal window.
    With every seat committed and revealed the phases close at once, so these bound only the slow path."""
    return dataclasses.replace(params, min_deadline_secs=60, reveal_window_secs=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200, help="embedded-mode requests (default 200)")
    parser.add_argument("--rpc", action="store_true", help="also measure against a local validator")
    parser.add_argument("--rpc-url", help="use this validator instead of starting one")
    parser.add_argument("--rpc-requests", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("target/bench/network.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        media = Path(tmp) / "sample.jpg"
        media.write_bytes(os.urandom(64 * 1024))
        report: dict[str, Any] = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "workers": 3,
            "embedded": asyncio.run(embedded(args.requests, media, Path(tmp))),
        }
        if args.rpc or args.rpc_url:
            report["rpc_local_validator"] = asyncio.run(
                rpc_mode(args.rpc_requests, media, Path(tmp), args.rpc_url)
            )
    report["targets"] = {
        "embedded_submit_to_verdict_ms_max": 1000,
        "embedded_finalized_per_second_min": 50,
        # submit, draw the seats, finalize, close: four transaction fees
        "client_lamports_beyond_fee_max": 20_000,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
