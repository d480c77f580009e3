"""The routes' dependencies: the app's `Gateway` service, and the authenticated (and rate-checked) API key,
taken from ``X-API-Key`` or ``Authorization: Bearer`` (both documented as security schemes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from dfpn_gateway import store as st
from dfpn_gateway.auth import authenticate, extract_key
from dfpn_gateway.service import Gateway

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key: dfpn_...")
_bearer = HTTPBearer(
    auto_error=False, description="An API key as a bearer token: Authorization: Bearer dfpn_..."
)


def get_gateway(request: Request) -> Gateway:
    """The service of the app serving `request` (set by `create_app`)."""
    gateway: Gateway = request.app.state.gateway
    return gateway


#: The app's `Gateway`.
GatewayDep = Annotated[Gateway, Depends(get_gateway)]


async def api_key(
    request: Request,
    x_api_key: Annotated[str | None, Depends(_api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> st.ApiKey:
    gw = get_gateway(request)
    key = extract_key(request.headers.get("authorization"), x_api_key)
    return authenticate(gw.rt.store, key)


#: The authenticated (and rate-checked) API key of a request.
ApiKeyDep = Annotated[st.ApiKey, Depends(api_key)]


__all__ = ["ApiKeyDep", "GatewayDep", "api_key", "get_gateway"]
