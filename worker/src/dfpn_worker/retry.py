"""Bounded retries with exponential backoff for network faults."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from dfpn.errors import DFPNError, ErrorCode

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Failures that say "the network or a service did not answer", not "the program refused". A node that refuses
#: connections (RPC_UNREACHABLE: the SDK gives up on it within a second) may be restarting: a worker waits it out.
TRANSIENT_CODES = frozenset(
    {ErrorCode.RPC_ERROR, ErrorCode.RPC_UNREACHABLE, ErrorCode.TIMEOUT, ErrorCode.STORAGE_UNAVAILABLE}
)


def is_transient(error: BaseException) -> bool:
    if isinstance(error, DFPNError):
        return error.code in TRANSIENT_CODES and error.program_code is None
    return isinstance(error, OSError | httpx.TransportError | TimeoutError)


def backoff(attempt: int, base: float, cap: float) -> float:
    """Delay before retry number `attempt` (1, 2, ...): base × 2^(attempt−1), capped, with ±20 % jitter."""
    delay = min(cap, base * (2 ** (attempt - 1)))
    return float(delay * random.uniform(0.8, 1.2))


async def retrying(
    operation: str,
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int = 5,
    base: float = 0.5,
    cap: float = 10.0,
    transient: Callable[[BaseException], bool] = is_transient,
    on_retry: Callable[[str], None] | None = None,
) -> T:
    """`await call()`, retried up to `attempts` times in all while it fails with a transient error."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as e:
            if attempt >= attempts or not transient(e):
                raise
            delay = backoff(attempt, base, cap)
            logger.warning(
                "%s failed (%s); retry %d/%d in %.2fs",
                operation,
                e,
                attempt,
                attempts - 1,
                delay,
                extra={"event": "retry", "operation": operation},
            )
            if on_retry is not None:
                on_retry(operation)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["TRANSIENT_CODES", "backoff", "is_transient", "retrying"]
