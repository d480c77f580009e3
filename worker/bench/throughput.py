"""Throughput of one worker node, end to end: requests submitted at a steady rate, finalized by their client.

    python worker/bench/throughput.py --network validator --rate 12 --duration 60   # a real solana-test-validator
    python worker/bench/throughput.py --network local --rate 40 --duration 30       # the embedded LiteSVM network
    make bench-worker                                                                # both, JSON in target/bench/

`validator`: starts `solana-test-validator` with `target/deploy/dfpn.so` (`dfpn_localnet.Validator`, configured by
the program's upgrade authority), or uses `--rpc-url` (configured, with a faucet). One worker key registers the
model ids of its detectors (`--detectors`: every installed one by default, as a worker runs them) and
itself, then runs as a real `dfpn-worker run` process (its metrics endpoint scraped at the end). The media are
distinct 512x512 JPEGs served over HTTP by `python -m http.server` on 127.0.0.1 (the worker allows loopback
media). `local`: the same worker as a `WorkerNode` in this process over `LocalNetwork`, media as file:// URIs.

A client submits `--rate` requests per second for `--duration` seconds (each in a task of its own: submit, then
draw its one seat, `min_workers` 1), follows them all with one batched read every 0.25 s, and finalizes each as
soon as the worker revealed. Over JSON-RPC the client's transactions are pipelined like the worker's (the SDK's
`AsyncDFPNClient` over an `RpcTransport` whose `send_transaction` is `dfpn_worker.chain.Pipeline`): the client's
round trips are not what is measured. Printed and written as JSON (`--out`):

- `requests_per_second`: requests finalized per second in the steady window (after `--warmup` seconds, until the
  submissions stop), and `submitted_per_second` (what the client managed to submit);
- `latency_seconds`: submission to finalization, p50/p95;
- `stages`: p50/p95/count of each of the worker's stage histograms (`dfpn_worker_stage_seconds`; interpolated in
  the histogram buckets like Prometheus' histogram_quantile), and per detector (measured inside the pool);
- `worker`: peak RSS (the node and its analysis processes, summed), CPU seconds, the detectors' share of that CPU
  and of the machine (wall x cores); `validator`: its CPU seconds; `machine`: busy share of all cores over the run
  (other programs included: the machine may be shared);
- `--profile`: the worker process runs under cProfile; the top functions by cumulative time are in the JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import cProfile
import hashlib
import io
import json
import os
import pstats
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient, LocalNetwork, Modality, protocol
from dfpn.generated.constants import (
    SEAT_STATE_COMMITTED,
    SEAT_STATE_DRAWN,
    SEAT_STATE_JOINED,
    SEAT_STATE_REVEALED,
)
from dfpn.generated.types import Request
from dfpn.rpc import RpcTransport
from dfpn.transport import TransactionRecord, Transport
from dfpn.wallet import write_keypair
from dfpn_worker import WorkerConfig, WorkerNode
from dfpn_worker.analysis import available_cores
from dfpn_worker.chain import Pipeline
from dfpn_worker.cli import load_worker_detectors
from dfpn_worker.config import write_config
from dfpn_worker.registration import register_models, register_worker

REPO = Path(__file__).resolve().parents[2]
#: `--detectors three`: the local network's defaults (`dfpn-localnet up` before every installed detector ran).
THREE_DETECTORS = ["ai-metadata-rules", "c2pa-provenance", "jpeg-ghost"]
MODALITIES = [Modality.IMAGE_AUTHENTICITY, Modality.AI_GENERATED_IMAGE]


@dataclass
class Tracked:
    """One request of the run."""

    submitted_at: float
    address: Pubkey | None = None
    finalizing: bool = False
    done_at: float | None = None
    error: str | None = None


@dataclass
class Run:
    """The client's side of a run."""

    requests: list[Tracked] = field(default_factory=list)
    submit_errors: int = 0
    finalize_errors: int = 0
    #: Where the requests unfinished at the end of the drain stood (`stage_of`): the backlog's place.
    unfinished_by_stage: dict[str, int] = field(default_factory=dict)


class PipelinedRpc(RpcTransport):
    """An `RpcTransport` whose transactions are pipelined (`Pipeline`): many submissions share confirmations."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.pipeline = Pipeline(self, max_in_flight=256)

    async def send_transaction(self, instructions: Any, signers: Any) -> TransactionRecord:
        return await self.pipeline.send(instructions, signers)

    async def close(self) -> None:
        await self.pipeline.close()
        await super().close()


# ---- media -------------------------------------------------------------------------------------------------------


def make_media(directory: Path, count: int) -> list[tuple[Path, bytes]]:
    """`count` distinct 512x512 JPEGs (noise; each its own content hash) and their SHA-256."""
    rng = np.random.default_rng(16)
    out = []
    for i in range(count):
        pixels = (rng.random((512, 512, 3)) * 255).astype("uint8")
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, "JPEG", quality=90)
        path = directory / f"m{i}.jpg"
        path.write_bytes(buffer.getvalue())
        out.append((path, hashlib.sha256(buffer.getvalue()).digest()))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def http_server(directory: Path) -> Iterator[str]:
    """`python -m http.server` on 127.0.0.1 serving `directory` (its own process: not the client's CPU)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


# ---- the client ------------------------------------------------------------------------------------------------


async def drive(
    client: AsyncDFPNClient,
    media: list[tuple[str, bytes]],
    *,
    rate: float,
    duration: float,
    drain: float,
    deadline_seconds: int,
) -> Run:
    """Submit `rate` requests/s for `duration` s, finalize each once revealed; wait up to `drain` s for the rest."""
    run = Run()
    tasks: set[asyncio.Task[None]] = set()
    follower = asyncio.create_task(follow(client, run))
    start = time.monotonic()
    n = 0
    while (now := time.monotonic()) < start + duration:
        uri, digest = media[n % len(media)]
        task = asyncio.create_task(submit(client, run, uri, digest, deadline_seconds))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
        await asyncio.sleep(max(0.0, start + n / rate - now))
    give_up = time.monotonic() + drain
    while time.monotonic() < give_up and any(t.done_at is None and t.error is None for t in run.requests):
        await asyncio.sleep(0.25)
    follower.cancel()
    for t in tasks:
        t.cancel()
    await asyncio.gather(follower, *tasks, return_exceptions=True)
    left = [t for t in run.requests if t.done_at is None and t.error is None]
    addresses = [t.address for t in left if t.address is not None]
    stages = [stage_of(r) for r in await read_requests(client.transport, addresses)]
    stages += ["submitting"] * (len(left) - len(addresses))
    run.unfinished_by_stage = dict(Counter(stages))
    return run


def stage_of(r: Request | None) -> str:
    """Where an unfinished request stands: which step of its one seat (or the client's finalization) it waits on."""
    if r is None:
        return "gone"
    if not protocol.is_open(r.status):
        return "finalized"
    if r.joined == 0:
        return "drawing"
    return {
        SEAT_STATE_DRAWN: "accepting",
        SEAT_STATE_JOINED: "committing",
        SEAT_STATE_COMMITTED: "revealing",
        SEAT_STATE_REVEALED: "finalizing",
    }.get(r.seats[0].state, "other")


async def submit(client: AsyncDFPNClient, run: Run, uri: str, digest: bytes, deadline_seconds: int) -> None:
    tracked = Tracked(time.monotonic())
    run.requests.append(tracked)
    try:
        sub = await client.submit_request(
            uri=uri,
            content_hash=digest,
            modalities=MODALITIES,
            min_workers=1,
            deadline_seconds=deadline_seconds,
        )
    except Exception as e:
        run.submit_errors += 1
        tracked.error = f"submit: {e}"
        return
    tracked.address = Pubkey.from_string(sub.id)


async def follow(client: AsyncDFPNClient, run: Run) -> None:
    """One batched read of every open request every 0.25 s; finalize those whose committers all revealed."""
    transport = client.transport
    finalizing: set[asyncio.Task[None]] = set()
    try:
        await _follow(client, run, transport, finalizing)
    finally:  # the run is over: finalizations still in flight are abandoned, not counted as errors
        for task in finalizing:
            task.cancel()
        await asyncio.gather(*finalizing, return_exceptions=True)


async def _follow(
    client: AsyncDFPNClient, run: Run, transport: Transport, finalizing: set[asyncio.Task[None]]
) -> None:
    while True:
        await asyncio.sleep(0.25)
        pending = [
            t for t in run.requests if t.address is not None and t.done_at is None and not t.finalizing
        ]
        for tracked, r in zip(
            pending, await read_requests(transport, [t.address for t in pending]), strict=True
        ):
            if r is None or not protocol.is_open(r.status):
                tracked.done_at = tracked.done_at or time.monotonic()
            elif r.commits >= r.min_workers and r.reveals == r.commits:
                tracked.finalizing = True
                task = asyncio.create_task(finalize(client, run, tracked))
                finalizing.add(task)
                task.add_done_callback(finalizing.discard)


async def finalize(client: AsyncDFPNClient, run: Run, tracked: Tracked) -> None:
    assert tracked.address is not None
    try:
        await client.finalize(tracked.address)
        tracked.done_at = time.monotonic()
    except Exception as e:
        run.finalize_errors += 1
        tracked.error = f"finalize: {e}"


async def read_requests(transport: Transport, addresses: list[Any]) -> list[Request | None]:
    if not addresses:
        return []
    if isinstance(transport, RpcTransport):
        found: list[Request | None] = []
        for i in range(0, len(addresses), 100):
            chunk = [str(a) for a in addresses[i : i + 100]]
            result = await transport.call(
                "getMultipleAccounts", chunk, {"encoding": "base64", "commitment": transport.commitment}
            )
            for value in result["value"]:
                found.append(_decode(None if not value else base64.b64decode(value["data"][0])))
        return found
    accounts = [await transport.get_account(a) for a in addresses]
    return [_decode(None if a is None else a.data) for a in accounts]


def _decode(data: bytes | None) -> Request | None:
    if data is None:
        return None
    try:
        return Request.from_account_data(data)
    except Exception:
        return None


# ---- measuring -------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def histogram_quantiles(text: str, metric: str, label: str) -> dict[str, dict[str, float | None]]:
    """p50/p95/count/mean per `label` value of histogram `metric` in Prometheus text `text`."""
    buckets: dict[str, list[tuple[float, float]]] = {}
    counts: dict[str, float] = {}
    sums: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != metric:
            continue
        for s in family.samples:
            key = s.labels.get(label, "")
            if s.name.endswith("_bucket"):
                buckets.setdefault(key, []).append((float(s.labels["le"]), s.value))
            elif s.name.endswith("_count"):
                counts[key] = s.value
            elif s.name.endswith("_sum"):
                sums[key] = s.value
    out: dict[str, dict[str, float | None]] = {}
    for key, bs in buckets.items():
        bs.sort()
        n = counts.get(key, 0.0)
        out[key] = {
            "count": n,
            "mean": round(sums.get(key, 0.0) / n, 4) if n else None,
            "p50": _bucket_quantile(bs, 0.5),
            "p95": _bucket_quantile(bs, 0.95),
        }
    return out


def _bucket_quantile(buckets: list[tuple[float, float]], q: float) -> float | None:
    total = buckets[-1][1] if buckets else 0
    if not total:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for upper, cumulative in buckets:
        if cumulative >= rank:
            if upper == float("inf"):
                return lower
            inside = cumulative - below
            return round(lower + (upper - lower) * ((rank - below) / inside if inside else 1.0), 4)
        lower, below = upper, cumulative
    return lower


def counter_total(text: str, metric: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        if family.name == metric
        for s in family.samples
        if s.name.endswith("_total")
    )


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                with contextlib.suppress(OSError):
                    todo.extend(int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split())
    return found


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def peak_rss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
    return round(total / 1024, 1)


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return float(sum(values) - idle), float(sum(values))


class Sampler:
    """Keeps the latest CPU seconds and peak RSS of a process tree (pool processes included) while it runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.cpu: dict[int, float] = {}
        self.rss: dict[int, float] = {}

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(0.5)

    def sample(self) -> None:
        for p in process_tree(self.pid):
            cpu = cpu_seconds([p])
            if cpu:
                self.cpu[p] = max(self.cpu.get(p, 0.0), cpu)
            rss = peak_rss_mb([p])
            if rss:
                self.rss[p] = max(self.rss.get(p, 0.0), rss)


def summarise(
    run: Run, *, warmup: float, duration: float, start: float, metrics_text: str, cores: int
) -> dict[str, Any]:
    window = (start + warmup, start + duration)
    done = [t for t in run.requests if t.done_at is not None]
    steady = [t for t in done if window[0] <= t.done_at <= window[1]]  # type: ignore[operator]
    latencies = [t.done_at - t.submitted_at for t in done]  # type: ignore[operator]
    submitted = [t for t in run.requests if t.address is not None]
    return {
        "requests_per_second": round(len(steady) / (window[1] - window[0]), 2),
        "submitted_per_second": round(len(submitted) / duration, 2),
        "submitted": len(submitted),
        "finalized": len(done),
        "unfinished": len(submitted) - len(done),
        "unfinished_by_stage": run.unfinished_by_stage,
        "submit_errors": run.submit_errors,
        "finalize_errors": run.finalize_errors,
        "errors_sample": sorted({t.error for t in run.requests if t.error})[:5],
        "latency_seconds": {
            "p50": _round(percentile(latencies, 0.5)),
            "p95": _round(percentile(latencies, 0.95)),
        },
        "stages": histogram_quantiles(metrics_text, "dfpn_worker_stage_seconds", "stage"),
        "detectors": histogram_quantiles(metrics_text, "dfpn_worker_detector_latency_seconds", "model_id"),
        "detector_cpu_seconds": round(counter_total(metrics_text, "dfpn_worker_detector_cpu_seconds"), 3),
        "revealed": int(counter_total(metrics_text, "dfpn_worker_requests_revealed")),
        "cores": cores,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# ---- the two networks --------------------------------------------------------------------------------------------


def worker_values(home: Path, keypair: Keypair, network: str, args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {
        "keypair": home / "key.json",
        "network": network,
        "stake": str(args.stake),
        "detectors": chosen_detectors(args),
        # only what the requests ask: other workers' tests on a shared validator rely on the draw not seating it
        "modalities": [m.name for m in MODALITIES],
        "state_dir": home / "state",
        "reports_dir": home / "r",
        "concurrency": args.concurrency,
        "poll_interval": args.poll_interval,
        "log_format": "json",
        "log_level": "WARNING",
        "crank_interval": 30,
        "shutdown_grace": 5,
    }
    if "media_allow_networks" in WorkerConfig.model_fields:  # the SSRF guard: media served from loopback here
        values["media_allow_networks"] = ["127.0.0.0/8"]
    write_keypair(home / "key.json", keypair)
    return values


async def bench_validator(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    if args.rpc_url is not None:
        return await _bench_rpc(args, work, args.rpc_url, None)
    from dfpn_localnet import Validator, find_validator, free_port_pair, initialise

    validator = Validator(binary=find_validator(), rpc_port=free_port_pair())
    try:  # stopped whatever happens, a failed start included (its process may be running already)
        await asyncio.to_thread(validator.start)  # start() runs an event loop of its own: in a thread
        async with RpcTransport(validator.url) as rpc:
            await initialise(rpc, validator.upgrade_authority)
        pid = validator.process.pid if validator.process else None
        return await _bench_rpc(args, work, validator.url, pid)
    finally:
        validator.stop()


async def _bench_rpc(
    args: argparse.Namespace, work: Path, url: str, validator_pid: int | None
) -> dict[str, Any]:
    from dfpn_localnet import spinning_cpu_seconds

    media_dir = work / "media"
    media_dir.mkdir()
    files = make_media(media_dir, args.media)
    worker_kp, client_kp = Keypair(), Keypair()
    home = work / "worker"
    home.mkdir()
    metrics_port = free_port()
    values = worker_values(home, worker_kp, url, args)
    values.update(metrics_port=metrics_port)
    config = WorkerConfig(**values)
    write_config(config, home / "worker.toml")
    async with RpcTransport(url) as rpc:
        for key in (worker_kp, client_kp):
            await rpc.airdrop(key.pubkey(), (args.stake + 100) * LAMPORTS_PER_SOL)
        detectors = load_worker_detectors(config)
        await register_models(rpc, worker_kp, detectors)
        await register_worker(rpc, worker_kp, config, detectors)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DFPN_WORKER_")}
    command = [sys.executable, "-m", "dfpn_worker", "run", "--config", str(home / "worker.toml")]
    if args.profile:
        command[1:3] = ["-m", "cProfile", "-o", str(work / "worker.prof"), "-m", "dfpn_worker"]
    log = (work / "worker.log").open("wb")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    sampler = Sampler(proc.pid)
    sampling = asyncio.create_task(sampler.run())
    try:
        await _wait_metrics(metrics_port, proc)
        with http_server(media_dir) as base:
            media = [(f"{base}/{path.name}", digest) for path, digest in files]
            client_rpc = PipelinedRpc(url)
            async with AsyncDFPNClient(client_rpc, client_kp, auto_crank=False) as client:
                busy0, total0 = machine_busy()
                validator_cpu0 = cpu_seconds(process_tree(validator_pid)) if validator_pid else None
                # the busy-polling threads take whatever CPU is idle (SCHED_IDLE): reported apart from the work
                spinning0 = spinning_cpu_seconds(validator_pid) if validator_pid else 0.0
                sampler.sample()
                worker_cpu0 = sum(sampler.cpu.values())
                client_cpu0 = time.process_time()
                start = time.monotonic()
                run = await drive(
                    client,
                    media,
                    rate=args.rate,
                    duration=args.duration,
                    drain=args.drain,
                    deadline_seconds=args.deadline,
                )
                elapsed = time.monotonic() - start
                client_cpu = time.process_time() - client_cpu0
                sampler.sample()
                busy1, total1 = machine_busy()
                validator_cpu = (
                    cpu_seconds(process_tree(validator_pid)) - validator_cpu0
                    if validator_pid and validator_cpu0 is not None
                    else None
                )
                spinning = spinning_cpu_seconds(validator_pid) - spinning0 if validator_pid else 0.0
            await client_rpc.close()
        text = await _scrape(metrics_port)
    finally:
        sampling.cancel()
        await asyncio.gather(sampling, return_exceptions=True)
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    cores = available_cores()
    worker_cpu = sum(sampler.cpu.values()) - worker_cpu0
    summary = summarise(
        run, warmup=args.warmup, duration=args.duration, start=start, metrics_text=text, cores=cores
    )
    summary["worker"] = {
        "peak_rss_mb": round(sum(sampler.rss.values()), 1),
        "processes": len(sampler.rss),
        "cpu_seconds": round(worker_cpu, 2),
        "detector_share_of_worker_cpu": _share(summary["detector_cpu_seconds"], worker_cpu),
        "detector_share_of_machine": _share(summary["detector_cpu_seconds"], elapsed * cores),
    }
    summary["validator"] = {
        "cpu_seconds": None if validator_cpu is None else round(validator_cpu, 2),
        "spinning_cpu_seconds": round(spinning, 2),
    }
    summary["client"] = {"cpu_seconds": round(client_cpu, 2)}
    summary["cpu_per_request"] = _per_request(
        summary["revealed"],
        cores,
        worker=worker_cpu - summary["detector_cpu_seconds"],
        detectors=summary["detector_cpu_seconds"],
        validator=(validator_cpu or 0.0) - spinning,
        client=client_cpu,
    )
    summary["machine"] = {
        "busy_share": _share(busy1 - busy0, total1 - total0),
        "elapsed_seconds": round(elapsed, 1),
    }
    if args.profile and (work / "worker.prof").exists():
        summary["profile"] = _top(work / "worker.prof")
    return summary


async def _wait_metrics(port: int, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if proc.poll() is not None:
            raise RuntimeError(f"dfpn-worker run exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            await _scrape(port)
            return
        await asyncio.sleep(0.25)
    raise RuntimeError("the worker's metrics endpoint did not come up")


async def _scrape(port: int) -> str:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
    try:
        writer.write(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise OSError(f"metrics answered {head[:40]!r}")
    return body.decode()


def _per_request(revealed: int, cores: int, **cpu: float) -> dict[str, Any]:
    """CPU seconds per request the worker revealed (its part done) of each party, and the requests/s that `cores`
    idle cores would carry at those costs (what the machine allows when nothing else runs on it; a shared machine
    gives less)."""
    if not revealed:
        return {}
    per = {name: round(seconds / revealed, 4) for name, seconds in cpu.items()}
    total = sum(per.values())
    return {**per, "capacity_requests_per_second": round(cores / total, 1) if total else None}


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


def _top(path: Path, n: int = 25) -> list[str]:
    out = io.StringIO()
    pstats.Stats(str(path), stream=out).sort_stats("tottime").print_stats(n)
    return [line for line in out.getvalue().splitlines() if line.strip()][-n - 1 :]


async def bench_local(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    network = LocalNetwork()
    media_dir = work / "media"
    media_dir.mkdir()
    files = make_media(media_dir, args.media)
    worker_kp = network.funded_keypair((args.stake + 100) * LAMPORTS_PER_SOL)
    client_kp = network.funded_keypair(1000 * LAMPORTS_PER_SOL)
    home = work / "w"
    home.mkdir()
    values = worker_values(home, worker_kp, "local", args)
    values.update(metrics_port=None)
    config = WorkerConfig(**values)
    detectors = load_worker_detectors(config)
    await register_models(network, worker_kp, detectors)
    await register_worker(network, worker_kp, config, detectors)
    node = WorkerNode(config, network, worker_kp, detectors)
    task = asyncio.create_task(node.run())
    profiler = cProfile.Profile() if args.profile else None
    try:
        async with AsyncDFPNClient(network, client_kp, auto_crank=False) as client:
            media = [(path.as_uri(), digest) for path, digest in files]
            busy0, total0 = machine_busy()
            cpu0 = time.process_time()
            if profiler:
                profiler.enable()
            start = time.monotonic()
            run = await drive(
                client,
                media,
                rate=args.rate,
                duration=args.duration,
                drain=args.drain,
                deadline_seconds=args.deadline,
            )
            elapsed = time.monotonic() - start
            if profiler:
                profiler.disable()
            cpu = time.process_time() - cpu0
            busy1, total1 = machine_busy()
    finally:
        node.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 30)
        node.state.close()
    cores = available_cores()
    text = node.metrics.render().decode()
    summary = summarise(
        run, warmup=args.warmup, duration=args.duration, start=start, metrics_text=text, cores=cores
    )
    summary["worker"] = {
        "peak_rss_mb": peak_rss_mb([os.getpid()]),
        "cpu_seconds": round(cpu, 2),
        "note": "one process: the embedded network, the client and the worker (detectors in threads)",
        "detector_share_of_worker_cpu": _share(summary["detector_cpu_seconds"], cpu),
        "detector_share_of_machine": _share(summary["detector_cpu_seconds"], elapsed * cores),
    }
    summary["machine"] = {
        "busy_share": _share(busy1 - busy0, total1 - total0),
        "elapsed_seconds": round(elapsed, 1),
    }
    summary["cpu_per_request"] = _per_request(
        summary["revealed"],
        cores,
        network_worker_and_client=cpu - summary["detector_cpu_seconds"],
        detectors=summary["detector_cpu_seconds"],
    )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        summary["profile"] = [line for line in out.getvalue().splitlines() if line.strip()][-26:]
    return summary


# ---- command -----------------------------------------------------------------------------------------------------


def chosen_detectors(args: argparse.Namespace) -> list[str]:
    """The worker's `detectors` setting: empty runs every installed detector, as a worker does by default."""
    if args.detectors == "all":
        return []
    if args.detectors == "three":
        return list(THREE_DETECTORS)
    return [name.strip() for name in args.detectors.split(",") if name.strip()]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--network", choices=["validator", "local"], default="validator")
    p.add_argument("--rpc-url", help="a configured validator with a faucet (default: start one)")
    p.add_argument("--rate", type=float, default=12.0, help="requests submitted per second")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of submissions")
    p.add_argument("--warmup", type=float, default=10.0, help="seconds not counted in requests_per_second")
    p.add_argument("--drain", type=float, default=60.0, help="seconds to wait for the last requests")
    p.add_argument("--deadline", type=int, default=300, help="each request's deadline, seconds")
    p.add_argument("--concurrency", type=int, default=32, help="the worker's `concurrency`")
    p.add_argument("--poll-interval", type=float, default=2.0, help="the worker's `poll_interval`")
    p.add_argument("--stake", type=int, default=100, help="the worker's stake, SOL (covers the seat bonds)")
    p.add_argument("--media", type=int, default=16, help="distinct media files")
    p.add_argument(
        "--detectors",
        default="all",
        help="all (every installed detector: the worker's default), three (ai-metadata-rules, c2pa-provenance, "
        "jpeg-ghost) or a comma-separated list",
    )
    p.add_argument("--profile", action="store_true", help="profile the worker's main process (cProfile)")
    p.add_argument("--out", type=Path, help="write the JSON here too")
    return p.parse_args(argv)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dfb") as tmp:
        work = Path(tmp)
        if args.network == "local":
            summary = await bench_local(args, work)
        else:
            summary = await bench_validator(args, work)
    summary = {
        "network": args.network,
        "rate": args.rate,
        "duration": args.duration,
        "warmup": args.warmup,
        "concurrency": args.concurrency,
        "poll_interval": args.poll_interval,
        "detector_setting": chosen_detectors(args) or "every installed detector (the worker's default)",
        **summary,
    }
    text = json.dumps(summary, indent=2)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    return summary


if __name__ == "__main__":
    asyncio.run(main(parse()))
