"""The watcher: follows every open request until it is finalized or expired, then records the outcome and schedules
its webhook in one database transaction. On start it resumes every request the database still has open, so a
restarted gateway finishes what an earlier one submitted.

It does not re-read each open request in a loop. A request is checked (its account read once, and whatever is due
done: draw its seats, replace silent seats, finalize it, expire it, assemble its result) only when

- an event of the program's log subscription names it (one `program_logs` subscription for the whole gateway: a
  seat drawn, a worker's join, commit or reveal, a finalization by anyone);
- the cluster clock reaches a time it is waiting for (its commit deadline, its deadline, a seat's `answer_by`, a
  redraw), read once per `clock_interval` for all requests together;
- a slow sweep (`Settings.watch_sweep_interval`) finds that its account changed: the accounts are read in batches
  (`getMultipleAccounts`, 100 a call) and compared with what the last check saw. The sweep is the safety net for
  events the subscription lost; it runs at once when the subscription reports a gap (`LOGS_GAP`) and every
  `poll_interval` while there is no subscription at all.

So a thousand idle open requests cost one clock read a second and a few batched reads a minute."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import heapq
import itertools
import logging
import time
from collections.abc import Callable, Iterable

from solders.pubkey import Pubkey

from dfpn import draw as drawing
from dfpn import protocol
from dfpn.client import REDRAW_INTERVAL, AsyncDFPNClient, is_expirable, is_finalizable, request_info
from dfpn.errors import DFPNError, ErrorCode
from dfpn.events import parse_logs
from dfpn.generated.constants import (
    REQUEST_STATUS_EXPIRED,
    REQUEST_STATUS_FINALIZED,
    SEAT_STATE_DRAWN,
    SEAT_STATE_JOINED,
)
from dfpn.generated.types import Request
from dfpn.models import RequestInfo
from dfpn_gateway import store as st
from dfpn_gateway.config import Settings
from dfpn_gateway.schemas import request_view, webhook_payload

logger = logging.getLogger(__name__)

#: Failures worth waiting out (the network, storage or the crank transaction), retried with backoff.
_TRANSIENT = {
    ErrorCode.RPC_ERROR,
    ErrorCode.RPC_UNREACHABLE,
    ErrorCode.TIMEOUT,
    ErrorCode.STORAGE_UNAVAILABLE,
    ErrorCode.TRANSACTION_FAILED,
    ErrorCode.INSUFFICIENT_FUNDS,
    ErrorCode.REPORT_UNAVAILABLE,
}
#: Crank refusals that only mean "someone else was first, or not yet": the next check reads which.
_CRANK_LATER = {
    ErrorCode.REQUEST_NOT_OPEN,
    ErrorCode.FINALIZE_TOO_EARLY,
    ErrorCode.FINALIZE_RESERVED_FOR_CLIENT,
    ErrorCode.CANNOT_EXPIRE,
}
_MAX_BACKOFF = 60.0
_MAX_REDRAW_INTERVAL = 60
#: Checks (account reads and the transactions they send) running at once.
_CHECKS_IN_FLIGHT = 16
#: A time the cluster clock must pass before a check, at least this far apart (seconds of cluster time).
_MIN_WAIT = 1
_SWEEP_BATCH = 100
#: Seconds a request just followed may be missing at the read commitment: the gateway answers a submission once
#: it is processed, and it is confirmed a slot or two later (its blockhash is valid for about a minute).
LANDING_GRACE = 90.0
#: Seconds of cluster time after which a request just submitted is checked even without its event.
_LANDING_CHECK = 2
#: The marker `program_logs` yields after a gap it could not replay (dfpn.transport.LOGS_GAP where it exists).
_LOGS_GAP = "gap"
with contextlib.suppress(ImportError):
    from dfpn.transport import LOGS_GAP as _LOGS_GAP  # type: ignore[attr-defined,no-redef,unused-ignore]


@dataclasses.dataclass
class _Followed:
    """One open request: what its last check saw and when it is due again."""

    id: str
    address: Pubkey
    #: Cluster time of the next check (None: only an event or the sweep wakes it).
    due: int | None = None
    running: bool = False
    #: Woken while a check ran: check again right after.
    dirty: bool = False
    #: What the last check saw of the account (status, seats, commits, reveals, draw cursor), for the sweep.
    seen: tuple[int, ...] | None = None
    draw_tried_at: int | None = None
    draw_interval: int = int(REDRAW_INTERVAL)
    #: Nobody was registered at submission: no draw can ever seat anyone.
    hopeless: bool = False
    backoff: float = 1.0
    #: The account as the last check read it.
    account: Request | None = None
    #: When following started (event loop time).
    since: float = dataclasses.field(default_factory=lambda: asyncio.get_running_loop().time())


class Watcher:
    """Follows open requests until they finish. `on_finished(request_id)` is called after each outcome is stored
    (the app wakes the webhook deliverer with it)."""

    def __init__(
        self,
        store: st.Store,
        client: AsyncDFPNClient,
        settings: Settings,
        on_finished: Callable[[str], None] | None = None,
        *,
        owner: str | None = None,
    ) -> None:
        #: The replica whose open requests this watcher follows (None: every open request).
        self.owner = owner
        self.store = store
        self.client = client
        self.settings = settings
        self.on_finished = on_finished
        self._followed: dict[str, _Followed] = {}
        self._by_address: dict[Pubkey, _Followed] = {}
        #: (cluster time, tie-break, request id); entries whose time is no longer the request's `due` are stale.
        self._timers: list[tuple[int, int, str]] = []
        self._seq = itertools.count()
        self._checks: set[asyncio.Task[None]] = set()
        self._services: list[asyncio.Task[None]] = []
        self._limit = asyncio.Semaphore(_CHECKS_IN_FLIGHT)
        self._sweep_now = asyncio.Event()
        #: The subscription is wanted but not working (unsupported, or failed and not back): sweep often.
        self._unsubscribed = False
        self._now: int | None = None
        self._now_at = 0.0
        #: Checks run so far (tests and the benchmark read it).
        self.checks = 0
        self.sweeps = 0

    @property
    def following(self) -> set[str]:
        return set(self._followed)

    @property
    def clock_interval(self) -> float:
        """How often the cluster clock is read for the requests' timers: the client's poll interval, at most 1 s."""
        return min(1.0, self.settings.poll_interval or self.client.poll_interval)

    async def cluster_now(self) -> int:
        """The cluster clock: the clock task's latest reading while it is fresh (one read a second serves every
        request and submission), else read now."""
        if (
            self._now is not None
            and asyncio.get_running_loop().time() - self._now_at <= 2 * self.clock_interval
        ):
            return self._now
        return await self.client.transport.unix_timestamp()

    def start(self) -> int:
        """Resume every open request in the database that this replica owns and start the subscription, clock and
        sweep; returns how many requests were resumed."""
        pending = self.store.open_requests(owner=self.owner)
        for r in pending:
            self.follow(r.id)
        if pending:
            logger.info("resumed following %d open request(s)", len(pending))
        self._services = [
            asyncio.create_task(self._clock(), name="watch-clock"),
            asyncio.create_task(self._sweeper(), name="watch-sweep"),
        ]
        if self.settings.watch_subscribe:
            self._services.append(asyncio.create_task(self._listen(), name="watch-logs"))
        return len(pending)

    def follow(self, request_id: str, *, landing: bool = False) -> None:
        """Follow a request: checked at once, or (`landing`: its submission was just sent) when its
        `RequestSubmitted` event arrives, at the latest `_LANDING_CHECK` s later by the cluster clock."""
        if request_id in self._followed:
            return
        f = _Followed(request_id, Pubkey.from_string(request_id))
        self._followed[request_id] = f
        self._by_address[f.address] = f
        if landing and self._now is not None:
            self._at(f, self._now + _LANDING_CHECK)
        else:
            self._wake(f)

    def latest(self, request_id: str) -> RequestInfo | None:
        """The request account as the last check read it (kept current by the events), if it was read."""
        f = self._followed.get(request_id)
        return None if f is None or f.account is None else request_info(f.address, f.account)

    async def stop(self) -> None:
        tasks = [*self._services, *self._checks]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._services.clear()
        self._checks.clear()
        self._followed.clear()
        self._by_address.clear()
        self._timers.clear()

    # ---- what wakes a request ----------------------------------------------------------------------------------

    def _wake(self, f: _Followed) -> None:
        if f.running:
            f.dirty = True
            return
        f.running = True
        task = asyncio.create_task(self._check(f), name=f"check-{f.id}")
        self._checks.add(task)
        task.add_done_callback(self._checks.discard)

    def _wake_addresses(self, addresses: Iterable[Pubkey]) -> None:
        for address in addresses:
            f = self._by_address.get(address)
            if f is not None:
                self._wake(f)

    async def _listen(self) -> None:
        """The program's log subscription: each event wakes the request it names. Restarted after a failure,
        with a sweep to catch up on what the outage hid."""
        backoff = 1.0
        while True:
            try:
                async for signature, logs in self.client.transport.program_logs():
                    self._unsubscribed = False
                    backoff = 1.0
                    if signature == _LOGS_GAP:
                        logger.info("the log subscription lost events: sweeping")
                        self._sweep_now.set()
                        continue
                    events = parse_logs(logs, self.client.program_id)
                    self._wake_addresses(
                        a for a in (getattr(e, "request", None) for e in events) if isinstance(a, Pubkey)
                    )
            except asyncio.CancelledError:
                raise
            except DFPNError as e:
                if e.code is ErrorCode.NETWORK_NOT_SUPPORTED:
                    logger.info("no log subscription on %s: following by sweeps", self.client.transport.name)
                    self._unsubscribed = True
                    return
                logger.warning("log subscription failed (%s); again in %.0fs", e, backoff)
            except Exception:
                logger.exception("log subscription failed; again in %.0fs", backoff)
            self._unsubscribed = True
            self._sweep_now.set()
            await asyncio.sleep(backoff)
            backoff = min(2 * backoff, _MAX_BACKOFF)

    async def _clock(self) -> None:
        """Read the cluster clock every `clock_interval` and wake the requests whose time has come."""
        while True:
            try:
                self._now = await self.client.transport.unix_timestamp()
                self._now_at = asyncio.get_running_loop().time()
            except DFPNError as e:
                logger.info("cluster clock unavailable: %s", e)
            else:
                while self._timers and self._timers[0][0] <= self._now:
                    due, _, request_id = heapq.heappop(self._timers)
                    f = self._followed.get(request_id)
                    if f is not None and f.due == due:
                        f.due = None
                        self._wake(f)
            await asyncio.sleep(self.clock_interval)

    async def _sweeper(self) -> None:
        """The safety net: every `watch_sweep_interval` (every `poll_interval` without a subscription, at once
        after a gap), wake the requests whose account changed since their last check."""
        while True:
            interval = self.settings.watch_sweep_interval
            if self._unsubscribed:
                interval = min(interval, max(self.clock_interval, self.client.poll_interval))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval):
                    await self._sweep_now.wait()
            self._sweep_now.clear()
            try:
                await self._sweep()
            except DFPNError as e:
                logger.info("sweep failed: %s", e)

    async def _sweep(self) -> None:
        self.sweeps += 1
        idle = [f for f in self._followed.values() if not f.running]
        for start in range(0, len(idle), _SWEEP_BATCH):
            batch = idle[start : start + _SWEEP_BATCH]
            accounts = await self.client.request_accounts([f.address for f in batch])
            for f, r in zip(batch, accounts, strict=True):
                if r is None or _fingerprint(r) != f.seen:
                    self._wake(f)

    # ---- one check -----------------------------------------------------------------------------------------

    async def _check(self, f: _Followed) -> None:
        due: int | None = None
        done = False
        try:
            async with self._limit:
                self.checks += 1
                done, due = await self._step(f)
            f.backoff = 1.0
        except asyncio.CancelledError:
            raise
        except DFPNError as e:
            if e.code is ErrorCode.NO_WORKERS_AVAILABLE:
                done = self._finish(f.id, st.EXPIRED, error=(e.code.value, e.message))
            elif e.code is ErrorCode.REQUEST_NOT_FOUND and self._landing(f):
                await asyncio.sleep(min(1.0, self.clock_interval * 5))
                f.dirty = True
            elif e.code is ErrorCode.REQUEST_NOT_FOUND:
                done = self._not_landed(f.id, e, never_seen=f.seen is None)
            elif e.code not in _TRANSIENT:
                logger.warning("request %s cannot be followed: %s", f.id, e)
                done = self._finish(f.id, st.FAILED, error=(e.code.value, e.message))
            else:
                logger.info("following %s: %s; again in %.0fs", f.id, e.code.value, f.backoff)
                await self._retry_later(f)
        except Exception:
            logger.exception("following %s failed; again in %.0fs", f.id, f.backoff)
            await self._retry_later(f)
        finally:
            f.running = False
        if done or self._followed.get(f.id) is not f:
            self._forget(f)
            return
        if f.dirty:
            f.dirty = False
            self._wake(f)
        elif due is not None:
            self._at(f, due)

    def _landing(self, f: _Followed) -> bool:
        """Whether a missing request may still be landing (followed less than `LANDING_GRACE` s ago)."""
        return asyncio.get_running_loop().time() - f.since < LANDING_GRACE

    async def _retry_later(self, f: _Followed) -> None:
        await asyncio.sleep(f.backoff)
        f.backoff = min(2 * f.backoff, _MAX_BACKOFF)
        f.dirty = True

    def _at(self, f: _Followed, due: int) -> None:
        if f.due == due:  # already set: one heap entry per request and time, however often it is checked
            return
        f.due = due
        heapq.heappush(self._timers, (due, next(self._seq), f.id))

    def _forget(self, f: _Followed) -> None:
        self._followed.pop(f.id, None)
        self._by_address.pop(f.address, None)

    async def _step(self, f: _Followed) -> tuple[bool, int | None]:
        """Read the request once and do what is due: (finished, cluster time of the next check)."""
        r = await self.client.request_account(f.address)
        f.seen = _fingerprint(r)
        f.account = r
        if r.status == REQUEST_STATUS_FINALIZED:
            result = await self.client.wait_for_result(f.id, timeout=60)
            return self._finish(f.id, st.FINALIZED, result_json=result.model_dump_json(by_alias=True)), None
        if r.status == REQUEST_STATUS_EXPIRED:
            raise _no_workers(f.id, r)
        now = await self.cluster_now()
        if now > r.deadline + self.settings.watch_grace_seconds:
            return self._overdue(f.id, now, r.deadline), None
        if self.client.auto_crank:
            if is_expirable(r, now) and await self._crank(self.client.expire, f, "expire"):
                raise _no_workers(f.id, r)
            if self._may_finalize(r, now) and await self._crank(self.client.finalize, f, "finalize"):
                f.dirty = True  # read it again: finalized now (or by someone else first)
                return False, None
            if self._draw_due(f, r, now):
                if not await self._draw(f, r, now):
                    return False, now + _MIN_WAIT  # not possible now (no slot hash yet, say): next second
                f.dirty = True
                return False, None
        return False, self._next_due(f, r, now)

    def _may_finalize(self, r: Request, now: int) -> bool:
        if r.client == self.client.wallet.pubkey():
            return is_finalizable(r, now)
        return protocol.finalizable_by_anyone(r, now)

    def _draw_due(self, f: _Followed, r: Request, now: int) -> bool:
        """At once while the request has no seed; when a seat's `answer_by` passed without a commit; every
        `draw_interval` while fewer than `min_workers` seats are drawn (as `wait_for_result` draws)."""
        if f.hopeless or not protocol.commit_open(r, now) or r.pool_count == 0:
            return False
        if not drawing.seeded(r) or drawing.unanswered_seats(r, now):
            return True
        recent = f.draw_tried_at is not None and now - f.draw_tried_at < f.draw_interval
        return r.joined < r.min_workers and not recent

    async def _draw(self, f: _Followed, r: Request, now: int) -> bool:
        """Draw the request's seats; False when that was not possible now."""
        f.draw_tried_at = now
        try:
            result = await self.client.draw_seats(f.id, timeout=max(1.0, min(20.0, r.commit_deadline - now)))
        except DFPNError as e:
            if e.code is ErrorCode.NO_WORKERS_TO_DRAW:
                f.hopeless = True
            elif e.code not in drawing.DRAW_LATER:
                raise
            logger.info("draw of %s not possible now: %s", f.id, e.code.value)
            return False
        f.draw_interval = (
            int(REDRAW_INTERVAL) if result.drawn else min(2 * f.draw_interval, _MAX_REDRAW_INTERVAL)
        )
        return True

    def _next_due(self, f: _Followed, r: Request, now: int) -> int:
        """The next cluster time at which something becomes possible without any event: the commit deadline
        (expiry), the deadline (finalization), a silent seat's `answer_by` (its replacement), a redraw."""
        times = [r.deadline, r.deadline + self.settings.watch_grace_seconds + 1]
        if protocol.commit_open(r, now):
            times.append(r.commit_deadline)
            times += [
                protocol.answer_by(r, s)
                for s in r.seats[: r.joined]
                if s.state in (SEAT_STATE_DRAWN, SEAT_STATE_JOINED)
            ]
            if r.joined < r.min_workers and r.pool_count and not f.hopeless and f.draw_tried_at is not None:
                times.append(f.draw_tried_at + f.draw_interval)
        if r.client != self.client.wallet.pubkey():
            times.append(protocol.open_to_anyone_at(r))
        future = [t for t in times if t > now]
        return max(now + _MIN_WAIT, min(future)) if future else now + 30

    async def _crank(self, action: Callable[[str], object], f: _Followed, what: str) -> bool:
        try:
            signature = await action(f.id)  # type: ignore[misc]
        except DFPNError as e:
            if e.code not in _CRANK_LATER:
                raise
            logger.info("%s of %s not possible: %s", what, f.id, e.code.value)
            return False
        logger.info("%s of %s: %s", what, f.id, signature)
        return True

    # ---- outcomes ------------------------------------------------------------------------------------------

    def _not_landed(self, request_id: str, e: DFPNError, *, never_seen: bool) -> bool:
        """The request is not on-chain (`LANDING_GRACE` s after it was followed): Failed. When it was never seen
        there and was submitted lately, its transaction was dropped (nothing was paid): its key's quota is given
        back. (One seen before, or submitted long ago, was closed.)"""
        logger.warning("request %s is not on-chain: %s", request_id, e)
        stored = self.store.get_request(request_id)
        dropped = (
            never_seen and stored is not None and time.time() - stored.created_at < 2 * LANDING_GRACE + 60
        )
        message = e.message
        if dropped:
            message = f"the submission of {request_id} did not land on-chain (nothing was paid): {e.message}"
        return self._finish(request_id, st.FAILED, error=(e.code.value, message), give_back_quota=dropped)

    def _overdue(self, request_id: str, now: int, deadline: int) -> bool:
        """Mark the request Failed: still open long after its deadline."""
        return self._finish(
            request_id,
            st.FAILED,
            error=(
                ErrorCode.TIMEOUT.value,
                f"request {request_id} is still open {now - deadline} s after its deadline; "
                "it could be neither finalized nor expired",
            ),
        )

    def _finish(
        self,
        request_id: str,
        state: str,
        *,
        result_json: str | None = None,
        error: tuple[str, str] | None = None,
        give_back_quota: bool = False,
    ) -> bool:
        """Record the outcome (True: the request is no longer open, by this call, an earlier one or another
        replica). `give_back_quota`: its transaction never landed, nothing was paid."""
        stored = self.store.get_request(request_id)
        if stored is None or stored.state != st.OPEN:
            return True
        payload: str | None = None
        if stored.webhook_url:
            final = dataclasses.replace(
                stored,
                state=state,
                result=result_json,
                error_code=error[0] if error else None,
                error_message=error[1] if error else None,
            )
            payload = webhook_payload(request_view(final, with_webhook=False))
        if (
            self.store.finish_request(
                request_id,
                state,
                result_json=result_json,
                error=error,
                webhook_payload=payload,
                give_back_quota=give_back_quota,
            )
            and self.on_finished is not None
        ):
            self.on_finished(request_id)
        return True


def _fingerprint(r: Request) -> tuple[int, ...]:
    """What changes when anything happens to a request: its status, seats drawn and their states, commits,
    reveals, the draw cursor."""
    return (
        r.status,
        r.joined,
        r.commits,
        r.reveals,
        r.draw_cursor,
        *(s.state for s in r.seats[: r.joined]),
    )


def _no_workers(request_id: str, r: Request) -> DFPNError:
    return DFPNError(
        ErrorCode.NO_WORKERS_AVAILABLE,
        f"request {request_id} expired: {r.commits} of the {r.min_workers} required workers committed.",
    )


__all__ = ["Watcher"]
