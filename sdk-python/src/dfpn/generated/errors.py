# Generated from idl/dfpn.json by scripts/gen_python.py — do not edit.
"""The error table: program errors (IDL), the SDK's codes and hints (idl/errors.catalogue.json)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


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
    DEADLINE_TOO_LONG = 6052
    SELF_DEALING = 6053
    INVALID_CONFIDENCE = 6054
    MODEL_MISMATCH = 6055
    MODEL_MODALITY_MISMATCH = 6056
    NOT_CONFIG_AUTHORITY = 6057
    NOT_PENDING_AUTHORITY = 6058
    NON_CANONICAL_BUMP = 6059
    PAYOUT_BELOW_RENT = 6060
    REQUEST_ALREADY_CLOSED = 6061
    BOND_EXCEEDS_FREE_STAKE = 6062
    LEAVE_WINDOW_CLOSED = 6063
    NOT_UPGRADE_AUTHORITY = 6064
    INVALID_PROGRAM_DATA = 6065
    INSURANCE_WITHDRAWAL_TOO_LARGE = 6066
    INSURANCE_WITHDRAWAL_TOO_SOON = 6067
    NOT_PENDING_DEVELOPER = 6068
    NOT_CHALLENGER = 6069
    CHALLENGE_MISMATCH = 6070
    CHALLENGE_TOO_EARLY = 6071
    CHALLENGE_ALREADY_REVEALED = 6072
    FINALIZE_RESERVED_FOR_CLIENT = 6073
    NOT_DRAWN = 6074
    DRAW_TOO_EARLY = 6075
    DRAW_ACCOUNT_MISMATCH = 6076
    NO_WORKERS_TO_DRAW = 6077
    MIN_WORKERS_BELOW_FLOOR = 6078
    NOTHING_TO_DRAW = 6079
    NOT_SLOT_HASHES_SYSVAR = 6080


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
        "Signer is not the authority of this account (the worker's operator or the model's developer).",
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
        "Verdict byte is not 0 (Inconclusive), 1 (Authentic) or 2 (Manipulated).",
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
    6052: ProgramErrorInfo(
        6052,
        'DeadlineTooLong',
        "Deadline is further from now than the configuration's max_deadline_secs.",
    ),
    6053: ProgramErrorInfo(
        6053,
        'SelfDealing',
        "A worker or model may not serve a request whose client is its own operator or developer.",
    ),
    6054: ProgramErrorInfo(
        6054,
        'InvalidConfidence',
        "Confidence is above 100.",
    ),
    6055: ProgramErrorInfo(
        6055,
        'ModelMismatch',
        "The model account is not the model the seat committed with.",
    ),
    6056: ProgramErrorInfo(
        6056,
        'ModelModalityMismatch',
        "The model does not cover every modality the request names.",
    ),
    6057: ProgramErrorInfo(
        6057,
        'NotConfigAuthority',
        "Signer is not the configuration authority.",
    ),
    6058: ProgramErrorInfo(
        6058,
        'NotPendingAuthority',
        "Signer is not the proposed configuration authority (or none is proposed).",
    ),
    6059: ProgramErrorInfo(
        6059,
        'NonCanonicalBump',
        "The request address does not use the canonical PDA bump.",
    ),
    6060: ProgramErrorInfo(
        6060,
        'PayoutBelowRent',
        "The receiving wallet is empty and the amount is below its rent-exempt minimum.",
    ),
    6061: ProgramErrorInfo(
        6061,
        'RequestAlreadyClosed',
        "No request account at this address: it was closed already, or never submitted.",
    ),
    6062: ProgramErrorInfo(
        6062,
        'BondExceedsFreeStake',
        "The worker's stake not already bonded by its other seats does not cover this request's seat bond.",
    ),
    6063: ProgramErrorInfo(
        6063,
        'LeaveWindowClosed',
        "A seat can be given back only within half a commit window of being drawn.",
    ),
    6064: ProgramErrorInfo(
        6064,
        'NotUpgradeAuthority',
        "The signer is not the program's upgrade authority: only it may initialize the configuration.",
    ),
    6065: ProgramErrorInfo(
        6065,
        'InvalidProgramData',
        "The program-data account is not this program's (BPF upgradeable loader, PDA of the program id).",
    ),
    6066: ProgramErrorInfo(
        6066,
        'InsuranceWithdrawalTooLarge',
        "An insurance withdrawal may move at most `MAX_INSURANCE_WITHDRAWAL_BPS` of the vault above rent.",
    ),
    6067: ProgramErrorInfo(
        6067,
        'InsuranceWithdrawalTooSoon',
        "Insurance was withdrawn less than `INSURANCE_WITHDRAWAL_INTERVAL_SECS` ago.",
    ),
    6068: ProgramErrorInfo(
        6068,
        'NotPendingDeveloper',
        "The signer is not the model's proposed developer.",
    ),
    6069: ProgramErrorInfo(
        6069,
        'NotChallenger',
        "The signer is not a registered challenger (`register_challenger`).",
    ),
    6070: ProgramErrorInfo(
        6070,
        'ChallengeMismatch',
        "The label and salt do not hash to the request's attestation.",
    ),
    6071: ProgramErrorInfo(
        6071,
        'ChallengeTooEarly',
        "A challenge can be revealed only once the reveal phase is over, and before finalization.",
    ),
    6072: ProgramErrorInfo(
        6072,
        'ChallengeAlreadyRevealed',
        "The challenge of this request was already revealed.",
    ),
    6073: ProgramErrorInfo(
        6073,
        'FinalizeReservedForClient',
        "Until `FINALIZE_GRACE_SECS` after the deadline only the client may finalize.",
    ),
    6074: ProgramErrorInfo(
        6074,
        'NotDrawn',
        (
            "The signer holds no drawn, unaccepted seat in this request: seats are drawn (`draw_seats`), "
            "not taken."
        ),
    ),
    6075: ProgramErrorInfo(
        6075,
        'DrawTooEarly',
        "The draw's slot hash does not exist yet: draw after the slot following `draw_slot`.",
    ),
    6076: ProgramErrorInfo(
        6076,
        'DrawAccountMismatch',
        "A candidate account is not the worker at the drawn pool index (or a replaced seat's worker).",
    ),
    6077: ProgramErrorInfo(
        6077,
        'NoWorkersToDraw',
        "No worker was registered when the request was submitted: nobody can be drawn.",
    ),
    6078: ProgramErrorInfo(
        6078,
        'MinWorkersBelowFloor',
        "min_workers is below the configuration's min_workers_floor.",
    ),
    6079: ProgramErrorInfo(
        6079,
        'NothingToDraw',
        "Every seat is drawn and none is uncommitted half a commit window after its draw: nothing to draw.",
    ),
    6080: ProgramErrorInfo(
        6080,
        'NotSlotHashesSysvar',
        "The slot-hashes account is not the SlotHashes sysvar.",
    ),
}


class ErrorCode(StrEnum):
    """What went wrong. Program errors keep the program's name; the first block is the SDK's own."""

    NO_WORKERS_AVAILABLE = "NO_WORKERS_AVAILABLE"
    CONTENT_HASH_MISMATCH = "CONTENT_HASH_MISMATCH"
    REPORT_HASH_MISMATCH = "REPORT_HASH_MISMATCH"
    REPORT_UNAVAILABLE = "REPORT_UNAVAILABLE"
    MEDIA_NOT_FOUND = "MEDIA_NOT_FOUND"
    CONTENT_TOO_LARGE = "CONTENT_TOO_LARGE"
    STORAGE_NOT_SUPPORTED = "STORAGE_NOT_SUPPORTED"
    STORAGE_UNAVAILABLE = "STORAGE_UNAVAILABLE"
    STORAGE_FAILED = "STORAGE_FAILED"
    NETWORK_NOT_SUPPORTED = "NETWORK_NOT_SUPPORTED"
    PROGRAM_NOT_FOUND = "PROGRAM_NOT_FOUND"
    CONFIG_NOT_FOUND = "CONFIG_NOT_FOUND"
    REQUEST_NOT_FOUND = "REQUEST_NOT_FOUND"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    TIMEOUT = "TIMEOUT"
    RPC_ERROR = "RPC_ERROR"
    RPC_UNREACHABLE = "RPC_UNREACHABLE"
    TRANSACTION_FAILED = "TRANSACTION_FAILED"
    DESTINATION_REFUSED = "DESTINATION_REFUSED"
    WALLET_REQUIRED = "WALLET_REQUIRED"
    LOCAL_WORKERS_MISSING = "LOCAL_WORKERS_MISSING"
    INVALID_INSTRUCTION_DATA = "INVALID_INSTRUCTION_DATA"
    NOT_ENOUGH_ACCOUNTS = "NOT_ENOUGH_ACCOUNTS"
    MISSING_SIGNATURE = "MISSING_SIGNATURE"
    ACCOUNT_NOT_WRITABLE = "ACCOUNT_NOT_WRITABLE"
    INVALID_ACCOUNT_OWNER = "INVALID_ACCOUNT_OWNER"
    INVALID_ACCOUNT_DATA = "INVALID_ACCOUNT_DATA"
    INVALID_PDA = "INVALID_PDA"
    ACCOUNT_ALREADY_INITIALIZED = "ACCOUNT_ALREADY_INITIALIZED"
    INVALID_SYSTEM_PROGRAM = "INVALID_SYSTEM_PROGRAM"
    UNAUTHORIZED = "UNAUTHORIZED"
    PAUSED = "PAUSED"
    INVALID_CONFIG = "INVALID_CONFIG"
    ARITHMETIC_OVERFLOW = "ARITHMETIC_OVERFLOW"
    INVALID_MODALITIES = "INVALID_MODALITIES"
    INVALID_MODEL_ID = "INVALID_MODEL_ID"
    MODEL_INACTIVE = "MODEL_INACTIVE"
    TOO_MANY_MODELS = "TOO_MANY_MODELS"
    INSUFFICIENT_STAKE = "INSUFFICIENT_STAKE"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    WORKER_HAS_ACTIVE_COMMITMENTS = "WORKER_HAS_ACTIVE_COMMITMENTS"
    UNBONDING_NOT_READY = "UNBONDING_NOT_READY"
    WORKER_UNBONDING = "WORKER_UNBONDING"
    DEADLINE_TOO_SHORT = "DEADLINE_TOO_SHORT"
    MAX_FEE_TOO_LOW = "MAX_FEE_TOO_LOW"
    INVALID_STORAGE_URI = "INVALID_STORAGE_URI"
    INVALID_WORKER_COUNT = "INVALID_WORKER_COUNT"
    REQUEST_NOT_OPEN = "REQUEST_NOT_OPEN"
    MODALITY_NOT_SUPPORTED = "MODALITY_NOT_SUPPORTED"
    REQUEST_FULL = "REQUEST_FULL"
    ALREADY_JOINED = "ALREADY_JOINED"
    NOT_JOINED = "NOT_JOINED"
    COMMIT_PHASE_CLOSED = "COMMIT_PHASE_CLOSED"
    ALREADY_COMMITTED = "ALREADY_COMMITTED"
    REVEAL_PHASE_NOT_STARTED = "REVEAL_PHASE_NOT_STARTED"
    REVEAL_PHASE_CLOSED = "REVEAL_PHASE_CLOSED"
    NOT_COMMITTED = "NOT_COMMITTED"
    ALREADY_REVEALED = "ALREADY_REVEALED"
    COMMITMENT_MISMATCH = "COMMITMENT_MISMATCH"
    INVALID_VERDICT = "INVALID_VERDICT"
    MODEL_NOT_DECLARED = "MODEL_NOT_DECLARED"
    INVALID_REPORT_URI = "INVALID_REPORT_URI"
    FINALIZE_TOO_EARLY = "FINALIZE_TOO_EARLY"
    CANNOT_EXPIRE = "CANNOT_EXPIRE"
    REQUEST_NOT_FINISHED = "REQUEST_NOT_FINISHED"
    SEAT_ACCOUNT_MISMATCH = "SEAT_ACCOUNT_MISMATCH"
    NOTHING_TO_CLAIM = "NOTHING_TO_CLAIM"
    PAYOUT_WALLET_MISMATCH = "PAYOUT_WALLET_MISMATCH"
    INVALID_CONTENT_HASH = "INVALID_CONTENT_HASH"
    CLIENT_MISMATCH = "CLIENT_MISMATCH"
    VAULT_MISMATCH = "VAULT_MISMATCH"
    DUPLICATE_ACCOUNT = "DUPLICATE_ACCOUNT"
    INSUFFICIENT_COMMITMENTS = "INSUFFICIENT_COMMITMENTS"
    DEADLINE_TOO_LONG = "DEADLINE_TOO_LONG"
    SELF_DEALING = "SELF_DEALING"
    INVALID_CONFIDENCE = "INVALID_CONFIDENCE"
    MODEL_MISMATCH = "MODEL_MISMATCH"
    MODEL_MODALITY_MISMATCH = "MODEL_MODALITY_MISMATCH"
    NOT_CONFIG_AUTHORITY = "NOT_CONFIG_AUTHORITY"
    NOT_PENDING_AUTHORITY = "NOT_PENDING_AUTHORITY"
    NON_CANONICAL_BUMP = "NON_CANONICAL_BUMP"
    PAYOUT_BELOW_RENT = "PAYOUT_BELOW_RENT"
    REQUEST_ALREADY_CLOSED = "REQUEST_ALREADY_CLOSED"
    BOND_EXCEEDS_FREE_STAKE = "BOND_EXCEEDS_FREE_STAKE"
    LEAVE_WINDOW_CLOSED = "LEAVE_WINDOW_CLOSED"
    NOT_UPGRADE_AUTHORITY = "NOT_UPGRADE_AUTHORITY"
    INVALID_PROGRAM_DATA = "INVALID_PROGRAM_DATA"
    INSURANCE_WITHDRAWAL_TOO_LARGE = "INSURANCE_WITHDRAWAL_TOO_LARGE"
    INSURANCE_WITHDRAWAL_TOO_SOON = "INSURANCE_WITHDRAWAL_TOO_SOON"
    NOT_PENDING_DEVELOPER = "NOT_PENDING_DEVELOPER"
    NOT_CHALLENGER = "NOT_CHALLENGER"
    CHALLENGE_MISMATCH = "CHALLENGE_MISMATCH"
    CHALLENGE_TOO_EARLY = "CHALLENGE_TOO_EARLY"
    CHALLENGE_ALREADY_REVEALED = "CHALLENGE_ALREADY_REVEALED"
    FINALIZE_RESERVED_FOR_CLIENT = "FINALIZE_RESERVED_FOR_CLIENT"
    NOT_DRAWN = "NOT_DRAWN"
    DRAW_TOO_EARLY = "DRAW_TOO_EARLY"
    DRAW_ACCOUNT_MISMATCH = "DRAW_ACCOUNT_MISMATCH"
    NO_WORKERS_TO_DRAW = "NO_WORKERS_TO_DRAW"
    MIN_WORKERS_BELOW_FLOOR = "MIN_WORKERS_BELOW_FLOOR"
    NOTHING_TO_DRAW = "NOTHING_TO_DRAW"
    NOT_SLOT_HASHES_SYSVAR = "NOT_SLOT_HASHES_SYSVAR"

    @property
    def program_code(self) -> int | None:
        """The program's `Custom` code for program errors, None for the SDK's own codes."""
        member = ProgramErrorCode.__members__.get(self.value)
        return None if member is None else int(member)

    @classmethod
    def from_program_code(cls, code: int) -> ErrorCode | None:
        """The member for a program error code (6000..), None for a code the program does not define."""
        try:
            return cls(ProgramErrorCode(code).name)
        except ValueError:
            return None


#: The SDK's own codes' default messages (program errors take theirs from `PROGRAM_ERRORS`).
SDK_ERROR_MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.NO_WORKERS_AVAILABLE: "No workers available",
    ErrorCode.CONTENT_HASH_MISMATCH: "Content hash mismatch",
    ErrorCode.REPORT_HASH_MISMATCH: "Report hash mismatch",
    ErrorCode.REPORT_UNAVAILABLE: "Report unavailable",
    ErrorCode.MEDIA_NOT_FOUND: "Media not found",
    ErrorCode.CONTENT_TOO_LARGE: "Content too large",
    ErrorCode.STORAGE_NOT_SUPPORTED: "Storage not supported",
    ErrorCode.STORAGE_UNAVAILABLE: "Storage unavailable",
    ErrorCode.STORAGE_FAILED: "Storage failed",
    ErrorCode.NETWORK_NOT_SUPPORTED: "Network not supported",
    ErrorCode.PROGRAM_NOT_FOUND: "Program not found",
    ErrorCode.CONFIG_NOT_FOUND: "Config not found",
    ErrorCode.REQUEST_NOT_FOUND: "Request not found",
    ErrorCode.INVALID_ARGUMENT: "Invalid argument",
    ErrorCode.TIMEOUT: "Timeout",
    ErrorCode.RPC_ERROR: "Rpc error",
    ErrorCode.RPC_UNREACHABLE: "RPC endpoint unreachable",
    ErrorCode.TRANSACTION_FAILED: "Transaction failed",
    ErrorCode.DESTINATION_REFUSED: "Destination refused",
    ErrorCode.WALLET_REQUIRED: "Wallet required",
    ErrorCode.LOCAL_WORKERS_MISSING: "No local workers installed",
}

#: What to do about each failure, appended to the message of a `DFPNError`.
ERROR_HINTS: dict[ErrorCode, str] = {
    ErrorCode.NO_WORKERS_AVAILABLE: (
        "Fewer workers than min_workers committed before the commit deadline; the escrow went back to the "
        "client. Submit again with a later deadline, fewer min_workers or modalities more workers support."
    ),
    ErrorCode.CONTENT_HASH_MISMATCH: (
        "The media bytes do not hash (SHA-256) to the recorded content hash: the file changed or the wrong "
        "file or URI was given. Do not analyse it; use the exact bytes that were submitted."
    ),
    ErrorCode.REPORT_HASH_MISMATCH: (
        "A worker's report does not hash to the report hash it committed on-chain: the report was altered "
        "or replaced after the reveal. Treat that worker's detections as untrustworthy."
    ),
    ErrorCode.REPORT_UNAVAILABLE: "A worker's report URI could not be read; check the path or URL and retry.",
    ErrorCode.MEDIA_NOT_FOUND: "The media file does not exist or cannot be read; check the path.",
    ErrorCode.CONTENT_TOO_LARGE: (
        "The content is over the size limit for this read; it was not downloaded in full."
    ),
    ErrorCode.STORAGE_NOT_SUPPORTED: (
        "Use a storage backend the SDK has: 'ipfs' (a Kubo daemon), 's3' (pip install 'dfpn[s3]'), or "
        "'file' on the local network; or upload yourself and pass uri=... with content_hash=... (or "
        "media_path=...)."
    ),
    ErrorCode.STORAGE_UNAVAILABLE: (
        "The storage service is unreachable. For IPFS start a Kubo daemon (`ipfs daemon`; "
        "scripts/install-kubo.sh builds Kubo) or point DFPN_IPFS_API at one; for S3 check the endpoint URL "
        "and credentials."
    ),
    ErrorCode.STORAGE_FAILED: (
        "The storage service refused the upload or read; see the message for its answer (bucket, CID, "
        "size)."
    ),
    ErrorCode.NETWORK_NOT_SUPPORTED: (
        "Use 'local' (the embedded network, in this process), 'localnet' (a validator on 127.0.0.1:8899, "
        "`make localnet`), 'devnet', 'testnet', 'mainnet' (or 'mainnet-beta') or an http(s) RPC URL such as"
        " http://127.0.0.1:8899."
    ),
    ErrorCode.PROGRAM_NOT_FOUND: (
        "The program binary dfpn.so was not found: run `make build` in the repository, or pass "
        "program_path=... or set DFPN_PROGRAM_SO."
    ),
    ErrorCode.CONFIG_NOT_FOUND: (
        "The network has no DFPN configuration account: the program is not deployed or not initialised "
        "there."
    ),
    ErrorCode.REQUEST_NOT_FOUND: (
        "No request account at this address: check the id (the request's address), or it was closed."
    ),
    ErrorCode.INVALID_ARGUMENT: "Fix the argument named in the message.",
    ErrorCode.TIMEOUT: (
        "The request did not finish in time; call wait_for_result again with a longer timeout."
    ),
    ErrorCode.RPC_ERROR: "The RPC endpoint failed or is unreachable; check the URL and retry later.",
    ErrorCode.RPC_UNREACHABLE: (
        "Start the node (for localnet: `make localnet` or `dfpn-localnet up`), or check the network name or"
        " RPC URL."
    ),
    ErrorCode.TRANSACTION_FAILED: (
        "The transaction failed outside the program; see the logs attached to the error."
    ),
    ErrorCode.DESTINATION_REFUSED: (
        "The URL was not contacted: only http(s) URLs without user information, control characters or "
        "whitespace, whose host resolves only to publicly reachable addresses (not loopback, private, "
        "link-local, reserved, ...), are fetched. An operator who means to reach a non-public network "
        "allows it explicitly (a worker's media_allow_networks)."
    ),
    ErrorCode.WALLET_REQUIRED: (
        "Reading needs no wallet, but this call signs a transaction: create the client with "
        "wallet=Keypair(...) (or load_keypair('~/.config/solana/id.json'))."
    ),
    ErrorCode.LOCAL_WORKERS_MISSING: (
        "The embedded 'local' network runs reference workers only when a worker package is installed: pip "
        "install 'dfpn[local]' (or dfpn-worker), or pass local_workers=0 and run your own."
    ),
    ErrorCode.INVALID_INSTRUCTION_DATA: (
        "The SDK and the deployed program disagree on the IDL; upgrade the SDK."
    ),
    ErrorCode.NOT_ENOUGH_ACCOUNTS: "The SDK and the deployed program disagree on the IDL; upgrade the SDK.",
    ErrorCode.MISSING_SIGNATURE: (
        "Sign with the account named in the IDL (wallet, worker or model authority)."
    ),
    ErrorCode.ACCOUNT_NOT_WRITABLE: "The SDK and the deployed program disagree on the IDL; upgrade the SDK.",
    ErrorCode.INVALID_ACCOUNT_OWNER: (
        "An account passed is not a DFPN account (wrong address or wrong network)."
    ),
    ErrorCode.INVALID_ACCOUNT_DATA: "An account passed is not of the expected DFPN type; check the address.",
    ErrorCode.INVALID_PDA: "An address is not the expected PDA; derive it with dfpn.pda for this program id.",
    ErrorCode.ACCOUNT_ALREADY_INITIALIZED: "It already exists: use another nonce, model id or worker key.",
    ErrorCode.INVALID_SYSTEM_PROGRAM: "Pass the system program (11111111111111111111111111111111).",
    ErrorCode.UNAUTHORIZED: (
        "Sign with the key that owns this account: the worker's operator key or the model's developer key."
    ),
    ErrorCode.PAUSED: "New requests are paused by the network authority; try again later.",
    ErrorCode.INVALID_CONFIG: "A configuration value is out of the bounds listed in docs/protocol.md.",
    ErrorCode.ARITHMETIC_OVERFLOW: "A value is too large (fee, stake or deadline); use smaller numbers.",
    ErrorCode.INVALID_MODALITIES: "Name at least one known Modality.",
    ErrorCode.INVALID_MODEL_ID: (
        "Model ids are 1-32 printable ASCII characters, such as 'face-forensics-sbi'."
    ),
    ErrorCode.MODEL_INACTIVE: "The model was deactivated by its developer; use another model.",
    ErrorCode.TOO_MANY_MODELS: "A worker declares at most 4 models.",
    ErrorCode.INSUFFICIENT_STAKE: "Stake at least the configured min_stake.",
    ErrorCode.INSUFFICIENT_FUNDS: (
        "The paying wallet lacks the lamports this needs (for a request: max fee + the request account's "
        "rent + the transaction fee). Fund the wallet or lower max_fee."
    ),
    ErrorCode.WORKER_HAS_ACTIVE_COMMITMENTS: (
        "Wait until the worker's open requests are finalized or expired."
    ),
    ErrorCode.UNBONDING_NOT_READY: "Request an unstake first, then wait for the unbonding delay to pass.",
    ErrorCode.WORKER_UNBONDING: "A worker with unbonding stake cannot take work; withdraw it first.",
    ErrorCode.DEADLINE_TOO_SHORT: (
        "The deadline must be at least the configured min_deadline_secs (60 s on the reference "
        "configuration) ahead of the cluster clock; pass a larger deadline_seconds."
    ),
    ErrorCode.MAX_FEE_TOO_LOW: "Raise max_fee to at least estimate_fee(modalities, min_workers).",
    ErrorCode.INVALID_STORAGE_URI: (
        "The storage URI must be ipfs://, s3://, https://, http:// or file://, printable ASCII without "
        "spaces, at most 200 bytes."
    ),
    ErrorCode.INVALID_WORKER_COUNT: "Use 1 <= min_workers <= max_workers <= 10.",
    ErrorCode.REQUEST_NOT_OPEN: "The request is already finalized or expired.",
    ErrorCode.MODALITY_NOT_SUPPORTED: "The worker must support every modality the request names.",
    ErrorCode.REQUEST_FULL: "Every seat of the request is drawn.",
    ErrorCode.ALREADY_JOINED: "The worker already holds a seat in this request.",
    ErrorCode.NOT_JOINED: (
        "This worker holds no seat in the request: seats are drawn (draw_seats), then accepted "
        "(join_request)."
    ),
    ErrorCode.COMMIT_PHASE_CLOSED: "The commit phase is over; commit earlier next time.",
    ErrorCode.ALREADY_COMMITTED: "This seat already committed.",
    ErrorCode.REVEAL_PHASE_NOT_STARTED: (
        "Wait for the commit phase to close (all seats committed or commit deadline)."
    ),
    ErrorCode.REVEAL_PHASE_CLOSED: "The reveal phase is over.",
    ErrorCode.NOT_COMMITTED: "Commit before revealing.",
    ErrorCode.ALREADY_REVEALED: "This seat already revealed.",
    ErrorCode.COMMITMENT_MISMATCH: (
        "The revealed verdict, confidence, model, report hash or salt differ from what was committed; "
        "reveal the exact preimage (the salt is recoverable with dfpn.commitment.derive_salt)."
    ),
    ErrorCode.INVALID_VERDICT: "Verdict must be Inconclusive, Authentic or Manipulated.",
    ErrorCode.MODEL_NOT_DECLARED: "Commit with one of the models the worker declared (update_worker).",
    ErrorCode.INVALID_REPORT_URI: "The report URI must be 1-128 bytes.",
    ErrorCode.FINALIZE_TOO_EARLY: "Wait until every committer revealed or the deadline passed.",
    ErrorCode.CANNOT_EXPIRE: "Only a request with too few commits after the commit deadline can be expired.",
    ErrorCode.REQUEST_NOT_FINISHED: "Finalize or expire the request before closing it.",
    ErrorCode.SEAT_ACCOUNT_MISMATCH: "Pass one worker PDA per seat, then one model PDA per revealed seat.",
    ErrorCode.NOTHING_TO_CLAIM: "There is nothing to withdraw or claim yet.",
    ErrorCode.PAYOUT_WALLET_MISMATCH: "Pass the model's registered payout wallet.",
    ErrorCode.INVALID_CONTENT_HASH: "The content hash must be the SHA-256 of the media, not all zeroes.",
    ErrorCode.CLIENT_MISMATCH: "Pass the request's own client account.",
    ErrorCode.VAULT_MISMATCH: "Pass the treasury and insurance vaults of the configuration.",
    ErrorCode.DUPLICATE_ACCOUNT: "Pass two different accounts where the instruction needs two.",
    ErrorCode.INSUFFICIENT_COMMITMENTS: (
        "Too few workers committed: expire the request instead of finalizing it."
    ),
    ErrorCode.DEADLINE_TOO_LONG: (
        "Use a deadline within the network's max_deadline_secs (default one day) of now."
    ),
    ErrorCode.SELF_DEALING: (
        "A request is served by other parties than its client: use another worker key, or a model "
        "registered by someone else."
    ),
    ErrorCode.INVALID_CONFIDENCE: "Confidence is 0-100; the SDK refuses to commit anything else.",
    ErrorCode.MODEL_MISMATCH: (
        "Pass, for each revealed seat, the model account the seat committed with (read the request's "
        "seats)."
    ),
    ErrorCode.MODEL_MODALITY_MISMATCH: (
        "Commit with a model whose registered modalities include every modality the request names."
    ),
    ErrorCode.NOT_CONFIG_AUTHORITY: "Only the configuration authority may do this; sign with its key.",
    ErrorCode.NOT_PENDING_AUTHORITY: (
        "Sign with the key named by propose_authority (the current authority proposes it first)."
    ),
    ErrorCode.NON_CANONICAL_BUMP: (
        "Derive the request address with find_program_address (the SDKs do) and pass that bump."
    ),
    ErrorCode.PAYOUT_BELOW_RENT: (
        "Fund the receiving wallet with its rent-exempt minimum first, or move at least that much (model "
        "fees, insurance withdrawals)."
    ),
    ErrorCode.REQUEST_ALREADY_CLOSED: (
        "Nothing to close: the request was closed already (its rent went back to the client) or never "
        "existed."
    ),
    ErrorCode.BOND_EXCEEDS_FREE_STAKE: (
        "Add stake (add_stake) or finish open requests: each held seat locks its request's bond from the "
        "stake."
    ),
    ErrorCode.LEAVE_WINDOW_CLOSED: (
        "A seat can be given back only within half a commit window of being drawn; commit an answer "
        "instead."
    ),
    ErrorCode.NOT_UPGRADE_AUTHORITY: (
        "Initialize the configuration with the key that deployed the program (its upgrade authority), "
        "before making the program immutable."
    ),
    ErrorCode.INVALID_PROGRAM_DATA: (
        "Pass the program's ProgramData account (the upgradeable loader's PDA of the program id); deploy "
        "the program as upgradeable."
    ),
    ErrorCode.INSURANCE_WITHDRAWAL_TOO_LARGE: (
        "Withdraw at most MAX_INSURANCE_WITHDRAWAL_BPS of the insurance vault's balance above rent."
    ),
    ErrorCode.INSURANCE_WITHDRAWAL_TOO_SOON: (
        "Wait INSURANCE_WITHDRAWAL_INTERVAL_SECS after the last insurance withdrawal "
        "(Config.insurance_withdrawn_at)."
    ),
    ErrorCode.NOT_PENDING_DEVELOPER: (
        "Sign with the key named by propose_model_transfer (the model's developer proposes it first)."
    ),
    ErrorCode.NOT_CHALLENGER: (
        "Only a key registered by governance (register_challenger) may reveal a challenge; ordinary "
        "requests need no reveal."
    ),
    ErrorCode.CHALLENGE_MISMATCH: (
        "Reveal the label and salt the request's attestation was computed from: sha256(CHALLENGE_DOMAIN || "
        "request || label || salt)."
    ),
    ErrorCode.CHALLENGE_TOO_EARLY: (
        "Reveal the challenge after the reveal phase (at the deadline, or once every committed seat "
        "revealed) and before finalizing."
    ),
    ErrorCode.CHALLENGE_ALREADY_REVEALED: "This request's challenge is already revealed; finalize it.",
    ErrorCode.FINALIZE_RESERVED_FOR_CLIENT: (
        "Only the client may finalize until FINALIZE_GRACE_SECS after the deadline; sign as the client or "
        "retry after the grace period."
    ),
    ErrorCode.NOT_DRAWN: (
        "Seats are drawn, not taken: wait for draw_seats to draw this worker (a worker learns it from the "
        "SeatDrawn event or the request's seats)."
    ),
    ErrorCode.DRAW_TOO_EARLY: "The draw slot's hash does not exist yet: retry a slot or two later.",
    ErrorCode.DRAW_ACCOUNT_MISMATCH: (
        "Pass, for candidate k, the worker whose pool_index the draw names (the SDKs compute it), after the"
        " workers of seats being replaced."
    ),
    ErrorCode.NO_WORKERS_TO_DRAW: (
        "No worker was registered when the request was submitted; submit again once workers have "
        "registered."
    ),
    ErrorCode.MIN_WORKERS_BELOW_FLOOR: (
        "Ask for at least the network's min_workers_floor workers (Config.params.min_workers_floor)."
    ),
    ErrorCode.NOTHING_TO_DRAW: (
        "Every seat is drawn; a seat not committed half a commit window after its draw can be replaced "
        "then."
    ),
    ErrorCode.NOT_SLOT_HASHES_SYSVAR: (
        "Pass the SlotHashes sysvar (SysvarS1otHashes111111111111111111111111111)."
    ),
}


__all__ = [
    'ERROR_HINTS',
    'PROGRAM_ERRORS',
    'SDK_ERROR_MESSAGES',
    'ErrorCode',
    'ProgramErrorCode',
    'ProgramErrorInfo',
]
