"""Scripted workers for tests, demos and benchmarks: they accept the seats the draw gave them, write a report file,
commit and reveal the answers they are given, over any `Transport` (the embedded LiteSVM or JSON-RPC).

Seats are drawn (`draw_seats`; `AsyncDFPNClient.submit_request` draws right after submitting): `seated` says which
scripted workers a request drew, in seat order; only those may `join` (accept) it.

They run no detector and decide nothing: the reference worker node (`dfpn-worker`) is the real thing. These let a
test choose each answer and the timing of each phase.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import instructions as ix
from dfpn.commitment import commitment, derive_salt
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.generated.types import Request
from dfpn.models import ALL_MODALITIES, Modality, Verdict
from dfpn.pda import model_address
from dfpn.transport import TransactionRecord, Transport

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """What a scripted worker reports: a verdict, a confidence 0-100 and report detections."""

    verdict: Verdict
    confidence: int
    detections: tuple[dict[str, Any], ...] = ()


async def register_model(
    transport: Transport,
    developer: Keypair,
    model_id: str,
    *,
    payout_wallet: Pubkey | None = None,
    modalities: Iterable[Modality | int] | int = ALL_MODALITIES,
) -> Pubkey:
    """Register `model_id` by `developer` (funded) for `modalities` (default: all); returns the model's address,
    which is what workers declare and commit with."""
    await transport.send_transaction(
        [
            ix.register_model(
                developer=developer.pubkey(),
                model_id=model_id,
                payout_wallet=payout_wallet or developer.pubkey(),
                modalities=modalities,
                program_id=transport.program_id,
            )
        ],
        [developer],
    )
    return model_address(developer.pubkey(), model_id, transport.program_id)


@dataclass
class ScriptedWorker:
    """A registered worker whose answers are given by the caller."""

    transport: Transport
    keypair: Keypair
    reports_dir: Path
    #: The address of the model it declares and answers with (`dfpn.pda.model_address(developer, model_id)`).
    model: Pubkey
    _answers: dict[Pubkey, tuple[Answer, bytes, bytes, str]] = field(default_factory=dict)

    @property
    def pubkey(self) -> Pubkey:
        return self.keypair.pubkey()

    @classmethod
    async def register(
        cls,
        transport: Transport,
        keypair: Keypair,
        reports_dir: Path,
        model: Pubkey,
        stake: int = LAMPORTS_PER_SOL,
        modalities: Iterable[Modality | int] | int = ALL_MODALITIES,
    ) -> ScriptedWorker:
        """Register `keypair` (already funded with `stake` plus fees and rent) as a worker for `modalities` (default:
        every one; only requests for modalities it declares draw it), declaring the model at address `model`."""
        await transport.send_transaction(
            [
                ix.register_worker(
                    authority=keypair.pubkey(),
                    stake=stake,
                    modalities=modalities,
                    models=[model],
                    program_id=transport.program_id,
                )
            ],
            [keypair],
        )
        return cls(transport, keypair, reports_dir, model)

    async def _send(self, instruction: Any) -> TransactionRecord:
        return await self.transport.send_transaction([instruction], [self.keypair])

    async def join(self, request: Pubkey) -> TransactionRecord:
        """Accept the seat the draw gave this worker (`join_request`; `NOT_DRAWN` when it has none)."""
        return await self._send(
            ix.join_request(authority=self.pubkey, request=request, program_id=self.transport.program_id)
        )

    async def leave(self, request: Pubkey) -> TransactionRecord:
        """Give the seat back (within half a commit window of its draw, nothing committed): an accepted seat's bond
        is released; the seat is drawn again."""
        return await self._send(
            ix.leave_request(authority=self.pubkey, request=request, program_id=self.transport.program_id)
        )

    async def commit(
        self, request: Pubkey, answer: Answer, *, report_fields: Mapping[str, Any] | None = None
    ) -> TransactionRecord:
        """Write the report file (with `report_fields` added, e.g. a reference worker's `version` and
        `detectors`), then commit to (verdict, confidence, model, report hash, salt); the model is fixed in the
        seat by the commit."""
        report = json.dumps(
            {
                "request": str(request),
                "worker": str(self.pubkey),
                "model": str(self.model),
                "verdict": answer.verdict.value,
                "confidence": answer.confidence,
                "detections": list(answer.detections),
                **(report_fields or {}),
            }
        ).encode()
        # Report URIs are at most 128 bytes on-chain: keep the file name short.
        name = hashlib.sha256(bytes(request) + bytes(self.pubkey)).hexdigest()[:12]
        path = self.reports_dir / f"{name}.json"
        path.write_bytes(report)
        report_hash = hashlib.sha256(report).digest()
        salt = derive_salt(self.keypair, request)
        c = commitment(
            request=request,
            worker=self.pubkey,
            verdict=answer.verdict,
            confidence=answer.confidence,
            model=self.model,
            report_hash=report_hash,
            salt=salt,
        )
        self._answers[request] = (answer, report_hash, salt, path.as_uri())
        return await self._send(
            ix.commit_result(
                authority=self.pubkey,
                request=request,
                commitment=c,
                model=self.model,
                program_id=self.transport.program_id,
            )
        )

    async def reveal(self, request: Pubkey) -> TransactionRecord:
        answer, report_hash, salt, uri = self._answers[request]
        return await self._send(
            ix.reveal_result(
                authority=self.pubkey,
                request=request,
                verdict=answer.verdict,
                confidence=answer.confidence,
                report_hash=report_hash,
                salt=salt,
                report_uri=uri,
                program_id=self.transport.program_id,
            )
        )


async def seated(
    transport: Transport, request: Pubkey, workers: Iterable[ScriptedWorker]
) -> list[ScriptedWorker]:
    """The workers of `workers` that hold a seat of `request` (drawn or accepted), in seat order."""
    account = await transport.get_account(request)
    if account is None:
        return []
    r = Request.from_account_data(account.data)
    by_key = {w.pubkey: w for w in workers}
    return [by_key[s.authority] for s in r.seats[: r.joined] if s.authority in by_key]


__all__ = ["Answer", "ScriptedWorker", "register_model", "seated"]
