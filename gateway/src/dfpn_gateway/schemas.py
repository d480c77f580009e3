"""What the API accepts and returns (frozen pydantic models, in the OpenAPI document).

Inputs (query parameters, form fields, the JSON body) are snake_case, like curl users type them; outputs are
camelCase, like the SDKs' result format, which `RequestView.result` carries unchanged
(`dfpn.AnalysisResult.model_dump(by_alias=True)`).
"""

from __future__ import annotations

import json
import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from dfpn.models import AnalysisResult, Modality, RequestInfo, SeatState, SubmittedRequest
from dfpn_gateway import store as st

logger = logging.getLogger(__name__)

#: Modality names in the API: the protocol's names.
ModalityName = Literal[
    "ImageAuthenticity", "FaceManipulation", "AiGeneratedImage", "VideoAuthenticity", "VoiceCloning"
]
MODALITY_BY_NAME: dict[str, Modality] = {
    "ImageAuthenticity": Modality.IMAGE_AUTHENTICITY,
    "FaceManipulation": Modality.FACE_MANIPULATION,
    "AiGeneratedImage": Modality.AI_GENERATED_IMAGE,
    "VideoAuthenticity": Modality.VIDEO_AUTHENTICITY,
    "VoiceCloning": Modality.VOICE_CLONING,
}
NAME_OF_MODALITY: dict[Modality, ModalityName] = {
    Modality.IMAGE_AUTHENTICITY: "ImageAuthenticity",
    Modality.FACE_MANIPULATION: "FaceManipulation",
    Modality.AI_GENERATED_IMAGE: "AiGeneratedImage",
    Modality.VIDEO_AUTHENTICITY: "VideoAuthenticity",
    Modality.VOICE_CLONING: "VoiceCloning",
}

RequestState = Literal["Open", "Finalized", "Expired", "Failed"]
WebhookState = Literal["pending", "delivered", "failed"]
WebhookEventName = Literal["request.finalized", "request.expired", "request.failed"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, alias_generator=to_camel)


class ErrorDetail(_Out):
    code: str = Field(
        description="SDK ErrorCode name (INSUFFICIENT_FUNDS, ...) or a gateway code (QUOTA_EXHAUSTED, ...)"
    )
    message: str


class ErrorBody(_Out):
    """Every error response."""

    error: ErrorDetail


_URI_PATTERN = r"^(ipfs|s3|https?)://[!-~]+$"
_HASH_PATTERN = r"^(0x)?[0-9a-fA-F]{64}$"


class SubmitFields(BaseModel):
    """The parameters of `POST /v1/requests` (form fields of an upload, or the JSON body)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    modalities: list[ModalityName] = Field(min_length=1, max_length=5)
    min_workers: int | None = Field(default=None, ge=1, le=10, description="Default: the gateway's (3)")
    max_workers: int | None = Field(default=None, ge=1, le=10, description="Default: min_workers")
    max_fee_lamports: int | None = Field(
        default=None,
        ge=1,
        le=10**15,
        description="Escrowed; the rest of it is refunded. Default: exactly the fee",
    )
    deadline_seconds: int | None = Field(
        default=None, ge=1, le=10**7, description="From now (cluster clock); at least 60. Default: 300"
    )
    webhook_url: str | None = Field(default=None, min_length=1, max_length=2000)
    media_uri: str | None = Field(
        default=None,
        min_length=8,
        max_length=200,
        pattern=_URI_PATTERN,
        description="ipfs://, s3://, https:// or http:// URI of the media (not fetched by the gateway)",
    )
    content_hash: str | None = Field(
        default=None, pattern=_HASH_PATTERN, description="SHA-256 of the media bytes, hex (workers check it)"
    )


class SubmitUriBody(SubmitFields):
    """`POST /v1/requests` as JSON: media already stored where workers can read it."""

    media_uri: str = Field(
        min_length=8,
        max_length=200,
        pattern=_URI_PATTERN,
        description="ipfs://, s3://, https:// or http:// URI of the media (not fetched by the gateway)",
    )
    content_hash: str = Field(
        pattern=_HASH_PATTERN, description="SHA-256 of the media bytes, hex (workers check it)"
    )


class Submission(BaseModel):
    """What the gateway stores about a submission (internal)."""

    model_config = ConfigDict(frozen=True)

    submitted: SubmittedRequest
    media_type: str | None = None
    size_bytes: int | None = None


class Progress(_Out):
    """The request account right now (while it is open)."""

    drawn: int = Field(description="Seats drawn for workers (accepted or not yet)")
    joined: int = Field(description="Seats whose drawn worker accepted them")
    commits: int
    reveals: int


class WebhookInfo(_Out):
    url: str
    state: WebhookState | Literal["scheduled"] = Field(
        description="scheduled: the request has not finished; pending: being delivered (retried with backoff); "
        "delivered: a 2xx answer was received; failed: every attempt failed"
    )
    attempts: int
    delivered_at: float | None = None
    last_status: int | None = None


class RequestView(_Out):
    """A request submitted through the gateway: its status, and the full result once finalized."""

    id: str = Field(description="The request's address (base58): its id on-chain and in the SDKs")
    status: RequestState
    modalities: list[ModalityName]
    min_workers: int
    max_workers: int
    fee_lamports: int
    max_fee_lamports: int
    signature: str = Field(description="The submit transaction")
    content_hash: str
    storage_uri: str
    media_type: str | None = Field(default=None, description="Sniffed MIME type of an upload")
    size_bytes: int | None = None
    commit_deadline: int = Field(description="Unix time (cluster clock)")
    deadline: int = Field(description="Unix time (cluster clock)")
    created_at: float
    progress: Progress | None = Field(default=None, description="Live seat counts while the request is open")
    result: AnalysisResult | None = Field(
        default=None, description="The SDKs' result JSON (AnalysisResult), once finalized"
    )
    error: ErrorDetail | None = Field(
        default=None,
        description="Why there is no result: NO_WORKERS_AVAILABLE when expired, else the failure",
    )
    webhook: WebhookInfo | None = None


class RequestList(_Out):
    """A page of the key's requests, newest first."""

    requests: list[RequestView] = Field(
        description="Without `progress` (GET a request for its live seat counts while it is open)"
    )
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page",
    )


class WebhookEvent(_Out):
    """The body POSTed once to a request's webhook URL when it finishes, signed with
    ``X-DFPN-Signature: t=<unix time>,v1=<hex HMAC-SHA256(key's webhook secret, "<t>." + body)>``."""

    event: WebhookEventName
    request: RequestView


class FeeEstimate(_Out):
    modalities: list[ModalityName]
    min_workers: int
    fee_lamports: int = Field(
        description="Exactly what the program charges (from the on-chain configuration)"
    )
    fee_sol: float


class Health(_Out):
    """Liveness. Without an API key only `status`, `version` and `network`; with a valid key also the wallet, its
    balance, the storage and the queues. URLs never show their path, query or user information."""

    status: Literal["ok", "degraded"]
    version: str
    network: str = Field(description="The network's name (of an RPC URL, only its scheme, host and port)")
    program_id: str | None = Field(default=None, description="With an API key")
    wallet: str | None = Field(default=None, description="The gateway's paying wallet (with an API key)")
    wallet_lamports: int | None = Field(default=None, description="With an API key")
    storage: str | None = Field(default=None, description="With an API key")
    open_requests: int | None = Field(default=None, description="With an API key")
    pending_webhooks: int | None = Field(default=None, description="With an API key")
    database: Literal["sqlite", "postgresql"] | None = Field(default=None, description="With an API key")
    replicas: int | None = Field(
        default=None,
        description="Gateway processes sharing the database, this one included (with an API key)",
    )
    detail: str | None = Field(default=None, description="Why the status is degraded (with an API key)")


def modality_names(modalities: list[Modality]) -> list[ModalityName]:
    return [NAME_OF_MODALITY[m] for m in modalities]


_LOOKUP: dict[str, Modality] = {name.lower(): m for name, m in MODALITY_BY_NAME.items()}
_LOOKUP |= {m.name.lower(): m for m in Modality}


def parse_modalities(values: list[str]) -> list[Modality]:
    """Modalities from API values: repeated values and/or comma-separated lists of the protocol's names
    ("FaceManipulation"), any case; the SDK's enum names ("FACE_MANIPULATION") are accepted too. Duplicates are
    dropped; `ValueError` names the first unknown one."""
    found: list[Modality] = []
    for value in values:
        for item in value.split(","):
            name = item.strip()
            if not name:
                continue
            m = _LOOKUP.get(name.lower())
            if m is None:
                raise ValueError(f"unknown modality {name!r}: use {', '.join(MODALITY_BY_NAME)}")
            if m not in found:
                found.append(m)
    return found


def _webhook_info(stored: st.StoredRequest, delivery: st.Delivery | None) -> WebhookInfo | None:
    """The webhook part of a request's view: none without a webhook URL, ``scheduled`` before any delivery."""
    if not stored.webhook_url:
        return None
    if delivery is None:
        return WebhookInfo(url=stored.webhook_url, state="scheduled", attempts=0)
    state: WebhookState = delivery.state  # type: ignore[assignment]
    return WebhookInfo(
        url=delivery.url,
        state=state,
        attempts=delivery.attempts,
        delivered_at=delivery.delivered_at,
        last_status=delivery.last_status,
    )


def request_view(
    stored: st.StoredRequest,
    *,
    delivery: st.Delivery | None = None,
    info: RequestInfo | None = None,
    with_webhook: bool = True,
) -> RequestView:
    """The API view of a stored request (`info`: the live account, for progress while open)."""
    sub = Submission.model_validate_json(stored.submitted)
    s = sub.submitted
    webhook = _webhook_info(stored, delivery) if with_webhook else None
    status: RequestState = stored.state  # type: ignore[assignment]
    return RequestView(
        id=s.id,
        status=status,
        modalities=modality_names(s.modalities),
        min_workers=s.min_workers,
        max_workers=s.max_workers,
        fee_lamports=s.fee_lamports,
        max_fee_lamports=s.max_fee_lamports,
        signature=s.signature,
        content_hash=s.content_hash,
        storage_uri=s.storage_uri,
        media_type=sub.media_type,
        size_bytes=sub.size_bytes,
        commit_deadline=s.commit_deadline,
        deadline=s.deadline,
        created_at=stored.created_at,
        progress=(
            Progress(
                drawn=info.joined,
                joined=sum(seat.state is not SeatState.DRAWN for seat in info.seats),
                commits=info.commits,
                reveals=info.reveals,
            )
            if info is not None and stored.state == st.OPEN
            else None
        ),
        result=AnalysisResult.model_validate_json(stored.result) if stored.result else None,
        error=ErrorDetail(code=stored.error_code, message=stored.error_message or "")
        if stored.error_code
        else None,
        webhook=webhook,
    )


def webhook_payload(view: RequestView) -> str:
    """The exact body of a request's webhook (stored, so every attempt sends the same bytes)."""
    event: WebhookEventName = {
        "Finalized": "request.finalized",
        "Expired": "request.expired",
    }.get(view.status, "request.failed")  # type: ignore[assignment]
    body = WebhookEvent(event=event, request=view).model_dump(mode="json", by_alias=True)
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


__all__ = [
    "MODALITY_BY_NAME",
    "NAME_OF_MODALITY",
    "ErrorBody",
    "ErrorDetail",
    "FeeEstimate",
    "Health",
    "ModalityName",
    "Progress",
    "RequestList",
    "RequestState",
    "RequestView",
    "Submission",
    "SubmitFields",
    "SubmitUriBody",
    "WebhookEvent",
    "WebhookInfo",
    "modality_names",
    "parse_modalities",
    "request_view",
    "webhook_payload",
]
