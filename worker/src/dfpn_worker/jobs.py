"""The node's jobs: one asyncio task per joined request, advanced one step at a time until it is finished.

Every change of a job is written to the durable `StateStore` first (`Jobs.put`, in the store's writer thread: the
event loop does not wait on the disk; the preimage and salt of phase `prepared` fsynced), then reflected in the
in-flight bookkeeping: which requests are between join and commit (the analysis part that `concurrency` limits)
and the `dfpn_worker_in_flight{phase}` gauge. A step that fails is retried with backoff; a step that returns None
hands the job over (the node is stopping while the job waits for a later phase; the next start resumes it from
the state directory). Between steps a job waits a poll interval, or less when a pushed program event names its
request (`Jobs.wake`). When a job leaves the analysis part (committed, refused, ended), `on_slot_freed` is called:
the node looks for drawn seats at once instead of at its next poll.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from solders.pubkey import Pubkey

from dfpn.errors import DFPNError
from dfpn_worker.metrics import Metrics
from dfpn_worker.retry import backoff
from dfpn_worker.state import Job, Phase, StateStore

logger = logging.getLogger(__name__)

#: Advance a job by one step from what the chain says now; None: hand the job over.
Step = Callable[[Pubkey, Job], Awaitable[Job | None]]


async def first(timeout: float, *waits: Coroutine[Any, Any, Any]) -> None:
    """Wait until the first of `waits` completes, or `timeout` seconds; cancel the others."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class Jobs:
    """The jobs this node is driving, and the node's stop signal (a stopping node starts no job and its waiting
    jobs hand over)."""

    def __init__(
        self,
        state: StateStore,
        metrics: Metrics,
        poll_interval: float,
        on_slot_freed: Callable[[], None] | None = None,
    ) -> None:
        self.state = state
        self.metrics = metrics
        self.poll_interval = poll_interval
        self.on_slot_freed = on_slot_freed
        self.tasks: dict[str, asyncio.Task[None]] = {}
        #: Requests between join and commit (the part `concurrency` limits).
        self.pre_commit: set[str] = set()
        self._phases: dict[str, Phase] = {}
        #: Per-job events set when a pushed program event names the job's request.
        self._wakes: dict[str, asyncio.Event] = {}
        self._stop = asyncio.Event()

    # ---- the stop signal ---------------------------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()

    async def stopped(self) -> None:
        """Return once `stop()` was called."""
        await self._stop.wait()

    # ---- bookkeeping -------------------------------------------------------------------------------------

    @property
    def in_flight(self) -> list[str]:
        return list(self.tasks)

    async def put(self, job: Job) -> Job:
        """Write `job` (the preimage and salt of phase `prepared` fsynced), then update the in-flight
        bookkeeping; the stored job (with `updated_at`)."""
        job = await self.state.put_async(job, durable=job.phase is Phase.PREPARED)
        if job.phase in (Phase.JOINED, Phase.PREPARED) and not job.finished:
            self.pre_commit.add(job.request)
        else:
            self._free(job.request)
        if job.finished:
            self._phases.pop(job.request, None)
        else:
            self._phases[job.request] = job.phase
        self._update_gauge()
        return job

    def _free(self, request: str) -> None:
        if request in self.pre_commit:
            self.pre_commit.discard(request)
            if self.on_slot_freed is not None:
                self.on_slot_freed()

    def _update_gauge(self) -> None:
        counts: dict[Phase, int] = {}
        for phase in self._phases.values():
            counts[phase] = counts.get(phase, 0) + 1
        for phase in Phase:
            self.metrics.in_flight.labels(phase=phase.value).set(counts.get(phase, 0))

    # ---- running ------------------------------------------------------------------------------------------

    def spawn(self, job: Job, step: Step) -> None:
        """Drive `job` with `step` in a task of its own (nothing when it is running already or finished)."""
        if job.request in self.tasks or job.finished:
            return
        if job.phase in (Phase.JOINED, Phase.PREPARED):
            self.pre_commit.add(job.request)
        self._phases[job.request] = job.phase
        task = asyncio.create_task(self._drive(job, step), name=f"dfpn-job-{job.request}")
        self.tasks[job.request] = task
        self._update_gauge()

    async def _drive(self, job: Job, step: Step) -> None:
        address = Pubkey.from_string(job.request)
        wake = self._wakes.setdefault(job.request, asyncio.Event())
        failures = 0
        try:
            while not job.finished:
                wake.clear()  # before reading the chain: an event pushed after the read still wakes the wait
                try:
                    next_job = await step(address, job)
                except asyncio.CancelledError:
                    raise
                except Exception as e:
                    failures += 1
                    self._step_failed(job, e, failures)
                    if not await self.pause(backoff(failures, self.poll_interval, 30.0)):
                        return
                    continue
                failures = 0
                if next_job is None:  # handed over: stopping while waiting for a later phase
                    return
                job = next_job
        finally:
            self.tasks.pop(job.request, None)
            self._wakes.pop(job.request, None)
            self._free(job.request)
            self._phases.pop(job.request, None)
            self._update_gauge()

    def _step_failed(self, job: Job, e: Exception, failures: int) -> None:
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

    # ---- waiting ------------------------------------------------------------------------------------------

    def wake(self, request: str) -> None:
        """A pushed program event named `request`: its job re-reads the chain now instead of after its wait."""
        event = self._wakes.get(request)
        if event is not None:
            event.set()

    def wake_all(self) -> None:
        """Every job re-reads the chain now (after a gap in the pushed events, e.g. a dropped subscription)."""
        for event in self._wakes.values():
            event.set()

    async def pause(self, seconds: float | None = None, wake: asyncio.Event | None = None) -> bool:
        """Wait a poll interval (or until `wake` is set by a pushed event); False when the node is stopping
        (the job hands over instead)."""
        if self.stopping:
            return False
        timeout = self.poll_interval if seconds is None else seconds
        waits: list[Coroutine[Any, Any, Any]] = [self.stopped()]
        if wake is not None:
            waits.append(wake.wait())
        await first(timeout, *waits)
        return not self.stopping

    async def wait(self, job: Job) -> Job | None:
        """`job` again after a wait for the chain to change; None when the node is stopping (hand over)."""
        return job if await self.pause(wake=self._wakes.get(job.request)) else None

    # ---- ending -------------------------------------------------------------------------------------------

    async def finish(self, grace: float) -> None:
        """Let the running jobs end (those waiting for a later phase hand over at once); cancel the rest after
        `grace` seconds."""
        tasks = list(self.tasks.values())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def abandon(self) -> None:
        """Cancel every job at once, like a crash (the durable state lets the next start resume them)."""
        tasks = list(self.tasks.values())
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


__all__ = ["Jobs", "Step", "first"]
