#!/usr/bin/env python3
"""JSON-RPC client cost: the hand-written httpx path the SDK had, against solana-py's AsyncClient (what
`dfpn.rpc.RpcTransport` uses now), on a real `solana-test-validator`.

    .venv/bin/python sdk-python/bench/rpc_client.py [--rpc-url URL] [--rounds 3] [--out target/bench/rpc_client.json]

Without `--rpc-url` it starts a validator (`dfpn_localnet.Validator`, dfpn.so deployed and configured). Paths:

- `httpx`: what `RpcTransport.call` did before solana-py: `httpx.AsyncClient.post` of a JSON body, `response.json()`.
- `solana-py`: `RpcTransport.call` now: `AsyncClient.send_rpc_request(JsonRpcRequest(...), Any)` (plain JSON back).
- `solana-py typed`: AsyncClient's typed methods (`get_account_info`, ...; solders' response types), for reference.

Per path and operation: wall latency (median, p95) and this process's CPU time per call (`time.process_time`; the
validator is another process, so its CPU is not counted). Sequential calls show latency; concurrent ones (as the
worker's pipeline and a busy gateway make them) show CPU per call and calls per second. Rounds alternate the order of
the paths and the medians over rounds are reported: the machine's load moves wall times, CPU per call much less.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Confirmed
from solana.rpc.models import TxOpts
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction

from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.pda import config_address
from dfpn.rpc import RpcTransport

ROOT = Path(__file__).resolve().parents[2]


class HttpxRpc:
    """The SDK's former JSON-RPC call (dfpn.rpc before solana-py, without its retry bookkeeping)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.AsyncClient(timeout=10.0)
        self.ids = 0

    async def call(self, method: str, *params: Any) -> Any:
        self.ids += 1
        body = {"jsonrpc": "2.0", "id": self.ids, "method": method, "params": list(params)}
        response = await self.http.post(self.url, json=body)
        payload = response.json()
        if payload.get("error") is not None:
            raise RuntimeError(payload["error"])
        return payload["result"]

    async def close(self) -> None:
        await self.http.aclose()


def _decode_account(value: Any) -> bytes:
    """What RpcTransport does with a base64 account (dfpn.rpc._account), so both JSON paths pay it."""
    return base64.b64decode(value["data"][0]) if value else b""


async def measure(call: Callable[[], Awaitable[Any]], count: int, concurrency: int) -> dict[str, float]:
    """`count` calls, `concurrency` at a time: wall latency per call, CPU per call, calls per second."""
    latencies: list[float] = []
    queue = iter(range(count))

    async def runner() -> None:
        for _ in queue:
            started = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - started)

    await call()  # connection open, first-use costs out of the figures
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(runner() for _ in range(concurrency)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    latencies.sort()
    return {
        "latency_p50_ms": 1000 * statistics.median(latencies),
        "latency_p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "cpu_per_call_us": 1e6 * cpu / count,
        "calls_per_s": count / wall,
    }


def signed_transfers(payer: Keypair, to: Pubkey, blockhash: Any, count: int, offset: int) -> list[bytes]:
    """`count` distinct signed transfers to a funded account (a different amount each: a different signature
    each)."""
    wires = []
    for n in range(count):
        instruction = transfer(
            TransferParams(from_pubkey=payer.pubkey(), to_pubkey=to, lamports=1 + offset + n)
        )
        message = Message.new_with_blockhash([instruction], payer.pubkey(), blockhash)
        wires.append(bytes(Transaction([payer], message, blockhash)))
    return wires


async def run(url: str, rounds: int, count: int, concurrency: int) -> dict[str, Any]:
    rpc = RpcTransport(url)
    httpx_rpc = HttpxRpc(url)
    client = AsyncClient(url, timeout=10.0, max_transport_retries=0)
    config = config_address(rpc.program_id)
    # Accounts for getMultipleAccounts: the configuration plus funded wallets (100 addresses, the RPC's maximum).
    wallets = [Keypair() for _ in range(99)]
    await asyncio.gather(*(rpc.airdrop(w.pubkey(), LAMPORTS_PER_SOL) for w in wallets))
    addresses = [config, *(w.pubkey() for w in wallets)]
    strs = [str(a) for a in addresses]
    payer = Keypair()
    await rpc.airdrop(payer.pubkey(), 100 * LAMPORTS_PER_SOL)
    signature_objects = [Signature.new_unique() for _ in range(256)]
    signatures = [str(s) for s in signature_objects]
    base64_options = {"encoding": "base64", "commitment": "confirmed"}
    send_options = {"encoding": "base64", "preflightCommitment": "confirmed"}
    sent = 0

    async def json_send(
        call: Callable[..., Awaitable[Any]], wires: list[bytes]
    ) -> Callable[[], Awaitable[Any]]:
        it = iter(wires)
        return lambda: call("sendTransaction", base64.b64encode(next(it)).decode(), send_options)

    async def typed_send(wires: list[bytes]) -> Callable[[], Awaitable[Any]]:
        it = iter(wires)
        opts = TxOpts(skip_confirmation=True, preflight_commitment=Confirmed)
        return lambda: client.send_raw_transaction(next(it), opts)

    async def get_account_json(call: Callable[..., Awaitable[Any]]) -> bytes:
        return _decode_account((await call("getAccountInfo", str(config), base64_options))["value"])

    async def get_multiple_json(call: Callable[..., Awaitable[Any]]) -> list[bytes]:
        return [
            _decode_account(v) for v in (await call("getMultipleAccounts", strs, base64_options))["value"]
        ]

    async def statuses_json(call: Callable[..., Awaitable[Any]]) -> Any:
        return await call("getSignatureStatuses", signatures, {"searchTransactionHistory": False})

    paths: dict[str, dict[str, Callable[[], Awaitable[Any]]]] = {
        "httpx": {
            "getAccountInfo": lambda: get_account_json(httpx_rpc.call),
            "getMultipleAccounts(100)": lambda: get_multiple_json(httpx_rpc.call),
            "getSignatureStatuses(256)": lambda: statuses_json(httpx_rpc.call),
        },
        "solana-py": {
            "getAccountInfo": lambda: get_account_json(rpc.call),
            "getMultipleAccounts(100)": lambda: get_multiple_json(rpc.call),
            "getSignatureStatuses(256)": lambda: statuses_json(rpc.call),
        },
        "solana-py typed": {
            "getAccountInfo": lambda: client.get_account_info(config, Confirmed, encoding="base64"),
            "getMultipleAccounts(100)": lambda: client.get_multiple_accounts(
                addresses, Confirmed, encoding="base64"
            ),
            "getSignatureStatuses(256)": lambda: client.get_signature_statuses(signature_objects),
        },
    }
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    try:
        for round_ in range(rounds):
            order = list(paths) if round_ % 2 == 0 else list(reversed(paths))
            for path in order:
                for operation, call in paths[path].items():
                    for label, n, conc in (
                        (" sequential", count, 1),
                        (f" x{concurrency}", 4 * count, concurrency),
                    ):
                        figures = await measure(call, n, conc)
                        results.setdefault(path, {}).setdefault(operation + label, []).append(figures)
                # sendTransaction (preflight on, not waiting for confirmation), `concurrency` at a time
                blockhash = (await client.get_latest_blockhash(Confirmed)).value.blockhash
                wires = signed_transfers(payer, wallets[0].pubkey(), blockhash, 2 * count + 1, sent)
                sent += len(wires)
                if path == "httpx":
                    send = await json_send(httpx_rpc.call, wires)
                elif path == "solana-py":
                    send = await json_send(rpc.call, wires)
                else:
                    send = await typed_send(wires)
                figures = await measure(send, 2 * count, concurrency)
                results.setdefault(path, {}).setdefault(f"sendTransaction x{concurrency}", []).append(figures)
                print(f"round {round_ + 1}/{rounds}: {path} done", file=sys.stderr)
    finally:
        await rpc.close()
        await httpx_rpc.close()
        await client.close()
    return {
        path: {
            op: {key: round(statistics.median(r[key] for r in runs), 2) for key in runs[0]}
            for op, runs in operations.items()
        }
        for path, operations in results.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rpc-url", help="a running validator with dfpn configured (default: start one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=200, help="sequential calls per operation and round")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--out", type=Path, default=ROOT / "target/bench/rpc_client.json")
    args = parser.parse_args()
    validator = None
    url = args.rpc_url
    if url is None:
        from dfpn_localnet import Validator, find_validator, free_port_pair, initialise

        validator = Validator(binary=find_validator(), rpc_port=free_port_pair()).start()
        url = validator.url

        async def setup() -> None:
            async with RpcTransport(url) as rpc:
                await initialise(rpc, validator.upgrade_authority)

        asyncio.run(setup())
    try:
        figures = asyncio.run(run(url, args.rounds, args.count, args.concurrency))
    finally:
        if validator is not None:
            validator.stop()
    report = {
        "machine": {"cpus": os.cpu_count(), "load_avg": os.getloadavg(), "python": platform.python_version()},
        "rounds": args.rounds,
        "count": args.count,
        "concurrency": args.concurrency,
        "paths": figures,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    header = f"{'operation':<38}{'path':<17}{'p50 ms':>9}{'p95 ms':>9}{'CPU us/call':>13}{'calls/s':>10}"
    print(header)
    operations = list(next(iter(figures.values())))
    for operation in operations:
        for path, ops in figures.items():
            f = ops[operation]
            print(
                f"{operation:<38}{path:<17}{f['latency_p50_ms']:>9.2f}{f['latency_p95_ms']:>9.2f}"
                f"{f['cpu_per_call_us']:>13.0f}{f['calls_per_s']:>10.0f}"
            )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
