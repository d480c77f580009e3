"""``/v1/public``: what anyone may read without an API key, from the chain and the committed reports only (see
`dfpn_gateway.public`). Rate-limited per client address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from dfpn_gateway.dependencies import get_gateway
from dfpn_gateway.openapi import error_responses
from dfpn_gateway.public import PublicService
from dfpn_gateway.public_schemas import NetworkView, PublicInfo, PublicRequest, PublicTransaction

router = APIRouter(tags=["public"])


def get_public(request: Request) -> PublicService:
    """The app's `PublicService` (made on first use), after the public rate check of the caller's address."""
    state = request.app.state
    service: PublicService | None = getattr(state, "public", None)
    if service is None:
        service = state.public = PublicService(get_gateway(request))
    service.check_rate(request.client.host if request.client else "unknown")
    return service


PublicDep = Annotated[PublicService, Depends(get_public)]
Address = Annotated[
    str, Path(min_length=1, max_length=100, description="The request's address (base58): its id everywhere")
]
_MEDIA = {
    "content": {
        "image/*": {"schema": {"type": "string", "format": "binary"}},
        "video/*": {"schema": {"type": "string", "format": "binary"}},
        "audio/*": {"schema": {"type": "string", "format": "binary"}},
    },
    "description": "The media bytes (their SHA-256 is the content hash recorded on-chain)",
}
_REPORT = {
    "content": {"application/json": {"schema": {"type": "string", "format": "binary"}}},
    "description": "The report's bytes as fetched (their SHA-256 is the report hash committed on-chain)",
}
_IMMUTABLE = "public, max-age=31536000, immutable"


@router.get(
    "/v1/public/info",
    response_model=PublicInfo,
    summary="This gateway's network, explorer and upload limits (no key)",
    operation_id="publicInfo",
    responses=error_responses(429),
)
async def public_info(public: PublicDep) -> PublicInfo:
    return public.info()


@router.get(
    "/v1/public/requests/{address}",
    response_model=PublicRequest,
    summary="A request's verdict and evidence, from the chain and the committed reports only (no key)",
    operation_id="publicRequest",
    description=(
        "Any request of the program, submitted through this gateway or not. Each revealed report is fetched from "
        "its URI and shown only when its SHA-256 equals the report hash its worker committed (`report.status`)."
    ),
    responses=error_responses(400, 404, 429, 502, 503, 504),
)
async def public_request(address: Address, public: PublicDep) -> PublicRequest:
    return await public.request(address)


@router.get(
    "/v1/public/requests/{address}/media",
    summary="The request's media, if its SHA-256 matches the content hash on-chain (no key)",
    operation_id="publicMedia",
    response_class=Response,
    responses={200: _MEDIA, **error_responses(400, 404, 429, 502, 503, 504)},
)
async def public_media(address: Address, public: PublicDep) -> Response:
    data, kind = await public.media(address)
    return Response(
        data,
        media_type=kind.mime,
        headers={
            "Cache-Control": _IMMUTABLE,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Content-Disposition": f'inline; filename="{address}{kind.extension}"',
        },
    )


@router.get(
    "/v1/public/requests/{address}/reports/{seat}",
    summary="A seat's committed report, if its SHA-256 matches the hash committed on-chain (no key)",
    operation_id="publicReport",
    response_class=Response,
    responses={200: _REPORT, **error_responses(400, 404, 429, 502, 503, 504)},
)
async def public_report(
    address: Address, seat: Annotated[int, Path(ge=0, le=9)], public: PublicDep
) -> Response:
    data = await public.report(address, seat)
    return Response(
        data,
        media_type="application/json",
        headers={
            "Cache-Control": _IMMUTABLE,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@router.get(
    "/v1/public/transactions/{signature}",
    response_model=PublicTransaction,
    summary="A transaction of the program: slot, accounts, logs and decoded events (no key)",
    operation_id="publicTransaction",
    responses=error_responses(400, 404, 429, 502, 503, 504),
)
async def public_transaction(
    signature: Annotated[str, Path(min_length=1, max_length=100)], public: PublicDep
) -> PublicTransaction:
    return await public.transaction(signature)


@router.get(
    "/v1/public/network",
    response_model=NetworkView,
    summary="The network's dashboard: workers, recent verdicts, fees paid out, latency and volume (no key)",
    operation_id="publicNetwork",
    responses=error_responses(429, 502, 503, 504),
)
async def public_network(public: PublicDep) -> NetworkView:
    return await public.network()


__all__ = ["get_public", "router"]
