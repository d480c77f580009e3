"""``/v1/fees``: what the program charges for a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dfpn_gateway.dependencies import ApiKeyDep, GatewayDep
from dfpn_gateway.openapi import error_responses
from dfpn_gateway.schemas import FeeEstimate, ModalityName, parse_modalities

router = APIRouter(tags=["fees"])


@router.get(
    "/v1/fees/estimate",
    response_model=FeeEstimate,
    summary="The fee the program charges",
    operation_id="estimateFee",
    responses=error_responses(400, 401, 403, 429, 502, 503, 504),
)
async def estimate_fee(
    key: ApiKeyDep,
    gw: GatewayDep,
    modalities: Annotated[
        list[ModalityName],
        Query(min_length=1, max_length=5, description="Repeat the parameter for several modalities"),
    ],
    min_workers: Annotated[int, Query(ge=1, le=10)] = 3,
) -> FeeEstimate:
    return await gw.estimate_fee(parse_modalities(list(modalities)), min_workers)


__all__ = ["router"]
