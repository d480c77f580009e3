"""The HTTP status of SDK failures (`dfpn_gateway.errors.http_status`)."""

from __future__ import annotations

from dfpn.errors import ErrorCode
from dfpn_gateway.errors import http_status


def test_an_unreachable_or_failing_node_is_503_service_unavailable() -> None:
    # A refused RPC node (RPC_UNREACHABLE) is the same to the gateway's caller as a failing one: retry later
    assert http_status(ErrorCode.RPC_UNREACHABLE) == 503
    assert http_status(ErrorCode.RPC_ERROR) == 503
    # while a bad request stays a bad request (control)
    assert http_status(ErrorCode.DEADLINE_TOO_SHORT) == 400
