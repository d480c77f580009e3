"""A gateway served over real HTTP on the embedded network, with workers in the same process, for the web page's
browser tests: `LiveGateway` runs `create_app` under uvicorn (the `serve` configuration, `server_config`) on its own
event loop in a thread, beside three `ReportingWorker`s that accept the seats the draw gives them and commit and
reveal the answers a test scripted for the media (by its SHA-256), with reports like the reference worker's (every
detector's finding). Reveals can be held, so a test sees the commit phase end before the verdict."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import uvicorn
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient, LocalNetwork, Verdict
from dfpn.generated.constants import (
    REQUEST_STATUS_OPEN,
    SEAT_STATE_COMMITTED,
    SEAT_STATE_DRAWN,
    SEAT_STATE_JOINED,
)
from dfpn.generated.types import Request
from dfpn.testing import Answer, ScriptedWorker, register_model
from dfpn_gateway.app import create_app
from dfpn_gateway.runtime import open_store
from dfpn_gateway.server import server_config
from dfpn_gateway.store import parse_rate

from helpers import free_port, make_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")
MODEL = "face-forensics-sbi"


@dataclass(frozen=True)
class Scripted:
    """One seat's answer: verdict, confidence and the report's detections and per-detector findings."""

    verdict: Verdict
    confidence: int
    detections: tuple[dict[str, Any], ...] = ()
    detectors: tuple[dict[str, Any], ...] = ()


class ReportingWorker(ScriptedWorker):
    """A scripted worker whose report looks like the reference worker's (`dfpn_worker.analysis.build_report`):
    version, model, verdict, detections and every detector's finding."""

    async def commit_scripted(self, request: Pubkey, answer: Scripted) -> None:
        await self.commit(
            request,
            Answer(answer.verdict, answer.confidence, answer.detections),
            report_fields={
                "version": "dfpn-report-v1",
                "modelId": MODEL,
                "detectors": list(answer.detectors),
                "notes": "scripted by the browser tests",
            },
        )


def region(kind: str, x: int, y: int, w: int, h: int, confidence: float, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "region": {"x": x, "y": y, "w": w, "h": h}, "confidence": confidence, **extra}


def finding(
    model_id: str, verdict: str, confidence: int, *detections: dict[str, Any], notes: str = ""
) -> dict[str, Any]:
    return {
        "modelId": model_id,
        "verdict": verdict,
        "confidence": confidence,
        "detections": list(detections),
        "notes": notes,
    }


#: The default answers: two Manipulated with regions, one Authentic: Manipulated, Majority, confidence 56.
FACE = region("face_swap", 40, 30, 64, 48, 0.93)
GHOST = region("jpeg_ghost", 120, 90, 40, 32, 0.81)
DEFAULT_ANSWERS = (
    Scripted(
        Verdict.MANIPULATED,
        90,
        (FACE,),
        (
            finding("blazeface-consistency", "Manipulated", 90, FACE, notes="face cleaner than the frame"),
            finding("ela", "Inconclusive", 0, notes="supporting"),
        ),
    ),
    Scripted(Verdict.MANIPULATED, 80, (GHOST,), (finding("jpeg-ghost", "Manipulated", 80, GHOST),)),
    Scripted(Verdict.AUTHENTIC, 70, (), (finding("noise-residual", "Authentic", 70, notes="nothing found"),)),
)


@dataclass
class LiveGateway:
    """The gateway on http://127.0.0.1:<port> with three reporting workers; `key` is a valid API key."""

    tmp: Path
    overrides: dict[str, Any] = field(default_factory=dict)
    #: Seconds between a worker's steps (accept, commit, reveal), so phases can be seen.
    step_delay: float = 0.3
    url: str = ""
    key: str = ""
    scripts: dict[str, Sequence[Scripted]] = field(default_factory=dict)
    #: Set: reveals go ahead; cleared: the workers commit and wait.
    reveals: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _ready: threading.Event = field(default_factory=threading.Event)

    def script(self, media: bytes, answers: Sequence[Scripted]) -> None:
        """The answers the workers give for `media`, in seat order (none: they ignore it)."""
        self.scripts[hashlib.sha256(media).hexdigest()] = answers

    def start(self) -> LiveGateway:
        port = free_port()
        self.settings = make_settings(self.tmp, port=port, **self.overrides)
        store = open_store(self.settings)
        try:
            _, self.key = store.create_key("browser", quota=None, rate=parse_rate("100000/sec"))
        finally:
            store.close()
        self.url = f"http://127.0.0.1:{port}"
        self.reveals.set()
        self._thread = threading.Thread(target=self._run, name="live-gateway", daemon=True)
        self._thread.start()
        if not self._ready.wait(120) or self.failure is not None:
            raise RuntimeError(f"the gateway did not start: {self.failure!r}")
        return self

    def advance(self, seconds: int) -> None:
        """Move the embedded network's clock forward (its deadlines pass at once)."""

        async def forward() -> None:
            self.network.advance(seconds)

        self.call(forward())

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run `coro` on the gateway's event loop (where the embedded network lives)."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def stop(self) -> None:
        if self._server is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(setattr, self._server, "should_exit", True)
        if self._thread is not None:
            self._thread.join(60)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as e:
            self.failure = e
            self._ready.set()
            raise

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.network = network = LocalNetwork()
        reports = self.tmp / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        developer = network.funded_keypair(10 * LAMPORTS_PER_SOL)
        model = await register_model(network, developer, MODEL, payout_wallet=Keypair().pubkey())
        self.workers = [
            cast(
                ReportingWorker,
                await ReportingWorker.register(
                    network, network.funded_keypair(12 * LAMPORTS_PER_SOL), reports, model
                ),
            )
            for _ in range(3)
        ]
        async with AsyncDFPNClient(
            network, network.funded_keypair(100 * LAMPORTS_PER_SOL), poll_interval=0.05
        ) as sdk:
            app = create_app(self.settings, sdk)
            self._server = uvicorn.Server(server_config(app, self.settings, log_level="warning"))
            drive = asyncio.create_task(self._drive())
            serve = asyncio.create_task(self._server.serve())
            while not self._server.started and not serve.done():
                await asyncio.sleep(0.05)
            self._ready.set()
            try:
                await serve
            finally:
                drive.cancel()

    async def _drive(self) -> None:
        """Answer every open request's seats held by our workers: accept, commit the scripted answer, reveal."""
        by_key = {w.pubkey: w for w in self.workers}
        while True:
            try:
                await self._step(by_key)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("browser-test workers: a step failed (tried again)")
            await asyncio.sleep(0.1)

    async def _step(self, by_key: dict[Pubkey, ReportingWorker]) -> None:
        accounts = await self.network.program_accounts(Request.DISCRIMINATOR, data_size=Request.SIZE)
        for account in accounts:
            r = Request.from_account_data(account.data)
            if r.status != REQUEST_STATUS_OPEN:
                continue
            address = account.address
            answers = self.scripts.get(r.content_hash.hex(), DEFAULT_ANSWERS)
            if not answers:  # scripted to be ignored: nobody answers, the request will expire
                continue
            seats = [s for s in r.seats[: r.joined] if s.authority in by_key]
            for i, seat in enumerate(seats):
                worker = by_key[seat.authority]
                if seat.state == SEAT_STATE_DRAWN:
                    await worker.join(address)
                    await asyncio.sleep(self.step_delay)
                elif seat.state == SEAT_STATE_JOINED:
                    await worker.commit_scripted(address, answers[i % len(answers)])
                    await asyncio.sleep(self.step_delay)
            commit_over = r.commits >= r.max_workers
            if commit_over and self.reveals.is_set():
                for seat in seats:
                    if seat.state == SEAT_STATE_COMMITTED:
                        await by_key[seat.authority].reveal(address)
                        await asyncio.sleep(self.step_delay)
