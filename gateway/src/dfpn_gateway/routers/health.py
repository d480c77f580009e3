"""``/v1/health``: liveness without an API key; with one, also the gateway's wallet, balance and queues."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from dfpn_gateway.auth import authenticate, extract_key
from dfpn_gateway.dependencies import GatewayDep
from dfpn_gateway.openapi import error_responses
from dfpn_gateway.schemas import Health

router = APIRouter(tags=["health"])


@router.get(
    "/v1/health",
    response_model=Health,
    response_model_exclude_none=True,
    summary="Liveness (no key needed); with an API key also the gateway's wallet, balance and queues",
    operation_id="health",
    responses={
        503: {"model": Health, "description": "The network cannot be reached"},
        **error_responses(403, 429),
    },
)
async def health(request: Request, gw: GatewayDep) -> JSONResponse:
    # The key is optional here: without one the answer says nothing an operator would keep to itself. A key that
    # is sent must be valid (403 otherwise), as on every other route.
    key = extract_key(request.headers.get("authorization"), request.headers.get("x-api-key"))
    detailed = key is not None and authenticate(gw.rt.store, key) is not None
    body = await gw.health(detailed=detailed)
    return JSONResponse(
        body.model_dump(mode="json", by_alias=True, exclude_none=True),
        status_code=200 if body.status == "ok" else 503,
    )


__all__ = ["router"]
