"""``/v1/health``: liveness and the gateway's wallet, without an API key."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from dfpn_gateway.dependencies import GatewayDep
from dfpn_gateway.schemas import Health

router = APIRouter(tags=["health"])


@router.get(
    "/v1/health",
    response_model=Health,
    summary="Liveness and the gateway's wallet (no key needed)",
    operation_id="health",
    responses={503: {"model": Health, "description": "The network cannot be reached"}},
)
async def health(gw: GatewayDep) -> JSONResponse:
    body = await gw.health()
    return JSONResponse(
        body.model_dump(mode="json", by_alias=True), status_code=200 if body.detail is None else 503
    )


__all__ = ["router"]
