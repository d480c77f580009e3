//! Every protocol fact the SDKs share, written once. `scripts/gen_idl.py` reads this file into the IDL's
//! `constants` (a constant inside `pub mod name { … }` is published as `NAME_CONSTANT`), both SDKs generate their
//! code from the IDL, and `programs/dfpn/tests/idl.rs` checks the IDL against these values. Keep one
//! `/// doc` line and one literal value per constant: the generator reads them as written.

/// Basis-point denominator: 10 000 bps = 100 %.
pub const BPS: u64 = 10_000;
/// Workers' share of a fee, in bps, divided equally among the paid workers.
pub const WORKERS_BPS: u64 = 6_500;
/// Model developers' share of a fee, in bps, one part per paid worker's model.
pub const MODELS_BPS: u64 = 2_000;
/// Treasury's share of a fee, in bps. Insurance gets the rest (5 % plus rounding dust).
pub const TREASURY_BPS: u64 = 1_000;
/// Leading share (bps of revealed weight) at or above which the consensus is Supermajority.
pub const SUPERMAJORITY_BPS: u64 = 6_667;
/// Leading share (bps of revealed weight) strictly above which the consensus is Majority.
pub const MAJORITY_ABOVE_BPS: u64 = 5_000;
/// Seats per request: the most workers one request can have.
pub const MAX_SEATS: usize = 10;
/// Longest storage URI, in bytes.
pub const MAX_URI_LEN: usize = 200;
/// Longest report URI, in bytes.
pub const MAX_REPORT_URI_LEN: usize = 128;
/// Most models one worker declares.
pub const MAX_WORKER_MODELS: usize = 4;
/// Model id length: printable ASCII, zero-padded to this many bytes.
pub const MODEL_ID_LEN: usize = 32;
/// Reputation scale: 10 000 = perfect.
pub const REPUTATION_MAX: u16 = 10_000;
/// Reputation of a new worker: half-way from a coin flip to a full vote (weight 5 000), so a new key earns its
/// full vote on known answers, and one failed challenge (2α at the reference α, 10 %) takes a key that answers
/// without looking to a coin flip.
pub const REPUTATION_START: u16 = 6_250;
/// Reputation at or below which a worker votes with no weight: no better than a coin flip on known answers (a
/// worker answering "Authentic" without looking fails half of the challenges and settles below it).
pub const REPUTATION_COIN_FLIP: u16 = 5_000;
/// Reputation from which a vote weighs 10 000 (before the cap); between `REPUTATION_COIN_FLIP` and this the
/// weight grows linearly. A worker right on about 82 % of known answers settles here.
pub const REPUTATION_FULL_WEIGHT: u16 = 7_500;
/// Agreeing (or disagreeing) with a consensus moves reputation this many times slower than a known-answer
/// challenge does: agreement is evidence of correctness only when the others looked.
pub const AGREEMENT_STEP_DIVISOR: u16 = 50;
/// Highest confidence a worker may reveal.
pub const MAX_CONFIDENCE: u8 = 100;
/// A non-revealer, or a worker failing a known-answer challenge, loses reputation this many times as fast as
/// passing a challenge gains it.
pub const NON_REVEAL_PENALTY_FACTOR: u16 = 2;
/// Largest base fee of one modality, in lamports (configuration bound).
pub const MAX_BASE_FEE: u64 = 1_000_000_000_000;
/// Largest reputation moving-average step, in bps (configuration bound).
pub const MAX_REPUTATION_ALPHA_BPS: u16 = 5_000;
/// Longest unbonding delay, in seconds (configuration bound: one year).
pub const MAX_UNBONDING_SECS: i64 = 31_536_000;
/// Shortest allowed `min_deadline_secs` (configuration bound).
pub const MIN_DEADLINE_SECS_FLOOR: i64 = 60;
/// Longest allowed `min_deadline_secs` (configuration bound: 30 days).
pub const MIN_DEADLINE_SECS_CEILING: i64 = 2_592_000;
/// Largest `min_consensus_weight` (configuration bound).
pub const MAX_MIN_CONSENSUS_WEIGHT: u32 = 100_000;
/// Smallest base fee of one modality, in lamports (configuration bound): with fees at least this large, the
/// rounding dust that goes to insurance (at most 2·(paid − 1) + 2 lamports) stays under 1 % of any fee.
pub const MIN_BASE_FEE: u64 = 10_000;
/// Smallest non-reveal slash, in bps of the request's per-seat reward (configuration bound): not revealing must
/// cost at least what revealing would have earned.
pub const MIN_NON_REVEAL_SLASH_BPS: u16 = 10_000;
/// Largest non-reveal slash, in bps of the per-seat reward (configuration bound): a crash must not cost an honest
/// worker more than a few requests' earnings.
pub const MAX_NON_REVEAL_SLASH_BPS: u16 = 60_000;
/// Largest `challenge_slash_bps`: share of a worker's stake one failed known-answer challenge may take
/// (configuration bound), so a wrong label costs an honest worker at most this much.
pub const MAX_CHALLENGE_SLASH_BPS: u16 = 500;
/// After the deadline, only the client may finalize for this long, so a challenger can reveal its label
/// before anyone finalizes (workers cannot tell challenges apart, so none is finalized early to dodge one).
pub const FINALIZE_GRACE_SECS: i64 = 120;
/// Largest share of the insurance vault (above rent) one `withdraw_insurance` may move, in bps.
pub const MAX_INSURANCE_WITHDRAWAL_BPS: u16 = 1_000;
/// Shortest time between two `withdraw_insurance` calls, in seconds (7 days).
pub const INSURANCE_WITHDRAWAL_INTERVAL_SECS: i64 = 604_800;
/// Largest share of the fee charged when revealers reach no consensus, in bps (configuration bound).
pub const MAX_NO_CONSENSUS_FEE_BPS: u16 = 5_000;
/// Longest allowed `max_deadline_secs` (configuration bound: 30 days), so no seat locks stake longer.
pub const MAX_DEADLINE_SECS_CEILING: i64 = 2_592_000;
/// Smallest seat bond multiplier (configuration bound): a seat that is never committed forfeits at least ten
/// times what it would have earned.
pub const MIN_SEAT_BOND_MULTIPLIER: u16 = 10;
/// Largest seat bond multiplier (configuration bound).
pub const MAX_SEAT_BOND_MULTIPLIER: u16 = 100;
/// A request's draw uses the hash of this many slots after its submission slot (or the first slot produced
/// after it): a hash the client cannot know when it submits.
pub const DRAW_DELAY_SLOTS: u64 = 1;
/// Voting weight (before the cap) from which a draw candidate wins its whole stake lottery: a newcomer's. Below it
/// the lottery shrinks in proportion (`draw::odds`), down to `DRAW_WEIGHT_FLOOR`.
pub const DRAW_FULL_ODDS_WEIGHT: u16 = 5_000;
/// Least share of its stake lottery, in bps, a draw candidate keeps: a worker at or below a coin flip on known
/// answers (weight 0) still wins `min(stake, cap) × 1 000 / 10 000` of it, a newcomer or better all of it.
pub const DRAW_WEIGHT_FLOOR: u16 = 1_000;
/// Largest `min_workers_floor` (configuration bound).
pub const MAX_MIN_WORKERS_FLOOR: u8 = 10;
/// Fewest revealers for agreeing with the consensus to raise reputation (one key cannot farm it alone).
pub const MIN_REVEALS_FOR_REPUTATION: u8 = 3;
/// Domain separator of commitments.
pub const COMMIT_DOMAIN: &[u8] = b"dfpn-commit-v2";
/// Domain tag of a request's draw seed: `sha256(DRAW_DOMAIN ‖ request ‖ slot hash)`; candidate `k` is
/// `sha256(seed ‖ k as u32 LE)`, its first 8 bytes (LE, modulo the pool size at submission) a worker's
/// `pool_index`, the next 8 (LE, modulo `draw_stake_cap`) its stake lottery.
pub const DRAW_DOMAIN: &[u8] = b"dfpn-draw-v1";
/// Domain tag of a challenge's attestation: `sha256(CHALLENGE_DOMAIN ‖ request ‖ label ‖ salt)`.
pub const CHALLENGE_DOMAIN: &[u8] = b"dfpn-challenge-v1";

/// The five modalities, as bits of a `u8` mask.
pub mod modality {
    /// Image authenticity (bit 0).
    pub const IMAGE_AUTHENTICITY: u8 = 1;
    /// Face manipulation (bit 1).
    pub const FACE_MANIPULATION: u8 = 2;
    /// AI-generated image (bit 2).
    pub const AI_GENERATED_IMAGE: u8 = 4;
    /// Video authenticity (bit 3).
    pub const VIDEO_AUTHENTICITY: u8 = 8;
    /// Voice cloning (bit 4).
    pub const VOICE_CLONING: u8 = 16;
    /// Number of modalities (the length of `ConfigParams.base_fees`).
    pub const COUNT: usize = 5;
    /// Every modality's bit.
    pub const ALL: u8 = 31;

    /// A non-empty mask of known modalities.
    #[inline(always)]
    pub const fn is_valid(mask: u8) -> bool {
        mask != 0 && mask & !ALL == 0
    }
}

/// Verdicts, as stored in seats and results.
pub mod verdict {
    /// No usable answer.
    pub const INCONCLUSIVE: u8 = 0;
    /// The media is authentic.
    pub const AUTHENTIC: u8 = 1;
    /// The media is manipulated.
    pub const MANIPULATED: u8 = 2;
    /// Number of verdicts.
    pub const COUNT: usize = 3;
}

/// Consensus types of a finalized request.
pub mod consensus {
    /// No consensus (no reveals, too little weight, a tie, or no majority).
    pub const NONE: u8 = 0;
    /// Every revealed weight agreed.
    pub const UNANIMOUS: u8 = 1;
    /// At least `SUPERMAJORITY_BPS` of the revealed weight agreed.
    pub const SUPERMAJORITY: u8 = 2;
    /// More than `MAJORITY_ABOVE_BPS` of the revealed weight agreed.
    pub const MAJORITY: u8 = 3;
}

/// Request status.
pub mod request_status {
    /// Accepting seats, commits and reveals.
    pub const OPEN: u8 = 0;
    /// Aggregated and paid out.
    pub const FINALIZED: u8 = 1;
    /// Too few commitments; the escrow went back.
    pub const EXPIRED: u8 = 2;
}

/// Seat state.
pub mod seat_state {
    /// Accepted its drawn seat (bond locked), nothing committed yet.
    pub const JOINED: u8 = 0;
    /// Committed the hash of its answer.
    pub const COMMITTED: u8 = 1;
    /// Revealed its answer.
    pub const REVEALED: u8 = 2;
    /// Drawn for the seat, not yet accepted (`join_request`): no bond locked yet.
    pub const DRAWN: u8 = 3;
}

/// PDA seed prefixes.
pub mod seeds {
    /// Configuration PDA `["config"]`.
    pub const CONFIG: &[u8] = b"config";
    /// Treasury vault PDA `["treasury"]`.
    pub const TREASURY: &[u8] = b"treasury";
    /// Insurance vault PDA `["insurance"]`.
    pub const INSURANCE: &[u8] = b"insurance";
    /// Model PDA `["model", registrant, model_id]`: ids are scoped by the developer that registered them.
    pub const MODEL: &[u8] = b"model";
    /// Worker PDA `["worker", authority]`.
    pub const WORKER: &[u8] = b"worker";
    /// Challenger PDA `["challenger", authority]`: a key governance lets reveal known-answer challenges.
    pub const CHALLENGER: &[u8] = b"challenger";
    /// Request PDA `["request", client, nonce u64 LE]`.
    pub const REQUEST: &[u8] = b"request";
}
