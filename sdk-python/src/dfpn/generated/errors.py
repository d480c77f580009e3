# Generated from idl/dfpn.json by scripts/gen_python.py — do not edit.
"""The program's error table: custom error codes, names and messages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ProgramErrorCode(IntEnum):
    """`Custom(code)` errors of the program."""

    INVALID_INSTRUCTION_DATA = 6000
    NOT_ENOUGH_ACCOUNTS = 6001
    MISSING_SIGNATURE = 6002
    ACCOUNT_NOT_WRITABLE = 6003
    INVALID_ACCOUNT_OWNER = 6004
    INVALID_ACCOUNT_DATA = 6005
    INVALID_PDA = 6006
    ACCOUNT_ALREADY_INITIALIZED = 6007
    INVALID_SYSTEM_PROGRAM = 6008
    UNAUTHORIZED = 6009
    PAUSED = 6010
    INVALID_CONFIG = 6011
    ARITHMETIC_OVERFLOW = 6012
    INVALID_MODALITIES = 6013
    INVALID_MODEL_ID = 6014
    MODEL_INACTIVE = 6015
    TOO_MANY_MODELS = 6016
    INSUFFICIENT_STAKE = 6017
    INSUFFICIENT_FUNDS = 6018
    WORKER_HAS_ACTIVE_COMMITMENTS = 6019
    UNBONDING_NOT_READY = 6020
    WORKER_UNBONDING = 6021
    DEADLINE_TOO_SHORT = 6022
    MAX_FEE_TOO_LOW = 6023
    INVALID_STORAGE_URI = 6024
    INVALID_WORKER_COUNT = 6025
    REQUEST_NOT_OPEN = 6026
    MODALITY_NOT_SUPPORTED = 6027
    REQUEST_FULL = 6028
    ALREADY_JOINED = 6029
    NOT_JOINED = 6030
    COMMIT_PHASE_CLOSED = 6031
    ALREADY_COMMITTED = 6032
    REVEAL_PHASE_NOT_STARTED = 6033
    REVEAL_PHASE_CLOSED = 6034
    NOT_COMMITTED = 6035
    ALREADY_REVEALED = 6036
    COMMITMENT_MISMATCH = 6037
    INVALID_VERDICT = 6038
    MODEL_NOT_DECLARED = 6039
    INVALID_REPORT_URI = 6040
    FINALIZE_TOO_EARLY = 6041
    CANNOT_EXPIRE = 6042
    REQUEST_NOT_FINISHED = 6043
    SEAT_ACCOUNT_MISMATCH = 6044
    NOTHING_TO_CLAIM = 6045
    PAYOUT_WALLET_MISMATCH = 6046
    INVALID_CONTENT_HASH = 6047
    CLIENT_MISMATCH = 6048
    VAULT_MISMATCH = 6049
    DUPLICATE_ACCOUNT = 6050
    INSUFFICIENT_COMMITMENTS = 6051


@dataclass(frozen=True, slots=True)
class ProgramErrorInfo:
    """One row of the IDL error table."""

    code: int
    name: str
    msg: str


PROGRAM_ERRORS: dict[int, ProgramErrorInfo] = {
    6000: ProgramErrorInfo(
        6000,
        'InvalidInstructionData',
        "Instruction data too short, too long or not a known discriminator.",
    ),
    6001: ProgramErrorInfo(
        6001,
        'NotEnoughAccounts',
        "Fewer accounts than the instruction needs.",
    ),
    6002: ProgramErrorInfo(
        6002,
        'MissingSignature',
        "A required signature is missing.",
    ),
    6003: ProgramErrorInfo(
        6003,
        'AccountNotWritable',
        "An account that must be writable is read-only.",
    ),
    6004: ProgramErrorInfo(
        6004,
        'InvalidAccountOwner',
        "An account is not owned by the expected program.",
    ),
    6005: ProgramErrorInfo(
        6005,
        'InvalidAccountData',
        "An account's data does not start with the expected discriminator or has the wrong size.",
    ),
    6006: ProgramErrorInfo(
        6006,
        'InvalidPda',
        "An account's address is not the expected program-derived address.",
    ),
    6007: ProgramErrorInfo(
        6007,
        'AccountAlreadyInitialized',
        "The account to create already exists.",
    ),
    6008: ProgramErrorInfo(
        6008,
        'InvalidSystemProgram',
        "The system program account is not the system program.",
    ),
    6009: ProgramErrorInfo(
        6009,
        'Unauthorized',
        "Signer is not the configuration authority.",
    ),
    6010: ProgramErrorInfo(
        6010,
        'Paused',
        "New requests are paused by the authority.",
    ),
    6011: ProgramErrorInfo(
        6011,
        'InvalidConfig',
        "A configuration value is out of range.",
    ),
    6012: ProgramErrorInfo(
        6012,
        'ArithmeticOverflow',
        "Arithmetic overflow or underflow.",
    ),
    6013: ProgramErrorInfo(
        6013,
        'InvalidModalities',
        "Modality bitmask is empty or names an unknown modality.",
    ),
    6014: ProgramErrorInfo(
        6014,
        'InvalidModelId',
        "Model id is empty, too long or not printable ASCII.",
    ),
    6015: ProgramErrorInfo(
        6015,
        'ModelInactive',
        "The model is deactivated.",
    ),
    6016: ProgramErrorInfo(
        6016,
        'TooManyModels',
        "Too many models for one worker.",
    ),
    6017: ProgramErrorInfo(
        6017,
        'InsufficientStake',
        "Stake below the configured minimum.",
    ),
    6018: ProgramErrorInfo(
        6018,
        'InsufficientFunds',
        "The payer does not have the lamports the instruction moves.",
    ),
    6019: ProgramErrorInfo(
        6019,
        'WorkerHasActiveCommitments',
        "The worker still holds a seat in an unfinished request.",
    ),
    6020: ProgramErrorInfo(
        6020,
        'UnbondingNotReady',
        "No unbonding in progress, or the unbonding delay has not passed.",
    ),
    6021: ProgramErrorInfo(
        6021,
        'WorkerUnbonding',
        "The worker is unbonding and cannot take new work.",
    ),
    6022: ProgramErrorInfo(
        6022,
        'DeadlineTooShort',
        "Deadline less than the configured minimum ahead of now.",
    ),
    6023: ProgramErrorInfo(
        6023,
        'MaxFeeTooLow',
        "Max fee is below the fee the network charges for this request.",
    ),
    6024: ProgramErrorInfo(
        6024,
        'InvalidStorageUri',
        "Storage URI is empty, too long, or not ipfs://, s3://, https://, http:// or file://.",
    ),
    6025: ProgramErrorInfo(
        6025,
        'InvalidWorkerCount',
        "min/max workers out of range.",
    ),
    6026: ProgramErrorInfo(
        6026,
        'RequestNotOpen',
        "The request is not open.",
    ),
    6027: ProgramErrorInfo(
        6027,
        'ModalityNotSupported',
        "The worker does not support every requested modality.",
    ),
    6028: ProgramErrorInfo(
        6028,
        'RequestFull',
        "All seats of the request are taken.",
    ),
    6029: ProgramErrorInfo(
        6029,
        'AlreadyJoined',
        "The worker already holds a seat in this request.",
    ),
    6030: ProgramErrorInfo(
        6030,
        'NotJoined',
        "The worker holds no seat in this request.",
    ),
    6031: ProgramErrorInfo(
        6031,
        'CommitPhaseClosed',
        "The commit phase is over.",
    ),
    6032: ProgramErrorInfo(
        6032,
        'AlreadyCommitted',
        "This seat already committed.",
    ),
    6033: ProgramErrorInfo(
        6033,
        'RevealPhaseNotStarted',
        "The reveal phase has not started.",
    ),
    6034: ProgramErrorInfo(
        6034,
        'RevealPhaseClosed',
        "The reveal phase is over.",
    ),
    6035: ProgramErrorInfo(
        6035,
        'NotCommitted',
        "This seat has no commitment to reveal.",
    ),
    6036: ProgramErrorInfo(
        6036,
        'AlreadyRevealed',
        "This seat already revealed.",
    ),
    6037: ProgramErrorInfo(
        6037,
        'CommitmentMismatch',
        "The revealed preimage does not hash to the commitment.",
    ),
    6038: ProgramErrorInfo(
        6038,
        'InvalidVerdict',
        "Verdict byte is not 0 (Inconclusive), 1 (Authentic) or 2 (Manipulated), or confidence > 100.",
    ),
    6039: ProgramErrorInfo(
        6039,
        'ModelNotDeclared',
        "The revealed model is not one of the worker's models.",
    ),
    6040: ProgramErrorInfo(
        6040,
        'InvalidReportUri',
        "Report URI empty or too long.",
    ),
    6041: ProgramErrorInfo(
        6041,
        'FinalizeTooEarly',
        "The request cannot be finalized yet.",
    ),
    6042: ProgramErrorInfo(
        6042,
        'CannotExpire',
        "The request cannot be expired: enough workers committed, or the commit phase is still open.",
    ),
    6043: ProgramErrorInfo(
        6043,
        'RequestNotFinished',
        "The request is not finished (finalized or expired).",
    ),
    6044: ProgramErrorInfo(
        6044,
        'SeatAccountMismatch',
        "The remaining accounts do not match the request's seats.",
    ),
    6045: ProgramErrorInfo(
        6045,
        'NothingToClaim',
        "Nothing to withdraw or claim.",
    ),
    6046: ProgramErrorInfo(
        6046,
        'PayoutWalletMismatch',
        "Payout wallet does not match the model's registered wallet.",
    ),
    6047: ProgramErrorInfo(
        6047,
        'InvalidContentHash',
        "Content hash is all zeroes.",
    ),
    6048: ProgramErrorInfo(
        6048,
        'ClientMismatch',
        "Client account does not match the request's client.",
    ),
    6049: ProgramErrorInfo(
        6049,
        'VaultMismatch',
        "Treasury or insurance vault does not match the configuration.",
    ),
    6050: ProgramErrorInfo(
        6050,
        'DuplicateAccount',
        "The same account was passed where two different accounts are required.",
    ),
    6051: ProgramErrorInfo(
        6051,
        'InsufficientCommitments',
        "Fewer than min workers committed: the request can only be expired.",
    ),
}


__all__ = ["PROGRAM_ERRORS", "ProgramErrorCode", "ProgramErrorInfo"]
