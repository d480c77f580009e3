"""The public side of the gateway: what anyone may read without an API key (``/v1/public/...``) and the web page
serves from. `PublicService` builds a request's verdict and evidence from the chain and the workers' committed
reports only, and the network's dashboard from the program's accounts: never from the gateway's database, so
nothing shown there is something the gateway could have changed.

Reports and media are read from URIs someone else wrote on-chain, i.e. hostile input: through the SDK's bounded
reader (`dfpn.storage.read_uri`, with the client's destination policy: public addresses only, loopback and
file:// only on a network running on this machine), with a size cap, a total deadline and a bound on fetches in
flight. A report is shown only when the SHA-256 of the bytes fetched equals the report hash its worker committed;
media is served only when its SHA-256 equals the request's content hash. Bytes that do not match are never passed
on, so a URI naming some other file can reveal nothing but that it does not match.

Everything public is rate-limited per client address (`PublicSettings.rate`), as keys are per key.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import shlex
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from solders.pubkey import Pubkey

from dfpn import protocol
from dfpn import storage as sdk_storage
from dfpn.borsh import BorshError
from dfpn.client import AsyncDFPNClient
from dfpn.errors import DFPNError, ErrorCode
from dfpn.events import parse_logs
from dfpn.generated.constants import (
    CONSENSUS_NONE,
    REQUEST_STATUS_FINALIZED,
    REQUEST_STATUS_OPEN,
    SEAT_STATE_COMMITTED,
    SEAT_STATE_DRAWN,
    SEAT_STATE_REVEALED,
)
from dfpn.generated.events import Event
from dfpn.generated.types import (
    ChallengeRevealed,
    Model,
    RequestExpired,
    RequestFinalized,
    RequestSubmitted,
    ResultCommitted,
    ResultRevealed,
    SeatDrawn,
    Worker,
    WorkerJoined,
    WorkerLeft,
    WorkerPaid,
    WorkerSlashed,
)
from dfpn.generated.types import Request as RequestAccount
from dfpn.models import ConsensusType, Modality, RequestStatus, SeatState, Verdict
from dfpn.pda import decode_model_id
from dfpn.rpc import NETWORK_ALIASES, NETWORKS, RpcTransport
from dfpn_gateway.auth import RateLimiter
from dfpn_gateway.errors import ApiError, GatewayCode
from dfpn_gateway.public_schemas import (
    Band,
    ChallengeScore,
    DetectorFinding,
    FeeRecipient,
    NetworkView,
    PhaseName,
    PublicAudit,
    PublicDetection,
    PublicInfo,
    PublicRegion,
    PublicRequest,
    PublicSeat,
    PublicTransaction,
    RecentVerdict,
    ReportCheck,
    ReportContent,
    RequestTotals,
    SeatCounts,
    SeriesBucket,
    TimelineEntry,
    VerifyYourself,
    WorkerRow,
)
from dfpn_gateway.redact import redact_url
from dfpn_gateway.schemas import NAME_OF_MODALITY
from dfpn_gateway.service import Gateway
from dfpn_gateway.sniff import ALL_TYPES, SNIFF_BYTES, MediaType, sniff
from dfpn_gateway.store import parse_rate

logger = logging.getLogger(__name__)

T = TypeVar("T")
MIB = 1024 * 1024

#: Most transactions of one request read for its timeline (a request has about 3 + 3 per seat, at most ~35; more
#: is someone naming the address in transactions of their own: the newest are read).
MAX_TIMELINE_TXS = 64
#: Most detections (per list), detectors and characters of a note kept from a report.
MAX_DETECTIONS = 200
MAX_DETECTORS = 32
MAX_NOTE_CHARS = 2000
MAX_TEXT_CHARS = 200
#: Finished requests listed as recent verdicts on the dashboard.
RECENT_VERDICTS = 20
#: Bucket widths the dashboard's series choose from (the smallest giving at most `MAX_BUCKETS` buckets).
BUCKET_CHOICES = (60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400)
MAX_BUCKETS = 48


class PublicSettings(BaseSettings):
    """Limits of the public endpoints: ``DFPN_GATEWAY_PUBLIC_<FIELD>`` in the environment, or by keyword."""

    model_config = SettingsConfigDict(env_prefix="DFPN_GATEWAY_PUBLIC_", frozen=True, extra="ignore")

    #: Calls per client address (by socket peer) to the public JSON and media endpoints.
    rate: str = "300/min"
    #: Largest media this gateway reads from a request's storage URI to serve it to the page.
    media_max_bytes: int = Field(default=64 * MIB, gt=0)
    #: Largest report read from a worker's report URI.
    report_max_bytes: int = Field(default=2 * MIB, gt=0, le=sdk_storage.MAX_REPORT_BYTES)
    #: Total deadline of one media or report fetch.
    fetch_timeout: float = Field(default=20.0, gt=0)
    #: Media and report fetches in flight at once (the rest wait).
    fetches_in_flight: int = Field(default=4, ge=1)
    #: Memory for verified media and reports kept to serve again.
    cache_bytes: int = Field(default=128 * MIB, ge=0)
    #: An open request's view is read again after this many seconds; a finished one is kept.
    open_cache_seconds: float = Field(default=1.0, ge=0)
    #: A failed report fetch is tried again after this many seconds.
    retry_failed_seconds: float = Field(default=15.0, ge=0)
    #: The dashboard is computed again after this many seconds.
    network_cache_seconds: float = Field(default=10.0, ge=0)
    #: Most request accounts the dashboard reads (the newest).
    max_requests_scanned: int = Field(default=5000, ge=1)


def band(confidence: int) -> Band:
    """The specification's confidence band: 80-100 high, 50-79 moderate, below 50 treat as inconclusive."""
    if confidence >= 80:
        return Band(level="high", label="80-100: high")
    if confidence >= 50:
        return Band(level="moderate", label="50-79: moderate")
    return Band(level="inconclusive", label="below 50: treat as inconclusive")


class ByteCache:
    """An LRU of byte strings within a total size."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self._items: OrderedDict[str, bytes] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        data = self._items.get(key)
        if data is not None:
            self._items.move_to_end(key)
        return data

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.budget:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.size -= len(old)
        self._items[key] = data
        self.size += len(data)
        while self.size > self.budget:
            _, dropped = self._items.popitem(last=False)
            self.size -= len(dropped)


class Lru(OrderedDict[str, T]):
    """A small LRU dict (`limit` entries)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: str, value: T) -> T:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)
        return value


@dataclass
class _Lock:
    lock: asyncio.Lock
    users: int = 0


@dataclass(frozen=True)
class _ReportFetch:
    """A report check, and when it was made (a failed one is tried again later)."""

    check: ReportCheck
    at: float


def parse_address(value: str) -> Pubkey:
    """A request address (base58), or 400 INVALID_ARGUMENT saying what it should look like."""
    try:
        return Pubkey.from_string(value)
    except ValueError:
        shown = value if len(value) <= 64 else value[:61] + "..."
        raise ApiError(
            400,
            ErrorCode.INVALID_ARGUMENT.value,
            f"{shown!r} is not a request address (a base58 public key of 32 bytes, 32-44 characters)",
        ) from None


def _text(value: object, limit: int = MAX_TEXT_CHARS) -> str:
    text = value if isinstance(value, str) else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_detection(item: object) -> PublicDetection | None:
    """One detection of a report, or None when it is not one (a report is someone else's JSON)."""
    if not isinstance(item, dict):
        return None
    confidence = _number(item.get("confidence"))
    kind = item.get("type")
    if confidence is None or not isinstance(kind, str):
        return None
    region = None
    raw = item.get("region")
    if isinstance(raw, dict):
        values = [_number(raw.get(k)) for k in ("x", "y", "w", "h")]
        if all(v is not None and v >= 0 for v in values):
            x, y, w, h = (float(v or 0) for v in values)
            region = PublicRegion(x=x, y=y, w=w, h=h)

    def seconds(name: str) -> float | None:
        value = _number(item.get(name))
        return value if value is not None and value >= 0 else None

    return PublicDetection(
        type=_text(kind),
        confidence=confidence,
        region=region,
        time=seconds("time"),
        start=seconds("start"),
        end=seconds("end"),
    )


def _detections(items: object) -> list[PublicDetection]:
    if not isinstance(items, list):
        return []
    found = (parse_detection(d) for d in items[:MAX_DETECTIONS])
    return [d for d in found if d is not None]


def parse_report(data: bytes) -> ReportContent:
    """What the page shows of a (verified) report: the worker's answer, its detections and, for the reference
    worker's reports, each detector's finding. Anything unexpected is left out."""
    try:
        report = json.loads(data)
    except ValueError:
        return ReportContent(notes="the report is not JSON")
    if not isinstance(report, dict):
        return ReportContent(notes="the report is not a JSON object")
    detectors: list[DetectorFinding] = []
    raw = report.get("detectors")
    for d in raw[:MAX_DETECTORS] if isinstance(raw, list) else []:
        if not isinstance(d, dict):
            continue
        detectors.append(
            DetectorFinding(
                model_id=_text(d.get("modelId")) or "?",
                verdict=_text(d.get("verdict")) or "?",
                confidence=_number(d.get("confidence")) or 0.0,
                detections=_detections(d.get("detections")),
                notes=_text(d.get("notes"), MAX_NOTE_CHARS),
            )
        )
    notes = report.get("notes")
    if isinstance(notes, list):
        notes = "; ".join(n for n in notes if isinstance(n, str))
    return ReportContent(
        version=_text(report.get("version")) or None,
        model_id=_text(report.get("modelId")) or None,
        verdict=_text(report.get("verdict")) or None,
        confidence=_number(report.get("confidence")),
        detections=_detections(report.get("detections")),
        detectors=detectors,
        notes=_text(notes, MAX_NOTE_CHARS),
    )


def fetch_command(uri: str) -> str:
    """A shell command printing the SHA-256 of what `uri` holds (quoted: the URI was written by a worker)."""
    parts = urlsplit(uri)
    if parts.scheme == "ipfs":
        return f"ipfs cat {shlex.quote(parts.netloc + parts.path)} | sha256sum"
    if parts.scheme == "s3":
        return f"aws s3 cp {shlex.quote(uri)} - | sha256sum"
    if parts.scheme == "file":
        return f"sha256sum {shlex.quote(str(sdk_storage.path_from_file_uri(uri)))}"
    return f"curl -sS {shlex.quote(uri)} | sha256sum"


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


class PublicService:
    """The public endpoints' work, on the gateway's runtime (its SDK client and media backends)."""

    def __init__(self, gw: Gateway, settings: PublicSettings | None = None) -> None:
        self.gw = gw
        self.settings = settings or PublicSettings()
        self.rate = parse_rate(self.settings.rate)
        self.limiter = RateLimiter()
        self._fetches = asyncio.Semaphore(self.settings.fetches_in_flight)
        self._bytes = ByteCache(self.settings.cache_bytes)
        self._finished: Lru[PublicRequest] = Lru(256)
        self._open: dict[str, tuple[float, PublicRequest]] = {}
        self._reports: Lru[_ReportFetch] = Lru(1024)
        self._txs: Lru[tuple[int, tuple[str, ...], tuple[Pubkey, ...]]] = Lru(2048)
        self._block_times: Lru[int | None] = Lru(4096)
        self._model_ids: dict[str, str | None] = {}
        self._locks: dict[str, _Lock] = {}
        self._network: tuple[float, NetworkView] | None = None

    # ---- common ----------------------------------------------------------------------------------------------

    def check_rate(self, client_address: str) -> None:
        """429 RATE_LIMITED when this client address is over the public rate."""
        wait = self.limiter.check(f"ip:{client_address}", self.rate)
        if wait > 0:
            raise ApiError(
                429,
                GatewayCode.RATE_LIMITED,
                f"over this gateway's public rate of {self.rate} per client address; retry in {wait:.1f} s",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )

    @property
    def client(self) -> AsyncDFPNClient:
        return self.gw.rt.client

    async def _single(self, key: str, make: Callable[[], Awaitable[T]]) -> T:
        """`make()` with at most one at a time per `key` (viewers polling the same request share one read); the
        lock is dropped when nobody holds or waits for it, so random keys do not pile up."""
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = _Lock(asyncio.Lock())
        entry.users += 1
        try:
            async with entry.lock:
                return await make()
        finally:
            entry.users -= 1
            if entry.users == 0:
                self._locks.pop(key, None)

    def network_name(self) -> str:
        network = self.gw.settings.network
        name = NETWORK_ALIASES.get(network, network)
        return name if name == "local" or name in NETWORKS else redact_url(network)

    def explorer(self) -> str | None:
        """A transaction explorer URL template for this network (a link only: the page requests nothing from it)."""
        name = self.network_name()
        if name in ("devnet", "testnet"):
            return f"https://explorer.solana.com/tx/{{signature}}?cluster={name}"
        if name == "mainnet":
            return "https://explorer.solana.com/tx/{signature}"
        url = NETWORKS["localnet"][0] if name == "localnet" else name
        host = urlsplit(url).hostname or ""
        if name != "local" and host in ("127.0.0.1", "localhost", "::1") and "***" not in url:
            return (
                f"https://explorer.solana.com/tx/{{signature}}?cluster=custom&customUrl={quote(url, safe='')}"
            )
        return None

    def info(self) -> PublicInfo:
        s = self.gw.settings
        formats: dict[str, list[str]] = {}
        for t in ALL_TYPES:
            formats.setdefault(t.kind, []).append(t.mime)
        return PublicInfo(
            network=self.network_name(),
            program_id=str(self.client.program_id),
            shareable=self.network_name() != "local",
            explorer=self.explorer(),
            max_bytes={"image": s.max_image_bytes, "video": s.max_video_bytes, "audio": s.max_audio_bytes},
            default_min_workers=s.default_min_workers,
            formats=formats,
        )

    async def _read(self, uri: str, max_bytes: int) -> bytes:
        """Bytes at a URI someone else wrote on-chain, within the client's destination policy, `max_bytes` and
        the fetch deadline, with at most `fetches_in_flight` reads at once."""
        client = self.client
        if uri.startswith("file:") and not client.read_local_files:
            raise DFPNError(
                ErrorCode.DESTINATION_REFUSED,
                f"{uri}: file:// URIs are read only on a network running on this machine",
            )
        media = self.gw.rt.media
        async with self._fetches:
            return await sdk_storage.read_uri(
                uri,
                max_bytes=max_bytes,
                timeout=self.settings.fetch_timeout,
                ipfs=media.ipfs,
                s3=media.s3,
                policy=client.report_policy,
            )

    async def _account(self, address: Pubkey) -> RequestAccount:
        return await self.client.request_account(address)

    async def _model_id(self, model: Pubkey) -> str | None:
        key = str(model)
        if key not in self._model_ids:
            account = await self.client.transport.get_account(model)
            try:
                self._model_ids[key] = (
                    None
                    if account is None
                    else decode_model_id(Model.from_account_data(account.data).model_id)
                )
            except BorshError:
                self._model_ids[key] = None
        return self._model_ids[key]

    # ---- a request -------------------------------------------------------------------------------------------

    async def request(self, request_id: str) -> PublicRequest:
        """A request's public view: cached for good once finished, for `open_cache_seconds` while open."""
        address = parse_address(request_id)
        key = str(address)
        if key in self._finished:
            return self._finished[key]
        cached = self._open.get(key)
        if cached is not None and time.monotonic() - cached[0] < self.settings.open_cache_seconds:
            return cached[1]

        async def build() -> PublicRequest:
            again = self._open.get(key)
            if again is not None and time.monotonic() - again[0] < self.settings.open_cache_seconds:
                return again[1]
            view = await self._build_request(address)
            finished = view.status != "Open" and all(
                s.report is None or s.report.status == "verified" for s in view.seats
            )
            if finished:
                self._open.pop(key, None)
                self._finished.remember(key, view)
            else:
                self._open[key] = (time.monotonic(), view)
                if len(self._open) > 1024:
                    self._open.pop(next(iter(self._open)))
            return view

        return await self._single(f"request:{key}", build)

    async def _build_request(self, address: Pubkey) -> PublicRequest:
        r = await self._account(address)
        now = await self.gw.rt.watcher.cluster_now()
        status = RequestStatus.from_code(r.status)
        # Reports are fetched side by side (`fetches_in_flight` bounds them), so one slow URI costs one deadline.
        seats = list(
            await asyncio.gather(*(self._seat(address, i, s) for i, s in enumerate(r.seats[: r.joined])))
        )
        timeline, request_tx, finalize_tx = await self._timeline(address, r)
        finished = status is not RequestStatus.OPEN
        finalized = r.status == REQUEST_STATUS_FINALIZED
        return PublicRequest(
            id=str(address),
            network=self.network_name(),
            program_id=str(self.client.program_id),
            status=status.value,
            phase=_phase(r, now),
            now=now,
            client=str(r.client),
            modalities=[NAME_OF_MODALITY[m] for m in Modality.from_mask(r.modalities)],
            min_workers=r.min_workers,
            max_workers=r.max_workers,
            content_hash=r.content_hash.hex(),
            storage_uri=_uri(r.storage_uri, r.storage_uri_len),
            media_url=f"/v1/public/requests/{address}/media",
            created_at=r.created_at,
            commit_deadline=r.commit_deadline,
            deadline=r.deadline,
            finalized_at=r.finalized_at if finished and r.finalized_at else None,
            fee_lamports=r.fee,
            charged_lamports=_charged(r) if finalized else None,
            verdict=Verdict.from_code(r.verdict).value if finalized else None,
            confidence=r.confidence if finalized else None,
            band=band(r.confidence) if finalized else None,
            consensus_type=ConsensusType.from_code(r.consensus).value if finalized else None,
            challenged=bool(r.challenged),
            challenge_label=Verdict.from_code(r.challenge_label).value if r.challenged else None,
            counts=SeatCounts(
                drawn=r.joined,
                accepted=sum(s.state != SEAT_STATE_DRAWN for s in r.seats[: r.joined]),
                commits=r.commits,
                reveals=r.reveals,
            ),
            seats=seats,
            timeline=timeline,
            audit=PublicAudit(
                request_tx=request_tx,
                finalize_tx=finalize_tx,
                worker_count=r.joined,
                commit_count=r.commits,
                reveal_count=r.reveals,
            ),
            verify=self._verify(address, seats),
        )

    async def _seat(self, address: Pubkey, index: int, seat: Any) -> PublicSeat:
        state = SeatState.from_code(seat.state)
        committed = state in (SeatState.COMMITTED, SeatState.REVEALED)
        revealed = state is SeatState.REVEALED
        uri = _uri(seat.report_uri, seat.report_uri_len) if revealed else None
        report_hash = seat.report_hash.hex() if revealed else None
        report = None
        if revealed and uri is not None and report_hash is not None:
            report = await self._report_check(address, index, uri, seat.report_hash)
        return PublicSeat(
            index=index,
            worker=str(seat.authority),
            state=state.value,
            drawn_at=seat.drawn_at,
            model=str(seat.model) if committed else None,
            model_id=await self._model_id(seat.model) if committed else None,
            commitment=seat.commitment.hex() if committed else None,
            verdict=Verdict.from_code(seat.verdict).value if revealed else None,
            confidence=seat.confidence if revealed else None,
            report_uri=uri,
            report_hash=report_hash,
            report=report,
        )

    async def _report_check(self, address: Pubkey, index: int, uri: str, committed: bytes) -> ReportCheck:
        key = f"{uri}\n{committed.hex()}"
        known = self._reports.get(key)
        if known is not None:
            if known.check.status == "verified" and self._bytes.get(f"report:{key}") is not None:
                return known.check.model_copy(update={"url": _report_url(address, index, known.check)})
            if known.check.status != "verified" and (
                time.monotonic() - known.at < self.settings.retry_failed_seconds
            ):
                return known.check
        try:
            data = await self._read(uri, self.settings.report_max_bytes)
        except DFPNError as e:
            check = ReportCheck(status="unavailable", message=f"{e.code.value}: {e.message}")
            self._reports.remember(key, _ReportFetch(check, time.monotonic()))
            return check
        digest = hashlib.sha256(data).digest()
        if digest != committed:
            check = ReportCheck(
                status="mismatch",
                sha256=digest.hex(),
                size=len(data),
                message="the SHA-256 of the report at this URI is not the hash its worker committed: its content "
                "is not shown",
            )
            self._reports.remember(key, _ReportFetch(check, time.monotonic()))
            return check
        self._bytes.put(f"report:{key}", data)
        check = ReportCheck(
            status="verified", sha256=digest.hex(), size=len(data), content=parse_report(data)
        )
        self._reports.remember(key, _ReportFetch(check, time.monotonic()))
        return check.model_copy(update={"url": _report_url(address, index, check)})

    async def report(self, request_id: str, index: int) -> bytes:
        """The verified bytes of a seat's report (404 before its reveal, 502 when it does not match)."""
        address = parse_address(request_id)
        r = await self._account(address)
        if not 0 <= index < r.joined or r.seats[index].state != SEAT_STATE_REVEALED:
            raise ApiError(404, GatewayCode.NOT_FOUND, f"seat {index} of {address} has revealed no report")
        seat = r.seats[index]
        uri = _uri(seat.report_uri, seat.report_uri_len)
        key = f"{uri}\n{seat.report_hash.hex()}"
        data = self._bytes.get(f"report:{key}")
        if data is None:
            check = await self._report_check(address, index, uri, seat.report_hash)
            data = self._bytes.get(f"report:{key}")
            if check.status != "verified" or data is None:
                raise ApiError(
                    502,
                    "REPORT_UNAVAILABLE",
                    check.message or f"the report of seat {index} could not be kept",
                )
        return data

    async def media(self, request_id: str) -> tuple[bytes, MediaType]:
        """The request's media, served only when its SHA-256 is the content hash recorded on-chain."""
        address = parse_address(request_id)
        r = await self._account(address)
        digest = r.content_hash.hex()
        uri = _uri(r.storage_uri, r.storage_uri_len)

        async def fetch() -> bytes:
            cached = self._bytes.get(f"media:{digest}")
            if cached is not None:
                return cached
            try:
                data = await self._read(uri, self.settings.media_max_bytes)
            except DFPNError as e:
                if e.code is ErrorCode.CONTENT_TOO_LARGE:
                    raise ApiError(
                        502,
                        e.code.value,
                        f"the media is larger than the {self.settings.media_max_bytes} bytes this gateway "
                        "serves; fetch it from its storage URI",
                    ) from e
                raise
            actual = hashlib.sha256(data).hexdigest()
            if actual != digest:
                raise ApiError(
                    502,
                    ErrorCode.CONTENT_HASH_MISMATCH.value,
                    f"the media at the request's storage URI has SHA-256 {actual}, not the content hash "
                    f"{digest} recorded on-chain: it is not served",
                )
            self._bytes.put(f"media:{digest}", data)
            return data

        data = await self._single(f"media:{digest}", fetch)
        kind = sniff(data[:SNIFF_BYTES])
        if kind is None:
            raise ApiError(
                502,
                GatewayCode.UNSUPPORTED_MEDIA_TYPE,
                "the media is of no image, video or audio format served",
            )
        return data, kind

    # ---- timeline --------------------------------------------------------------------------------------------

    async def _tx(self, signature: str) -> tuple[int, tuple[str, ...], tuple[Pubkey, ...]] | None:
        known = self._txs.get(signature)
        if known is not None:
            return known
        record = await self.client.transport.get_transaction(signature)
        if record is None:
            return None
        return self._txs.remember(signature, (record.slot, record.logs, record.accounts))

    async def _block_time(self, slot: int) -> int | None:
        transport = self.client.transport
        if not isinstance(transport, RpcTransport):
            return None
        key = str(slot)
        if key not in self._block_times:
            try:
                found = await transport.call("getBlockTime", slot)
            except DFPNError:
                return None
            self._block_times.remember(key, int(found) if isinstance(found, int) else None)
        return self._block_times[key]

    async def _timeline(
        self, address: Pubkey, r: RequestAccount
    ) -> tuple[list[TimelineEntry], str | None, str | None]:
        """The request's program events, oldest first, with the submit and finalize transactions."""
        signatures = await self.client.transport.signatures_for_address(address)
        entries: list[TimelineEntry] = []
        request_tx = finalize_tx = None
        program = self.client.program_id
        for signature in reversed(signatures[:MAX_TIMELINE_TXS]):
            tx = await self._tx(signature)
            if tx is None:
                continue
            slot, logs, _ = tx
            for event in parse_logs(logs, program):
                if getattr(event, "request", None) != address:
                    continue
                entry = _timeline_entry(event, signature, slot, r)
                if entry is None:
                    continue
                if entry.time is None:
                    entry = entry.model_copy(update={"time": await self._block_time(slot)})
                entries.append(entry)
                if isinstance(event, RequestSubmitted):
                    request_tx = signature
                elif isinstance(event, RequestFinalized):
                    finalize_tx = signature
        return entries, request_tx, finalize_tx

    async def transaction(self, signature: str) -> PublicTransaction:
        """A transaction of the program: its slot, accounts, logs and decoded events."""
        if not 43 <= len(signature) <= 90 or not signature.isalnum():
            raise ApiError(400, ErrorCode.INVALID_ARGUMENT.value, "not a transaction signature (base58)")
        tx = await self._tx(signature)
        if tx is None or self.client.program_id not in tx[2]:
            raise ApiError(
                404, GatewayCode.NOT_FOUND, f"no transaction {signature} of this program was found"
            )
        slot, logs, accounts = tx
        return PublicTransaction(
            signature=signature,
            slot=slot,
            time=await self._block_time(slot),
            accounts=[str(a) for a in accounts],
            events=[_event_json(e) for e in parse_logs(logs, self.client.program_id)],
            logs=list(logs[:200]),
        )

    # ---- how to verify ---------------------------------------------------------------------------------------

    def _verify(self, address: Pubkey, seats: list[PublicSeat]) -> VerifyYourself:
        network = self.network_name()
        shareable = network != "local"
        flag = network if "***" not in network else "<your RPC URL of this cluster>"
        cli = [f"dfpn --network {shlex.quote(flag)} status {address} --json"]
        for seat in seats:
            if seat.report_uri and seat.report_hash:
                cli.append(f"{fetch_command(seat.report_uri)}   # expect {seat.report_hash}")
        python = (
            "from dfpn import DFPNClient\n\n"
            f"with DFPNClient(network={flag!r}) as client:\n"
            "    # reads the request account; fetches every report and checks its SHA-256 against the hash\n"
            "    # its worker committed (REPORT_HASH_MISMATCH otherwise)\n"
            f"    result = client.wait_for_result({str(address)!r}, timeout=60)\n"
            "    print(result.verdict, result.confidence, result.consensus_type)\n"
            "    for w in result.worker_results:\n"
            "        print(w.worker, w.model_id, w.verdict, w.confidence, w.report_verified)\n"
        )
        if shareable:
            note = (
                "Both read the program's accounts on this network directly, without this gateway. The status "
                "command lists each seat's verdict, report URI and the report hash the worker committed; hash "
                "each report yourself and compare."
            )
        else:
            note = (
                "This gateway runs an embedded network (--network local) inside its own process: that chain "
                "exists only there, so nobody else can read it. Serve the page from a gateway on localnet, devnet "
                "or another cluster for permalinks others can check; these are the commands they would run."
            )
        return VerifyYourself(network=network, shareable=shareable, cli=cli, python=python, note=note)

    # ---- the network -----------------------------------------------------------------------------------------

    async def network(self) -> NetworkView:
        cached = self._network
        if cached is not None and time.monotonic() - cached[0] < self.settings.network_cache_seconds:
            return cached[1]

        async def build() -> NetworkView:
            again = self._network
            if again is not None and time.monotonic() - again[0] < self.settings.network_cache_seconds:
                return again[1]
            view = await self._build_network()
            self._network = (time.monotonic(), view)
            return view

        return await self._single("network", build)

    async def _build_network(self) -> NetworkView:
        transport = self.client.transport
        now = await self.gw.rt.watcher.cluster_now()
        requests: list[tuple[Pubkey, RequestAccount]] = []
        for account in await transport.program_accounts(
            RequestAccount.DISCRIMINATOR, data_size=RequestAccount.SIZE
        ):
            try:
                requests.append((account.address, RequestAccount.from_account_data(account.data)))
            except BorshError:
                continue
        requests.sort(key=lambda item: item[1].created_at, reverse=True)
        limit = self.settings.max_requests_scanned
        truncated = len(requests) > limit
        requests = requests[:limit]
        models: dict[Pubkey, str] = {}
        for account in await transport.program_accounts(Model.DISCRIMINATOR, data_size=Model.SIZE):
            try:
                models[account.address] = decode_model_id(Model.from_account_data(account.data).model_id)
            except BorshError:
                continue
        workers: list[Worker] = []
        for account in await transport.program_accounts(Worker.DISCRIMINATOR, data_size=Worker.SIZE):
            try:
                workers.append(Worker.from_account_data(account.data))
            except BorshError:
                continue

        held: Counter[Pubkey] = Counter()
        answered: Counter[Pubkey] = Counter()
        scores: dict[Pubkey, Counter[str]] = {}
        paid: dict[tuple[str, str], list[int]] = {}
        fees_total = 0
        for _, r in requests:
            if r.status == REQUEST_STATUS_OPEN:
                continue
            label = r.challenge_label if r.challenged else None
            for s in r.seats[: r.joined]:
                held[s.authority] += 1
                answered[s.authority] += s.state in (SEAT_STATE_COMMITTED, SEAT_STATE_REVEALED)
                if label is not None and r.status == REQUEST_STATUS_FINALIZED:
                    score = scores.setdefault(s.authority, Counter())
                    if s.state == SEAT_STATE_REVEALED:
                        score["correct" if s.verdict == label else "wrong"] += 1
                    elif s.state == SEAT_STATE_COMMITTED:
                        score["missed"] += 1
            if r.status == REQUEST_STATUS_FINALIZED:
                fees_total += _pay_out(r, models, paid)
        rows = [_worker_row(w, models, held, answered, scores.get(w.authority, Counter())) for w in workers]
        rows.sort(key=lambda row: (-row.reputation, -row.stake, row.authority))
        fees = [
            FeeRecipient(
                kind=kind,
                address=address or None,
                label=_fee_label(kind, address, models),
                lamports=lamports,
                requests=count,
            )
            for (kind, address), (lamports, count) in paid.items()
        ]
        fees.sort(key=lambda f: (-f.lamports, f.label))
        bucket_seconds, series = _series([r for _, r in requests], now)
        finished = [(a, r) for a, r in requests if r.status != REQUEST_STATUS_OPEN]
        finished.sort(key=lambda item: item[1].finalized_at or item[1].created_at, reverse=True)
        return NetworkView(
            network=self.network_name(),
            program_id=str(self.client.program_id),
            now=now,
            workers=rows,
            recent=[_recent(a, r) for a, r in finished[:RECENT_VERDICTS]],
            fees_total=fees_total,
            fees=fees,
            bucket_seconds=bucket_seconds,
            series=series,
            requests=RequestTotals(
                total=len(requests),
                open=sum(r.status == REQUEST_STATUS_OPEN for _, r in requests),
                finalized=sum(r.status == REQUEST_STATUS_FINALIZED for _, r in requests),
                expired=sum(
                    r.status not in (REQUEST_STATUS_OPEN, REQUEST_STATUS_FINALIZED) for _, r in requests
                ),
            ),
            scanned=len(requests),
            truncated=truncated,
        )


# ---- helpers ---------------------------------------------------------------------------------------------------


def _uri(raw: bytes, length: int) -> str:
    return bytes(raw[:length]).decode("utf-8", errors="replace")


def _report_url(address: Pubkey, index: int, check: ReportCheck) -> str | None:
    return f"/v1/public/requests/{address}/reports/{index}" if check.status == "verified" else None


def _phase(r: RequestAccount, now: int) -> PhaseName:
    if r.status == REQUEST_STATUS_FINALIZED:
        return "finalized"
    if r.status != REQUEST_STATUS_OPEN:
        return "expired"
    if protocol.expirable(r, now):
        return "expiring"
    if protocol.finalizable(r, now):
        return "finalizing"
    if protocol.reveal_open(r, now):
        return "revealing"
    return "committing"


def _charged(r: RequestAccount) -> int:
    """The fee a finalized request charged (`dfpn.client.fee_charged`)."""
    winning = r.verdict if r.consensus != CONSENSUS_NONE else None
    label = r.challenge_label if r.challenged else None
    revealed = [s for s in r.seats[: r.joined] if s.state == SEAT_STATE_REVEALED]
    count = sum(
        protocol.is_paid(s.verdict, consensus_verdict=winning, challenge_label=label) for s in revealed
    )
    return protocol.charged_fee(
        r.fee, count, winning is not None or label is not None, r.no_consensus_fee_bps
    )


def _pay_out(r: RequestAccount, models: dict[Pubkey, str], paid: dict[tuple[str, str], list[int]]) -> int:
    """Add a finalized request's payout (docs/protocol.md, "Payout and rounding rule") to `paid` by recipient;
    returns the fee charged."""
    winning = r.verdict if r.consensus != CONSENSUS_NONE else None
    label = r.challenge_label if r.challenged else None
    seats = [
        s
        for s in r.seats[: r.joined]
        if s.state == SEAT_STATE_REVEALED
        and protocol.is_paid(s.verdict, consensus_verdict=winning, challenge_label=label)
    ]
    fee = protocol.charged_fee(
        r.fee, len(seats), winning is not None or label is not None, r.no_consensus_fee_bps
    )
    if not seats or fee == 0:
        return 0
    split = protocol.split_fee(fee, len(seats))

    def add(key: tuple[str, str], lamports: int) -> None:
        entry = paid.setdefault(key, [0, 0])
        entry[0] += lamports
        entry[1] += 1

    for s in seats:
        add(("worker", str(s.authority)), split.per_worker)
        add(("model", str(s.model)), split.per_model)
    add(("treasury", ""), split.treasury)
    add(("insurance", ""), split.insurance)
    return fee


def _fee_label(kind: str, address: str, models: dict[Pubkey, str]) -> str:
    if kind == "model":
        return f"model {models.get(Pubkey.from_string(address), '?')}"
    if kind == "worker":
        return f"worker {address[:4]}…{address[-4:]}"
    return {"treasury": "treasury (10 %)", "insurance": "insurance pool (5 % + rounding)"}[kind]


def _worker_row(
    w: Worker,
    models: dict[Pubkey, str],
    held: Counter[Pubkey],
    answered: Counter[Pubkey],
    score: Counter[str],
) -> WorkerRow:
    total = score["correct"] + score["wrong"] + score["missed"]
    seats = held[w.authority]
    return WorkerRow(
        authority=str(w.authority),
        stake=w.stake,
        reputation=w.reputation,
        active_seats=w.active_seats,
        jobs_done=w.jobs_done,
        jobs_agreed=w.jobs_agreed,
        slashed_total=w.slashed_total,
        rewards=w.rewards,
        registered_at=w.registered_at,
        unbonding=w.unbonding_amount > 0,
        modalities=[NAME_OF_MODALITY[m] for m in Modality.from_mask(w.modalities)],
        models=[models.get(m, str(m)) for m in w.models[: w.model_count]],
        seats_held=seats,
        seats_answered=answered[w.authority],
        uptime=answered[w.authority] / seats if seats else None,
        challenges=ChallengeScore(
            correct=score["correct"],
            wrong=score["wrong"],
            missed=score["missed"],
            total=total,
            accuracy=score["correct"] / total if total else None,
        ),
    )


def _recent(address: Pubkey, r: RequestAccount) -> RecentVerdict:
    finalized = r.status == REQUEST_STATUS_FINALIZED
    return RecentVerdict(
        id=str(address),
        created_at=r.created_at,
        finalized_at=r.finalized_at or None,
        status=RequestStatus.from_code(r.status).value,
        verdict=Verdict.from_code(r.verdict).value if finalized else None,
        confidence=r.confidence if finalized else None,
        band=band(r.confidence) if finalized else None,
        consensus_type=ConsensusType.from_code(r.consensus).value if finalized else None,
        modalities=[NAME_OF_MODALITY[m] for m in Modality.from_mask(r.modalities)],
        workers=r.joined,
    )


def _series(requests: list[RequestAccount], now: int) -> tuple[int, list[SeriesBucket]]:
    """Submissions, finalizations, expiries and latency (finalized_at - created_at, cluster seconds) per time
    bucket, from the first request to now."""
    if not requests:
        return BUCKET_CHOICES[0], []
    first = min(r.created_at for r in requests)
    span = max(now - first, 1)
    width = next((b for b in BUCKET_CHOICES if span / b <= MAX_BUCKETS), BUCKET_CHOICES[-1])
    start = first - first % width
    count = (max(now, first) - start) // width + 1
    submitted = [0] * count
    finalized = [0] * count
    expired = [0] * count
    latencies: list[list[float]] = [[] for _ in range(count)]

    def slot(t: int) -> int:
        return min(max((t - start) // width, 0), count - 1)

    for r in requests:
        submitted[slot(r.created_at)] += 1
        if r.status == REQUEST_STATUS_FINALIZED and r.finalized_at:
            i = slot(r.finalized_at)
            finalized[i] += 1
            latencies[i].append(float(r.finalized_at - r.created_at))
        elif r.status != REQUEST_STATUS_OPEN:
            expired[slot(r.finalized_at or r.deadline)] += 1
    return width, [
        SeriesBucket(
            start=start + i * width,
            submitted=submitted[i],
            finalized=finalized[i],
            expired=expired[i],
            latency_p50=_percentile(latencies[i], 0.5),
            latency_p95=_percentile(latencies[i], 0.95),
            latency_max=max(latencies[i]) if latencies[i] else None,
        )
        for i in range(count)
    ]


def _timeline_entry(event: Event, signature: str, slot: int, r: RequestAccount) -> TimelineEntry | None:
    name = type(event).__name__
    worker: Pubkey | None = getattr(event, "worker", None)
    seat: int | None = getattr(event, "seat", None)
    when: int | None = None
    detail: str | None = None
    if isinstance(event, RequestSubmitted):
        when = r.created_at
        detail = f"fee {event.fee} lamports, {event.min_workers}-{event.max_workers} workers"
    elif isinstance(event, SeatDrawn):
        if event.seat < r.joined and r.seats[event.seat].authority == event.worker:
            when = r.seats[event.seat].drawn_at
    elif isinstance(event, ResultRevealed):
        detail = f"{Verdict.from_code(event.verdict).value} {event.confidence}"
    elif isinstance(event, RequestFinalized):
        when = r.finalized_at or None
        detail = (
            f"{Verdict.from_code(event.verdict).value} {event.confidence}, "
            f"{ConsensusType.from_code(event.consensus).value}; charged {event.fee_charged} lamports, "
            f"refunded {event.refund}"
        )
    elif isinstance(event, RequestExpired):
        when = r.finalized_at or None
        detail = f"refunded {event.refund} lamports"
    elif isinstance(event, WorkerPaid):
        detail = f"{event.amount} lamports (+{event.model_amount} to its model)"
    elif isinstance(event, WorkerSlashed):
        detail = f"{event.amount} lamports; reputation now {event.reputation}"
    elif isinstance(event, ChallengeRevealed):
        detail = f"known answer: {Verdict.from_code(event.label).value}"
    elif not isinstance(event, WorkerJoined | ResultCommitted | WorkerLeft):
        return None
    return TimelineEntry(
        event=name,
        signature=signature,
        slot=slot,
        time=when,
        worker=str(worker) if worker is not None else None,
        seat=seat,
        detail=detail,
    )


def _event_json(event: Event) -> dict[str, object]:
    out: dict[str, object] = {"event": type(event).__name__}
    for name in getattr(event, "__dataclass_fields__", {}):
        value = getattr(event, name)
        if isinstance(value, Pubkey):
            out[name] = str(value)
        elif isinstance(value, bytes):
            out[name] = value.hex()
        elif isinstance(value, int | str | bool):
            out[name] = value
        else:
            out[name] = str(value)
    return out


__all__ = [
    "PublicService",
    "PublicSettings",
    "band",
    "fetch_command",
    "parse_address",
    "parse_detection",
    "parse_report",
]
