"""How failures are answered: every error is ``{"error": {"code": ..., "message": ...}}`` with its status
(`ApiError` as raised; SDK failures by `errors.from_dfpn`; validation failures 400, not FastAPI's 422)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from dfpn.errors import DFPNError
from dfpn_gateway.errors import ApiError, GatewayCode, from_dfpn, invalid_argument
from dfpn_gateway.redact import redact_text
from dfpn_gateway.server import BodyTimeoutError

logger = logging.getLogger(__name__)


async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def dfpn_error(_request: Request, exc: DFPNError) -> JSONResponse:
    err = from_dfpn(exc)
    if err.status >= 500:
        logger.warning("network failure: %s", redact_text(str(exc)))
    # The SDK's messages quote the RPC URL, which may carry the provider's key.
    return JSONResponse(
        {"error": {"code": err.code, "message": redact_text(err.message)}}, status_code=err.status
    )


async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    err = invalid_argument(exc.errors())
    return JSONResponse(err.body(), status_code=err.status)


async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = {404: GatewayCode.NOT_FOUND, 405: GatewayCode.METHOD_NOT_ALLOWED}.get(
        exc.status_code, "HTTP_ERROR"
    )
    return JSONResponse(
        {"error": {"code": str(code), "message": str(exc.detail)}},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def client_disconnect(request: Request, _exc: ClientDisconnect) -> Response:
    logger.info("client went away during %s %s", request.method, request.url.path)
    return Response(status_code=400)


async def body_timeout(request: Request, exc: BodyTimeoutError) -> JSONResponse:
    logger.info("%s %s from %s: %s", request.method, request.url.path, request.client, exc)
    return JSONResponse(
        {"error": {"code": GatewayCode.REQUEST_TIMEOUT.value, "message": str(exc)}},
        status_code=408,
        headers={"Connection": "close"},
    )


async def database_error(request: Request, exc: DBAPIError) -> JSONResponse:
    """The database cannot be reached or refused the statement (PostgreSQL down, a connection cut): 503, with the
    details in the log only (they name the server)."""
    logger.warning("%s %s: database error: %s", request.method, request.url.path, redact_text(str(exc.orig)))
    return JSONResponse(
        {
            "error": {
                "code": GatewayCode.DATABASE_UNAVAILABLE.value,
                "message": "the gateway's database is unavailable; try again shortly",
            }
        },
        status_code=503,
        headers={"Retry-After": "5"},
    )


async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected failure", exc_info=exc)
    return JSONResponse(
        {
            "error": {
                "code": GatewayCode.INTERNAL_ERROR.value,
                "message": "internal error; see the gateway log",
            }
        },
        status_code=500,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.exception_handler(ApiError)(api_error)
    app.exception_handler(DFPNError)(dfpn_error)
    app.exception_handler(RequestValidationError)(validation_error)
    app.exception_handler(StarletteHTTPException)(http_error)
    app.exception_handler(ClientDisconnect)(client_disconnect)
    app.exception_handler(BodyTimeoutError)(body_timeout)
    app.exception_handler(DBAPIError)(database_error)
    app.exception_handler(Exception)(unexpected)


__all__ = ["install"]
