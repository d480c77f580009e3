"""The challenger service: labelled media in, known-answer challenges on the network, per-worker accuracy out.

```python
async with AsyncDFPNClient("localnet", wallet) as client, Challenger(
    client, load_corpus("corpus"), ChallengeStore("state", str(wallet.pubkey())), config=ChallengerConfig()
) as challenger:
    await challenger.run(count=10)
    print(challenger.report())
```

One challenge: `prepare` (choose an item, transform it, choose the request's nonce and a secret salt, write all of
it durably), `submit` (the SDK uploads the media and submits a request whose attestation commits to the label;
then it draws the seats), `follow` (`wait_for_result(challenge=...)`: once the workers revealed, the label and salt
are revealed, then the challenger finalizes its own request: the program pays the workers that answered the label
and slashes the others), then the seats' outcomes are recorded and the request is closed (rent back).

**When** (`ChallengerConfig`): with `rate` q (default 0.10, the reference of docs/economics.md) the service reads
the program's request counter (`Config.request_count`) every `observe_interval` seconds and, for each ordinary
request submitted since (its own excluded), starts a challenge with probability q / (1 − q), so that challenges
are a share q of all requests (q ≤ 0.5). With `interval` s it starts one challenge every s seconds on average
(exponentially distributed gaps: no period to spot), whatever the traffic. At most `max_in_flight` challenges are
followed at once; the rest wait their turn.

**Crash safety**: see `dfpn_challenger.state`. `resume` (called by `run`) finds what an earlier process left: a
prepared challenge already on-chain is followed, one that never landed is submitted again with the same nonce,
salt and media; a submitted one is followed to its reveal; a resolved one not yet closed is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, Challenge, DFPNError, ErrorCode, SeatState, Verdict
from dfpn.events import parse_logs
from dfpn.generated.constants import FINALIZE_GRACE_SECS
from dfpn.generated.types import WorkerPaid, WorkerSlashed
from dfpn.models import RequestInfo
from dfpn.pda import challenger_address, random_request_nonce, request_address
from dfpn_challenger.corpus import Corpus, CorpusItem
from dfpn_challenger.errors import ChallengerError, StateError
from dfpn_challenger.media import Limits
from dfpn_challenger.report import Report, build_report
from dfpn_challenger.state import ChallengeRecord, ChallengeStore, Outcome, Phase, SeatOutcome
from dfpn_challenger.transform import TransformParams, transform_file

logger = logging.getLogger(__name__)

#: Submission failures that retrying cannot fix: the service stops and says why (the prepared row stays, unsent).
PERMANENT = frozenset(
    {
        ErrorCode.INVALID_ARGUMENT,
        ErrorCode.MIN_WORKERS_BELOW_FLOOR,
        ErrorCode.MEDIA_NOT_FOUND,
        ErrorCode.STORAGE_NOT_SUPPORTED,
        ErrorCode.INVALID_STORAGE_URI,
        ErrorCode.DEADLINE_TOO_SHORT,
        ErrorCode.DEADLINE_TOO_LONG,
        ErrorCode.MAX_FEE_TOO_LOW,
        ErrorCode.CONFIG_NOT_FOUND,
        ErrorCode.PROGRAM_NOT_FOUND,
    }
)
#: Longest pause between retries of a failed submission or follow.
MAX_BACKOFF = 60.0


class ChallengerConfig(BaseModel):
    """What the service submits, when, and what it does afterwards (module docstring)."""

    model_config = ConfigDict(frozen=True)

    #: Share q of all requests that are challenges, judged from the ordinary requests observed (≤ 0.5).
    rate: float = Field(default=0.1, gt=0.0, le=0.5)
    #: Instead of `rate`: mean seconds between challenges (exponential gaps), whatever the traffic.
    interval: float | None = Field(default=None, gt=0.0)
    #: Seconds between two reads of the request counter (`rate` mode).
    observe_interval: float = Field(default=5.0, gt=0.0)
    #: Challenges followed at once.
    max_in_flight: int = Field(default=8, ge=1)
    #: Share of challenges drawn from the manipulated items (when the corpus has both labels).
    fake_share: float = Field(default=0.5, ge=0.0, le=1.0)
    #: The request: as an ordinary client's (None: the SDK's defaults; storage None: "file" on the embedded
    #: network, IPFS elsewhere).
    min_workers: int | None = Field(default=None, ge=1, le=10)
    max_workers: int | None = Field(default=None, ge=1, le=10)
    deadline_seconds: int = Field(default=300, gt=0)
    max_fee: str | None = None
    storage: Literal["file", "ipfs", "s3"] | None = None
    transform: TransformParams = TransformParams()
    limits: Limits = Limits()
    #: Close each finished request (its rent comes back to the challenger).
    close_requests: bool = True
    #: Seconds to keep following a request past its deadline and the finalize grace period before trying again.
    follow_margin: float = Field(default=60.0, ge=0.0)
    #: Seed of the choices (items, transforms, timing); None: from the OS. Salts always come from the OS.
    seed: int | None = None

    @model_validator(mode="after")
    def _workers(self) -> ChallengerConfig:
        if (
            self.min_workers is not None
            and self.max_workers is not None
            and self.max_workers < self.min_workers
        ):
            raise ValueError("max_workers must not be below min_workers")
        return self


class Challenger:
    """Submits known-answer challenges with `client` (whose wallet must be a registered challenger) from `corpus`,
    keeping every secret in `store` first. Use as `async with Challenger(...) as challenger:`; it closes neither
    the client nor the store (their owners do)."""

    def __init__(
        self,
        client: AsyncDFPNClient,
        corpus: Corpus,
        store: ChallengeStore,
        *,
        config: ChallengerConfig | None = None,
        on_update: Callable[[ChallengeRecord], None] | None = None,
    ) -> None:
        self.client = client
        self.corpus = corpus
        self.store = store
        self.config = config or ChallengerConfig()
        #: Called with every record the service changes (e.g. to rewrite a report file).
        self.on_update = on_update
        key = str(client.wallet.pubkey())
        if store.challenger != key:
            raise StateError(
                f"the state in {store.dir} belongs to {store.challenger}, not to the wallet {key}."
            )
        seed = self.config.seed if self.config.seed is not None else int.from_bytes(os.urandom(8), "little")
        #: Items and transforms, and (apart, so that timing cannot shift them) gaps and rate decisions.
        self._rng = random.Random(seed)
        self._timing = random.Random(seed ^ 0x5EED)
        self._tasks: dict[str, asyncio.Task[ChallengeRecord | None]] = {}
        self._stop = asyncio.Event()
        self._own_submitted = 0

    async def __aenter__(self) -> Challenger:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop following (the records stay as they are: the next `run` resumes them)."""
        self._stop.set()
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        """Ask `run` to return: no new challenge is started, followed ones are left to the next start."""
        self._stop.set()

    @property
    def key(self) -> Pubkey:
        return self.client.wallet.pubkey()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def _put(self, record: ChallengeRecord) -> ChallengeRecord:
        record = self.store.put(record)
        if self.on_update is not None:
            self.on_update(record)
        return record

    # ---- checks ------------------------------------------------------------------------------------------------

    async def ensure_registered(self) -> None:
        """`ChallengerError` unless governance registered the wallet as a challenger (`register_challenger`):
        without it the program refuses the reveal and the challenge would be an ordinary request."""
        program = self.client.program_id
        account = await self.client.transport.get_account(challenger_address(self.key, program))
        if account is None or account.owner != program:
            raise ChallengerError(
                f"{self.key} is not a registered challenger on {self.client.transport.name}: the configuration "
                f"authority must register it first (register_challenger; `dfpn-challenger register --authority "
                f"KEYPAIR --challenger {self.key}`)."
            )

    # ---- one challenge -------------------------------------------------------------------------------------------

    def choose_item(self) -> CorpusItem:
        """A corpus item: manipulated with probability `fake_share` (when the corpus has both labels)."""
        fakes = self.corpus.with_label(Verdict.MANIPULATED)
        reals = self.corpus.with_label(Verdict.AUTHENTIC)
        if not fakes or not reals:
            pool = fakes or reals
        else:
            pool = fakes if self._rng.random() < self.config.fake_share else reals
        return self._rng.choice(pool)

    async def prepare(self, item: CorpusItem | None = None) -> ChallengeRecord:
        """Make a challenge and write it durably (phase `prepared`): the item transformed (media in the state
        directory), an unused request nonce, the label and a fresh secret salt, the attestation. Nothing is sent."""
        item = item or self.choose_item()
        seed = self._rng.getrandbits(63)
        out = await asyncio.to_thread(
            transform_file, item.path, seed=seed, params=self.config.transform, limits=self.config.limits
        )
        media = self.store.write_media(f"{out.sha256[:16]}.{out.extension}", out.data)
        nonce = await self._fresh_nonce()
        address = request_address(self.key, nonce, self.client.program_id)
        challenge = Challenge(item.label)
        record = ChallengeRecord(
            request=str(address),
            nonce=nonce,
            label=item.label,
            salt=challenge.salt,
            attestation=challenge.attestation(address),
            item=str(item.path),
            transform_seed=seed,
            original_sha256=item.sha256,
            media_path=str(media),
            media_sha256=out.sha256,
            modalities=item.modalities,
            phase=Phase.PREPARED,
            created_at=time.time(),
        )
        record = self._put(record)
        logger.info(
            "challenge %s prepared: %s item %s (%s; dHash distance %s)",
            record.request,
            item.label.value,
            item.path.name,
            ", ".join(out.operations),
            out.dhash_distance,
        )
        return record

    async def _fresh_nonce(self) -> int:
        for _ in range(8):
            nonce = random_request_nonce(self.key, self.client.program_id)
            address = request_address(self.key, nonce, self.client.program_id)
            if (
                self.store.get(str(address)) is None
                and await self.client.transport.get_account(address) is None
            ):
                return nonce
        raise ChallengerError("could not find an unused request nonce")

    async def submit(self, record: ChallengeRecord) -> ChallengeRecord:
        """Submit a prepared challenge (the SDK uploads its media, submits with its nonce and attestation, and
        draws the seats); phase `submitted`. When the submission fails but the request is on-chain all the same
        (it landed before the error), it is `submitted` too; otherwise the error is raised and the record stays
        `prepared` (with the error), to be submitted again."""
        if record.phase is not Phase.PREPARED:
            raise ChallengerError(f"challenge {record.request} is {record.phase.value}, not prepared.")
        config = self.config
        try:
            sub = await self.client.submit_request(
                Path(record.media_path),
                modalities=list(record.modalities),
                min_workers=config.min_workers,
                max_workers=config.max_workers,
                max_fee=config.max_fee,
                deadline_seconds=config.deadline_seconds,
                storage=config.storage,
                nonce=record.nonce,
                attestation=record.attestation,
            )
        except DFPNError as e:
            landed = await self._on_chain(record)
            if landed is not None:
                return landed
            self._put(record.replace(error=f"submit: {e.code.value}: {e}"))
            raise
        self._own_submitted += 1
        logger.info(
            "challenge %s submitted (%d seats drawn): %s", record.request, len(sub.drawn), sub.signature
        )
        return self._put(
            record.replace(phase=Phase.SUBMITTED, submit_tx=sub.signature, deadline=sub.deadline, error=None)
        )

    async def _on_chain(self, record: ChallengeRecord) -> ChallengeRecord | None:
        """The record as `submitted` when its request exists on-chain, else None."""
        try:
            info = await self.client.get_request(record.request)
        except DFPNError as e:
            if e.code is ErrorCode.REQUEST_NOT_FOUND:
                return None
            raise
        if bytes.fromhex(info.attestation) != record.attestation:
            raise StateError(
                f"request {record.request} on-chain carries another attestation than the stored one."
            )
        if record.phase is Phase.PREPARED:
            self._own_submitted += 1
        return self._put(record.replace(phase=Phase.SUBMITTED, deadline=info.deadline, error=None))

    async def follow(self, record: ChallengeRecord) -> ChallengeRecord:
        """Follow a submitted challenge to its end: reveal the label once the workers revealed, finalize, record
        each seat's outcome (`resolved`), or `expired`; then close the request (`close_requests`). A `TIMEOUT` (the
        request is not finished `follow_margin` s after its deadline and grace period) is raised: follow again."""
        if record.phase is not Phase.SUBMITTED:
            raise ChallengerError(f"challenge {record.request} is {record.phase.value}, not submitted.")
        timeout = await self._follow_timeout(record)
        challenge = Challenge(record.label, record.salt)
        try:
            result = await self.client.wait_for_result(record.request, timeout, challenge=challenge)
        except DFPNError as e:
            if e.code is ErrorCode.REQUEST_NOT_FOUND:
                raise ChallengerError(
                    f"the request of challenge {record.request} no longer exists: {e}"
                ) from e
            if e.code is ErrorCode.NO_WORKERS_AVAILABLE:
                logger.info("challenge %s expired: %s", record.request, e)
                return await self.close(self._put(record.replace(phase=Phase.EXPIRED, error=str(e))))
            if e.code is not ErrorCode.NOT_CHALLENGER:
                raise
            # Governance removed this challenger: the label can no longer be revealed. Finish it as an ordinary
            # request (its escrow, less the fee, comes back) and say so.
            logger.error("challenge %s: %s; finalizing it as an ordinary request", record.request, e)
            record = self._put(record.replace(error=f"label not revealed: {e}"))
            result = await self.client.wait_for_result(record.request, timeout)
        return await self.close(await self._resolve(record, result.audit.finalize_tx))

    async def _follow_timeout(self, record: ChallengeRecord) -> float:
        now = await self.client.transport.unix_timestamp()
        remaining = max(0, (record.deadline or now) - now)
        return float(remaining + FINALIZE_GRACE_SECS) + self.config.follow_margin

    async def _resolve(self, record: ChallengeRecord, finalize_tx: str | None) -> ChallengeRecord:
        """Record the finalized request's seats: each worker's outcome against the label, and the lamports the
        finalization slashed from it and paid to it (its `WorkerSlashed` / `WorkerPaid` events)."""
        info = await self.client.get_request(record.request)
        slashed, paid = await self._finalize_events(Pubkey.from_string(record.request), finalize_tx)
        seats = tuple(
            SeatOutcome(
                worker=seat.worker,
                outcome=_outcome(seat.state, seat.verdict, record.label),
                verdict=seat.verdict,
                slashed_lamports=slashed.get(seat.worker, 0),
                paid_lamports=paid.get(seat.worker, 0),
            )
            for seat in info.seats
        )
        revealed = info.challenge_label is not None
        record = self._put(
            record.replace(
                phase=Phase.RESOLVED,
                verdict=info.verdict,
                label_revealed=revealed,
                finalize_tx=finalize_tx,
                seats=seats,
            )
        )
        logger.info(
            "challenge %s resolved (label %s%s): %s",
            record.request,
            record.label.value,
            "" if revealed else ", NOT revealed",
            ", ".join(f"{s.worker[:8]} {s.outcome.value}" for s in seats),
        )
        return record

    async def _finalize_events(
        self, request: Pubkey, finalize_tx: str | None
    ) -> tuple[dict[str, int], dict[str, int]]:
        slashed: dict[str, int] = {}
        paid: dict[str, int] = {}
        record = await self.client.transport.get_transaction(finalize_tx) if finalize_tx else None
        for event in parse_logs(record.logs if record else (), self.client.program_id):
            if isinstance(event, WorkerSlashed) and event.request == request:
                slashed[str(event.worker)] = slashed.get(str(event.worker), 0) + event.amount
            elif isinstance(event, WorkerPaid) and event.request == request:
                paid[str(event.worker)] = paid.get(str(event.worker), 0) + event.amount
        return slashed, paid

    async def close(self, record: ChallengeRecord) -> ChallengeRecord:
        """Close a finished challenge's request (rent back) when `close_requests`; a failure is logged and left
        for the next `resume`."""
        if not self.config.close_requests or record.closed:
            return record
        try:
            if await self.client.transport.get_account(Pubkey.from_string(record.request)) is not None:
                await self.client.close_request(record.request)
        except DFPNError as e:
            logger.warning("request %s of a finished challenge not closed: %s", record.request, e)
            return record
        return self._put(record.replace(closed=True))

    # ---- the service -------------------------------------------------------------------------------------------

    async def resume(self) -> None:
        """Pick up what an earlier process left (module docstring): follow submitted challenges (and prepared
        ones that landed), close finished ones. Prepared challenges that never landed are submitted by `run` before
        any new one."""
        for record in self.store.unfinished():
            if record.phase is Phase.PREPARED:
                landed = await self._on_chain(record)
                if landed is not None:
                    logger.info("challenge %s was submitted before a restart: following it", record.request)
                    self._spawn(landed)
            elif record.phase is Phase.SUBMITTED:
                self._spawn(record)
            else:
                await self.close(record)

    def _spawn(self, record: ChallengeRecord) -> None:
        if record.request not in self._tasks:
            task = asyncio.create_task(self._follow_until_done(record), name=f"challenge {record.request}")
            self._tasks[record.request] = task
            task.add_done_callback(lambda _: self._tasks.pop(record.request, None))

    async def _follow_until_done(self, record: ChallengeRecord) -> ChallengeRecord | None:
        delay = 1.0
        while True:
            try:
                return await self.follow(record)
            except DFPNError as e:
                logger.warning(
                    "challenge %s: %s: %s; following again in %.0f s", record.request, e.code.value, e, delay
                )
            except ChallengerError as e:
                logger.error("challenge %s failed: %s", record.request, e)
                self._put(record.replace(phase=Phase.FAILED, error=str(e)))
                return None
            await asyncio.sleep(delay)
            delay = min(MAX_BACKOFF, 2 * delay)
            current = self.store.get(record.request)
            if current is None or current.phase is not Phase.SUBMITTED:
                return current
            record = current

    async def drain(self) -> None:
        """Wait until every followed challenge is finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def challenge(self, item: CorpusItem | None = None) -> ChallengeRecord:
        """One challenge now, end to end: prepare, submit, follow (the caller's workers must answer meanwhile)."""
        record = await self.submit(await self.prepare(item))
        return await self.follow(record)

    async def run(self, *, count: int | None = None, duration: float | None = None) -> Report:
        """The service: resume, then start challenges at the configured rate until `count` were submitted (then
        wait for them to finish), `duration` seconds passed, or `stop()`; returns the report."""
        await self.ensure_registered()
        await self.resume()
        loop = asyncio.get_running_loop()
        end = None if duration is None else loop.time() + duration
        owed = 0
        submitted = 0
        backoff = 1.0
        next_at = loop.time() + self._gap() if self.config.interval else loop.time()
        seen: int | None = None
        while not self._stop.is_set():
            if count is not None and submitted >= count:
                break
            now = loop.time()
            if end is not None and now >= end:
                break
            if self.config.interval is not None:
                while now >= next_at:
                    owed += 1
                    next_at += self._gap()
            elif now >= next_at:
                seen, decided = await self._observe(seen)
                owed += decided
                next_at = now + self.config.observe_interval
            while owed > 0 and self.in_flight < self.config.max_in_flight and not self._stop.is_set():
                if count is not None and submitted >= count:
                    break
                try:
                    record = await self._submit_next()
                except DFPNError as e:
                    if e.code in PERMANENT:
                        raise ChallengerError(f"cannot submit challenges: {e.code.value}: {e}") from e
                    logger.warning("submission failed: %s: %s; retrying in %.0f s", e.code.value, e, backoff)
                    await self._sleep(backoff)
                    backoff = min(MAX_BACKOFF, 2 * backoff)
                    break
                backoff = 1.0
                owed -= 1
                submitted += 1
                self._spawn(record)
            wake = next_at - loop.time()
            if end is not None:
                wake = min(wake, end - loop.time())
            await self._sleep(max(0.0, min(wake, 1.0)))
        if count is not None and submitted >= count and not self._stop.is_set():
            await self.drain()
        return self.report()

    async def _submit_next(self) -> ChallengeRecord:
        """Submit the oldest prepared challenge that never landed, else a new one."""
        pending = [r for r in self.store.unfinished() if r.phase is Phase.PREPARED]
        record = pending[0] if pending else await self.prepare()
        return await self.submit(record)

    async def _observe(self, seen: int | None) -> tuple[int, int]:
        """Read the request counter; returns it and how many challenges the ordinary requests since `seen` owe."""
        count = (await self.client.get_config()).request_count
        own, self._own_submitted = self._own_submitted, 0
        if seen is None:
            return count, 0
        ordinary = max(0, count - seen - own)
        p = self.config.rate / (1.0 - self.config.rate)
        decided = sum(self._timing.random() < p for _ in range(ordinary))
        if ordinary:
            logger.info("%d ordinary request(s) observed: %d challenge(s) owed", ordinary, decided)
        return count, decided

    def _gap(self) -> float:
        assert self.config.interval is not None
        return self._timing.expovariate(1.0 / self.config.interval)

    async def _sleep(self, seconds: float) -> None:
        # not wait_for: on Python 3.11 it can swallow a cancellation (gh-86296)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stop.wait()

    def report(self) -> Report:
        """Per-worker accuracy over every recorded challenge (`dfpn_challenger.report`)."""
        return build_report(self.store.challenger, self.store.all())


def _outcome(state: SeatState, verdict: Verdict | None, label: Verdict) -> Outcome:
    if state is SeatState.REVEALED:
        return Outcome.CORRECT if verdict is label else Outcome.WRONG
    if state is SeatState.COMMITTED:
        return Outcome.NO_REVEAL
    return Outcome.NO_COMMIT


def seat_outcomes(info: RequestInfo, label: Verdict) -> list[tuple[str, Outcome]]:
    """Each seat's worker and outcome against `label` (without the lamports), for a finalized request."""
    return [(s.worker, _outcome(s.state, s.verdict, label)) for s in info.seats]


__all__ = ["PERMANENT", "Challenger", "ChallengerConfig", "seat_outcomes"]
