"""Discovery: which requests this worker joins, and joining them.

Each poll lists the program's Request accounts (`getProgramAccounts` by discriminator). For each open request:
a job this worker already has is resumed; a seat it holds with no local state is recovered; any other request is
a candidate unless it is skipped for good (modality not served, no declared model registered for all its
modalities, the worker's own request, below the fee floor, full, commit phase over). Candidates are joined
best-paid first (then the soonest commit deadline) while fewer than `concurrency` requests are between join and
commit, the worker may join at all (registered, not unbonding, staked enough) and its free stake (stake not
bonded by other seats) covers the request's seat bond.

The node polls every `poll_interval` seconds. When the transport has a log subscription
(`Transport.program_logs`), a pushed `RequestSubmitted` event triggers a poll at once (`Discovery.wake`), and any
event naming a request (a join, commit, reveal of another worker) wakes that request's job; phases also change by
the clock alone, which the polling catches.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from solders.pubkey import Pubkey

from dfpn import instructions as ix
from dfpn import protocol
from dfpn.borsh import BorshError
from dfpn.errors import DFPNError, ErrorCode
from dfpn.events import parse_logs
from dfpn.generated.constants import SEAT_STATE_REVEALED
from dfpn.generated.events import RequestSubmitted
from dfpn.generated.types import Request, Seat, Worker
from dfpn.transport import AccountInfo
from dfpn_worker.chain import Chain
from dfpn_worker.config import WorkerConfig
from dfpn_worker.jobs import Jobs
from dfpn_worker.metrics import Metrics
from dfpn_worker.registration import Standing, join_blocked_reason
from dfpn_worker.state import Job, Phase

logger = logging.getLogger(__name__)

#: Join refusals that will not change for this request: do not try again.
_FINAL_JOIN_ERRORS = {
    ErrorCode.REQUEST_FULL,
    ErrorCode.COMMIT_PHASE_CLOSED,
    ErrorCode.REQUEST_NOT_OPEN,
    ErrorCode.MODALITY_NOT_SUPPORTED,
    ErrorCode.SELF_DEALING,
}


def worker_share(r: Request) -> int:
    """The worst-case payout of one worker: the fee split among `max_workers` (every seat filled and paid)."""
    return protocol.worker_share(r.fee, max(1, r.max_workers))


def skip_reason(r: Request, now: int, supported_mask: int, fee_floor: int) -> str | None:
    """Why this worker does not join the open request `r` (None: it may)."""
    if r.modalities & ~supported_mask:
        return "modality"
    if worker_share(r) < fee_floor:
        return "fee_floor"
    if r.joined >= r.max_workers or r.commits >= r.max_workers:
        return "full"
    if now >= r.commit_deadline:
        return "commit_phase_closed"
    return None


class Discovery:
    """Polls for requests and joins them, as far as this worker's `standing` allows; `spawn` starts driving a
    job."""

    def __init__(
        self,
        config: WorkerConfig,
        chain: Chain,
        jobs: Jobs,
        standing: Standing,
        metrics: Metrics,
        spawn: Callable[[Job], None],
        can_credit: Callable[[int], bool] = lambda mask: True,
    ) -> None:
        self.config = config
        #: Whether a commit could name one of the worker's models for a request with these modalities.
        self.can_credit = can_credit
        self.chain = chain
        self.jobs = jobs
        self.standing = standing
        self.metrics = metrics
        self.spawn = spawn
        #: Set to make the node poll now (a pushed `RequestSubmitted`).
        self.wake = asyncio.Event()
        #: Why the worker joins nothing now (None: it joins).
        self.join_blocked: str | None = None
        #: `time.monotonic()` of the last successful poll.
        self.last_poll: float | None = None
        self._seen: set[str] = set()
        self._skipped: dict[str, str] = {}

    async def poll(self) -> None:
        """One discovery round: list open requests, resume seats this worker holds, join eligible ones."""
        now = await self.chain.now()
        accounts = await self.chain.requests()
        worker = await self.chain.worker()
        self._update_blocked(worker)
        if worker is not None:
            self.standing.worker = worker
        candidates: list[tuple[Pubkey, Request]] = []
        open_now: set[str] = set()
        for account in accounts:
            candidate = self._sort_out(account, now, open_now)
            if candidate is not None:
                candidates.append(candidate)
        # Forget requests that are no longer open (the memory of a long-running worker stays bounded).
        self._seen &= open_now
        self._skipped = {k: v for k, v in self._skipped.items() if k in open_now}
        await self._join_best(candidates)
        self.last_poll = time.monotonic()
        self.metrics.last_poll.set(time.time())

    def _update_blocked(self, worker: Worker | None) -> None:
        reason = join_blocked_reason(worker, self.standing.chain_config)
        if reason is not None and reason != self.join_blocked:
            logger.warning("not joining requests: %s", reason, extra={"event": "join_blocked"})
        self.join_blocked = reason

    def _sort_out(self, account: AccountInfo, now: int, open_now: set[str]) -> tuple[Pubkey, Request] | None:
        """One listed account: resume or recover this worker's own job in it, or skip it, or (returned) a join
        candidate. Open requests are added to `open_now`."""
        key = str(account.address)
        if key in self.jobs.tasks:
            return None
        try:
            r = Request.from_account_data(account.data)
        except BorshError:
            return None
        if not protocol.is_open(r.status):
            return None
        open_now.add(key)
        job = self.jobs.state.get(key)
        if job is not None:
            if not job.finished and not self.jobs.stopping:
                self.spawn(job)
            return None
        seat = self.chain.seat(r)
        if seat is not None:
            if not self.jobs.stopping:
                self._recover(account.address, r, seat)
            return None
        if key not in self._seen:
            self._seen.add(key)
            self.metrics.requests_seen.inc()
        if key in self._skipped:
            return None
        reason = skip_reason(r, now, self.standing.supported_mask, self.config.fee_floor_lamports)
        if reason is None and r.client == self.chain.authority:
            reason = "own_request"  # the program refuses it (SelfDealing)
        if reason is None and not self.can_credit(r.modalities):
            reason = "no_model"  # no declared model is registered for all its modalities
        if reason is not None:
            self._skip(key, reason)
            return None
        return account.address, r

    def _skip(self, key: str, reason: str) -> None:
        self._skipped[key] = reason
        self.metrics.requests_skipped.labels(reason=reason).inc()
        logger.debug("skipping %s: %s", key, reason, extra={"event": "skipped", "request": key})

    async def _join_best(self, candidates: list[tuple[Pubkey, Request]]) -> None:
        """Join the candidates best-paid first, then the soonest commit deadline, while there is room."""
        candidates.sort(key=lambda c: (-worker_share(c[1]), c[1].commit_deadline))
        worker = self.standing.worker
        free = None if worker is None else worker.stake - worker.bonded
        for address, r in candidates:
            if self.jobs.stopping or self.join_blocked is not None:
                break
            if len(self.jobs.pre_commit) >= self.config.concurrency:
                break  # busy: these stay candidates for the next poll
            if free is not None and r.seat_bond > free:
                # The seat's bond would exceed the stake not bonded yet: a candidate again once seats end.
                logger.debug(
                    "not joining %s yet: seat bond %d above free stake %d", address, r.seat_bond, free
                )
                continue
            if await self._join(address, r) and free is not None:
                free -= r.seat_bond

    async def _join(self, address: Pubkey, r: Request) -> bool:
        """Join `r`; whether this worker holds the seat now."""
        key = str(address)
        instruction = ix.join_request(
            authority=self.chain.authority, request=address, program_id=self.chain.program_id
        )
        try:
            record = await self.chain.send(f"join {key}", [instruction])
            join_tx: str | None = record.signature
        except DFPNError as e:
            if e.code is ErrorCode.ALREADY_JOINED:
                join_tx = None
            elif e.code in _FINAL_JOIN_ERRORS:
                self._skip(key, e.code.value.lower())
                return False
            else:
                self.metrics.errors.labels(stage="join").inc()
                logger.warning(
                    "join of %s failed: %s", key, e, extra={"event": "join_failed", "request": key}
                )
                return False
        job = Job(
            request=key,
            phase=Phase.JOINED,
            commit_deadline=r.commit_deadline,
            deadline=r.deadline,
            join_tx=join_tx,
        )
        job = self.jobs.put(job)
        self.metrics.requests_joined.inc()
        logger.info(
            "joined %s (fee %d lamports, %d/%d seats)",
            key,
            r.fee,
            r.joined + 1,
            r.max_workers,
            extra={"event": "joined", "request": key, "tx": join_tx},
        )
        self.spawn(job)
        return True

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
        job = self.jobs.put(
            Job(request=key, phase=phase, commit_deadline=r.commit_deadline, deadline=r.deadline)
        )
        self.spawn(job)

    async def follow_logs(self) -> None:
        """One websocket log subscription for everything: a pushed `RequestSubmitted` triggers a discovery poll,
        any event naming a request wakes that request's job. Polling every `poll_interval` stays the fallback
        (and catches the phase changes that only the clock makes)."""
        try:
            async for _signature, logs in self.chain.transport.program_logs():
                for event in parse_logs(logs, self.chain.program_id):
                    if isinstance(event, RequestSubmitted):
                        self.wake.set()
                    self.jobs.wake(str(getattr(event, "request", "")))
        except asyncio.CancelledError:
            raise
        except Exception as e:
            logger.warning("no log subscription (%s); discovering requests by polling only", e)


__all__ = ["Discovery", "skip_reason", "worker_share"]
