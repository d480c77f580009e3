// DO NOT EDIT. Generated from idl/dfpn.json and idl/errors.catalogue.json by sdk-ts/scripts/generate.mjs
// (`npm run generate`); `npm run check-generated` fails when this folder is not what the generator writes.
/** One program error of the IDL: `Custom(code)`, its IDL name, the SDK's `ErrorCode` and the message. */
export type ProgramErrorInfo = {
  readonly code: number;
  readonly name: string;
  readonly errorCode: ProgramErrorCodeName;
  readonly msg: string;
};

/** The SDK `ErrorCode` names of the program's errors (idl/errors.catalogue.json: UPPER_SNAKE of the IDL names). */
export type ProgramErrorCodeName =
  | 'INVALID_INSTRUCTION_DATA'
  | 'NOT_ENOUGH_ACCOUNTS'
  | 'MISSING_SIGNATURE'
  | 'ACCOUNT_NOT_WRITABLE'
  | 'INVALID_ACCOUNT_OWNER'
  | 'INVALID_ACCOUNT_DATA'
  | 'INVALID_PDA'
  | 'ACCOUNT_ALREADY_INITIALIZED'
  | 'INVALID_SYSTEM_PROGRAM'
  | 'UNAUTHORIZED'
  | 'PAUSED'
  | 'INVALID_CONFIG'
  | 'ARITHMETIC_OVERFLOW'
  | 'INVALID_MODALITIES'
  | 'INVALID_MODEL_ID'
  | 'MODEL_INACTIVE'
  | 'TOO_MANY_MODELS'
  | 'INSUFFICIENT_STAKE'
  | 'INSUFFICIENT_FUNDS'
  | 'WORKER_HAS_ACTIVE_COMMITMENTS'
  | 'UNBONDING_NOT_READY'
  | 'WORKER_UNBONDING'
  | 'DEADLINE_TOO_SHORT'
  | 'MAX_FEE_TOO_LOW'
  | 'INVALID_STORAGE_URI'
  | 'INVALID_WORKER_COUNT'
  | 'REQUEST_NOT_OPEN'
  | 'MODALITY_NOT_SUPPORTED'
  | 'REQUEST_FULL'
  | 'ALREADY_JOINED'
  | 'NOT_JOINED'
  | 'COMMIT_PHASE_CLOSED'
  | 'ALREADY_COMMITTED'
  | 'REVEAL_PHASE_NOT_STARTED'
  | 'REVEAL_PHASE_CLOSED'
  | 'NOT_COMMITTED'
  | 'ALREADY_REVEALED'
  | 'COMMITMENT_MISMATCH'
  | 'INVALID_VERDICT'
  | 'MODEL_NOT_DECLARED'
  | 'INVALID_REPORT_URI'
  | 'FINALIZE_TOO_EARLY'
  | 'CANNOT_EXPIRE'
  | 'REQUEST_NOT_FINISHED'
  | 'SEAT_ACCOUNT_MISMATCH'
  | 'NOTHING_TO_CLAIM'
  | 'PAYOUT_WALLET_MISMATCH'
  | 'INVALID_CONTENT_HASH'
  | 'CLIENT_MISMATCH'
  | 'VAULT_MISMATCH'
  | 'DUPLICATE_ACCOUNT'
  | 'INSUFFICIENT_COMMITMENTS'
  | 'DEADLINE_TOO_LONG'
  | 'SELF_DEALING'
  | 'INVALID_CONFIDENCE'
  | 'MODEL_MISMATCH'
  | 'MODEL_MODALITY_MISMATCH'
  | 'NOT_CONFIG_AUTHORITY'
  | 'NOT_PENDING_AUTHORITY'
  | 'NON_CANONICAL_BUMP'
  | 'PAYOUT_BELOW_RENT'
  | 'REQUEST_ALREADY_CLOSED'
  | 'BOND_EXCEEDS_FREE_STAKE'
  | 'LEAVE_WINDOW_CLOSED'
  | 'NOT_UPGRADE_AUTHORITY'
  | 'INVALID_PROGRAM_DATA'
  | 'INSURANCE_WITHDRAWAL_TOO_LARGE'
  | 'INSURANCE_WITHDRAWAL_TOO_SOON'
  | 'NOT_PENDING_DEVELOPER'
  | 'NOT_CHALLENGER'
  | 'CHALLENGE_MISMATCH'
  | 'CHALLENGE_TOO_EARLY'
  | 'CHALLENGE_ALREADY_REVEALED'
  | 'FINALIZE_RESERVED_FOR_CLIENT'
  | 'NOT_DRAWN'
  | 'DRAW_TOO_EARLY'
  | 'DRAW_ACCOUNT_MISMATCH'
  | 'NO_WORKERS_TO_DRAW'
  | 'MIN_WORKERS_BELOW_FLOOR'
  | 'NOTHING_TO_DRAW'
  | 'NOT_SLOT_HASHES_SYSVAR';

/** The program's errors (`DfpnError`, codes 6000..6080) in IDL order. */
export const PROGRAM_ERRORS: ReadonlyArray<ProgramErrorInfo> = [
  { code: 6000, name: 'InvalidInstructionData', errorCode: 'INVALID_INSTRUCTION_DATA', msg: "Instruction data too short, too long or not a known discriminator." },
  { code: 6001, name: 'NotEnoughAccounts', errorCode: 'NOT_ENOUGH_ACCOUNTS', msg: "Fewer accounts than the instruction needs." },
  { code: 6002, name: 'MissingSignature', errorCode: 'MISSING_SIGNATURE', msg: "A required signature is missing." },
  { code: 6003, name: 'AccountNotWritable', errorCode: 'ACCOUNT_NOT_WRITABLE', msg: "An account that must be writable is read-only." },
  { code: 6004, name: 'InvalidAccountOwner', errorCode: 'INVALID_ACCOUNT_OWNER', msg: "An account is not owned by the expected program." },
  { code: 6005, name: 'InvalidAccountData', errorCode: 'INVALID_ACCOUNT_DATA', msg: "An account's data does not start with the expected discriminator or has the wrong size." },
  { code: 6006, name: 'InvalidPda', errorCode: 'INVALID_PDA', msg: "An account's address is not the expected program-derived address." },
  { code: 6007, name: 'AccountAlreadyInitialized', errorCode: 'ACCOUNT_ALREADY_INITIALIZED', msg: "The account to create already exists." },
  { code: 6008, name: 'InvalidSystemProgram', errorCode: 'INVALID_SYSTEM_PROGRAM', msg: "The system program account is not the system program." },
  { code: 6009, name: 'Unauthorized', errorCode: 'UNAUTHORIZED', msg: "Signer is not the authority of this account (the worker's operator or the model's developer)." },
  { code: 6010, name: 'Paused', errorCode: 'PAUSED', msg: "New requests are paused by the authority." },
  { code: 6011, name: 'InvalidConfig', errorCode: 'INVALID_CONFIG', msg: "A configuration value is out of range." },
  { code: 6012, name: 'ArithmeticOverflow', errorCode: 'ARITHMETIC_OVERFLOW', msg: "Arithmetic overflow or underflow." },
  { code: 6013, name: 'InvalidModalities', errorCode: 'INVALID_MODALITIES', msg: "Modality bitmask is empty or names an unknown modality." },
  { code: 6014, name: 'InvalidModelId', errorCode: 'INVALID_MODEL_ID', msg: "Model id is empty, too long or not printable ASCII." },
  { code: 6015, name: 'ModelInactive', errorCode: 'MODEL_INACTIVE', msg: "The model is deactivated." },
  { code: 6016, name: 'TooManyModels', errorCode: 'TOO_MANY_MODELS', msg: "Too many models for one worker." },
  { code: 6017, name: 'InsufficientStake', errorCode: 'INSUFFICIENT_STAKE', msg: "Stake below the configured minimum." },
  { code: 6018, name: 'InsufficientFunds', errorCode: 'INSUFFICIENT_FUNDS', msg: "The payer does not have the lamports the instruction moves." },
  { code: 6019, name: 'WorkerHasActiveCommitments', errorCode: 'WORKER_HAS_ACTIVE_COMMITMENTS', msg: "The worker still holds a seat in an unfinished request." },
  { code: 6020, name: 'UnbondingNotReady', errorCode: 'UNBONDING_NOT_READY', msg: "No unbonding in progress, or the unbonding delay has not passed." },
  { code: 6021, name: 'WorkerUnbonding', errorCode: 'WORKER_UNBONDING', msg: "The worker is unbonding and cannot take new work." },
  { code: 6022, name: 'DeadlineTooShort', errorCode: 'DEADLINE_TOO_SHORT', msg: "Deadline less than the configured minimum ahead of now." },
  { code: 6023, name: 'MaxFeeTooLow', errorCode: 'MAX_FEE_TOO_LOW', msg: "Max fee is below the fee the network charges for this request." },
  { code: 6024, name: 'InvalidStorageUri', errorCode: 'INVALID_STORAGE_URI', msg: "Storage URI is empty, too long, or not ipfs://, s3://, https://, http:// or file://." },
  { code: 6025, name: 'InvalidWorkerCount', errorCode: 'INVALID_WORKER_COUNT', msg: "min/max workers out of range." },
  { code: 6026, name: 'RequestNotOpen', errorCode: 'REQUEST_NOT_OPEN', msg: "The request is not open." },
  { code: 6027, name: 'ModalityNotSupported', errorCode: 'MODALITY_NOT_SUPPORTED', msg: "The worker does not support every requested modality." },
  { code: 6028, name: 'RequestFull', errorCode: 'REQUEST_FULL', msg: "All seats of the request are taken." },
  { code: 6029, name: 'AlreadyJoined', errorCode: 'ALREADY_JOINED', msg: "The worker already holds a seat in this request." },
  { code: 6030, name: 'NotJoined', errorCode: 'NOT_JOINED', msg: "The worker holds no seat in this request." },
  { code: 6031, name: 'CommitPhaseClosed', errorCode: 'COMMIT_PHASE_CLOSED', msg: "The commit phase is over." },
  { code: 6032, name: 'AlreadyCommitted', errorCode: 'ALREADY_COMMITTED', msg: "This seat already committed." },
  { code: 6033, name: 'RevealPhaseNotStarted', errorCode: 'REVEAL_PHASE_NOT_STARTED', msg: "The reveal phase has not started." },
  { code: 6034, name: 'RevealPhaseClosed', errorCode: 'REVEAL_PHASE_CLOSED', msg: "The reveal phase is over." },
  { code: 6035, name: 'NotCommitted', errorCode: 'NOT_COMMITTED', msg: "This seat has no commitment to reveal." },
  { code: 6036, name: 'AlreadyRevealed', errorCode: 'ALREADY_REVEALED', msg: "This seat already revealed." },
  { code: 6037, name: 'CommitmentMismatch', errorCode: 'COMMITMENT_MISMATCH', msg: "The revealed preimage does not hash to the commitment." },
  { code: 6038, name: 'InvalidVerdict', errorCode: 'INVALID_VERDICT', msg: "Verdict byte is not 0 (Inconclusive), 1 (Authentic) or 2 (Manipulated)." },
  { code: 6039, name: 'ModelNotDeclared', errorCode: 'MODEL_NOT_DECLARED', msg: "The revealed model is not one of the worker's models." },
  { code: 6040, name: 'InvalidReportUri', errorCode: 'INVALID_REPORT_URI', msg: "Report URI empty or too long." },
  { code: 6041, name: 'FinalizeTooEarly', errorCode: 'FINALIZE_TOO_EARLY', msg: "The request cannot be finalized yet." },
  { code: 6042, name: 'CannotExpire', errorCode: 'CANNOT_EXPIRE', msg: "The request cannot be expired: enough workers committed, or the commit phase is still open." },
  { code: 6043, name: 'RequestNotFinished', errorCode: 'REQUEST_NOT_FINISHED', msg: "The request is not finished (finalized or expired)." },
  { code: 6044, name: 'SeatAccountMismatch', errorCode: 'SEAT_ACCOUNT_MISMATCH', msg: "The remaining accounts do not match the request's seats." },
  { code: 6045, name: 'NothingToClaim', errorCode: 'NOTHING_TO_CLAIM', msg: "Nothing to withdraw or claim." },
  { code: 6046, name: 'PayoutWalletMismatch', errorCode: 'PAYOUT_WALLET_MISMATCH', msg: "Payout wallet does not match the model's registered wallet." },
  { code: 6047, name: 'InvalidContentHash', errorCode: 'INVALID_CONTENT_HASH', msg: "Content hash is all zeroes." },
  { code: 6048, name: 'ClientMismatch', errorCode: 'CLIENT_MISMATCH', msg: "Client account does not match the request's client." },
  { code: 6049, name: 'VaultMismatch', errorCode: 'VAULT_MISMATCH', msg: "Treasury or insurance vault does not match the configuration." },
  { code: 6050, name: 'DuplicateAccount', errorCode: 'DUPLICATE_ACCOUNT', msg: "The same account was passed where two different accounts are required." },
  { code: 6051, name: 'InsufficientCommitments', errorCode: 'INSUFFICIENT_COMMITMENTS', msg: "Fewer than min workers committed: the request can only be expired." },
  { code: 6052, name: 'DeadlineTooLong', errorCode: 'DEADLINE_TOO_LONG', msg: "Deadline is further from now than the configuration's max_deadline_secs." },
  { code: 6053, name: 'SelfDealing', errorCode: 'SELF_DEALING', msg: "A worker or model may not serve a request whose client is its own operator or developer." },
  { code: 6054, name: 'InvalidConfidence', errorCode: 'INVALID_CONFIDENCE', msg: "Confidence is above 100." },
  { code: 6055, name: 'ModelMismatch', errorCode: 'MODEL_MISMATCH', msg: "The model account is not the model the seat committed with." },
  { code: 6056, name: 'ModelModalityMismatch', errorCode: 'MODEL_MODALITY_MISMATCH', msg: "The model does not cover every modality the request names." },
  { code: 6057, name: 'NotConfigAuthority', errorCode: 'NOT_CONFIG_AUTHORITY', msg: "Signer is not the configuration authority." },
  { code: 6058, name: 'NotPendingAuthority', errorCode: 'NOT_PENDING_AUTHORITY', msg: "Signer is not the proposed configuration authority (or none is proposed)." },
  { code: 6059, name: 'NonCanonicalBump', errorCode: 'NON_CANONICAL_BUMP', msg: "The request address does not use the canonical PDA bump." },
  { code: 6060, name: 'PayoutBelowRent', errorCode: 'PAYOUT_BELOW_RENT', msg: "The receiving wallet is empty and the amount is below its rent-exempt minimum." },
  { code: 6061, name: 'RequestAlreadyClosed', errorCode: 'REQUEST_ALREADY_CLOSED', msg: "No request account at this address: it was closed already, or never submitted." },
  { code: 6062, name: 'BondExceedsFreeStake', errorCode: 'BOND_EXCEEDS_FREE_STAKE', msg: "The worker's stake not already bonded by its other seats does not cover this request's seat bond." },
  { code: 6063, name: 'LeaveWindowClosed', errorCode: 'LEAVE_WINDOW_CLOSED', msg: "A seat can be given back only within half a commit window of being drawn." },
  { code: 6064, name: 'NotUpgradeAuthority', errorCode: 'NOT_UPGRADE_AUTHORITY', msg: "The signer is not the program's upgrade authority: only it may initialize the configuration." },
  { code: 6065, name: 'InvalidProgramData', errorCode: 'INVALID_PROGRAM_DATA', msg: "The program-data account is not this program's (BPF upgradeable loader, PDA of the program id)." },
  { code: 6066, name: 'InsuranceWithdrawalTooLarge', errorCode: 'INSURANCE_WITHDRAWAL_TOO_LARGE', msg: "An insurance withdrawal may move at most `MAX_INSURANCE_WITHDRAWAL_BPS` of the vault above rent." },
  { code: 6067, name: 'InsuranceWithdrawalTooSoon', errorCode: 'INSURANCE_WITHDRAWAL_TOO_SOON', msg: "Insurance was withdrawn less than `INSURANCE_WITHDRAWAL_INTERVAL_SECS` ago." },
  { code: 6068, name: 'NotPendingDeveloper', errorCode: 'NOT_PENDING_DEVELOPER', msg: "The signer is not the model's proposed developer." },
  { code: 6069, name: 'NotChallenger', errorCode: 'NOT_CHALLENGER', msg: "The signer is not a registered challenger (`register_challenger`)." },
  { code: 6070, name: 'ChallengeMismatch', errorCode: 'CHALLENGE_MISMATCH', msg: "The label and salt do not hash to the request's attestation." },
  { code: 6071, name: 'ChallengeTooEarly', errorCode: 'CHALLENGE_TOO_EARLY', msg: "A challenge can be revealed only once the reveal phase is over, and before finalization." },
  { code: 6072, name: 'ChallengeAlreadyRevealed', errorCode: 'CHALLENGE_ALREADY_REVEALED', msg: "The challenge of this request was already revealed." },
  { code: 6073, name: 'FinalizeReservedForClient', errorCode: 'FINALIZE_RESERVED_FOR_CLIENT', msg: "Until `FINALIZE_GRACE_SECS` after the deadline only the client may finalize." },
  { code: 6074, name: 'NotDrawn', errorCode: 'NOT_DRAWN', msg: "The signer holds no drawn, unaccepted seat in this request: seats are drawn (`draw_seats`), not taken." },
  { code: 6075, name: 'DrawTooEarly', errorCode: 'DRAW_TOO_EARLY', msg: "The draw's slot hash does not exist yet: draw after the slot following `draw_slot`." },
  { code: 6076, name: 'DrawAccountMismatch', errorCode: 'DRAW_ACCOUNT_MISMATCH', msg: "A candidate account is not the worker at the drawn pool index (or a replaced seat's worker)." },
  { code: 6077, name: 'NoWorkersToDraw', errorCode: 'NO_WORKERS_TO_DRAW', msg: "No worker was registered when the request was submitted: nobody can be drawn." },
  { code: 6078, name: 'MinWorkersBelowFloor', errorCode: 'MIN_WORKERS_BELOW_FLOOR', msg: "min_workers is below the configuration's min_workers_floor." },
  { code: 6079, name: 'NothingToDraw', errorCode: 'NOTHING_TO_DRAW', msg: "Every seat is drawn and none is uncommitted half a commit window after its draw: nothing to draw." },
  { code: 6080, name: 'NotSlotHashesSysvar', errorCode: 'NOT_SLOT_HASHES_SYSVAR', msg: "The slot-hashes account is not the SlotHashes sysvar." },
];
