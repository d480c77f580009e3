"""The worker node: discover requests, join, fetch and verify media, analyse, store the report, commit, reveal,
finalize. Works over any `dfpn.transport.Transport` (the embedded `LocalNetwork`, or an RPC transport).

Each joined request is a job driven by a small state machine over the durable `StateStore` (see `state.Phase`):

    JOINED --analyse, store report, write preimage+salt (fsync)--> PREPARED --commit_result--> COMMITTED
    COMMITTED --reveal phase: reveal_result--> REVEALED --finalizable: finalize_request--> DONE
    JOINED --media refused (hash mismatch, too large, unreadable)--> REFUSED
    COMMITTED --deadline passed before the reveal--> MISSED

Every step re-reads the request account and decides from the chain, never from memory, so a job resumed after a
crash (any phase, any instant) does the right thing: a PREPARED job whose commit already landed is recognised by
its on-chain commitment and goes straight to the reveal.

Discovery polls `program_accounts(Request discriminator)` every `poll_interval` seconds; when the transport has a
log subscription (`Transport.program_logs`), a pushed `RequestSubmitted` event triggers a poll at once, and any
event naming a request (a join, commit, reveal of another worker) wakes that request's job; otherwise jobs
re-check every `poll_interval` (phases also change by the clock alone). Times are the cluster clock
(`transport.unix_timestamp()`), as the program's deadlines are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import instructions as ix
from dfpn import protocol
from dfpn.borsh import BorshError
from dfpn.client import is_expirable, is_finalizable
from dfpn.commitment import commitment, derive_salt
from dfpn.errors import DFPNError, ErrorCode
from dfpn.events import parse_logs
from dfpn.generated.constants import (
    REQUEST_STATUS_EXPIRED,
    REQUEST_STATUS_FINALIZED,
    REQUEST_STATUS_OPEN,
    SEAT_STATE_COMMITTED,
    SEAT_STATE_REVEALED,
)
from dfpn.generated.events import RequestSubmitted
from dfpn.generated.types import Config, Request, Seat, Worker
from dfpn.models import ConsensusType, Verdict
from dfpn.pda import config_address, decode_model_id, worker_address
from dfpn.transport import TransactionRecord, Transport
from dfpn_detectors import Detector, Media
from dfpn_worker.analysis import Analyzer, build_report, modality_mask, report_hash
from dfpn_worker.config import WorkerConfig
from dfpn_worker.metrics import Metrics, MetricsServer
from dfpn_worker.retry import backoff, retrying
from dfpn_worker.state import Job, Phase, StateStore
from dfpn_worker.transfer import MediaRefusedError, ReportStore, check_content_hash, fetch_media, media_name

logger = logging.getLogger(__name__)

_STATUS_NAMES = {
    REQUEST_STATUS_OPEN: "open",
    REQUEST_STATUS_FINALIZED: "finalized",
    REQUEST_STATUS_EXPIRED: "expired",
}
#: Join refusals that will not change for this request: do not try again.
_FINAL_JOIN_ERRORS = {
    ErrorCode.REQUEST_FULL,
    ErrorCode.COMMIT_PHASE_CLOSED,
    ErrorCode.REQUEST_NOT_OPEN,
    ErrorCode.MODALITY_NOT_SUPPORTED,
}


class WorkerError(Exception):
    """The node cannot run as configured (not registered, no detectors, a bad storage setting)."""


def commit_phase_open(r: Request, now: int) -> bool:
    return protocol.is_open(r.status) and protocol.commit_open(r, now)


def reveal_phase_open(r: Request, now: int) -> bool:
    return protocol.is_open(r.status) and protocol.reveal_open(r, now)


def worker_share(r: Request) -> int:
    """The worst-case payout of one worker: the fee split among `max_workers` (every seat filled and paid)."""
    return protocol.worker_share(r.fee, max(1, r.max_workers))


class WorkerNode:
    """One worker (one key) on one network. `await node.run()` until `node.stop()` (graceful) or cancellation
    (abrupt, like a crash: the durable state lets the next start resume)."""

    def __init__(
        self,
        config: WorkerConfig,
        transport: Transport,
        keypair: Keypair,
        detectors: Sequence[Detector],
        *,
        metrics: Metrics | None = None,
        state: StateStore | None = None,
        reports: ReportStore | None = None,
    ) -> None:
        self.config = config
        self.transport = transport
        self.keypair = keypair
        self.authority = keypair.pubkey()
        self.program_id = transport.program_id
        self.detectors = list(detectors)
        self.metrics = metrics or Metrics()
        self.state = state or StateStore(config.state_dir, str(self.authority))
        self.reports = reports or ReportStore(
            config.storage, config.report_dir, backoff_base=self._backoff_base
        )
        self.analyzer = Analyzer(self.detectors, timeout=config.detector_timeout, metrics=self.metrics)
        self.server: MetricsServer | None = None
        self.supported_mask = 0
        self.declared_models: list[str] = []
        self.chain_config: Config | None = None
        self.worker_account: Worker | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._pre_commit: set[str] = set()
        self._phases: dict[str, Phase] = {}
        self._seen: set[str] = set()
        self._skipped: dict[str, str] = {}
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        #: Per-job events set when a pushed program event names the job's request.
        self._job_wakes: dict[str, asyncio.Event] = {}
        self._log_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._started = False
        self._last_poll: float | None = None
        self._join_blocked: str | None = None

    # ---- properties --------------------------------------------------------------------------------------

    @property
    def _backoff_base(self) -> float:
        return min(0.5, self.config.poll_interval)

    @property
    def worker_pda(self) -> Pubkey:
        return worker_address(self.authority, self.program_id)

    @property
    def in_flight(self) -> list[str]:
        return list(self._tasks)

    # ---- start / run / stop ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the worker's registration and detectors, start the metrics endpoint, resume unfinished jobs."""
        if self._started:
            return
        if not self.detectors:
            raise WorkerError("no detectors: install dfpn-detectors or name detectors in the config")
        self.reports.check()
        self.chain_config = await self._load_config()
        worker = await self._load_worker()
        if worker is None:
            raise WorkerError(
                f"worker {self.authority} is not registered on {self.transport.name}: run `dfpn-worker register`"
            )
        self._apply_worker(worker)
        if self.supported_mask == 0:
            raise WorkerError(
                "no modality is both declared on-chain and covered by a detector whose model is declared "
                f"(declared models: {self.declared_models or 'none'}; detectors: "
                f"{[d.model_id for d in self.detectors]})"
            )
        self._executor = ThreadPoolExecutor(
            max_workers=max(2, self.config.concurrency), thread_name_prefix="dfpn-detector"
        )
        self.analyzer.executor = self._executor
        if self.config.metrics_port is not None:
            self.server = MetricsServer(
                self.metrics, self.health, self.config.metrics_host, self.config.metrics_port
            )
            await self.server.start()
        self._started = True
        resumed = self.state.unfinished()
        for job in resumed:
            self._spawn(job)
        logger.info(
            "worker %s started on %s: models %s, modalities mask %d, %d job(s) resumed",
            self.authority,
            self.transport.name,
            self.declared_models,
            self.supported_mask,
            len(resumed),
            extra={"event": "started", "worker": str(self.authority), "resumed": len(resumed)},
        )

    async def run(self) -> None:
        """Poll and work until `stop()`; then shut down gracefully. Cancelling `run` abandons in-flight work
        at once (the durable state lets the next start resume it)."""
        await self.start()
        self._log_task = asyncio.create_task(self._follow_logs(), name="dfpn-worker-logs")
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    await self.poll_once()
                except Exception as e:
                    self.metrics.errors.labels(stage="poll").inc()
                    logger.warning("poll failed: %s", e, extra={"event": "poll_failed"})
                await self._first(self.config.poll_interval, self._stop.wait(), self._wake.wait())
        except BaseException:  # cancelled or killed: abandon in-flight work at once, like a crash
            await self._abort()
            raise
        await self.shutdown()

    def stop(self) -> None:
        """Ask `run` to finish: no new joins; in-flight analysis and commits finish (within `shutdown_grace`);
        jobs waiting for a later phase are handed over to the next start through the state directory."""
        self._stopping = True
        self._stop.set()

    async def shutdown(self) -> None:
        self.stop()
        tasks = list(self._tasks.values())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self.config.shutdown_grace)
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self._close()
        unfinished = len(self.state.unfinished())
        logger.info(
            "worker %s stopped; %d unfinished job(s) handed over in %s",
            self.authority,
            unfinished,
            self.state.dir,
            extra={"event": "stopped", "handed_over": unfinished},
        )

    async def _abort(self) -> None:
        self._stopping = True
        self._stop.set()
        tasks = list(self._tasks.values())
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._close()

    async def _follow_logs(self) -> None:
        """One websocket log subscription for everything: a pushed `RequestSubmitted` triggers a discovery poll,
        any event naming a request wakes that request's job. Polling every `poll_interval` stays the fallback
        (and catches the phase changes that only the clock makes)."""
        try:
            async for _signature, logs in self.transport.program_logs():
                for event in parse_logs(logs, self.program_id):
                    if isinstance(event, RequestSubmitted):
                        self._wake.set()
                    wake = self._job_wakes.get(str(getattr(event, "request", "")))
                    if wake is not None:
                        wake.set()
        except asyncio.CancelledError:
            raise
        except Exception as e:
            logger.warning("no log subscription (%s); discovering requests by polling only", e)

    @staticmethod
    async def _first(timeout: float, *waits: Coroutine[Any, Any, Any]) -> None:
        """Wait until the first of `waits` completes, or `timeout` seconds; cancel the others."""
        tasks = [asyncio.ensure_future(w) for w in waits]
        try:
            await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _close(self) -> None:
        if self._log_task is not None:
            self._log_task.cancel()
            await asyncio.gather(self._log_task, return_exceptions=True)
            self._log_task = None
        if self.server is not None:
            await self.server.stop()
            self.server = None
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def health(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, details): healthy while started and the last successful chain poll is recent."""
        limit = max(30.0, 3 * self.config.poll_interval)
        age = None if self._last_poll is None else time.monotonic() - self._last_poll
        ok = self._started and not self._stopping and age is not None and age <= limit
        return ok, {
            "worker": str(self.authority),
            "network": self.transport.name,
            "lastPollAgeSeconds": None if age is None else round(age, 3),
            "inFlight": len(self._tasks),
            "stopping": self._stopping,
            "joinBlocked": self._join_blocked,
        }

    # ---- chain reads -------------------------------------------------------------------------------------

    async def _retry_read(self, what: str, call: Any) -> Any:
        return await retrying(
            what,
            call,
            base=self._backoff_base,
            on_retry=lambda op: self.metrics.retries.labels(operation="read").inc(),
        )

    async def _now(self) -> int:
        return int(await self._retry_read("clock", self.transport.unix_timestamp))

    async def _load_config(self) -> Config:
        address = config_address(self.program_id)
        account = await self._retry_read("config", lambda: self.transport.get_account(address))
        if account is None or account.owner != self.program_id:
            raise WorkerError(f"no DFPN configuration at {address} on {self.transport.name}")
        return Config.from_account_data(account.data)

    async def _load_worker(self) -> Worker | None:
        account = await self._retry_read("worker", lambda: self.transport.get_account(self.worker_pda))
        if account is None or account.owner != self.program_id:
            return None
        return Worker.from_account_data(account.data)

    def _apply_worker(self, worker: Worker) -> None:
        self.worker_account = worker
        self.declared_models = [decode_model_id(m) for m in worker.models[: worker.model_count]]
        self.analyzer.declared = set(self.declared_models)
        undeclared = [d.model_id for d in self.detectors if d.model_id not in self.declared_models]
        if undeclared:
            logger.warning(
                "detectors %s are not declared on-chain: they run and vote but are never the committed model "
                "(declare them with `dfpn-worker register`)",
                undeclared,
            )
        mask = worker.modalities & modality_mask(d for d in self.detectors if self.analyzer.committable(d))
        if self.config.modalities:
            mask &= sum({int(m) for m in self.config.chain_modalities})
        self.supported_mask = mask

    async def _load_request(self, address: Pubkey) -> Request | None:
        account = await self._retry_read("request", lambda: self.transport.get_account(address))
        if account is None or account.owner != self.program_id:
            return None
        try:
            return Request.from_account_data(account.data)
        except BorshError:
            return None

    def _my_seat(self, r: Request) -> Seat | None:
        return next((s for s in r.seats[: r.joined] if s.authority == self.authority), None)

    async def _send(self, what: str, instructions: Sequence[Instruction]) -> TransactionRecord:
        result: TransactionRecord = await retrying(
            what,
            lambda: self.transport.send_transaction(instructions, [self.keypair]),
            base=self._backoff_base,
            on_retry=lambda op: self.metrics.retries.labels(operation="send").inc(),
        )
        return result

    # ---- discovery ---------------------------------------------------------------------------------------

    async def poll_once(self) -> None:
        """One discovery round: list open requests, resume seats this worker holds, join eligible ones."""
        if not self._started:
            await self.start()
        now = await self._now()
        accounts = await self._retry_read(
            "list requests", lambda: self.transport.program_accounts(Request.DISCRIMINATOR)
        )
        worker = await self._load_worker()
        self._join_blocked = self._blocked_reason(worker)
        if worker is not None:
            self.worker_account = worker
        candidates: list[tuple[Pubkey, Request]] = []
        open_now: set[str] = set()
        for account in accounts:
            key = str(account.address)
            if key in self._tasks:
                continue
            try:
                r = Request.from_account_data(account.data)
            except BorshError:
                continue
            if not protocol.is_open(r.status):
                continue
            open_now.add(key)
            job = self.state.get(key)
            if job is not None:
                if not job.finished and not self._stopping:
                    self._spawn(job)
                continue
            seat = self._my_seat(r)
            if seat is not None:
                if not self._stopping:
                    self._recover(account.address, r, seat)
                continue
            if key not in self._seen:
                self._seen.add(key)
                self.metrics.requests_seen.inc()
            if key in self._skipped:
                continue
            reason = self._skip_reason(r, now)
            if reason is not None:
                self._skip(key, reason)
                continue
            candidates.append((account.address, r))
        # Forget requests that are no longer open (the memory of a long-running worker stays bounded).
        self._seen &= open_now
        self._skipped = {k: v for k, v in self._skipped.items() if k in open_now}
        # Best-paid first, then the soonest commit deadline.
        candidates.sort(key=lambda c: (-worker_share(c[1]), c[1].commit_deadline))
        for address, r in candidates:
            if self._stopping or self._join_blocked is not None:
                break
            if len(self._pre_commit) >= self.config.concurrency:
                break  # busy: these stay candidates for the next poll
            await self._join(address, r)
        self._last_poll = time.monotonic()
        self.metrics.last_poll.set(time.time())

    def _blocked_reason(self, worker: Worker | None) -> str | None:
        """Why this worker cannot join anything now (None: it can)."""
        if worker is None:
            reason = "not registered"
        elif worker.unbonding_amount > 0:
            reason = "unbonding (request_unstake was sent; a worker with unbonding stake cannot join)"
        elif self.chain_config is not None and worker.stake < self.chain_config.params.min_stake:
            reason = f"stake {worker.stake} below the network minimum {self.chain_config.params.min_stake}"
        else:
            reason = None
        if reason is not None and reason != self._join_blocked:
            logger.warning("not joining requests: %s", reason, extra={"event": "join_blocked"})
        return reason

    def _skip_reason(self, r: Request, now: int) -> str | None:
        if r.modalities & ~self.supported_mask:
            return "modality"
        if worker_share(r) < self.config.fee_floor_lamports:
            return "fee_floor"
        if r.joined >= r.max_workers or r.commits >= r.max_workers:
            return "full"
        if now >= r.commit_deadline:
            return "commit_phase_closed"
        return None

    def _skip(self, key: str, reason: str) -> None:
        self._skipped[key] = reason
        self.metrics.requests_skipped.labels(reason=reason).inc()
        logger.debug("skipping %s: %s", key, reason, extra={"event": "skipped", "request": key})

    async def _join(self, address: Pubkey, r: Request) -> None:
        key = str(address)
        try:
            record = await self._send(
                f"join {key}",
                [ix.join_request(authority=self.authority, request=address, program_id=self.program_id)],
            )
            join_tx: str | None = record.signature
        except DFPNError as e:
            if e.code is ErrorCode.ALREADY_JOINED:
                join_tx = None
            elif e.code in _FINAL_JOIN_ERRORS:
                self._skip(key, e.code.value.lower())
                return
            else:
                self.metrics.errors.labels(stage="join").inc()
                logger.warning(
                    "join of %s failed: %s", key, e, extra={"event": "join_failed", "request": key}
                )
                return
        job = self._put(
            Job(
                request=key,
                phase=Phase.JOINED,
                commit_deadline=r.commit_deadline,
                deadline=r.deadline,
                join_tx=join_tx,
            )
        )
        self.metrics.requests_joined.inc()
        logger.info(
            "joined %s (fee %d lamports, %d/%d seats)",
            key,
            r.fee,
            r.joined + 1,
            r.max_workers,
            extra={"event": "joined", "request": key, "tx": join_tx},
        )
        self._spawn(job)

    def _recover(self, address: Pubkey, r: Request, seat: Seat) -> None:
        """A seat on-chain with no local state (state lost, or a crash right after joining)."""
        key = str(address)
        phase = Phase.REVEALED if seat.state == SEAT_STATE_REVEALED else Phase.JOINED
        logger.warning(
            "found a seat in %s with no local state (seat state %d); recovering",
            key,
            seat.state,
            extra={"event": "recover", "request": key},
        )
        job = self._put(Job(request=key, phase=phase, commit_deadline=r.commit_deadline, deadline=r.deadline))
        self._spawn(job)

    # ---- jobs --------------------------------------------------------------------------------------------

    def _put(self, job: Job) -> Job:
        job = self.state.put(job)
        if job.phase in (Phase.JOINED, Phase.PREPARED) and not job.finished:
            self._pre_commit.add(job.request)
        else:
            self._pre_commit.discard(job.request)
        if job.finished:
            self._phases.pop(job.request, None)
        else:
            self._phases[job.request] = job.phase
        self._update_gauge()
        return job

    def _spawn(self, job: Job) -> None:
        if job.request in self._tasks or job.finished:
            return
        if job.phase in (Phase.JOINED, Phase.PREPARED):
            self._pre_commit.add(job.request)
        self._phases[job.request] = job.phase
        task = asyncio.create_task(self._drive(job), name=f"dfpn-job-{job.request}")
        self._tasks[job.request] = task
        self._update_gauge()

    def _update_gauge(self) -> None:
        counts: dict[Phase, int] = {}
        for phase in self._phases.values():
            counts[phase] = counts.get(phase, 0) + 1
        for phase in Phase:
            self.metrics.in_flight.labels(phase=phase.value).set(counts.get(phase, 0))

    async def _drive(self, job: Job) -> None:
        address = Pubkey.from_string(job.request)
        wake = self._job_wakes.setdefault(job.request, asyncio.Event())
        failures = 0
        try:
            while not job.finished:
                wake.clear()  # before reading the chain: an event pushed after the read still wakes the wait
                try:
                    step = await self._step(address, job)
                except asyncio.CancelledError:
                    raise
                except Exception as e:
                    failures += 1
                    self.metrics.errors.labels(stage=job.phase.value).inc()
                    logger.warning(
                        "%s step of %s failed (%d in a row): %s",
                        job.phase.value,
                        job.request,
                        failures,
                        e,
                        exc_info=not isinstance(e, DFPNError),
                        extra={"event": "step_failed", "request": job.request, "phase": job.phase.value},
                    )
                    if not await self._pause(backoff(failures, self.config.poll_interval, 30.0)):
                        return
                    continue
                failures = 0
                if step is None:  # handed over: stopping while waiting for a later phase
                    return
                job = step
        finally:
            self._tasks.pop(job.request, None)
            self._job_wakes.pop(job.request, None)
            self._pre_commit.discard(job.request)
            self._phases.pop(job.request, None)
            self._update_gauge()

    async def _pause(self, seconds: float | None = None, wake: asyncio.Event | None = None) -> bool:
        """Wait a poll interval (or until `wake` is set by a pushed event); False when the node is stopping
        (the job hands over instead)."""
        if self._stopping:
            return False
        timeout = self.config.poll_interval if seconds is None else seconds
        waits: list[Coroutine[Any, Any, Any]] = [self._stop.wait()]
        if wake is not None:
            waits.append(wake.wait())
        await self._first(timeout, *waits)
        return not self._stopping

    async def _wait(self, job: Job) -> Job | None:
        return job if await self._pause(wake=self._job_wakes.get(job.request)) else None

    async def _step(self, address: Pubkey, job: Job) -> Job | None:
        """Advance `job` by one step from what the chain says now."""
        r = await self._load_request(address)
        if r is None:
            return self._finish(job, "request account closed")
        seat = self._my_seat(r)
        now = await self._now()
        if job.phase is Phase.JOINED:
            return await self._step_joined(address, job, r, seat, now)
        if job.phase is Phase.PREPARED:
            return await self._step_prepared(address, job, r, seat, now)
        if job.phase is Phase.COMMITTED:
            return await self._step_committed(address, job, r, seat, now)
        if job.phase is Phase.REVEALED:
            return await self._step_revealed(address, job, r, now)
        if job.phase is Phase.FAILED:
            return self._finish(job, job.outcome or "failed")
        return await self._step_follow(address, job, r, now)  # REFUSED, MISSED, DONE

    def _finish(self, job: Job, outcome: str, phase: Phase | None = None) -> Job:
        return self._put(job.replace(finished=True, outcome=outcome, phase=phase or job.phase))

    def _closed(self, job: Job, r: Request, seat: Seat | None) -> Job | None:
        """The job's end when the request is no longer open, else None."""
        if protocol.is_open(r.status):
            return None
        keep = job.phase in (Phase.REFUSED, Phase.MISSED, Phase.FAILED)
        if r.status == REQUEST_STATUS_EXPIRED:
            return self._finish(job, "expired", None if keep else Phase.DONE)
        verdict = Verdict.from_code(r.verdict).value
        outcome = f"finalized: {verdict} {r.confidence} ({ConsensusType.from_code(r.consensus).value})"
        if seat is not None and seat.state == SEAT_STATE_COMMITTED and not keep:
            self.metrics.requests_missed.labels(stage="reveal").inc()
            return self._finish(job, outcome + "; not revealed (slashed)", Phase.MISSED)
        if seat is not None and seat.state == SEAT_STATE_REVEALED:
            agreed = seat.verdict == r.verdict
            outcome += "; agreed" if agreed else "; disagreed"
        return self._finish(job, outcome, None if keep else Phase.DONE)

    async def _step_joined(
        self, address: Pubkey, job: Job, r: Request, seat: Seat | None, now: int
    ) -> Job | None:
        closed = self._closed(job, r, seat)
        if closed is not None:
            return closed
        if seat is None:
            return self._fail(job, "NOT_JOINED", "this worker holds no seat in the request")
        recovering = seat.state >= SEAT_STATE_COMMITTED
        if seat.state == SEAT_STATE_REVEALED:
            return self._put(job.replace(phase=Phase.REVEALED))
        if not recovering and not commit_phase_open(r, now):
            return self._miss(job, "commit", "the commit phase closed before the analysis started")
        key = job.request
        uri = bytes(r.storage_uri[: r.storage_uri_len]).decode("utf-8", errors="replace")
        try:
            data = await fetch_media(
                uri,
                max_bytes=self.config.max_media_bytes,
                timeout=self.config.download_timeout,
                attempts=self.config.download_attempts,
                allow_file=self.transport.is_local,
                backoff_base=self._backoff_base,
                on_retry=lambda op: self.metrics.retries.labels(operation="download").inc(),
            )
            check_content_hash(data, r.content_hash, uri)
        except MediaRefusedError as e:
            self.metrics.requests_refused.labels(code=e.code).inc()
            logger.warning(
                "refusing %s: %s",
                key,
                e,
                extra={"event": "refused", "request": key, "code": e.code, "uri": uri},
            )
            return self._put(job.replace(phase=Phase.REFUSED, error_code=e.code, error=e.message))
        media = Media(data=data, mime_type=None, name=media_name(uri))
        outcome = await self.analyzer.analyze(media, r.modalities)
        report = build_report(key, str(self.authority), bytes(r.content_hash), outcome)
        digest = report_hash(report)
        report_uri = await self.reports.put(
            report, on_retry=lambda op: self.metrics.retries.labels(operation="upload").inc()
        )
        salt = derive_salt(self.keypair, address)
        c = commitment(
            address, self.authority, outcome.verdict, outcome.confidence, outcome.model_id, digest, salt
        )
        prepared = job.replace(
            verdict=outcome.verdict.code,
            confidence=outcome.confidence,
            model_id=outcome.model_id,
            report_hash=digest,
            report_uri=report_uri,
            salt=salt,
            commitment=c,
        )
        logger.info(
            "analysed %s: %s %d by %s",
            key,
            outcome.verdict.value,
            outcome.confidence,
            outcome.model_id,
            extra={
                "event": "analysed",
                "request": key,
                "verdict": outcome.verdict.value,
                "confidence": outcome.confidence,
                "model_id": outcome.model_id,
                "report_uri": report_uri,
                "detectors": [a.model_id for a in outcome.analyses],
            },
        )
        if recovering:
            if c == bytes(seat.commitment):
                logger.warning("recovered the committed preimage of %s", key, extra={"event": "recovered"})
                return self._put(prepared.replace(phase=Phase.COMMITTED))
            return self._fail(
                prepared, "PREIMAGE_LOST", "the seat is committed and the preimage could not be re-derived"
            )
        # The crash-safety point: preimage and salt are on disk before commit_result is sent.
        return self._put(prepared.replace(phase=Phase.PREPARED))

    async def _step_prepared(
        self, address: Pubkey, job: Job, r: Request, seat: Seat | None, now: int
    ) -> Job | None:
        closed = self._closed(job, r, seat)
        if closed is not None:
            return closed
        if seat is None:
            return self._fail(job, "NOT_JOINED", "this worker holds no seat in the request")
        if seat.state >= SEAT_STATE_COMMITTED:
            if bytes(seat.commitment) == job.commitment:
                return self._put(job.replace(phase=Phase.COMMITTED))
            return self._fail(job, "COMMITMENT_MISMATCH", "the on-chain commitment is not the stored one")
        if not commit_phase_open(r, now):
            return self._miss(job, "commit", "the commit phase closed before the commit")
        assert job.commitment is not None
        try:
            record = await self._send(
                f"commit {job.request}",
                [
                    ix.commit_result(
                        authority=self.authority,
                        request=address,
                        commitment=job.commitment,
                        program_id=self.program_id,
                    )
                ],
            )
        except DFPNError as e:
            if e.code is ErrorCode.ALREADY_COMMITTED:
                return job  # the next step reads the seat
            if e.code is ErrorCode.COMMIT_PHASE_CLOSED:
                return self._miss(job, "commit", "the commit phase closed before the commit")
            raise
        self.metrics.requests_committed.inc()
        verdict = Verdict.from_code(job.verdict or 0).value
        self.metrics.verdicts.labels(verdict=verdict).inc()
        logger.info(
            "committed %s",
            job.request,
            extra={"event": "committed", "request": job.request, "tx": record.signature},
        )
        return self._put(job.replace(phase=Phase.COMMITTED, commit_tx=record.signature))

    async def _step_committed(
        self, address: Pubkey, job: Job, r: Request, seat: Seat | None, now: int
    ) -> Job | None:
        closed = self._closed(job, r, seat)
        if closed is not None:
            return closed
        if seat is not None and seat.state == SEAT_STATE_REVEALED:
            return self._put(job.replace(phase=Phase.REVEALED))
        if now >= r.deadline:
            return self._miss(job, "reveal", "the deadline passed before the reveal")
        if reveal_phase_open(r, now):
            assert job.has_preimage
            instruction = ix.reveal_result(
                authority=self.authority,
                request=address,
                verdict=job.verdict or 0,
                confidence=job.confidence or 0,
                model_id=job.model_id or "",
                report_hash=job.report_hash or b"",
                salt=job.salt or b"",
                report_uri=job.report_uri or "",
                program_id=self.program_id,
            )
            try:
                record = await self._send(f"reveal {job.request}", [instruction])
            except DFPNError as e:
                if e.code in (ErrorCode.ALREADY_REVEALED, ErrorCode.REVEAL_PHASE_NOT_STARTED):
                    return await self._wait(job)
                if e.code is ErrorCode.REVEAL_PHASE_CLOSED:
                    return self._miss(job, "reveal", "the reveal phase closed before the reveal")
                if e.code is ErrorCode.COMMITMENT_MISMATCH:
                    return self._fail(job, e.code.value, str(e))
                raise
            self.metrics.requests_revealed.inc()
            logger.info(
                "revealed %s",
                job.request,
                extra={"event": "revealed", "request": job.request, "tx": record.signature},
            )
            return self._put(job.replace(phase=Phase.REVEALED, reveal_tx=record.signature))
        if is_expirable(r, now):
            await self._crank_expire(address, r, job)
        return await self._wait(job)

    async def _step_revealed(self, address: Pubkey, job: Job, r: Request, now: int) -> Job | None:
        closed = self._closed(job, r, self._my_seat(r))
        if closed is not None:
            return closed
        if self.config.finalize and is_finalizable(r, now):
            try:
                record = await self._send(
                    f"finalize {job.request}",
                    [ix.finalize_request(request=address, request_data=r, program_id=self.program_id)],
                )
            except DFPNError as e:
                if e.code not in (ErrorCode.REQUEST_NOT_OPEN, ErrorCode.FINALIZE_TOO_EARLY):
                    raise
                return await self._wait(job)
            self.metrics.requests_finalized.inc()
            logger.info(
                "finalized %s",
                job.request,
                extra={"event": "finalized", "request": job.request, "tx": record.signature},
            )
            return self._put(job.replace(finalize_tx=record.signature))  # the next step reads the result
        return await self._wait(job)

    async def _step_follow(self, address: Pubkey, job: Job, r: Request, now: int) -> Job | None:
        """REFUSED / MISSED: nothing to send for ourselves; help the request end so the seat is released."""
        closed = self._closed(job, r, self._my_seat(r))
        if closed is not None:
            return closed
        if is_expirable(r, now):
            await self._crank_expire(address, r, job)
        elif self.config.finalize and is_finalizable(r, now):
            with contextlib.suppress(DFPNError):
                await self._send(
                    f"finalize {job.request}",
                    [ix.finalize_request(request=address, request_data=r, program_id=self.program_id)],
                )
                self.metrics.requests_finalized.inc()
        return await self._wait(job)

    async def _crank_expire(self, address: Pubkey, r: Request, job: Job) -> None:
        if not self.config.expire:
            return
        try:
            await self._send(
                f"expire {job.request}",
                [ix.expire_request(request=address, request_data=r, program_id=self.program_id)],
            )
        except DFPNError as e:
            if e.code not in (ErrorCode.REQUEST_NOT_OPEN, ErrorCode.CANNOT_EXPIRE):
                raise
            return
        self.metrics.requests_expired.inc()
        logger.info("expired %s", job.request, extra={"event": "expired", "request": job.request})

    def _miss(self, job: Job, stage: str, why: str) -> Job:
        self.metrics.requests_missed.labels(stage=stage).inc()
        logger.warning(
            "missed %s: %s",
            job.request,
            why,
            extra={"event": "missed", "request": job.request, "stage": stage},
        )
        return self._put(job.replace(phase=Phase.MISSED, error=why))

    def _fail(self, job: Job, code: str, why: str) -> Job:
        self.metrics.errors.labels(stage=job.phase.value).inc()
        logger.error(
            "giving up on %s: %s",
            job.request,
            why,
            extra={"event": "failed", "request": job.request, "code": code},
        )
        return self._put(job.replace(phase=Phase.FAILED, error_code=code, error=why, finished=True))


__all__ = [
    "WorkerError",
    "WorkerNode",
    "commit_phase_open",
    "reveal_phase_open",
    "worker_share",
]
