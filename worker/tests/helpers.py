"""Test detectors with fixed answers (the worker never hard-codes results; these stand in for real models in tests
of its chain logic), a faulty transport, and small helpers."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LAMPORTS_PER_SOL, LocalNetwork, Transport, protocol
from dfpn import instructions as ix
from dfpn import storage as store
from dfpn.errors import DFPNError, ErrorCode
from dfpn.generated.constants import MODALITY_ALL
from dfpn.generated.types import Request, Worker
from dfpn.pda import model_address, worker_address
from dfpn.rpc import RpcTransport
from dfpn.transport import AccountInfo, TransactionRecord
from dfpn_detectors import Analysis, Detection, Detector, Evidence, Media, Modality, Region, Verdict
from dfpn_worker import Job, Phase, WorkerConfig, WorkerNode
from dfpn_worker.cli import register_worker

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FACE = frozenset({Modality.FACE_MANIPULATION, Modality.IMAGE_AUTHENTICITY})
FACE_SWAP = Detection(type="face_swap", confidence=0.93, region=Region(x=10, y=20, w=64, h=48))


class FixedDetector(Detector):
    """Answers `verdict`/`confidence` for anything that starts with the PNG signature; counts its calls. Its
    evidence is a trained model's, so the verdict policy takes an Authentic answer at its confidence."""

    evidence = Evidence.MODEL

    def __init__(
        self,
        model_id: str,
        verdict: Verdict,
        confidence: int,
        detections: Sequence[Detection] = (),
        modalities: frozenset[Modality] = FACE,
    ) -> None:
        self.model_id = model_id
        self.modalities = modalities
        self.verdict = verdict
        self.confidence = confidence
        self.detections = tuple(detections)
        self.calls = 0

    def supports(self, media: Media) -> bool:
        return media.data.startswith(PNG_MAGIC)

    def analyze(self, media: Media) -> Analysis:
        self.calls += 1
        return Analysis(
            model_id=self.model_id,
            verdict=self.verdict,
            confidence=self.confidence,
            detections=self.detections,
            notes="fixed test answer",
            latency_ms=0.1,
        )


class RaisingDetector(FixedDetector):
    """A buggy detector: raises instead of returning Inconclusive."""

    def analyze(self, media: Media) -> Analysis:
        self.calls += 1
        raise RuntimeError("decoder exploded")


class BlockingDetector(FixedDetector):
    """Blocks in `analyze` until `release` is set (or `seconds` pass)."""

    def __init__(self, *args: Any, seconds: float = 10.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.release = threading.Event()
        self.started = threading.Event()
        self.seconds = seconds

    def analyze(self, media: Media) -> Analysis:
        self.started.set()
        self.release.wait(self.seconds)
        return super().analyze(media)


class Crash(BaseException):
    """Stands for the process dying at an exact instant (not an Exception: nothing in the node catches it)."""


class FaultyTransport(Transport):
    """Wraps a transport: `fail_every` n-th call raises a transient RPC error; `crash_on(name, after_send)` raises
    `Crash` when an instruction named `name` is sent (before or after it reaches the chain)."""

    def __init__(self, inner: Transport, *, fail_every: int = 0) -> None:
        self.inner = inner
        self.name = inner.name
        self.program_id = inner.program_id
        self.fail_every = fail_every
        self.calls = 0
        self.failures = 0
        self.crash: tuple[bytes, bool] | None = None
        #: Set once the crash happened: the "process" is dead, every later call raises `Crash` too.
        self.dead = False

    def crash_on(self, discriminator: bytes, *, after_send: bool) -> None:
        self.crash = (discriminator, after_send)

    @property
    def is_local(self) -> bool:
        return self.inner.is_local

    def _tick(self) -> None:
        if self.dead:
            raise Crash("the process is dead")
        self.calls += 1
        if self.fail_every and self.calls % self.fail_every == 0:
            self.failures += 1
            raise DFPNError(ErrorCode.RPC_ERROR, "injected fault: connection reset")

    async def get_account(self, address: Pubkey) -> AccountInfo | None:
        self._tick()
        return await self.inner.get_account(address)

    async def send_transaction(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair]
    ) -> TransactionRecord:
        self._tick()
        crash = self.crash
        hit = crash is not None and any(bytes(i.data[:8]) == crash[0] for i in instructions)
        if hit and crash is not None and not crash[1]:
            self.crash, self.dead = None, True
            raise Crash("killed before the transaction was sent")
        record = await self.inner.send_transaction(instructions, signers)
        if hit:
            self.crash, self.dead = None, True
            raise Crash("killed after the transaction landed, before anything was recorded")
        return record

    async def unix_timestamp(self) -> int:
        self._tick()
        return await self.inner.unix_timestamp()

    async def minimum_balance_for_rent_exemption(self, size: int) -> int:
        return await self.inner.minimum_balance_for_rent_exemption(size)

    async def signatures_for_address(self, address: Pubkey) -> list[str]:
        return await self.inner.signatures_for_address(address)

    async def get_transaction(self, signature: str) -> TransactionRecord | None:
        return await self.inner.get_transaction(signature)

    async def program_accounts(
        self,
        discriminator: bytes,
        *,
        data_size: int | None = None,
        memcmp: Sequence[tuple[int, bytes]] = (),
        data_slice: tuple[int, int] | None = None,
    ) -> list[AccountInfo]:
        self._tick()
        return await self.inner.program_accounts(
            discriminator, data_size=data_size, memcmp=memcmp, data_slice=data_slice
        )

    async def next_slot(self) -> None:
        await self.inner.next_slot()


#: The developer that registers the test models: `worker_config` names it as `model_developer`.
MODEL_DEVELOPER = Keypair.from_seed(bytes([7] * 32))


def register_model(
    net: LocalNetwork, model_id: str, modalities: int = MODALITY_ALL, developer: Keypair = MODEL_DEVELOPER
) -> Pubkey:
    """Register `model_id` (by default for every modality) by `developer` (default `MODEL_DEVELOPER`, funded
    here); returns the model's address."""
    if net.balance(developer.pubkey()) < LAMPORTS_PER_SOL:
        net.airdrop(developer.pubkey(), 10 * LAMPORTS_PER_SOL)
    net.process(
        [
            ix.register_model(
                developer=developer.pubkey(),
                model_id=model_id,
                payout_wallet=Keypair().pubkey(),
                modalities=modalities,
            )
        ],
        [developer],
    )
    return model_address(developer.pubkey(), model_id)


def write_keypair(path: Path, keypair: Keypair) -> Path:
    path.write_text(str(list(bytes(keypair))))
    return path


def request_account(net: LocalNetwork, address: str | Pubkey) -> Request:
    acc = net.account(Pubkey.from_string(str(address)))
    assert acc is not None
    return Request.from_account_data(acc.data)


def worker_account(net: LocalNetwork, authority: Pubkey) -> Worker:
    acc = net.account(worker_address(authority))
    assert acc is not None
    return Worker.from_account_data(acc.data)


async def wait_for(
    predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition", interval: float = 0.005
) -> None:
    give_up = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > give_up:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(interval)


async def wait_phase(node: WorkerNode, request: str, *phases: Phase, timeout: float = 10.0) -> Job:
    def reached() -> bool:
        job = node.state.get(request)
        return job is not None and job.phase in phases

    await wait_for(reached, timeout, f"{request} to reach {[p.value for p in phases]}")
    job = node.state.get(request)
    assert job is not None
    return job


async def wait_finished(node: WorkerNode, request: str, timeout: float = 10.0) -> Job:
    """The job once it is finished: stored as finished, and its task over (the store is written first)."""

    def done() -> bool:
        job = node.state.get(request)
        return job is not None and job.finished and request not in node.in_flight

    await wait_for(done, timeout, f"{request} to finish")
    job = node.state.get(request)
    assert job is not None
    return job


def job_of(node: WorkerNode, request: str) -> Job:
    """The node's stored job for `request` (it must have one)."""
    job = node.state.get(request)
    assert job is not None, f"{node.authority} has no job for {request}"
    return job


def open_finalizing_to_anyone(network: LocalNetwork, request: str | Pubkey) -> None:
    """Move the chain clock to `deadline + FINALIZE_GRACE_SECS` of `request` (never backwards): from then on anyone,
    a worker included, may finalize it; before, only its client."""
    r = request_account(network, request)
    network.set_time(max(network.now(), protocol.open_to_anyone_at(r)))


async def finish_after_grace(
    network: LocalNetwork, node: WorkerNode, request: str, timeout: float = 10.0
) -> Job:
    """The job of `node` in `request` once it finished, where the request ends by a worker's finalization: wait until
    the request is finalizable (every committer revealed, or the deadline passed) or the job finished otherwise,
    then open finalizing to anyone (the tests' client never finalizes by itself, and a worker may not before the
    grace period after the deadline) and wait for the job to finish."""

    def ready() -> bool:
        job = node.state.get(request)
        if job is not None and job.finished:
            return True
        return protocol.finalizable(request_account(network, request), network.now())

    await wait_for(ready, timeout, f"{request} to become finalizable")
    job = node.state.get(request)
    if job is None or not job.finished:
        open_finalizing_to_anyone(network, request)
    return await wait_finished(node, request, timeout)


async def stop_task(task: asyncio.Task[Any]) -> None:
    """Abandon a running node (cancel its task), like a crash."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def counter(node: WorkerNode, name: str, **labels: str) -> float:
    value = node.metrics.registry.get_sample_value(name, labels or None)
    return 0.0 if value is None else value


def worker_config(base: Path, name: str, keypair: Keypair, **overrides: Any) -> WorkerConfig:
    home = base / name
    home.mkdir(parents=True, exist_ok=True)
    values: dict[str, Any] = {
        "keypair": write_keypair(home / "key.json", keypair),
        "network": "local",
        "state_dir": home / "state",
        "reports_dir": home / "r",
        "poll_interval": 0.01,
        "metrics_port": None,
        "download_attempts": 2,
        "download_timeout": 5,
        "detector_timeout": 5,
        "shutdown_grace": 5,
        "log_format": "text",
        "model_developer": str(MODEL_DEVELOPER.pubkey()),
        "crank_interval": 0,
    }
    values.update(overrides)
    return WorkerConfig(**values)


@dataclass
class NodeFactory:
    """Registers workers on the shared network and builds `WorkerNode`s for them; cleans up after the test."""

    network: LocalNetwork
    base: Path
    nodes: list[WorkerNode]
    tasks: list[asyncio.Task[Any]]

    async def register(
        self, name: str, detectors: Sequence[Detector], *, keypair: Keypair | None = None, **overrides: Any
    ) -> tuple[Keypair, WorkerConfig]:
        keypair = keypair or self.network.funded_keypair(20 * LAMPORTS_PER_SOL)
        config = worker_config(self.base, name, keypair, **overrides)
        await register_worker(self.network, keypair, config, detectors)
        return keypair, config

    def node(
        self,
        keypair: Keypair,
        config: WorkerConfig,
        detectors: Sequence[Detector],
        transport: Transport | None = None,
    ) -> WorkerNode:
        node = WorkerNode(config, transport or self.network, keypair, detectors)
        self.nodes.append(node)
        return node

    async def __call__(
        self, name: str, detectors: Sequence[Detector], transport: Transport | None = None, **overrides: Any
    ) -> WorkerNode:
        keypair, config = await self.register(name, detectors, **overrides)
        return self.node(keypair, config, detectors, transport)

    def start(self, node: WorkerNode) -> asyncio.Task[None]:
        task = asyncio.create_task(node.run())
        self.tasks.append(task)
        return task


@dataclass
class RpcNetwork:
    """A validator reachable over JSON-RPC (and its websocket) with the DFPN program deployed and configured;
    `transport.airdrop` funds keys."""

    url: str
    transport: RpcTransport


@dataclass
class MediaServer:
    """A tiny HTTP server on 127.0.0.1: `failures` 503 answers first, then `body` (with a Content-Length that
    `declared_length` may overstate)."""

    body: bytes
    failures: int = 0
    declared_length: int | None = None
    requests: int = 0
    bytes_sent: int = 0
    port: int = 0
    served: list[int] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (await reader.readline()).strip():
            pass
        self.requests += 1
        try:
            if self.requests <= self.failures:
                writer.write(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                await writer.drain()
                return
            length = self.declared_length if self.declared_length is not None else len(self.body)
            writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n".encode())
            sent = 0
            while sent < length:
                chunk = self.body[:65536] if self.declared_length is None else b"\0" * 65536
                chunk = (
                    chunk[: length - sent] if self.declared_length is not None else self.body[sent:][:65536]
                )
                writer.write(chunk)
                await writer.drain()
                sent += len(chunk)
                self.bytes_sent += len(chunk)
        except ConnectionError:
            pass
        finally:
            writer.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/media/photo.png"


class PushTransport(FaultyTransport):
    """A transport with a log subscription like `RpcTransport.program_logs`: every transaction sent through it
    is pushed, with its logs, to every subscriber."""

    def __init__(self, inner: Transport) -> None:
        super().__init__(inner)
        self.subscribers: list[asyncio.Queue[tuple[str, list[str]]]] = []

    async def send_transaction(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair]
    ) -> TransactionRecord:
        record = await super().send_transaction(instructions, signers)
        for queue in self.subscribers:
            queue.put_nowait((record.signature, list(record.logs)))
        return record

    async def program_logs(self) -> AsyncIterator[tuple[str, list[str]]]:
        queue: asyncio.Queue[tuple[str, list[str]]] = asyncio.Queue()
        self.subscribers.append(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self.subscribers.remove(queue)


def fixed_detector(settings: dict[str, Any]) -> FixedDetector:
    """A `module:attr` detector factory (`helpers:fixed_detector`), called with its `detector_config` mapping
    like the dfpn_detectors entry points: {"model_id", "verdict", "confidence"}."""
    return FixedDetector(str(settings["model_id"]), Verdict(settings["verdict"]), int(settings["confidence"]))


def stored_report(uri: str | None) -> dict[str, Any]:
    """The JSON report a node wrote to a file:// URI."""
    assert uri is not None
    data: dict[str, Any] = json.loads(store.path_from_file_uri(uri).read_bytes())
    return data
