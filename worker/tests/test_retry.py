"""Which failures the worker waits out (`dfpn_worker.retry.is_transient`)."""

from __future__ import annotations

import pytest

from dfpn.errors import DFPNError, ErrorCode
from dfpn_worker.retry import is_transient


@pytest.mark.parametrize("code", [ErrorCode.RPC_ERROR, ErrorCode.RPC_UNREACHABLE, ErrorCode.TIMEOUT])
def test_an_outage_or_a_node_that_refuses_connections_is_waited_out(code: ErrorCode) -> None:
    # A node that refuses connections (the SDK gives up on it within a second) may be restarting
    assert is_transient(DFPNError(code, "the node did not answer"))


def test_a_program_refusal_is_not_waited_out() -> None:
    assert not is_transient(DFPNError(ErrorCode.DEADLINE_TOO_SHORT))
    assert not is_transient(DFPNError(ErrorCode.NETWORK_NOT_SUPPORTED, "unknown network 'mars'"))
