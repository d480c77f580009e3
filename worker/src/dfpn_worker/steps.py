"""The per-seat steps: what an accepted seat's job does next, decided from the chain each time.

A job starts when the worker accepts a seat the draw gave it (`discovery.py`): JOINED.

    JOINED --analyse, store report, write preimage+salt (fsync)--> PREPARED --commit_result--> COMMITTED
    COMMITTED --reveal phase: reveal_result--> REVEALED --finalizable by anyone: finalize_request--> DONE
    JOINED --media refused (hash mismatch, too large, unreadable) or no model to commit with--> REFUSED
    JOINED / PREPARED --seat replaced (not committed within half a commit window of its draw)--> MISSED
    PREPARED --commit refused for its model (inactive, not declared, modalities not covered)--> REFUSED
    REFUSED --leave window open: leave_request--> LEFT (bond released)
    COMMITTED --deadline passed before the reveal--> MISSED

Every step re-reads the request account and decides from it, never from memory, so a job resumed after a crash
(any phase, any instant) does the right thing: a PREPARED job whose commit already landed is recognised by its
on-chain commitment and goes straight to the reveal; a seat found committed with no preimage on disk is recovered
by re-deriving the preimage (`preimage.py`). A worker that cannot serve a request gives its seat back while the
program allows it (within half a commit window of its draw): a seat held to the end without a commitment forfeits
its bond. A REFUSED job past the leave window, or a MISSED one, has nothing to send for itself, but helps the request
end (finalize or expire) so its seat is released.

The worker is never the request's client, so it finalizes as a cranker: only once `FINALIZE_GRACE_SECS` have passed
after the deadline (`dfpn.protocol.finalizable_by_anyone`), when the program lets anyone finalize. Until then the
client alone may (a known-answer challenger reveals its label in that time). A REVEALED job waits for that instant
or for the client's finalization, whichever comes first; a `FINALIZE_RESERVED_FOR_CLIENT` answer (the cluster's
clock behind the one the worker read) means "try again later", never a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from solders.pubkey import Pubkey

from dfpn import instructions as ix
from dfpn import protocol
from dfpn.errors import DFPNError, ErrorCode
from dfpn.generated.constants import (
    REQUEST_STATUS_EXPIRED,
    SEAT_STATE_COMMITTED,
    SEAT_STATE_DRAWN,
    SEAT_STATE_JOINED,
    SEAT_STATE_REVEALED,
)
from dfpn.generated.types import Request, Seat
from dfpn.models import ConsensusType, Verdict
from dfpn_worker.chain import Chain
from dfpn_worker.config import WorkerConfig
from dfpn_worker.jobs import Jobs
from dfpn_worker.metrics import Metrics
from dfpn_worker.preimage import Preimages, media_uri
from dfpn_worker.state import Job, Phase
from dfpn_worker.transfer import MediaRefusedError

logger = logging.getLogger(__name__)

#: Finalize answers that mean "not now": someone finalized first, the request is not finalizable yet, or the grace
#: period reserving it for the client is not over by the cluster's clock. The job waits and reads the chain again.
_FINALIZE_LATER = {
    ErrorCode.REQUEST_NOT_OPEN,
    ErrorCode.FINALIZE_TOO_EARLY,
    ErrorCode.FINALIZE_RESERVED_FOR_CLIENT,
}

#: Commit refusals about the answer's model: this worker cannot commit it for this request.
_MODEL_REFUSALS = {
    ErrorCode.MODEL_INACTIVE,
    ErrorCode.MODEL_NOT_DECLARED,
    ErrorCode.MODEL_MODALITY_MISMATCH,
    ErrorCode.SELF_DEALING,
}


class SeatSteps:
    """`step(address, job)`: one step of a job (`jobs.Step`)."""

    def __init__(
        self, config: WorkerConfig, chain: Chain, jobs: Jobs, preimages: Preimages, metrics: Metrics
    ) -> None:
        self.config = config
        self.chain = chain
        self.jobs = jobs
        self.preimages = preimages
        self.metrics = metrics

    async def step(self, address: Pubkey, job: Job) -> Job | None:
        """Advance `job` by one step from what the chain says now."""
        r, now = await asyncio.gather(self.chain.request(address), self.chain.now())
        if r is None:
            return await self._finish(job, "request account closed")
        seat = self.chain.seat(r)
        if job.phase is Phase.FAILED:
            return await self._finish(job, job.outcome or "failed")
        closed = await self._closed(job, r, seat)
        if closed is not None:
            return closed
        # From here on the request is open.
        if job.phase is Phase.JOINED:
            return await self._analyse(address, job, r, seat, now)
        if job.phase is Phase.PREPARED:
            return await self._commit(address, job, r, seat, now)
        if job.phase is Phase.COMMITTED:
            return await self._reveal(address, job, r, seat, now)
        if job.phase is Phase.REVEALED:
            return await self._finalize(address, job, r, now)
        if job.phase is Phase.REFUSED:
            return await self._leave(address, job, r, seat, now)
        return await self._follow(address, job, r, now)  # MISSED, DONE

    # ---- the end of a request ------------------------------------------------------------------------------

    async def _closed(self, job: Job, r: Request, seat: Seat | None) -> Job | None:
        """The job's end when the request is no longer open, else None."""
        if protocol.is_open(r.status):
            return None
        keep = job.phase in (Phase.REFUSED, Phase.MISSED, Phase.FAILED)
        if r.status == REQUEST_STATUS_EXPIRED:
            return await self._finish(job, "expired", None if keep else Phase.DONE)
        verdict = Verdict.from_code(r.verdict).value
        outcome = f"finalized: {verdict} {r.confidence} ({ConsensusType.from_code(r.consensus).value})"
        if seat is not None and seat.state == SEAT_STATE_COMMITTED and not keep:
            self.metrics.requests_missed.labels(stage="reveal").inc()
            return await self._finish(job, outcome + "; not revealed (slashed)", Phase.MISSED)
        if r.challenged:
            outcome += f"; known-answer challenge: {Verdict.from_code(r.challenge_label).value}"
        if seat is not None and seat.state == SEAT_STATE_REVEALED:
            if r.challenged:
                outcome += "; passed" if seat.verdict == r.challenge_label else "; failed (slashed)"
            else:
                outcome += "; agreed" if seat.verdict == r.verdict else "; disagreed"
        return await self._finish(job, outcome, None if keep else Phase.DONE)

    # ---- JOINED: analyse --------------------------------------------------------------------------------------

    async def _analyse(self, address: Pubkey, job: Job, r: Request, seat: Seat | None, now: int) -> Job:
        if seat is None:
            return await self._replaced(job)
        if (
            seat.state == SEAT_STATE_DRAWN
        ):  # not (or no longer) accepted: discovery answers the drawn seat again
            return await self.jobs.put(
                job.replace(
                    phase=Phase.LEFT,
                    finished=True,
                    error_code="unaccepted",
                    outcome="the seat is drawn, not accepted",
                )
            )
        recovering = seat.state in (SEAT_STATE_COMMITTED, SEAT_STATE_REVEALED)
        if seat.state == SEAT_STATE_REVEALED:
            return await self.jobs.put(job.replace(phase=Phase.REVEALED))
        if not recovering and not protocol.commit_open(r, now):
            return await self._miss(job, "commit", "the commit phase closed before the analysis started")
        try:
            data = await self.preimages.media(r)
        except MediaRefusedError as e:
            return await self._refuse(job, e.code, e.message, media_uri(r))
        try:
            prepared = await self.preimages.prepare(address, job, r, data)
        except LookupError as e:  # no model the program would accept in a commit for this request
            if recovering:
                raise
            return await self._refuse(job, "NO_COMMITTABLE_MODEL", str(e), media_uri(r))
        if recovering:
            return await self._recover_commitment(prepared, seat)
        # The crash-safety point: preimage and salt are on disk before commit_result is sent.
        return await self.jobs.put(prepared.replace(phase=Phase.PREPARED))

    async def _refuse(self, job: Job, code: str, message: str, uri: str) -> Job:
        """The worker cannot serve this request (`code`: CONTENT_HASH_MISMATCH, MEDIA_TOO_LARGE, ...); the next
        step gives the seat back if the program still allows it."""
        self.metrics.requests_refused.labels(code=code).inc()
        logger.warning(
            "refusing %s: [%s] %s",
            job.request,
            code,
            message,
            extra={"event": "refused", "request": job.request, "code": code, "uri": uri},
        )
        return await self.jobs.put(job.replace(phase=Phase.REFUSED, error_code=code, error=message))

    async def _recover_commitment(self, prepared: Job, seat: Seat) -> Job:
        """The seat was committed before the state was lost: the re-derived preimage must match it."""
        if prepared.commitment == bytes(seat.commitment):
            logger.warning(
                "recovered the committed preimage of %s", prepared.request, extra={"event": "recovered"}
            )
            return await self.jobs.put(prepared.replace(phase=Phase.COMMITTED))
        return await self._fail(
            prepared, "PREIMAGE_LOST", "the seat is committed and the preimage could not be re-derived"
        )

    # ---- PREPARED: commit -------------------------------------------------------------------------------------

    async def _commit(self, address: Pubkey, job: Job, r: Request, seat: Seat | None, now: int) -> Job:
        if seat is None:
            return await self._replaced(job)
        if seat.state in (SEAT_STATE_COMMITTED, SEAT_STATE_REVEALED):
            if bytes(seat.commitment) == job.commitment:
                return await self.jobs.put(job.replace(phase=Phase.COMMITTED))
            return await self._fail(
                job, "COMMITMENT_MISMATCH", "the on-chain commitment is not the stored one"
            )
        if not protocol.commit_open(r, now):
            return await self._miss(job, "commit", "the commit phase closed before the commit")
        assert job.commitment is not None
        assert job.model is not None
        instruction = ix.commit_result(
            authority=self.chain.authority,
            request=address,
            commitment=job.commitment,
            model=Pubkey.from_string(job.model),
            program_id=self.chain.program_id,
        )
        try:
            with self.metrics.stage("commit"):
                record = await self.chain.send(f"commit {job.request}", [instruction])
        except DFPNError as e:
            if e.code is ErrorCode.ALREADY_COMMITTED:
                return job  # the next step reads the seat
            if e.code is ErrorCode.COMMIT_PHASE_CLOSED:
                return await self._miss(job, "commit", "the commit phase closed before the commit")
            if e.code in _MODEL_REFUSALS:  # the answer's model cannot serve this request: nothing to commit
                return await self._refuse(job, e.code.value, str(e), media_uri(r))
            raise
        self.metrics.requests_committed.inc()
        self.metrics.verdicts.labels(verdict=Verdict.from_code(job.verdict or 0).value).inc()
        logger.info(
            "committed %s",
            job.request,
            extra={"event": "committed", "request": job.request, "tx": record.signature},
        )
        return await self.jobs.put(job.replace(phase=Phase.COMMITTED, commit_tx=record.signature))

    # ---- COMMITTED: reveal ------------------------------------------------------------------------------------

    async def _reveal(self, address: Pubkey, job: Job, r: Request, seat: Seat | None, now: int) -> Job | None:
        if seat is not None and seat.state == SEAT_STATE_REVEALED:
            return await self.jobs.put(job.replace(phase=Phase.REVEALED))
        if now >= r.deadline:
            return await self._miss(job, "reveal", "the deadline passed before the reveal")
        if protocol.reveal_open(r, now):
            return await self._send_reveal(address, job)
        if protocol.expirable(r, now):
            await self._expire(address, r, job)
        return await self.jobs.wait(job)

    async def _send_reveal(self, address: Pubkey, job: Job) -> Job | None:
        assert job.has_preimage
        instruction = ix.reveal_result(
            authority=self.chain.authority,
            request=address,
            verdict=job.verdict or 0,
            confidence=job.confidence or 0,
            report_hash=job.report_hash or b"",
            salt=job.salt or b"",
            report_uri=job.report_uri or "",
            program_id=self.chain.program_id,
        )
        try:
            with self.metrics.stage("reveal"):
                record = await self.chain.send(f"reveal {job.request}", [instruction])
        except DFPNError as e:
            if e.code in (ErrorCode.ALREADY_REVEALED, ErrorCode.REVEAL_PHASE_NOT_STARTED):
                return await self.jobs.wait(job)
            if e.code is ErrorCode.REVEAL_PHASE_CLOSED:
                return await self._miss(job, "reveal", "the reveal phase closed before the reveal")
            if e.code is ErrorCode.COMMITMENT_MISMATCH:
                return await self._fail(job, e.code.value, str(e))
            raise
        self.metrics.requests_revealed.inc()
        logger.info(
            "revealed %s",
            job.request,
            extra={"event": "revealed", "request": job.request, "tx": record.signature},
        )
        return await self.jobs.put(job.replace(phase=Phase.REVEALED, reveal_tx=record.signature))

    # ---- REVEALED: finalize; REFUSED / MISSED: follow -------------------------------------------------------

    async def _finalize(self, address: Pubkey, job: Job, r: Request, now: int) -> Job | None:
        """Finalize once anyone may (the grace period after the deadline is over); until then the client may
        finalize, and the next step reads that."""
        if not (self.config.finalize and protocol.finalizable_by_anyone(r, now)):
            return await self.jobs.wait(job)
        instruction = ix.finalize_request(request=address, request_data=r, program_id=self.chain.program_id)
        try:
            record = await self.chain.send(f"finalize {job.request}", [instruction])
        except DFPNError as e:
            if e.code not in _FINALIZE_LATER:
                raise
            self._finalize_later(job, e.code)
            return await self.jobs.wait(job)
        self.metrics.requests_finalized.inc()
        logger.info(
            "finalized %s",
            job.request,
            extra={"event": "finalized", "request": job.request, "tx": record.signature},
        )
        return await self.jobs.put(
            job.replace(finalize_tx=record.signature)
        )  # the next step reads the result

    # ---- REFUSED: give the seat back -----------------------------------------------------------------------

    async def _leave(self, address: Pubkey, job: Job, r: Request, seat: Seat | None, now: int) -> Job | None:
        """A refused job gives its seat back while the leave window is open (its bond is released); past it,
        the seat is held to the end (its bond is forfeited) and the job helps the request end."""
        if seat is None:  # the leave landed before the state recorded it (or the seat is gone otherwise)
            return await self._left(job, None)
        if seat.state not in (SEAT_STATE_JOINED, SEAT_STATE_DRAWN) or not protocol.leave_open(r, seat, now):
            return await self._follow(address, job, r, now)
        instruction = ix.leave_request(
            authority=self.chain.authority, request=address, program_id=self.chain.program_id
        )
        try:
            record = await self.chain.send(f"leave {job.request}", [instruction])
        except DFPNError as e:
            if e.code not in (
                ErrorCode.LEAVE_WINDOW_CLOSED,
                ErrorCode.NOT_JOINED,
                ErrorCode.ALREADY_COMMITTED,
            ):
                raise
            return await self.jobs.wait(job)  # the next step reads the seat and the clock again
        return await self._left(job, record.signature)

    async def _left(self, job: Job, signature: str | None) -> Job:
        self.metrics.requests_left.inc()
        logger.info(
            "left %s (refused: %s); seat bond released",
            job.request,
            job.error_code,
            extra={"event": "left", "request": job.request, "code": job.error_code, "tx": signature},
        )
        outcome = f"left the seat: {job.error_code or 'refused'}"
        return await self._finish(job, outcome, Phase.LEFT)

    # ---- MISSED / DONE: follow ------------------------------------------------------------------------------

    async def _follow(self, address: Pubkey, job: Job, r: Request, now: int) -> Job | None:
        """REFUSED / MISSED: nothing to send for ourselves; help the request end so the seat is released."""
        if protocol.expirable(r, now):
            await self._expire(address, r, job)
        elif self.config.finalize and protocol.finalizable_by_anyone(r, now):
            with contextlib.suppress(DFPNError):
                await self.chain.send(
                    f"finalize {job.request}",
                    [ix.finalize_request(request=address, request_data=r, program_id=self.chain.program_id)],
                )
                self.metrics.requests_finalized.inc()
        return await self.jobs.wait(job)

    def _finalize_later(self, job: Job, code: ErrorCode) -> None:
        logger.info(
            "finalize of %s not possible yet (%s); retrying later",
            job.request,
            code.value,
            extra={"event": "finalize_later", "request": job.request, "code": code.value},
        )

    async def _expire(self, address: Pubkey, r: Request, job: Job) -> None:
        if not self.config.expire:
            return
        try:
            await self.chain.send(
                f"expire {job.request}",
                [ix.expire_request(request=address, request_data=r, program_id=self.chain.program_id)],
            )
        except DFPNError as e:
            if e.code not in (ErrorCode.REQUEST_NOT_OPEN, ErrorCode.CANNOT_EXPIRE):
                raise
            return
        self.metrics.requests_expired.inc()
        logger.info("expired %s", job.request, extra={"event": "expired", "request": job.request})

    # ---- outcomes -----------------------------------------------------------------------------------------------

    async def _finish(self, job: Job, outcome: str, phase: Phase | None = None) -> Job:
        return await self.jobs.put(job.replace(finished=True, outcome=outcome, phase=phase or job.phase))

    async def _miss(self, job: Job, stage: str, why: str) -> Job:
        self.metrics.requests_missed.labels(stage=stage).inc()
        logger.warning(
            "missed %s: %s",
            job.request,
            why,
            extra={"event": "missed", "request": job.request, "stage": stage},
        )
        return await self.jobs.put(job.replace(phase=Phase.MISSED, error=why))

    async def _replaced(self, job: Job) -> Job:
        """The accepted seat is gone before the commit: replaced by a draw (not committed within half a commit window
        of its draw: the bond is forfeited), or given back by hand."""
        self.metrics.requests_missed.labels(stage="commit").inc()
        logger.warning(
            "lost the seat in %s before committing (replaced after half a commit window, or given back)",
            job.request,
            extra={"event": "missed", "request": job.request, "stage": "commit"},
        )
        why = "the seat was replaced (not committed within half a commit window of its draw) or given back"
        return await self._finish(job.replace(error=why), "seat lost before the commit", Phase.MISSED)

    async def _fail(self, job: Job, code: str, why: str) -> Job:
        self.metrics.errors.labels(stage=job.phase.value).inc()
        logger.error(
            "giving up on %s: %s",
            job.request,
            why,
            extra={"event": "failed", "request": job.request, "code": code},
        )
        return await self.jobs.put(job.replace(phase=Phase.FAILED, error_code=code, error=why, finished=True))


__all__ = ["SeatSteps"]
