//! The program's one error enum. Codes start at 6000 like Anchor's `#[error_code]` and are pinned by a
//! test: never renumber, only append.
use pinocchio::error::ProgramError;

#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DfpnError {
    /// Instruction data too short, too long or not a known discriminator.
    InvalidInstructionData = 6000,
    /// Fewer accounts than the instruction needs.
    NotEnoughAccounts = 6001,
    /// A required signature is missing.
    MissingSignature = 6002,
    /// An account that must be writable is read-only.
    AccountNotWritable = 6003,
    /// An account is not owned by the expected program.
    InvalidAccountOwner = 6004,
    /// An account's data does not start with the expected discriminator or has the wrong size.
    InvalidAccountData = 6005,
    /// An account's address is not the expected program-derived address.
    InvalidPda = 6006,
    /// The account to create already exists.
    AccountAlreadyInitialized = 6007,
    /// The system program account is not the system program.
    InvalidSystemProgram = 6008,
    /// Signer is not the authority of this account (the worker's operator or the model's developer).
    Unauthorized = 6009,
    /// New requests are paused by the authority.
    Paused = 6010,
    /// A configuration value is out of range.
    InvalidConfig = 6011,
    /// Arithmetic overflow or underflow.
    ArithmeticOverflow = 6012,
    /// Modality bitmask is empty or names an unknown modality.
    InvalidModalities = 6013,
    /// Model id is empty, too long or not printable ASCII.
    InvalidModelId = 6014,
    /// The model is deactivated.
    ModelInactive = 6015,
    /// Too many models for one worker.
    TooManyModels = 6016,
    /// Stake below the configured minimum.
    InsufficientStake = 6017,
    /// The payer does not have the lamports the instruction moves.
    InsufficientFunds = 6018,
    /// The worker still holds a seat in an unfinished request.
    WorkerHasActiveCommitments = 6019,
    /// No unbonding in progress, or the unbonding delay has not passed.
    UnbondingNotReady = 6020,
    /// The worker is unbonding and cannot take new work.
    WorkerUnbonding = 6021,
    /// Deadline less than the configured minimum ahead of now.
    DeadlineTooShort = 6022,
    /// Max fee is below the fee the network charges for this request.
    MaxFeeTooLow = 6023,
    /// Storage URI is empty, too long, or not ipfs://, s3://, https://, http:// or file://.
    InvalidStorageUri = 6024,
    /// min/max workers out of range.
    InvalidWorkerCount = 6025,
    /// The request is not open.
    RequestNotOpen = 6026,
    /// The worker does not support every requested modality.
    ModalityNotSupported = 6027,
    /// All seats of the request are taken.
    RequestFull = 6028,
    /// The worker already holds a seat in this request.
    AlreadyJoined = 6029,
    /// The worker holds no seat in this request.
    NotJoined = 6030,
    /// The commit phase is over.
    CommitPhaseClosed = 6031,
    /// This seat already committed.
    AlreadyCommitted = 6032,
    /// The reveal phase has not started.
    RevealPhaseNotStarted = 6033,
    /// The reveal phase is over.
    RevealPhaseClosed = 6034,
    /// This seat has no commitment to reveal.
    NotCommitted = 6035,
    /// This seat already revealed.
    AlreadyRevealed = 6036,
    /// The revealed preimage does not hash to the commitment.
    CommitmentMismatch = 6037,
    /// Verdict byte is not 0 (Inconclusive), 1 (Authentic) or 2 (Manipulated).
    InvalidVerdict = 6038,
    /// The revealed model is not one of the worker's models.
    ModelNotDeclared = 6039,
    /// Report URI empty or too long.
    InvalidReportUri = 6040,
    /// The request cannot be finalized yet.
    FinalizeTooEarly = 6041,
    /// The request cannot be expired: enough workers committed, or the commit phase is still open.
    CannotExpire = 6042,
    /// The request is not finished (finalized or expired).
    RequestNotFinished = 6043,
    /// The remaining accounts do not match the request's seats.
    SeatAccountMismatch = 6044,
    /// Nothing to withdraw or claim.
    NothingToClaim = 6045,
    /// Payout wallet does not match the model's registered wallet.
    PayoutWalletMismatch = 6046,
    /// Content hash is all zeroes.
    InvalidContentHash = 6047,
    /// Client account does not match the request's client.
    ClientMismatch = 6048,
    /// Treasury or insurance vault does not match the configuration.
    VaultMismatch = 6049,
    /// The same account was passed where two different accounts are required.
    DuplicateAccount = 6050,
    /// Fewer than min workers committed: the request can only be expired.
    InsufficientCommitments = 6051,
    /// Deadline is further from now than the configuration's max_deadline_secs.
    DeadlineTooLong = 6052,
    /// A worker or model may not serve a request whose client is its own operator or developer.
    SelfDealing = 6053,
    /// Confidence is above 100.
    InvalidConfidence = 6054,
    /// The model account is not the model the seat committed with.
    ModelMismatch = 6055,
    /// The model does not cover every modality the request names.
    ModelModalityMismatch = 6056,
    /// Signer is not the configuration authority.
    NotConfigAuthority = 6057,
    /// Signer is not the proposed configuration authority (or none is proposed).
    NotPendingAuthority = 6058,
    /// The request address does not use the canonical PDA bump.
    NonCanonicalBump = 6059,
    /// The receiving wallet is empty and the amount is below its rent-exempt minimum.
    PayoutBelowRent = 6060,
    /// No request account at this address: it was closed already, or never submitted.
    RequestAlreadyClosed = 6061,
    /// The worker's stake not already bonded by its other seats does not cover this request's seat bond.
    BondExceedsFreeStake = 6062,
    /// A seat can be given back only within half a commit window of being drawn.
    LeaveWindowClosed = 6063,
    /// The signer is not the program's upgrade authority: only it may initialize the configuration.
    NotUpgradeAuthority = 6064,
    /// The program-data account is not this program's (BPF upgradeable loader, PDA of the program id).
    InvalidProgramData = 6065,
    /// An insurance withdrawal may move at most `MAX_INSURANCE_WITHDRAWAL_BPS` of the vault above rent.
    InsuranceWithdrawalTooLarge = 6066,
    /// Insurance was withdrawn less than `INSURANCE_WITHDRAWAL_INTERVAL_SECS` ago.
    InsuranceWithdrawalTooSoon = 6067,
    /// The signer is not the model's proposed developer.
    NotPendingDeveloper = 6068,
    /// The signer is not a registered challenger (`register_challenger`).
    NotChallenger = 6069,
    /// The label and salt do not hash to the request's attestation.
    ChallengeMismatch = 6070,
    /// A challenge can be revealed only once the reveal phase is over, and before finalization.
    ChallengeTooEarly = 6071,
    /// The challenge of this request was already revealed.
    ChallengeAlreadyRevealed = 6072,
    /// Until `FINALIZE_GRACE_SECS` after the deadline only the client may finalize.
    FinalizeReservedForClient = 6073,
    /// The signer holds no drawn, unaccepted seat in this request: seats are drawn (`draw_seats`), not taken.
    NotDrawn = 6074,
    /// The draw's slot hash does not exist yet: draw after the slot following `draw_slot`.
    DrawTooEarly = 6075,
    /// A candidate account is not the worker at the drawn pool index (or a replaced seat's worker).
    DrawAccountMismatch = 6076,
    /// No worker was registered when the request was submitted: nobody can be drawn.
    NoWorkersToDraw = 6077,
    /// min_workers is below the configuration's min_workers_floor.
    MinWorkersBelowFloor = 6078,
    /// Every seat is drawn and none is uncommitted half a commit window after its draw: nothing to draw.
    NothingToDraw = 6079,
    /// The slot-hashes account is not the SlotHashes sysvar.
    NotSlotHashesSysvar = 6080,
}

impl DfpnError {
    /// Every variant, in code order (used by tests and the IDL check).
    pub const ALL: [DfpnError; 81] = {
        let mut all = [DfpnError::InvalidInstructionData; 81];
        let mut i = 0;
        while i < 81 {
            // SAFETY: the enum is `repr(u32)` with contiguous discriminants 6000..6081.
            all[i] = unsafe { core::mem::transmute::<u32, DfpnError>(6000 + i as u32) };
            i += 1;
        }
        all
    };
}

impl From<DfpnError> for ProgramError {
    #[inline(always)]
    fn from(e: DfpnError) -> Self {
        ProgramError::Custom(e as u32)
    }
}
