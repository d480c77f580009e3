"""API key authentication and rate limits.

A key is sent as ``Authorization: Bearer dfpn_...`` or ``X-API-Key: dfpn_...``. No key: 401 MISSING_API_KEY;
a key this gateway does not know: 403 INVALID_API_KEY; a revoked key: 403 API_KEY_REVOKED; over the key's rate:
429 RATE_LIMITED with Retry-After. (Quotas are checked when a request is submitted: 429 QUOTA_EXHAUSTED.)

A key's rate is counted in the database (`Store.take_rate_token`), so it holds for every replica together.
`RateLimiter` is an in-memory token bucket for limits that are per process by nature (per client address).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

from dfpn_gateway.errors import ApiError, GatewayCode
from dfpn_gateway.store import ApiKey, Rate, Store

logger = logging.getLogger(__name__)


@dataclass
class _Bucket:
    tokens: float
    updated: float
    rate: Rate


class RateLimiter:
    """Token buckets per name, in this process's memory: `rate.count` requests at once, refilled evenly over
    `rate.seconds`. (Several gateway processes each enforce the rate on their own: API keys use the database.)"""

    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, key_id: str, rate: Rate, now: float | None = None) -> float:
        """Take one token; returns 0, or the seconds to wait when the bucket is empty (nothing is taken)."""
        t = time.monotonic() if now is None else now
        refill = rate.count / rate.seconds
        with self._lock:
            b = self._buckets.get(key_id)
            if b is None or b.rate != rate:
                b = self._buckets[key_id] = _Bucket(float(rate.count), t, rate)
            b.tokens = min(float(rate.count), b.tokens + (t - b.updated) * refill)
            b.updated = t
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return 0.0
            return (1.0 - b.tokens) / refill


def extract_key(authorization: str | None, x_api_key: str | None) -> str | None:
    if x_api_key:
        return x_api_key.strip()
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return None


def authenticate(store: Store, key: str | None) -> ApiKey:
    """The key's record, after the rate check (in the database: shared by every replica); `ApiError` 401/403/429
    otherwise."""
    if not key:
        raise ApiError(
            401,
            GatewayCode.MISSING_API_KEY,
            "send an API key: 'Authorization: Bearer dfpn_...' or 'X-API-Key: dfpn_...' "
            "(the operator creates keys with `dfpn-gateway keys create`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    record = store.verify_key(key)
    if record is None:
        raise ApiError(403, GatewayCode.INVALID_API_KEY, "this API key is not valid for this gateway")
    if record.revoked:
        raise ApiError(403, GatewayCode.API_KEY_REVOKED, f"API key {record.id} was revoked")
    wait = store.take_rate_token(record.id, record.rate)
    if wait > 0:
        raise ApiError(
            429,
            GatewayCode.RATE_LIMITED,
            f"API key {record.id} is over its rate of {record.rate}; retry in {wait:.1f} s",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
    return record


__all__ = ["RateLimiter", "authenticate", "extract_key"]
