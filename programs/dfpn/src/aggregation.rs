//! Pure arithmetic of fees, consensus and reputation. No accounts here, so it is unit-tested on the host
//! and documented with worked examples in docs/protocol.md.
use crate::{
    constants::{
        AGREEMENT_STEP_DIVISOR, MAJORITY_ABOVE_BPS, MAX_BASE_FEE, MAX_CONFIDENCE, MODELS_BPS,
        NON_REVEAL_PENALTY_FACTOR, REPUTATION_COIN_FLIP, REPUTATION_FULL_WEIGHT, REPUTATION_MAX, SUPERMAJORITY_BPS,
        TREASURY_BPS, WORKERS_BPS,
    },
    state::{consensus, modality, verdict, ConfigParams},
};

use crate::constants::BPS;

/// Fee for a request: `base = Σ base_fee[m]` over requested modalities, plus
/// `base × (min_workers − 1) × worker_surcharge_bps / 10000`, rounded down. `None` on overflow.
#[inline(always)]
pub fn request_fee(params: &ConfigParams, modalities: u8, min_workers: u8) -> Option<u64> {
    // u64 only: upstream BPF has no 128-bit multiply or divide.
    let mut base: u64 = 0;
    for (bit, fee) in params.base_fees.iter().enumerate().take(modality::COUNT) {
        if modalities & (1 << bit) != 0 {
            base = base.checked_add(fee.get())?;
        }
    }
    let extra_workers = (min_workers as u64).checked_sub(1)?;
    // Bounded by validation (base fees ≤ 10^12 each, at most 9 extra workers), so the product fits in u64.
    if extra_workers >= crate::state::request::MAX_SEATS as u64 || base > MAX_BASE_FEE * modality::COUNT as u64 {
        return None;
    }
    let surcharge = mul_bps(base * extra_workers, params.worker_surcharge_bps.get() as u64)?;
    base.checked_add(surcharge)
}

/// `value × bps / 10000` rounded down, exact for any u64 `value`; `None` when `bps` > 10000.
///
/// No overflow check is needed (and none is written, since upstream BPF lowers `checked_mul` to a 128-bit
/// libcall it cannot make): with bps ≤ 10000 both terms are bounded by `value`.
pub fn mul_bps(value: u64, bps: u64) -> Option<u64> {
    if bps > BPS {
        return None;
    }
    Some((value / BPS) * bps + (value % BPS) * bps / BPS)
}

/// How a fee is divided. The parts always add up to `fee` exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeeSplit {
    /// Paid to each paid worker.
    pub per_worker: u64,
    /// Paid to the model of each paid worker.
    pub per_model: u64,
    pub treasury: u64,
    /// 5 % plus every lamport of rounding dust.
    pub insurance: u64,
}

/// Split `fee` among `paid` workers: 65 % workers, 20 % models, 10 % treasury, 5 % insurance. Each share is
/// rounded down; what rounding leaves over (from the percentages and from dividing among workers) goes to
/// insurance. `paid` must be at least 1.
#[inline(always)]
pub fn split_fee(fee: u64, paid: u64) -> Option<FeeSplit> {
    if paid == 0 {
        return None;
    }
    let workers_pool = mul_bps(fee, WORKERS_BPS)?;
    let models_pool = mul_bps(fee, MODELS_BPS)?;
    let treasury = mul_bps(fee, TREASURY_BPS)?;
    let per_worker = workers_pool / paid;
    let per_model = models_pool / paid;
    // per_x × paid ≤ x_pool ≤ fee: these products cannot overflow.
    let distributed = (per_worker * paid).checked_add(per_model * paid)?.checked_add(treasury)?;
    let insurance = fee.checked_sub(distributed)?;
    Some(FeeSplit { per_worker, per_model, treasury, insurance })
}

/// The part of the fee a finalized request charges: the whole fee when a consensus pays its agreeing revealers,
/// `no_consensus_fee_bps` of it when the revealers reached no consensus (each is paid for taking part, strictly
/// less than agreeing with a consensus would pay; the rest goes back to the client), nothing without revealers.
#[inline(always)]
pub fn charged_fee(fee: u64, paid: u64, consensus: bool, no_consensus_fee_bps: u16) -> Option<u64> {
    if paid == 0 {
        Some(0)
    } else if consensus {
        Some(fee)
    } else {
        mul_bps(fee, no_consensus_fee_bps as u64)
    }
}

/// A request's per-seat reward, `⌊⌊fee × 65 %⌋ / min_workers⌋`: what each seat earns when the fee is paid out
/// among `min_workers`. `None` when `min_workers` is 0.
#[inline(always)]
pub fn per_seat_reward(fee: u64, min_workers: u8) -> Option<u64> {
    if min_workers == 0 {
        return None;
    }
    Some(mul_bps(fee, WORKERS_BPS)? / min_workers as u64)
}

/// A seat's bond: `multiplier × per_seat_reward`. `None` when `min_workers` is 0.
#[inline(always)]
pub fn seat_bond(fee: u64, min_workers: u8, multiplier: u16) -> Option<u64> {
    // Fees are bounded by the configuration (≤ 5 × 10^12 × 3.25) and the multiplier by 100: no overflow.
    Some(per_seat_reward(fee, min_workers)? * multiplier as u64)
}

/// One revealed answer as the aggregation sees it.
#[derive(Clone, Copy, Debug)]
pub struct Vote {
    pub verdict: u8,
    pub confidence: u8,
    pub weight: u64,
}

/// Aggregated result of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: u8,
    pub confidence: u8,
    pub consensus: u8,
    /// The verdict whose voters are paid and gain reputation; `None` when there is no consensus (then every
    /// revealer is paid and reputation does not move).
    pub winning: Option<u8>,
}

/// A worker's voting weight: its reputation above a coin flip, rescaled so that `REPUTATION_FULL_WEIGHT` weighs
/// 10000, capped at `max_weight_bps`: `min(⌊(rep − 5000) × 10000 / 2500⌋, cap)`, 0 at or below 5000. A worker
/// that answers without looking settles below a coin flip on known answers, so its votes stop counting however
/// often it agrees with the others; workers clearly better than chance vote alike.
#[inline(always)]
pub fn weight(reputation: u16, max_weight_bps: u16) -> u64 {
    let above = reputation.min(REPUTATION_MAX).saturating_sub(REPUTATION_COIN_FLIP) as u64;
    let scaled = above * REPUTATION_MAX as u64 / (REPUTATION_FULL_WEIGHT - REPUTATION_COIN_FLIP) as u64;
    scaled.min(max_weight_bps as u64)
}

/// Reputation-weighted vote over revealed verdicts.
///
/// `W[v]` = summed weight for verdict v; the leader is the verdict with the most weight (a tie for first
/// place has no leader); `share = W[leader] × 10000 / ΣW` (rounded down). Consensus: Unanimous at 10000,
/// Supermajority ≥ 6667, Majority > 5000, otherwise None; also None when `ΣW < min_weight` or nobody
/// revealed. With a consensus the verdict is the leader and
/// `confidence = (Σ_{leader} w·c / W[leader]) × share / 10000` (each division rounded down); without one
/// the verdict is Inconclusive with confidence 0.
#[inline(always)]
pub fn aggregate(votes: &[Vote], min_weight: u64) -> Outcome {
    let none = Outcome { verdict: verdict::INCONCLUSIVE, confidence: 0, consensus: consensus::NONE, winning: None };
    // Weights are reputations (≤ 10000) of at most 10 seats, so u64 sums cannot overflow.
    let mut weights = [0u64; verdict::COUNT];
    let mut weighted_conf = [0u64; verdict::COUNT];
    for v in votes {
        let i = (v.verdict as usize).min(verdict::COUNT - 1);
        weights[i] = weights[i].saturating_add(v.weight);
        // weight ≤ 10000 and confidence ≤ 100: the product fits easily.
        weighted_conf[i] = weighted_conf[i]
            .saturating_add(v.weight.min(REPUTATION_MAX as u64) * v.confidence.min(MAX_CONFIDENCE) as u64);
    }
    let total: u64 = weights.iter().fold(0u64, |a, w| a.saturating_add(*w));
    if votes.is_empty() || total == 0 || total < min_weight {
        return none;
    }
    let mut leader = 0usize;
    for i in 1..verdict::COUNT {
        if weights[i] > weights[leader] {
            leader = i;
        }
    }
    if (0..verdict::COUNT).any(|i| i != leader && weights[i] == weights[leader]) {
        return none;
    }
    let share = weights[leader] * BPS / total;
    let kind = if share == BPS {
        consensus::UNANIMOUS
    } else if share >= SUPERMAJORITY_BPS {
        consensus::SUPERMAJORITY
    } else if share > MAJORITY_ABOVE_BPS {
        consensus::MAJORITY
    } else {
        return none;
    };
    let mean_conf = weighted_conf[leader] / weights[leader];
    let confidence = (mean_conf * share / BPS) as u8;
    Outcome { verdict: leader as u8, confidence, consensus: kind, winning: Some(leader as u8) }
}

/// Moving-average reputation update toward 10000 (agreed) or 0 (disagreed), by `alpha_bps`.
#[inline(always)]
pub fn update_reputation(reputation: u16, agreed: bool, alpha_bps: u16) -> u16 {
    let max = REPUTATION_MAX as u32;
    let rep = (reputation as u32).min(max);
    let alpha = (alpha_bps as u32).min(BPS as u32);
    let next = if agreed { rep + (max - rep) * alpha / BPS as u32 } else { rep - rep * alpha / BPS as u32 };
    next as u16
}

/// A non-revealer loses reputation at twice the rate of a wrong answer (so never less than a wrong answer).
#[inline(always)]
pub fn penalize_non_reveal(reputation: u16, alpha_bps: u16) -> u16 {
    update_reputation(reputation, false, alpha_bps.saturating_mul(NON_REVEAL_PENALTY_FACTOR).min(BPS as u16))
}

/// How a seat ended, as its worker's reputation step sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeatOutcome {
    /// Revealed the label of a revealed known-answer challenge.
    ChallengePassed,
    /// Revealed another verdict than the label of a revealed known-answer challenge.
    ChallengeFailed,
    /// Revealed the consensus verdict (not a challenge).
    Agreed,
    /// Revealed a verdict other than the consensus (not a challenge).
    Disagreed,
    /// Revealed, and the request ended without a consensus.
    NoConsensus,
    /// Committed and did not reveal.
    NonReveal,
    /// Joined (or was drawn) and never committed: no answer was at risk, but it blocked a seat.
    Uncommitted,
}

/// A worker's reputation after finalization. Known answers drive it: toward 10000 by `alpha` on a passed
/// challenge, toward 0 by twice `alpha` on a failed one or a missing reveal. Agreeing or disagreeing with a
/// consensus moves it only `alpha / AGREEMENT_STEP_DIVISOR` (agreement pays no matter whether anyone looked);
/// never committing moves it `alpha` toward 0; no consensus leaves it unchanged.
#[inline(always)]
pub fn reputation_step(reputation: u16, outcome: SeatOutcome, alpha_bps: u16) -> u16 {
    let agreement_alpha = alpha_bps / AGREEMENT_STEP_DIVISOR;
    match outcome {
        SeatOutcome::ChallengePassed => update_reputation(reputation, true, alpha_bps),
        SeatOutcome::Agreed => update_reputation(reputation, true, agreement_alpha),
        SeatOutcome::Disagreed => update_reputation(reputation, false, agreement_alpha),
        SeatOutcome::Uncommitted => update_reputation(reputation, false, alpha_bps),
        SeatOutcome::ChallengeFailed | SeatOutcome::NonReveal => penalize_non_reveal(reputation, alpha_bps),
        SeatOutcome::NoConsensus => reputation,
    }
}

/// Stake slashed from a worker that committed and did not reveal: `slash_bps` of the request's per-seat reward,
/// at most the stake.
#[inline(always)]
pub fn non_reveal_slash(stake: u64, fee: u64, min_workers: u8, slash_bps: u16) -> u64 {
    let (whole, part) = (slash_bps as u64 / BPS, slash_bps as u64 % BPS);
    // `mul_bps` takes at most 10 000 bps: split off the whole multiples. The reward is bounded by the fee
    // (≤ 1.7 × 10^13) and `whole` by 6, so the product cannot overflow.
    let slash =
        per_seat_reward(fee, min_workers).and_then(|reward| Some(reward * whole + mul_bps(reward, part)?)).unwrap_or(0);
    slash.min(stake)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::utils::{I64, U16, U32, U64};

    fn params() -> ConfigParams {
        ConfigParams {
            base_fees: [2_000_000, 3_000_000, 3_000_000, 8_000_000, 4_000_000].map(U64::new),
            worker_surcharge_bps: U16::new(2_500),
            non_reveal_slash_bps: U16::new(30_000),
            max_weight_bps: U16::new(8_000),
            reputation_alpha_bps: U16::new(1_000),
            min_stake: U64::new(1_000_000_000),
            unbonding_secs: I64::new(86_400),
            min_deadline_secs: I64::new(60),
            reveal_window_secs: I64::new(20),
            min_consensus_weight: U32::new(5_000),
            max_deadline_secs: I64::new(86_400),
            no_consensus_fee_bps: U16::new(2_000),
            seat_bond_multiplier: U16::new(10),
            challenge_slash_bps: U16::new(0),
            min_workers_floor: 5,
            draw_stake_cap: U64::new(10_000_000_000),
        }
    }

    #[test]
    fn fee_examples_from_docs() {
        // Face manipulation + image authenticity, 3 workers: base 5_000_000, surcharge 2 × 25 % → 7_500_000.
        assert_eq!(request_fee(&params(), 0b00011, 3), Some(7_500_000));
        // One modality, one worker: exactly the base fee.
        assert_eq!(request_fee(&params(), modality::VIDEO_AUTHENTICITY, 1), Some(8_000_000));
        assert_eq!(request_fee(&params(), modality::VOICE_CLONING, 0), None);
    }

    #[test]
    fn split_adds_up_and_dust_goes_to_insurance() {
        for fee in [0u64, 1, 7, 99, 100, 7_500_000, 7_500_001, u64::MAX / 100] {
            for paid in 1..=10u64 {
                let s = split_fee(fee, paid).unwrap();
                assert_eq!(s.per_worker * paid + s.per_model * paid + s.treasury + s.insurance, fee);
                assert!(s.insurance >= fee * 5 / 100);
            }
        }
        // Worked example: 7_500_001 lamports among 3 workers.
        let s = split_fee(7_500_001, 3).unwrap();
        assert_eq!(s, FeeSplit { per_worker: 1_625_000, per_model: 500_000, treasury: 750_000, insurance: 375_001 });
        assert_eq!(split_fee(1, 0), None);
    }

    fn vote(verdict: u8, confidence: u8, weight: u64) -> Vote {
        Vote { verdict, confidence, weight }
    }

    #[test]
    fn unanimous_majority_and_split() {
        let o = aggregate(&[vote(2, 90, 5000), vote(2, 80, 5000), vote(2, 70, 5000)], 5000);
        assert_eq!((o.verdict, o.confidence, o.consensus), (2, 80, consensus::UNANIMOUS));
        // 2 of 3 equal weights: share 6666 → Majority (6667 needed for Supermajority).
        let o = aggregate(&[vote(2, 90, 5000), vote(2, 80, 5000), vote(1, 70, 5000)], 5000);
        assert_eq!((o.verdict, o.confidence, o.consensus), (2, 56, consensus::MAJORITY));
        // Tie → Inconclusive, no consensus.
        let o = aggregate(&[vote(2, 90, 5000), vote(1, 80, 5000)], 0);
        assert_eq!((o.verdict, o.consensus, o.winning), (0, consensus::NONE, None));
        // Too little weight.
        let o = aggregate(&[vote(2, 90, 3000)], 5000);
        assert_eq!(o.consensus, consensus::NONE);
        assert_eq!(aggregate(&[], 0).consensus, consensus::NONE);
    }

    #[test]
    fn weight_counts_reputation_above_a_coin_flip() {
        assert_eq!(weight(5_000, 10_000), 0);
        assert_eq!(weight(4_000, 10_000), 0);
        assert_eq!(weight(6_000, 8_000), 4_000);
        assert_eq!(weight(7_500, 10_000), 10_000);
        assert_eq!(weight(7_500, 8_000), 8_000);
        assert_eq!(weight(10_000, 10_000), 10_000);
        assert_eq!(weight(u16::MAX, 10_000), 10_000);
    }

    #[test]
    fn known_answers_move_reputation_fifty_times_as_fast_as_consensus() {
        assert_eq!(reputation_step(7_500, SeatOutcome::ChallengePassed, 1_000), 7_750);
        assert_eq!(reputation_step(7_500, SeatOutcome::Agreed, 1_000), 7_505);
        assert_eq!(reputation_step(7_500, SeatOutcome::Disagreed, 1_000), 7_485);
        assert_eq!(reputation_step(7_500, SeatOutcome::ChallengeFailed, 1_000), 6_000);
        assert_eq!(reputation_step(7_500, SeatOutcome::NonReveal, 1_000), 6_000);
        assert_eq!(reputation_step(7_500, SeatOutcome::Uncommitted, 1_000), 6_750);
        assert_eq!(reputation_step(7_500, SeatOutcome::NoConsensus, 1_000), 7_500);
        // Below AGREEMENT_STEP_DIVISOR bps, agreement does not move reputation at all.
        assert_eq!(reputation_step(7_500, SeatOutcome::Agreed, 49), 7_500);
    }

    #[test]
    fn reputation_moves_slowly_and_non_reveal_costs_more() {
        assert_eq!(update_reputation(5000, true, 1000), 5500);
        assert_eq!(update_reputation(5000, false, 1000), 4500);
        assert_eq!(penalize_non_reveal(5000, 1000), 4000);
        assert_eq!(update_reputation(10_000, true, 5000), 10_000);
        assert_eq!(update_reputation(0, false, 5000), 0);
        // 3 × the per-seat reward of a 3-worker, 3 000 000-lamport request (650 000 each), capped by the stake
        assert_eq!(non_reveal_slash(1_000_000_000, 3_000_000, 3, 30_000), 1_950_000);
        assert_eq!(non_reveal_slash(1_000_000_000, 3_000_000, 3, 15_000), 975_000);
        assert_eq!(non_reveal_slash(1_000_000, 3_000_000, 3, 30_000), 1_000_000);
    }
}
