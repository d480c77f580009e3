"""Discovery: the requests this worker was drawn for, accepting or declining them, and the draw crank.

Seats are drawn, not taken (`draw_seats`): a worker serves the requests the draw seated it in. Each poll asks for
the open requests holding a seat of this worker (one filtered `getProgramAccounts` per seat index: the worker's key
at that seat's `authority` offset, `dfpn.layout`). For each:

- a job this worker already has is resumed; an accepted seat with no local state is recovered;
- a seat only drawn (state DRAWN) is accepted (`join_request`, which locks the seat bond) when the worker can serve
  it: not blocked (registered, not unbonding, staked enough), every requested modality served, a declared model
  registered for all of them, at least the fee floor, fewer than `concurrency` requests between accepting and
  committing, and free stake (not bonded by other seats) for the bond. A seat drawn while `concurrency` is
  reached is held unanswered for up to `busy_hold` seconds after its draw and accepted when a place frees.
  Otherwise it is declined (`leave_request`)
  while the program allows it (within half a commit window of the draw, `dfpn.protocol.leave_open`), so the seat
  is drawn again at once; a seat that cannot be declined any more is left (its bond will be forfeited). Drawn
  seats are decided best-paid first, then the soonest commit deadline. A worker drawn again into a request it gave
  back for a reason that holds for good (media refused, no model) declines again at once.

The crank (`Crank`, every `crank_interval` seconds) keeps requests moving when their client does not: it draws the
seats of open requests nobody drew `draw_crank_delay` seconds after submission (`draw_seed` all zeroes, one
filtered query) and replaces seats not committed half a commit window after their draw (`dfpn.protocol.answer_by`):
in requests with a seat still only drawn (one query per seat index for state DRAWN) and in the requests it holds a
seat in (an accepted seat left silent); their workers forfeit the bond. It never sends a draw that would replace its
own seat. It pays the transaction fees.

The node polls every `poll_interval` seconds, and at once (at most once a second) when a job frees a place in the
analysis part (`concurrency`). When the transport has a log subscription (`Transport.program_logs`), a pushed
`SeatDrawn` event naming this worker makes the node read that one request at once (`poll_pushed`: a
`getAccountInfo`, where a poll is a `getProgramAccounts` per seat index, each a scan of the program's accounts by
the RPC node), and any event naming a request wakes that request's job; phases also change by the clock alone,
which the polling catches. When the
subscription reports a gap (`LOGS_GAP`: it dropped and could not replay what it missed) or ends, the node polls at
once and every job re-reads the chain; a lost subscription is taken again with backoff.

A poll only decides: the accepts and declines it chooses are sent as tasks of their own (their transactions
pipelined, `chain.Pipeline`), so one poll answers many drawn seats in the time of one confirmation; seats being
answered count against `concurrency` and the free stake until their job exists. The crank runs in a task of its
own too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey

from dfpn import draw as drawing
from dfpn import instructions as ix
from dfpn import protocol
from dfpn.borsh import BorshError
from dfpn.errors import DFPNError, ErrorCode
from dfpn.events import parse_logs
from dfpn.generated.constants import SEAT_STATE_DRAWN, SEAT_STATE_REVEALED
from dfpn.generated.events import SeatDrawn
from dfpn.generated.types import Request, Seat, Worker
from dfpn.transport import LOGS_GAP, AccountInfo
from dfpn_worker.chain import Chain
from dfpn_worker.config import WorkerConfig
from dfpn_worker.jobs import Jobs
from dfpn_worker.metrics import Metrics
from dfpn_worker.registration import Standing, join_blocked_reason
from dfpn_worker.retry import backoff
from dfpn_worker.state import Job, Phase

logger = logging.getLogger(__name__)

#: Seconds before the end of a drawn seat's time to be given back (`dfpn.protocol.answer_by`) that a busy worker
#: stops holding it and declines it (`busy_hold`): the decline must still be confirmed in time.
BUSY_HOLD_MARGIN = 10

#: Seconds after taking a lost log subscription again until the node catches up by polling (see `follow_logs`).
RESUBSCRIBE_SETTLE = 2.0

#: Accept refusals meaning the seat is not this worker's to accept any more (replaced, phase over): nothing to do.
_GONE = {
    ErrorCode.NOT_DRAWN,
    ErrorCode.COMMIT_PHASE_CLOSED,
    ErrorCode.REQUEST_NOT_OPEN,
    ErrorCode.ALREADY_COMMITTED,
}
#: Accept refusals meaning this worker cannot serve the seat: decline it.
_CANNOT_SERVE = {
    ErrorCode.BOND_EXCEEDS_FREE_STAKE,
    ErrorCode.WORKER_UNBONDING,
    ErrorCode.INSUFFICIENT_STAKE,
    ErrorCode.MODALITY_NOT_SUPPORTED,
    ErrorCode.SELF_DEALING,
}
#: Decline reasons that may not hold next time (a later draw of the same request is decided afresh); any other
#: reason a job was given back for (a refused media, no model) makes the worker decline a redraw at once.
_PASSING = {"busy", "bond", "blocked", "unaccepted"}


def worker_share(r: Request) -> int:
    """The worst-case payout of one worker: the fee split among `max_workers` (every seat filled and paid)."""
    return protocol.worker_share(r.fee, max(1, r.max_workers))


def skip_reason(r: Request, now: int, supported_mask: int, fee_floor: int) -> str | None:
    """Why this worker does not serve the open request `r` it was drawn for (None: it may)."""
    if r.modalities & ~supported_mask:
        return "modality"
    if worker_share(r) < fee_floor:
        return "fee_floor"
    if now >= r.commit_deadline:
        return "commit_phase_closed"
    return None


@dataclass(frozen=True, slots=True)
class _Drawn:
    """A seat the draw gave this worker, not accepted yet."""

    address: Pubkey
    request: Request
    #: The job this worker had for the request before (a seat it gave back), if any.
    previous: Job | None


class Discovery:
    """Polls for the requests this worker was drawn for and accepts or declines them, as far as its `standing`
    allows; `spawn` starts driving a job. `crank` draws requests nobody else does."""

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
        self.crank = Crank(config, chain, metrics)
        #: Set to make the node look now: a full poll when `full` is set, else the `pushed` requests only.
        self.wake = asyncio.Event()
        #: Only a full poll can tell (a freed place in the analysis part, a gap in the pushed events).
        self.full = True
        #: Requests a pushed `SeatDrawn` named this worker in, not read yet (`poll_pushed`).
        self.pushed: set[Pubkey] = set()
        #: Whether pushed events are arriving (the log subscription delivered one since it was last lost): then a
        #: seat drawn for this worker is pushed, and a freed place needs no poll to be refilled.
        self.subscribed = False
        #: Why the worker accepts nothing now (None: it accepts).
        self.join_blocked: str | None = None
        #: `time.monotonic()` of the last successful poll.
        self.last_poll: float | None = None
        self._seen: set[str] = set()
        #: Drawn seats this worker could neither accept nor give back (too late): not tried again.
        self._abandoned: set[str] = set()
        #: Drawn seats being answered now (accept or decline in flight), and the bonds of those being accepted.
        self._answering: dict[str, asyncio.Task[None]] = {}
        self._accepting: dict[str, int] = {}
        #: Drawn seats held unanswered while the worker is busy (`busy_hold`), read again when a place frees.
        self.held: set[Pubkey] = set()
        self._crank_task: asyncio.Task[None] | None = None

    async def poll(self) -> None:
        """One discovery round: resume seats this worker holds, accept or decline the ones it was drawn for, then
        (every `crank_interval`) crank the draws of other requests."""
        with self.metrics.stage("discover"):
            now, accounts, worker = await asyncio.gather(
                self.chain.now(), self.chain.my_requests(), self.chain.worker()
            )
            self.full = False
            self._update_blocked(worker)
            if worker is not None:
                self.standing.worker = worker
            drawn: list[_Drawn] = []
            open_now: set[str] = set()
            for account in accounts:
                found = self._sort_out(account, open_now)
                if found is not None:
                    drawn.append(found)
            # Forget requests that are no longer open (the memory of a long-running worker stays bounded).
            self._seen &= open_now
            self._abandoned &= open_now
            self._answer_draws(drawn, now)
            if not self.jobs.stopping and (self._crank_task is None or self._crank_task.done()):
                self._crank_task = asyncio.create_task(
                    self._logged("crank", self.crank.maybe_run(now, accounts)), name="dfpn-worker-crank"
                )
        self.last_poll = time.monotonic()
        self.metrics.last_poll.set(time.time())

    async def _logged(self, what: str, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` in its own task: a failure is logged and counted, never lost."""
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception as e:
            self.metrics.errors.labels(stage=what).inc()
            logger.warning("%s failed: %s", what, e, extra={"event": f"{what}_failed"})

    async def drain(self, *, crank: bool = False) -> None:
        """Wait for the accepts and declines in flight (and with `crank`, the crank's draws)."""
        tasks = list(self._answering.values())
        if crank and self._crank_task is not None:
            tasks.append(self._crank_task)
        await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        """Cancel the answers and the crank in flight (an abrupt stop, like a crash)."""
        tasks = [*self._answering.values(), *([self._crank_task] if self._crank_task else [])]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _update_blocked(self, worker: Worker | None) -> None:
        reason = join_blocked_reason(worker, self.standing.chain_config)
        if reason is not None and reason != self.join_blocked:
            logger.warning("not accepting seats: %s", reason, extra={"event": "join_blocked"})
        self.join_blocked = reason

    def _sort_out(self, account: AccountInfo, open_now: set[str]) -> _Drawn | None:
        """One request holding a seat of this worker: resume or recover its job, or (returned) a drawn seat to
        answer. Open requests are added to `open_now`."""
        key = str(account.address)
        try:
            r = Request.from_account_data(account.data)
        except BorshError:
            return None
        if not protocol.is_open(r.status):
            return None
        open_now.add(key)
        if key in self.jobs.tasks or key in self._answering:
            return None
        seat = self.chain.seat(r)
        job = self.jobs.state.get(key)
        if seat is None:  # gone since the query (given back, replaced)
            if job is not None and not job.finished and not self.jobs.stopping:
                self.spawn(job)
            return None
        if seat.state == SEAT_STATE_DRAWN:
            if key not in self._seen:
                self._seen.add(key)
                self.metrics.requests_seen.inc()
            return None if key in self._abandoned else _Drawn(account.address, r, job)
        if self.jobs.stopping:
            return None
        if job is not None and not job.finished:
            self.spawn(job)
        elif job is None or job.phase is Phase.LEFT:
            self._answer(key, self._recover(account.address, r, seat))
        return None

    # ---- drawn seats: accept or decline -----------------------------------------------------------------------

    def _answer_draws(self, drawn: list[_Drawn], now: int) -> None:
        """Accept the drawn seats this worker can serve, best-paid first (then the soonest commit deadline), and
        decline the others while the program allows it; each answer is sent in a task of its own."""
        drawn.sort(key=lambda d: (-worker_share(d.request), d.request.commit_deadline))
        worker = self.standing.worker
        # Bonds of accepts in flight may or may not be in the account read: counted (the safe side).
        free = None if worker is None else worker.stake - worker.bonded - sum(self._accepting.values())
        for d in drawn:
            if self.jobs.stopping:
                break  # a stopping worker takes nothing new; a restart answers the seats it still holds
            key = str(d.address)
            reason = self._decline_reason(d, now, free)
            if reason == "busy" and self._may_hold(d, now):
                self.held.add(d.address)
                continue
            self.held.discard(d.address)
            if reason is None:
                self._accepting[key] = d.request.seat_bond
                if free is not None:
                    free -= d.request.seat_bond
                self._answer(key, self._accept(d))
            else:
                self._answer(key, self._decline(d, reason, now))

    def _may_hold(self, d: _Drawn, now: int) -> bool:
        """Whether a seat drawn while the worker is busy may still wait for a place (`busy_hold`)."""
        seat = self.chain.seat(d.request)
        if seat is None or self.config.busy_hold <= 0:
            return False
        return now < seat.drawn_at + self.config.busy_hold and protocol.leave_open(
            d.request, seat, now + BUSY_HOLD_MARGIN
        )

    def place_freed(self) -> None:
        """A place in `concurrency` freed: read the seats held for one again now (full polls see them too)."""
        if self.held:
            self.pushed |= self.held
            self.held.clear()
            self.wake.set()

    def _answer(self, key: str, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(self._logged("answer", work), name=f"dfpn-worker-answer-{key}")
        self._answering[key] = task

        def done(_: asyncio.Task[None]) -> None:
            self._answering.pop(key, None)
            if self._accepting.pop(key, None) is not None and key not in self.jobs.pre_commit:
                self.place_freed()  # an accept that did not become a job frees its place
                self.wake.set()

        task.add_done_callback(done)

    def _decline_reason(self, d: _Drawn, now: int, free: int | None) -> str | None:
        """Why this worker gives the drawn seat back (None: it accepts)."""
        r = d.request
        previous = d.previous
        if previous is not None and previous.phase is Phase.LEFT and previous.error_code not in _PASSING:
            return previous.error_code or "refused"  # given back for good before: the same holds now
        if self.join_blocked is not None:
            return "blocked"
        reason = skip_reason(r, now, self.standing.supported_mask, self.config.fee_floor_lamports)
        if reason is None and not self.can_credit(r.modalities):
            reason = "no_model"  # no declared model is registered for all its modalities
        if reason is not None:
            return reason
        if len(self.jobs.pre_commit) + len(self._accepting) >= self.config.concurrency:
            return "busy"
        if free is not None and r.seat_bond > free:
            return "bond"  # the seat's bond exceeds the stake not bonded by this worker's other seats
        return None

    async def _accept(self, d: _Drawn) -> bool:
        """Accept the drawn seat (`join_request`); whether this worker holds it accepted now."""
        key = str(d.address)
        instruction = ix.join_request(
            authority=self.chain.authority, request=d.address, program_id=self.chain.program_id
        )
        try:
            with self.metrics.stage("join"):
                record = await self.chain.send(f"accept {key}", [instruction])
            join_tx: str | None = record.signature
        except DFPNError as e:
            if e.code is ErrorCode.ALREADY_JOINED:
                join_tx = None
            elif e.code in _GONE:
                logger.info("drawn seat in %s gone: %s", key, e.code.value, extra={"request": key})
                return False
            elif e.code in _CANNOT_SERVE:
                now = await self.chain.now()
                await self._decline(d, e.code.value.lower(), now)
                return False
            else:
                self.metrics.errors.labels(stage="join").inc()
                logger.warning(
                    "accepting %s failed: %s", key, e, extra={"event": "join_failed", "request": key}
                )
                return False
        r = d.request
        job = await self.jobs.put(
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
            "accepted the seat drawn in %s (fee %d lamports, %d/%d seats drawn)",
            key,
            r.fee,
            r.joined,
            r.max_workers,
            extra={"event": "joined", "request": key, "tx": join_tx},
        )
        self.spawn(job)
        return True

    async def _decline(self, d: _Drawn, reason: str, now: int) -> None:
        """Give the drawn seat back (`leave_request`) within half a commit window of its draw, so it is drawn
        again; later it cannot be, and is left to forfeit its bond."""
        key = str(d.address)
        self.metrics.requests_skipped.labels(reason=reason).inc()
        seat = self.chain.seat(d.request)
        if seat is None or not protocol.leave_open(d.request, seat, now):
            self._abandon(key, reason)
            return
        instruction = ix.leave_request(
            authority=self.chain.authority, request=d.address, program_id=self.chain.program_id
        )
        try:
            record = await self.chain.send(f"decline {key}", [instruction])
        except DFPNError as e:
            if e.code is ErrorCode.LEAVE_WINDOW_CLOSED:
                self._abandon(key, reason)
            elif e.code not in (
                ErrorCode.NOT_JOINED,
                ErrorCode.REQUEST_NOT_OPEN,
                ErrorCode.ALREADY_COMMITTED,
            ):
                self.metrics.errors.labels(stage="decline").inc()
                logger.warning(
                    "declining %s failed: %s", key, e, extra={"event": "decline_failed", "request": key}
                )
            return
        r = d.request
        await self.jobs.put(
            Job(
                request=key,
                phase=Phase.LEFT,
                commit_deadline=r.commit_deadline,
                deadline=r.deadline,
                finished=True,
                error_code=reason,
                outcome=f"declined the drawn seat: {reason}",
            )
        )
        self.metrics.requests_left.inc()
        logger.info(
            "declined the seat drawn in %s: %s",
            key,
            reason,
            extra={"event": "declined", "request": key, "code": reason, "tx": record.signature},
        )

    def _abandon(self, key: str, reason: str) -> None:
        self._abandoned.add(key)
        logger.warning(
            "cannot serve the seat drawn in %s (%s) and it can no longer be given back: its bond will be forfeited",
            key,
            reason,
            extra={"event": "abandoned", "request": key, "code": reason},
        )

    async def _recover(self, address: Pubkey, r: Request, seat: Seat) -> None:
        """An accepted seat on-chain with no local state (state lost, or a crash right after accepting)."""
        key = str(address)
        phase = Phase.REVEALED if seat.state == SEAT_STATE_REVEALED else Phase.JOINED
        logger.warning(
            "found a seat in %s with no local state (seat state %d); recovering",
            key,
            seat.state,
            extra={"event": "recover", "request": key},
        )
        job = await self.jobs.put(
            Job(request=key, phase=phase, commit_deadline=r.commit_deadline, deadline=r.deadline)
        )
        self.spawn(job)

    async def follow_logs(self) -> None:
        """One websocket log subscription for everything: a pushed `SeatDrawn` naming this worker (or a
        `RequestSubmitted`) triggers a discovery poll, any event naming a request wakes that request's job. Polling
        every `poll_interval` stays the fallback (and catches the phase changes that only the clock makes).

        After a gap in the events (`LOGS_GAP`) or the end of the subscription, the node catches up at once (a
        poll, every job re-reading the chain); a lost subscription is taken again, with backoff while it keeps
        failing, and the node catches up once more `RESUBSCRIBE_SETTLE` seconds after taking it again: a new
        subscription reports only what lands once it is established, that poll covers what landed before. A
        transport without one (`NETWORK_NOT_SUPPORTED`) leaves the node polling."""
        failures = 0
        loop = asyncio.get_running_loop()
        while True:
            if failures:
                settle = loop.call_later(
                    RESUBSCRIBE_SETTLE, self.catch_up, "resubscribed to the program's logs"
                )
            try:
                async for signature, logs in self.chain.transport.program_logs():
                    failures = 0
                    self.subscribed = True
                    if signature == LOGS_GAP:
                        self.catch_up("the log subscription missed transactions")
                        continue
                    self._on_logs(logs)
                reason = "the log subscription ended"
            except asyncio.CancelledError:
                raise
            except DFPNError as e:
                if e.code is ErrorCode.NETWORK_NOT_SUPPORTED:
                    logger.info(
                        "no log subscription on %s; discovering by polling", self.chain.transport.name
                    )
                    return
                reason = f"the log subscription failed: {e}"
            except Exception as e:
                reason = f"the log subscription failed: {e!r}"
            self.subscribed = False
            failures += 1
            if failures > 1:
                settle.cancel()
            self.catch_up(reason)
            await asyncio.sleep(backoff(failures, min(1.0, self.config.poll_interval), 30.0))

    def _on_logs(self, logs: list[str]) -> None:
        for event in parse_logs(logs, self.chain.program_id):
            if isinstance(event, SeatDrawn) and event.worker == self.chain.authority:
                self.pushed.add(event.request)
                self.wake.set()
            self.jobs.wake(str(getattr(event, "request", "")))

    def request_full_poll(self) -> None:
        """Poll everything now (the node's loop spaces full polls at least a second apart)."""
        self.full = True
        self.wake.set()

    async def poll_pushed(self) -> None:
        """Read the requests pushed `SeatDrawn` events named this worker in, and answer their drawn seats."""
        pushed, self.pushed = self.pushed, set()
        if not pushed:
            return
        with self.metrics.stage("discover"):
            now, accounts, worker = await asyncio.gather(
                self.chain.now(), self.chain.accounts(sorted(pushed, key=str)), self.chain.worker()
            )
            self._update_blocked(worker)
            if worker is not None:
                self.standing.worker = worker
            drawn = [d for a in accounts if (d := self._sort_out(a, set())) is not None]
            self._answer_draws(drawn, now)

    def catch_up(self, why: str) -> None:
        """Events may have been missed: poll now and let every job re-read the chain."""
        self.metrics.resubscribes.inc()
        logger.warning("%s; polling now", why, extra={"event": "catch_up"})
        self.request_full_poll()
        self.jobs.wake_all()


class Crank:
    """Draws the seats of requests whose client did not (`draw_crank_delay` seconds after submission), and
    replaces seats not committed half a commit window after their draw (`dfpn.protocol.answer_by`), every
    `crank_interval` seconds. Anyone may send `draw_seats`; this worker pays."""

    def __init__(self, config: WorkerConfig, chain: Chain, metrics: Metrics) -> None:
        self.config = config
        self.chain = chain
        self.metrics = metrics
        self.pool = drawing.WorkerPool(chain.transport)
        #: Requests submitted with nobody registered: no draw can ever seat anyone.
        self._hopeless: set[Pubkey] = set()
        self._last: float | None = None

    async def maybe_run(self, now: int, mine: Sequence[AccountInfo] = ()) -> None:
        """`run_once` when cranking is on and `crank_interval` seconds passed since the last run."""
        if not self.config.crank_draws:
            return
        clock = time.monotonic()
        if self._last is not None and clock - self._last < self.config.crank_interval:
            return
        self._last = clock
        await self.run_once(now, mine)

    async def run_once(self, now: int, mine: Sequence[AccountInfo] = ()) -> None:
        """Draw the open requests nobody drew, and replace unanswered seats: in requests with a seat still only
        drawn (found by a filtered query), and in `mine` (the requests this worker holds a seat in, where a worker
        that accepted and stays silent holds the others up)."""
        for account in await self.chain.unseeded_requests():
            r = _decode(account)
            if r is None or account.address in self._hopeless or r.pool_count == 0:
                continue
            if protocol.commit_open(r, now) and now >= r.created_at + self.config.draw_crank_delay:
                await self._draw(account.address, "seed")
        done: set[Pubkey] = set()
        for account in [*await self.chain.requests_with_drawn_seats(), *mine]:
            r = _decode(account)
            if r is None or account.address in done or not protocol.commit_open(r, now):
                continue
            done.add(account.address)
            unanswered = drawing.unanswered_seats(r, now)
            # (never one that would replace this worker's own seat: its job commits it, or gives it up)
            if unanswered and self.chain.authority not in unanswered:
                await self._draw(account.address, "replace")

    async def _draw(self, address: Pubkey, kind: str) -> None:
        key = str(address)
        try:
            result = await drawing.draw_seats(
                self.chain.transport, self.chain.keypair, address, pool=self.pool, timeout=5.0
            )
        except DFPNError as e:
            if e.code is ErrorCode.NO_WORKERS_TO_DRAW:
                self._hopeless.add(address)
            if e.code in drawing.DRAW_LATER or e.code is ErrorCode.NO_WORKERS_TO_DRAW:
                logger.info("draw of %s not possible now: %s", key, e.code.value, extra={"request": key})
            else:
                self.metrics.errors.labels(stage="draw").inc()
                logger.warning(
                    "draw of %s failed: %s", key, e, extra={"event": "draw_failed", "request": key}
                )
            return
        self.metrics.draws.labels(kind=kind).inc(len(result.signatures))
        if result.signatures:
            logger.info(
                "drew seats of %s (%s): drawn %s, replaced %s; %d/%d seats",
                key,
                kind,
                result.drawn,
                result.replaced,
                result.joined,
                result.max_workers,
                extra={"event": "drew", "request": key, "tx": result.signatures[-1]},
            )


def _decode(account: AccountInfo) -> Request | None:
    try:
        return Request.from_account_data(account.data)
    except BorshError:
        return None


__all__ = ["Crank", "Discovery", "skip_reason", "worker_share"]
