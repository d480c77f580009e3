"""The gateway's errors: `ApiError` (an HTTP status, a code and a message) and the mapping of the SDK's
`ErrorCode` names onto HTTP statuses. Every error response has the body
``{"error": {"code": "...", "message": "..."}}``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from dfpn.errors import DFPNError, ErrorCode

logger = logging.getLogger(__name__)


class GatewayCode(StrEnum):
    """Codes of the gateway's own (non-SDK) failures."""

    MISSING_API_KEY = "MISSING_API_KEY"
    INVALID_API_KEY = "INVALID_API_KEY"
    API_KEY_REVOKED = "API_KEY_REVOKED"
    QUOTA_EXHAUSTED = "QUOTA_EXHAUSTED"
    RATE_LIMITED = "RATE_LIMITED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    INVALID_WEBHOOK_URL = "INVALID_WEBHOOK_URL"
    FEE_CAP_EXCEEDED = "FEE_CAP_EXCEEDED"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class ApiError(Exception):
    """A failure answered with `status` and ``{"error": {"code": code, "message": message}}``."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

    def body(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


_BAD_REQUEST = {
    ErrorCode.INVALID_ARGUMENT,
    ErrorCode.DEADLINE_TOO_SHORT,
    ErrorCode.DEADLINE_TOO_LONG,
    ErrorCode.MAX_FEE_TOO_LOW,
    ErrorCode.INVALID_MODALITIES,
    ErrorCode.INVALID_WORKER_COUNT,
    ErrorCode.MIN_WORKERS_BELOW_FLOOR,
    ErrorCode.INVALID_STORAGE_URI,
    ErrorCode.INVALID_CONTENT_HASH,
    ErrorCode.CONTENT_HASH_MISMATCH,
    ErrorCode.ARITHMETIC_OVERFLOW,
    ErrorCode.STORAGE_NOT_SUPPORTED,
    ErrorCode.MEDIA_NOT_FOUND,
}
_UNAVAILABLE = {
    ErrorCode.PAUSED,
    ErrorCode.RPC_ERROR,
    ErrorCode.RPC_UNREACHABLE,
    ErrorCode.STORAGE_UNAVAILABLE,
    ErrorCode.CONFIG_NOT_FOUND,
    ErrorCode.PROGRAM_NOT_FOUND,
    ErrorCode.NETWORK_NOT_SUPPORTED,
}
_STATUS: dict[ErrorCode, int] = {
    **dict.fromkeys(_BAD_REQUEST, 400),
    **dict.fromkeys(_UNAVAILABLE, 503),
    # The gateway's wallet cannot pay: the operator has to fund it.
    ErrorCode.INSUFFICIENT_FUNDS: 402,
    ErrorCode.REQUEST_NOT_FOUND: 404,
    ErrorCode.REQUEST_NOT_OPEN: 409,
    ErrorCode.ACCOUNT_ALREADY_INITIALIZED: 409,
    ErrorCode.STORAGE_FAILED: 502,
    ErrorCode.TRANSACTION_FAILED: 502,
    ErrorCode.TIMEOUT: 504,
}


def http_status(code: ErrorCode) -> int:
    """The HTTP status a `DFPNError` with `code` is answered with (502 for program errors that a valid API call
    cannot cause: the gateway and the network disagree)."""
    return _STATUS.get(code, 502)


def from_dfpn(error: DFPNError) -> ApiError:
    """The `ApiError` for an SDK failure: the SDK's code name and message, the status from `http_status`."""
    return ApiError(http_status(error.code), error.code.value, error.message)


def validation_message(errors: Any) -> str:
    """Pydantic's (or FastAPI's) validation errors as one message: the first five, ``field: reason`` each."""
    parts = []
    for e in list(errors)[:5]:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{loc or 'body'}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def invalid_argument(errors: Any) -> ApiError:
    """The 400 INVALID_ARGUMENT answer to validation errors."""
    return ApiError(400, ErrorCode.INVALID_ARGUMENT.value, validation_message(errors))


__all__ = ["ApiError", "GatewayCode", "from_dfpn", "http_status", "invalid_argument", "validation_message"]
