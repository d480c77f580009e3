"""What SDK users see: frozen pydantic v2 models.

`model_dump(by_alias=True)` (or `model_dump_json(by_alias=True)`) gives the camelCase result format of the protocol
sheet: `verdict, confidence, consensusType, workerResults: [{worker, model, modelId, verdict, confidence,
detections: [{type, region {x,y,w,h}, confidence}]}], audit: {requestTx, finalizeTx, workerCount, commitCount,
revealCount}` (`model` is the model's address; model ids are scoped by the developer that registered them).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from dfpn.generated import constants as c

logger = logging.getLogger(__name__)


class Modality(IntEnum):
    """A kind of analysis; the value is the modality's bit in the program's `u8` mask."""

    IMAGE_AUTHENTICITY = c.MODALITY_IMAGE_AUTHENTICITY
    FACE_MANIPULATION = c.MODALITY_FACE_MANIPULATION
    AI_GENERATED_IMAGE = c.MODALITY_AI_GENERATED_IMAGE
    VIDEO_AUTHENTICITY = c.MODALITY_VIDEO_AUTHENTICITY
    VOICE_CLONING = c.MODALITY_VOICE_CLONING

    @classmethod
    def mask(cls, modalities: Iterable[Modality | int]) -> int:
        """The program's bitmask for a set of modalities."""
        m = 0
        for item in modalities:
            m |= int(cls(item))
        return m

    @classmethod
    def from_mask(cls, mask: int) -> list[Modality]:
        """The modalities named by a bitmask, in bit order (unknown bits are ignored)."""
        return [m for m in cls if mask & m]

    @classmethod
    def parse(cls, name: str | int | Modality) -> Modality:
        """A modality from any of its spellings: the Python name (`FACE_MANIPULATION`), the IDL/TypeScript name
        (`FaceManipulation`), kebab or snake case in any letter case, a short name (`face`, `image`, `ai-image`,
        `video`, `voice`, `audio`) or the bit value. `ValueError` names the accepted spellings."""
        if isinstance(name, int):
            return cls(name)
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name.strip()).replace("-", "_").upper()
        if words in cls.__members__:
            return cls[words]
        if words.lower() in MODALITY_SHORT_NAMES:
            return MODALITY_SHORT_NAMES[words.lower()]
        accepted = ", ".join([*(m.name for m in cls), *MODALITY_SHORT_NAMES])
        raise ValueError(f"unknown modality {name!r} (one of: {accepted}; any case, - or _)")


#: Short names of the modalities (the CLIs' `--modality face`), keyed in snake case.
MODALITY_SHORT_NAMES: dict[str, Modality] = {
    "image": Modality.IMAGE_AUTHENTICITY,
    "face": Modality.FACE_MANIPULATION,
    "ai_image": Modality.AI_GENERATED_IMAGE,
    "video": Modality.VIDEO_AUTHENTICITY,
    "voice": Modality.VOICE_CLONING,
    "audio": Modality.VOICE_CLONING,
}

#: Every modality's bit: the mask a worker uses to accept any request.
ALL_MODALITIES = Modality.mask(Modality)


class Verdict(StrEnum):
    """A verdict; `code` is the program's byte."""

    INCONCLUSIVE = "Inconclusive"
    AUTHENTIC = "Authentic"
    MANIPULATED = "Manipulated"

    @property
    def code(self) -> int:
        return _VERDICT_CODES[self]

    @classmethod
    def from_code(cls, code: int) -> Verdict:
        return _VERDICTS[code]


_VERDICT_CODES = {
    Verdict.INCONCLUSIVE: c.VERDICT_INCONCLUSIVE,
    Verdict.AUTHENTIC: c.VERDICT_AUTHENTIC,
    Verdict.MANIPULATED: c.VERDICT_MANIPULATED,
}
_VERDICTS = {code: v for v, code in _VERDICT_CODES.items()}


class ConsensusType(StrEnum):
    """How strongly the revealed, reputation-weighted verdicts agreed; `code` is the program's byte."""

    NONE = "None"
    UNANIMOUS = "Unanimous"
    SUPERMAJORITY = "Supermajority"
    MAJORITY = "Majority"

    @property
    def code(self) -> int:
        return _CONSENSUS_CODES[self]

    @classmethod
    def from_code(cls, code: int) -> ConsensusType:
        return _CONSENSUS[code]


_CONSENSUS_CODES = {
    ConsensusType.NONE: c.CONSENSUS_NONE,
    ConsensusType.UNANIMOUS: c.CONSENSUS_UNANIMOUS,
    ConsensusType.SUPERMAJORITY: c.CONSENSUS_SUPERMAJORITY,
    ConsensusType.MAJORITY: c.CONSENSUS_MAJORITY,
}
_CONSENSUS = {code: v for v, code in _CONSENSUS_CODES.items()}


class RequestStatus(StrEnum):
    OPEN = "Open"
    FINALIZED = "Finalized"
    EXPIRED = "Expired"

    @classmethod
    def from_code(cls, code: int) -> RequestStatus:
        return _STATUSES[code]


class SeatState(StrEnum):
    """A seat's state: drawn for a worker (`draw_seats`), accepted by it (`join_request`, bond locked), then
    committed and revealed."""

    DRAWN = "Drawn"
    JOINED = "Joined"
    COMMITTED = "Committed"
    REVEALED = "Revealed"

    @classmethod
    def from_code(cls, code: int) -> SeatState:
        return _SEAT_STATES[code]


_STATUSES = {
    c.REQUEST_STATUS_OPEN: RequestStatus.OPEN,
    c.REQUEST_STATUS_FINALIZED: RequestStatus.FINALIZED,
    c.REQUEST_STATUS_EXPIRED: RequestStatus.EXPIRED,
}
_SEAT_STATES = {
    c.SEAT_STATE_DRAWN: SeatState.DRAWN,
    c.SEAT_STATE_JOINED: SeatState.JOINED,
    c.SEAT_STATE_COMMITTED: SeatState.COMMITTED,
    c.SEAT_STATE_REVEALED: SeatState.REVEALED,
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, alias_generator=to_camel, extra="ignore")


class Region(_Frozen):
    """A rectangle in the media (pixels, or the report's own unit)."""

    x: float
    y: float
    w: float
    h: float


class Detection(_Frozen):
    """One finding in a worker's report."""

    type: str
    region: Region | None = None
    confidence: float


class WorkerResult(_Frozen):
    """One revealed worker's answer, with the detections from its report."""

    worker: str
    #: The address of the model the worker answered with (fixed in its seat at commit).
    model: str
    #: The id that model was registered with (read from its account; None when it could not be read).
    model_id: str | None
    verdict: Verdict
    confidence: int
    detections: list[Detection] = Field(default_factory=list)
    report_uri: str = ""
    report_hash: str = ""
    #: True when the report was fetched and its SHA-256 matched the committed report hash.
    report_verified: bool = False


class Audit(_Frozen):
    """Where to check the result on-chain."""

    request_tx: str | None
    finalize_tx: str | None
    worker_count: int
    commit_count: int
    reveal_count: int


class AnalysisResult(_Frozen):
    """The finalized result of a request."""

    request_id: str
    verdict: Verdict
    confidence: int
    consensus_type: ConsensusType
    worker_results: list[WorkerResult]
    audit: Audit
    #: The fee the request charged: the whole fee with a consensus, the no-consensus share of it without one
    #: (the rest of the escrow went back to the client).
    fee_lamports: int


class SeatInfo(_Frozen):
    """A seat of a request as stored on-chain."""

    worker: str
    state: SeatState
    #: The address of the model the seat committed with (None before the commit).
    model: str | None
    verdict: Verdict | None
    confidence: int | None
    report_uri: str | None
    report_hash: str | None
    commitment: str | None
    #: When the worker was drawn for the seat (cluster unix time): it may give the seat back until half a commit
    #: window later (`dfpn.protocol.answer_by`), when a seat not committed yet may be replaced.
    drawn_at: int = 0


class RequestInfo(_Frozen):
    """A request account, decoded."""

    id: str
    client: str
    nonce: int
    status: RequestStatus
    content_hash: str
    storage_uri: str
    modalities: list[Modality]
    min_workers: int
    max_workers: int
    joined: int
    commits: int
    reveals: int
    verdict: Verdict
    confidence: int
    consensus_type: ConsensusType
    fee_lamports: int
    escrow_lamports: int
    created_at: int
    commit_deadline: int
    deadline: int
    finalized_at: int
    #: What a committed seat that does not reveal loses, in bps of its reward (fixed at submission).
    non_reveal_slash_bps: int
    #: What a worker failing a revealed known-answer challenge loses, in bps of its stake (fixed at submission).
    challenge_slash_bps: int
    #: The request's 32-byte attestation (hex): random bytes, or a challenger's commitment to the true label.
    attestation: str
    #: The known answer once the request's challenger revealed it (`reveal_challenge`); None for an ordinary
    #: request or a challenge not (yet) revealed.
    challenge_label: Verdict | None
    seats: list[SeatInfo]


class SubmittedRequest(_Frozen):
    """What `submit_request` returns: the request id (its address) and what was recorded."""

    id: str
    nonce: int
    signature: str
    client: str
    content_hash: str
    storage_uri: str
    modalities: list[Modality]
    min_workers: int
    max_workers: int
    fee_lamports: int
    max_fee_lamports: int
    commit_deadline: int
    deadline: int
    #: The attestation sent (hex): random bytes, or a challenge's attestation ("" when not known).
    attestation: str = ""
    #: The workers (operator keys) drawn into its seats right after the submission (`submit_request(draw=True)`),
    #: in seat order; empty when it was not drawn then (the workers' crank or `wait_for_result` draws it).
    drawn: list[str] = Field(default_factory=list)


class FeeEstimate(_Frozen):
    """A fee in both units, named: `lamports` (exact, what the program records) and `sol` (a `Decimal`, exact too).
    `submit_request(max_fee=estimate)` escrows exactly it."""

    lamports: int
    sol: Decimal

    @classmethod
    def from_lamports(cls, lamports: int) -> FeeEstimate:
        return cls(lamports=lamports, sol=Decimal(lamports) / LAMPORTS_PER_SOL_DECIMAL)

    def __str__(self) -> str:
        return f"{self.sol.normalize():f} SOL ({self.lamports:,} lamports)"


LAMPORTS_PER_SOL_DECIMAL = Decimal(1_000_000_000)

#: The stages `analyze` / `wait_for_result(progress=...)` report, in order.
ProgressStage = Literal["uploading", "submitted", "drawn", "committed", "revealed", "finalized"]


class AnalysisProgress(_Frozen):
    """Where a request stands, as `analyze(progress=...)` and `wait_for_result(progress=...)` report it (a new
    report whenever something changed). The same stages and (camelCase) fields as the TypeScript SDK's."""

    stage: ProgressStage
    request_id: str | None = None
    #: Seats drawn (or taken), accepted by their workers, committed and revealed, of `min_workers` needed.
    seats_drawn: int = 0
    accepted: int = 0
    commits: int = 0
    reveals: int = 0
    min_workers: int = 0
    #: Upload progress in bytes (stage "uploading").
    bytes_sent: int = 0
    bytes_total: int = 0
    #: Seconds since the call started.
    elapsed_seconds: float = 0.0


class DrawResult(_Frozen):
    """What `draw_seats` did to a request's seats."""

    request_id: str
    #: Workers (operator keys) seated by these draws, in the order drawn (`SeatDrawn` events).
    drawn: list[str]
    #: Workers whose seat was not committed half a commit window after its draw: replaced, bond forfeited.
    replaced: list[str]
    #: The `draw_seats` transactions sent.
    signatures: list[str]
    #: Seats drawn or taken after the draws, of `max_workers`.
    joined: int
    max_workers: int


__all__ = [
    "ALL_MODALITIES",
    "MODALITY_SHORT_NAMES",
    "AnalysisProgress",
    "AnalysisResult",
    "Audit",
    "ConsensusType",
    "Detection",
    "DrawResult",
    "FeeEstimate",
    "Modality",
    "ProgressStage",
    "Region",
    "RequestInfo",
    "RequestStatus",
    "SeatInfo",
    "SeatState",
    "SubmittedRequest",
    "Verdict",
    "WorkerResult",
]
