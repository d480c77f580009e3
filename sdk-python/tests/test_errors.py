"""Error codes and their mapping from program codes, LiteSVM failures and JSON-RPC error payloads."""

from __future__ import annotations

import pickle

import pytest
from solders.transaction_status import (
    InstructionErrorCustom,
    InstructionErrorFieldless,
    TransactionErrorFieldless,
    TransactionErrorInstructionError,
)

from dfpn.errors import HINTS, DFPNError, ErrorCode, from_program_code, from_rpc_error, from_transaction_error

from helpers import load_idl

IDL_ERRORS = load_idl()["errors"]


def upper_snake(name: str) -> str:
    return "".join("_" + c if c.isupper() and i else c for i, c in enumerate(name)).upper()


def test_issue_codes_exist() -> None:
    for name in ("INSUFFICIENT_FUNDS", "NO_WORKERS_AVAILABLE", "DEADLINE_TOO_SHORT", "CONTENT_HASH_MISMATCH"):
        assert ErrorCode[name].value == name


@pytest.mark.parametrize("err", IDL_ERRORS, ids=lambda e: e["name"])
def test_one_member_per_program_error(err: dict[str, object]) -> None:
    # Given a program error of the IDL
    code = int(err["code"])  # type: ignore[call-overload]
    # Then ErrorCode has a member of the same name with that program code, and a hint saying what to do
    member = ErrorCode[upper_snake(str(err["name"]))]
    assert member.program_code == code
    assert ErrorCode.from_program_code(code) is member
    assert member in HINTS
    # And the mapped error carries the code, the IDL message and the hint
    mapped = from_program_code(code)
    assert (mapped.code, mapped.program_code) == (member, code)
    assert str(err["msg"]) in str(mapped) and HINTS[member] in str(mapped)


def test_every_code_has_a_hint() -> None:
    assert set(HINTS) == set(ErrorCode)


def test_sdk_codes_have_no_program_code() -> None:
    assert ErrorCode.NO_WORKERS_AVAILABLE.program_code is None
    assert ErrorCode.from_program_code(7000) is None
    assert from_program_code(7000).code is ErrorCode.TRANSACTION_FAILED


def test_litesvm_transaction_errors() -> None:
    # Given a solders InstructionError(0, Custom(6022)) from the DFPN instruction
    err = TransactionErrorInstructionError(0, InstructionErrorCustom(6022))
    mapped = from_transaction_error(err, program_index={0: True}, logs=["log"], signature="sig")
    # Then it is DEADLINE_TOO_SHORT with logs and signature attached
    assert (mapped.code, mapped.program_code, mapped.logs, mapped.signature) == (
        ErrorCode.DEADLINE_TOO_SHORT,
        6022,
        ["log"],
        "sig",
    )
    # Given a system program Custom(1) (a transfer with too few lamports), Then INSUFFICIENT_FUNDS
    sys_err = TransactionErrorInstructionError(1, InstructionErrorCustom(1))
    assert (
        from_transaction_error(sys_err, program_index={0: True, 1: False}).code
        is ErrorCode.INSUFFICIENT_FUNDS
    )
    # Given the runtime's fee-payer failures, Then INSUFFICIENT_FUNDS without a program code
    for fieldless in (
        TransactionErrorFieldless.InsufficientFundsForFee,
        TransactionErrorFieldless.AccountNotFound,
    ):
        mapped = from_transaction_error(fieldless)
        assert (mapped.code, mapped.program_code) == (ErrorCode.INSUFFICIENT_FUNDS, None)
    # Given a missing program (a name that contains "AccountNotFound"), Then not a funding problem
    assert (
        from_transaction_error(TransactionErrorFieldless.ProgramAccountNotFound).code
        is ErrorCode.TRANSACTION_FAILED
    )
    assert from_transaction_error("ProgramAccountNotFound").code is ErrorCode.TRANSACTION_FAILED
    # Given another instruction error, Then TRANSACTION_FAILED naming it
    other = TransactionErrorInstructionError(0, InstructionErrorFieldless.MissingAccount)
    assert from_transaction_error(other).code is ErrorCode.TRANSACTION_FAILED


def test_rpc_error_payloads() -> None:
    # Given a preflight failure as JSON-RPC returns it
    payload = {
        "code": -32002,
        "message": "Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1772",
        "data": {"err": {"InstructionError": [0, {"Custom": 6002}]}, "logs": ["Program log: x"]},
    }
    mapped = from_rpc_error(payload)
    assert (mapped.code, mapped.program_code, mapped.logs) == (
        ErrorCode.MISSING_SIGNATURE,
        6002,
        ["Program log: x"],
    )
    # Given only the message, Then the hex custom code is read from it
    assert from_rpc_error({"code": -32002, "message": payload["message"]}).code is ErrorCode.MISSING_SIGNATURE
    # Given a fee payer without lamports
    no_funds = {"code": -32002, "message": "x", "data": {"err": "InsufficientFundsForFee", "logs": []}}
    assert from_rpc_error(no_funds).code is ErrorCode.INSUFFICIENT_FUNDS
    # Given an outage, Then RPC_ERROR
    assert from_rpc_error({"code": -32005, "message": "Node is behind"}).code is ErrorCode.RPC_ERROR
    assert from_rpc_error("connection refused").code is ErrorCode.RPC_ERROR


def test_error_is_an_exception_with_code_and_survives_pickling() -> None:
    err = DFPNError(ErrorCode.TIMEOUT, "request X not finalized after 5 s")
    assert isinstance(err, Exception)
    assert str(err).startswith("[TIMEOUT] request X not finalized after 5 s")
    assert "longer timeout" in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, str(again)) == (err.code, str(err))
