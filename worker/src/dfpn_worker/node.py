"""The worker node: discover requests, join, fetch and verify media, analyse, store the report, commit, reveal,
finalize. Works over any `dfpn.transport.Transport` (the embedded `LocalNetwork`, or an RPC transport).

`WorkerNode` wires the parts together and runs them; each part is a module named for what it does:

| Module | What |
|---|---|
| `registration.py` | the worker's on-chain registration, and what it allows (`Standing`) |
| `discovery.py` | polling for requests (and the log subscription that speeds it up), choosing and joining them |
| `jobs.py` | one task per joined request, advanced step by step; the durable state and in-flight bookkeeping |
| `steps.py` | the per-seat steps: analyse, commit, reveal, finalize, follow; each decided from the chain |
| `preimage.py` | the committed answer: media check, detectors, report, salt and commitment |
| `chain.py` | reads and transactions with retries |
| `errors.py` | `WorkerError`: the node cannot run as configured |

Each joined request is a job driven by a small state machine over the durable `StateStore` (see `state.Phase`
and `steps.py`); every step decides from the chain, never from memory, so a job resumed after a crash does the
right thing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn.pda import decode_model_id
from dfpn.transport import Transport
from dfpn_detectors import Detector
from dfpn_worker.analysis import Analyzer
from dfpn_worker.chain import Chain
from dfpn_worker.config import WorkerConfig
from dfpn_worker.discovery import Discovery, worker_share
from dfpn_worker.errors import WorkerError
from dfpn_worker.jobs import Jobs, first
from dfpn_worker.metrics import Metrics, MetricsServer
from dfpn_worker.preimage import Preimages
from dfpn_worker.registration import Standing, declared_models, model_refs, served_mask
from dfpn_worker.reports import OffLoopReportStore
from dfpn_worker.state import Job, StateStore
from dfpn_worker.steps import SeatSteps
from dfpn_worker.transfer import ReportStore

logger = logging.getLogger(__name__)

#: Least seconds between two full discovery polls asked for by events (a freed place, a gap in the pushed events):
#: each is a `getProgramAccounts` per seat index, a scan of the program's accounts by the RPC node.
FULL_POLL_GAP = 1.0


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
        detector_factory: Callable[[], Sequence[Detector]] | None = None,
    ) -> None:
        self.config = config
        self.transport = transport
        self.keypair = keypair
        self.authority = keypair.pubkey()
        self.program_id = transport.program_id
        self.detectors = list(detectors)
        self.metrics = metrics or Metrics()
        self.state = state or StateStore(config.state_dir, str(self.authority))
        backoff_base = min(0.5, config.poll_interval)
        self.reports = reports or OffLoopReportStore(
            config.storage, config.report_dir, backoff_base=backoff_base, metrics=self.metrics
        )
        self.analyzer = Analyzer(self.detectors, timeout=config.detector_timeout, metrics=self.metrics)
        self.detector_factory = detector_factory
        self.server: MetricsServer | None = None
        self.standing = Standing()
        self.chain = Chain(
            transport, keypair, self.metrics, backoff_base, max_in_flight=config.max_transactions_in_flight
        )
        self.jobs = Jobs(self.state, self.metrics, config.poll_interval, on_slot_freed=self._slot_freed)
        preimages = Preimages(
            config, transport, keypair, self.analyzer, self.reports, self.metrics, backoff_base
        )
        self.steps = SeatSteps(config, self.chain, self.jobs, preimages, self.metrics)
        self.discovery = Discovery(
            config, self.chain, self.jobs, self.standing, self.metrics, self._spawn, self.analyzer.can_credit
        )
        self._log_task: asyncio.Task[None] | None = None
        self._started = False

    @property
    def worker_pda(self) -> Pubkey:
        return self.chain.worker_pda

    @property
    def in_flight(self) -> list[str]:
        return self.jobs.in_flight

    # ---- start / run / stop ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the worker's registration and detectors, start the metrics endpoint, resume unfinished jobs."""
        if self._started:
            return
        if not self.detectors:
            raise WorkerError("no detectors: install dfpn-detectors or name detectors in the config")
        self.reports.check()
        await self._read_registration()
        await self.analyzer.start_pool(
            self._pool_kind(), workers=self.config.analysis_workers or None, factory=self.detector_factory
        )
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
            self.standing.declared_models,
            self.standing.supported_mask,
            len(resumed),
            extra={"event": "started", "worker": str(self.authority), "resumed": len(resumed)},
        )

    def _pool_kind(self) -> str:
        """`analysis_pool`; "auto": processes on a real network, threads on the embedded one (its tests' detectors
        live in the test process, and start-up cost would dominate)."""
        kind = self.config.analysis_pool
        if kind == "auto":
            return "thread" if self.transport.is_local else "process"
        return kind

    def _slot_freed(self) -> None:
        """A place in `concurrency` freed: look for drawn seats now, unless pushed events bring them anyway (a
        full poll is a scan of the program's accounts per seat index); seats held for a place are read again."""
        self.discovery.place_freed()
        if not self.discovery.subscribed:
            self.discovery.request_full_poll()

    async def _read_registration(self) -> None:
        """The network config and this worker's account; what it declares decides what the node serves."""
        self.standing.chain_config = await self.chain.config()
        worker = await self.chain.worker()
        if worker is None:
            raise WorkerError(
                f"worker {self.authority} is not registered on {self.transport.name}: run `dfpn-worker register`"
            )
        self.standing.worker = worker
        refs = model_refs(self.config, self.authority, (d.model_id for d in self.detectors), self.program_id)
        declared = declared_models(worker)
        self.standing.model_refs = refs
        self.standing.declared_models = [m for m, address in refs.items() if address in declared]
        unknown = [str(a) for a in declared if a not in refs.values()]
        if unknown:
            logger.warning(
                "models %s are declared on-chain but no configured detector names them (see `model_developer` "
                "and `models`): never committed",
                unknown,
            )
        self.analyzer.declared = set(self.standing.declared_models)
        self.analyzer.model_modalities = await self._model_modalities()
        undeclared = [d.model_id for d in self.detectors if d.model_id not in self.standing.declared_models]
        if undeclared:
            # the usual case: a worker runs every installed detector and declares at most MAX_WORKER_MODELS
            logger.info(
                "detectors %s are not declared on-chain: they run and vote but are never the committed model "
                "(choose the declared ones with `declare_models`, then `dfpn-worker register`)",
                undeclared,
            )
        self.standing.supported_mask = served_mask(worker, self.detectors, self.analyzer, self.config)
        if self.standing.supported_mask == 0:
            raise WorkerError(
                "no modality is both declared on-chain and covered by a detector whose model is declared "
                f"(declared models: {self.standing.declared_models or 'none'}; detectors: "
                f"{[d.model_id for d in self.detectors]})"
            )

    async def _model_modalities(self) -> dict[str, int]:
        """The registered modalities of each declared model that is active (a commit may only name those, for
        requests whose modalities they all cover)."""
        masks = {}
        for model_id in self.standing.declared_models:
            address = self.standing.model_refs[model_id]
            model = await self.chain.model(address)
            if model is None or not model.active or decode_model_id(model.model_id) != model_id:
                logger.warning(
                    "declared model %s (%s) is not registered under that id or deactivated: never committed",
                    model_id,
                    address,
                )
                continue
            masks[model_id] = model.modalities
        return masks

    async def run(self) -> None:
        """Poll and work until `stop()`; then shut down gracefully. Cancelling `run` abandons in-flight work
        at once (the durable state lets the next start resume it)."""
        await self.start()
        self._log_task = asyncio.create_task(self.discovery.follow_logs(), name="dfpn-worker-logs")
        try:
            next_full = last_full = 0.0
            while not self.jobs.stopping:
                self.discovery.wake.clear()
                clock = time.monotonic()
                # A full poll every poll_interval, or when asked for one (spaced >= FULL_POLL_GAP apart);
                # otherwise only the requests pushed events named
                full = clock >= next_full or (self.discovery.full and clock - last_full >= FULL_POLL_GAP)
                try:
                    if full:
                        last_full, next_full = clock, clock + self.config.poll_interval
                        await self.discovery.poll()
                    else:
                        await self.discovery.poll_pushed()
                except Exception as e:
                    self.metrics.errors.labels(stage="poll").inc()
                    logger.warning("poll failed: %s", e, extra={"event": "poll_failed"})
                if self.discovery.full:  # asked for while spaced out: come back when it is due
                    next_full = min(next_full, last_full + FULL_POLL_GAP)
                wait = max(0.0, next_full - time.monotonic())
                await first(wait, self.jobs.stopped(), self.discovery.wake.wait())
        except BaseException:  # cancelled or killed: abandon in-flight work at once, like a crash
            await self._abort()
            raise
        await self.shutdown()

    async def poll_once(self) -> None:
        """One discovery round: list open requests, resume seats this worker holds, join eligible ones; returns
        once the accepts, declines and crank draws it started are done (`run` does not wait for them)."""
        if not self._started:
            await self.start()
        await self.discovery.poll()
        await self.discovery.drain(crank=True)

    def stop(self) -> None:
        """Ask `run` to finish: no new joins; in-flight analysis and commits finish (within `shutdown_grace`);
        jobs waiting for a later phase are handed over to the next start through the state directory."""
        self.jobs.stop()

    async def shutdown(self) -> None:
        self.stop()
        await self.discovery.drain()
        await self.jobs.finish(self.config.shutdown_grace)
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
        self.jobs.stop()
        await self.discovery.close()
        await self.jobs.abandon()
        await self._close()

    async def _close(self) -> None:
        if self._log_task is not None:
            self._log_task.cancel()
            await asyncio.gather(self._log_task, return_exceptions=True)
            self._log_task = None
        if self.server is not None:
            await self.server.stop()
            self.server = None
        await self.discovery.close()
        await self.chain.close()
        self.analyzer.close_pool()

    def _spawn(self, job: Job) -> None:
        self.jobs.spawn(job, self.steps.step)

    def health(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, details): healthy while started and the last successful chain poll is recent."""
        limit = max(30.0, 3 * self.config.poll_interval)
        last_poll = self.discovery.last_poll
        age = None if last_poll is None else time.monotonic() - last_poll
        stopping = self.jobs.stopping
        ok = self._started and not stopping and age is not None and age <= limit
        return ok, {
            "worker": str(self.authority),
            "network": self.transport.name,
            "lastPollAgeSeconds": None if age is None else round(age, 3),
            "inFlight": len(self.jobs.tasks),
            "stopping": stopping,
            "joinBlocked": self.discovery.join_blocked,
        }


__all__ = ["WorkerError", "WorkerNode", "worker_share"]
