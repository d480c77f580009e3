"""What the public endpoints (``/v1/public/...``, no API key) return: a request's verdict and evidence as the chain
and the workers' committed reports have them, and the network's dashboard. Nothing here comes from the gateway's
database: every field is read from the program's accounts and transactions, or from a report whose SHA-256 was
checked against the hash its worker committed on-chain.

Outputs are camelCase like the rest of the API (`dfpn_gateway.schemas`).
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from dfpn_gateway.schemas import ModalityName

logger = logging.getLogger(__name__)

VerdictName = Literal["Authentic", "Manipulated", "Inconclusive"]
ConsensusName = Literal["None", "Unanimous", "Supermajority", "Majority"]
PublicStatus = Literal["Open", "Finalized", "Expired"]
SeatStateName = Literal["Drawn", "Joined", "Committed", "Revealed"]
#: Where an open request stands by the program's phase rules (`dfpn.protocol`) at the cluster's time.
PhaseName = Literal["committing", "revealing", "finalizing", "expiring", "finalized", "expired"]
BandLevel = Literal["high", "moderate", "inconclusive"]
ReportStatus = Literal["verified", "mismatch", "unavailable", "pending"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, alias_generator=to_camel)


class Band(_Out):
    """The confidence band of a verdict, in the specification's words: 80-100 high, 50-79 moderate, below 50
    treat as inconclusive (docs/verdicts.md)."""

    level: BandLevel
    label: str = Field(description='"80-100: high", "50-79: moderate" or "below 50: treat as inconclusive"')


class PublicRegion(_Out):
    """A rectangle in the media (pixels of the stored image or video frame)."""

    x: float
    y: float
    w: float
    h: float


class PublicDetection(_Out):
    """One finding of a report. `time` (seconds) places a region on a video frame; `start`/`end` (seconds) mark a
    span of audio or video. Reports that do not give them leave them null."""

    type: str
    confidence: float
    region: PublicRegion | None = None
    time: float | None = None
    start: float | None = None
    end: float | None = None


class DetectorFinding(_Out):
    """One detector's answer inside a worker's report (the reference worker lists every detector it ran)."""

    model_id: str
    verdict: str
    confidence: float
    detections: list[PublicDetection] = Field(default_factory=list)
    notes: str = ""


class ReportContent(_Out):
    """The parts of a verified report the page shows."""

    version: str | None = None
    model_id: str | None = None
    verdict: str | None = None
    confidence: float | None = None
    detections: list[PublicDetection] = Field(default_factory=list)
    detectors: list[DetectorFinding] = Field(default_factory=list)
    notes: str = ""


class ReportCheck(_Out):
    """A worker's committed report, fetched from the URI it revealed and checked against the report hash it
    committed on-chain. Its content is shown only when the hashes match."""

    status: ReportStatus = Field(
        description="verified: fetched, SHA-256 equals the committed hash; mismatch: fetched, it differs (nothing "
        "of it is shown); unavailable: could not be fetched (see message); pending: not revealed yet"
    )
    sha256: str | None = Field(default=None, description="SHA-256 of the bytes fetched (hex)")
    size: int | None = None
    message: str | None = None
    url: str | None = Field(default=None, description="This gateway's copy of the verified bytes")
    content: ReportContent | None = None


class PublicSeat(_Out):
    index: int
    worker: str = Field(description="The worker's operator key")
    state: SeatStateName
    drawn_at: int = Field(description="Unix time (cluster clock) of the seat's draw")
    model: str | None = Field(default=None, description="Model address fixed at commit")
    model_id: str | None = None
    commitment: str | None = None
    verdict: VerdictName | None = None
    confidence: int | None = None
    report_uri: str | None = None
    report_hash: str | None = Field(
        default=None, description="The report hash committed and revealed on-chain"
    )
    report: ReportCheck | None = None


class TimelineEntry(_Out):
    """A program event of the request, in the order its transactions landed."""

    event: str
    signature: str
    slot: int
    time: int | None = Field(default=None, description="Unix time when the chain gives one")
    worker: str | None = None
    seat: int | None = None
    detail: str | None = None


class PublicAudit(_Out):
    request_tx: str | None
    finalize_tx: str | None
    worker_count: int
    commit_count: int
    reveal_count: int


class SeatCounts(_Out):
    drawn: int
    accepted: int
    commits: int
    reveals: int


class VerifyYourself(_Out):
    """How anyone checks this request without trusting this gateway."""

    network: str
    shareable: bool = Field(
        description="False on an embedded network, whose chain lives only in this gateway"
    )
    cli: list[str]
    python: str
    note: str


class PublicRequest(_Out):
    """A request as the chain and its workers' committed reports tell it."""

    id: str
    network: str
    program_id: str
    status: PublicStatus
    phase: PhaseName
    now: int = Field(description="The cluster's unix time when this was read")
    client: str
    modalities: list[ModalityName]
    min_workers: int
    max_workers: int
    content_hash: str
    storage_uri: str
    media_url: str = Field(description="This gateway's copy of the media, served only if its SHA-256 matches")
    created_at: int
    commit_deadline: int
    deadline: int
    finalized_at: int | None
    fee_lamports: int
    charged_lamports: int | None = Field(
        description="What the finalized request charged (the rest was refunded)"
    )
    verdict: VerdictName | None
    confidence: int | None
    band: Band | None
    consensus_type: ConsensusName | None
    challenged: bool
    challenge_label: VerdictName | None
    counts: SeatCounts
    seats: list[PublicSeat]
    timeline: list[TimelineEntry]
    audit: PublicAudit
    verify: VerifyYourself


class PublicTransaction(_Out):
    signature: str
    slot: int
    time: int | None
    accounts: list[str]
    events: list[dict[str, object]]
    logs: list[str]


class PublicInfo(_Out):
    """What the page needs to know about this gateway before anything else."""

    network: str
    program_id: str
    shareable: bool
    explorer: str | None = Field(description="Transaction explorer URL template with {signature}, or null")
    max_bytes: dict[str, int] = Field(description="Upload limit per media kind")
    default_min_workers: int
    formats: dict[str, list[str]] = Field(description="Accepted MIME types per media kind")


class ChallengeScore(_Out):
    correct: int
    wrong: int
    missed: int
    total: int
    accuracy: float | None


class WorkerRow(_Out):
    authority: str
    stake: int
    reputation: int = Field(description="0-10 000; 6 250 at registration")
    active_seats: int
    jobs_done: int
    jobs_agreed: int
    slashed_total: int
    rewards: int
    registered_at: int
    unbonding: bool
    modalities: list[ModalityName] = Field(
        description="What it declared it analyses (only such requests draw it)"
    )
    models: list[str]
    seats_held: int = Field(description="Seats it held in finished requests still on-chain")
    seats_answered: int = Field(description="Of those, seats it committed")
    uptime: float | None = Field(description="seats_answered / seats_held; null before any")
    challenges: ChallengeScore


class RecentVerdict(_Out):
    id: str
    created_at: int
    finalized_at: int | None
    status: PublicStatus
    verdict: VerdictName | None
    confidence: int | None
    band: Band | None
    consensus_type: ConsensusName | None
    modalities: list[ModalityName]
    workers: int


class FeeRecipient(_Out):
    kind: Literal["worker", "model", "treasury", "insurance"]
    address: str | None
    label: str
    lamports: int
    requests: int


class SeriesBucket(_Out):
    start: int
    submitted: int
    finalized: int
    expired: int
    latency_p50: float | None
    latency_p95: float | None
    latency_max: float | None


class RequestTotals(_Out):
    total: int
    open: int
    finalized: int
    expired: int


class NetworkView(_Out):
    network: str
    program_id: str
    now: int
    workers: list[WorkerRow]
    recent: list[RecentVerdict]
    fees_total: int
    fees: list[FeeRecipient]
    bucket_seconds: int
    series: list[SeriesBucket]
    requests: RequestTotals
    scanned: int = Field(description="Request accounts read (the newest, at most the scan limit)")
    truncated: bool


__all__ = [
    "Band",
    "BandLevel",
    "ChallengeScore",
    "DetectorFinding",
    "FeeRecipient",
    "NetworkView",
    "PublicAudit",
    "PublicDetection",
    "PublicInfo",
    "PublicRegion",
    "PublicRequest",
    "PublicSeat",
    "PublicTransaction",
    "RecentVerdict",
    "ReportCheck",
    "ReportContent",
    "RequestTotals",
    "SeatCounts",
    "SeriesBucket",
    "TimelineEntry",
    "VerifyYourself",
    "WorkerRow",
]
