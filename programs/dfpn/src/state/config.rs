use crate::{
    constants::{
        BPS, MAX_BASE_FEE, MAX_CHALLENGE_SLASH_BPS, MAX_DEADLINE_SECS_CEILING, MAX_MIN_CONSENSUS_WEIGHT,
        MAX_MIN_WORKERS_FLOOR, MAX_NON_REVEAL_SLASH_BPS, MAX_NO_CONSENSUS_FEE_BPS, MAX_REPUTATION_ALPHA_BPS,
        MAX_SEAT_BOND_MULTIPLIER, MAX_UNBONDING_SECS, MIN_BASE_FEE, MIN_DEADLINE_SECS_CEILING, MIN_DEADLINE_SECS_FLOOR,
        MIN_NON_REVEAL_SLASH_BPS, MIN_SEAT_BOND_MULTIPLIER,
    },
    discriminator,
    error::DfpnError,
    state::modality,
    utils::{AccountState, I64, U16, U32, U64},
    wire::Reader,
};
use pinocchio::error::ProgramError;

/// Network configuration, PDA `["config"]`.
#[repr(C)]
pub struct Config {
    pub discriminator: [u8; 8],
    /// May change the configuration, pause, and withdraw the treasury. Never touches escrow or stake.
    pub authority: [u8; 32],
    /// Treasury vault, PDA `["treasury"]`.
    pub treasury: [u8; 32],
    /// Insurance vault, PDA `["insurance"]`: receives slashed stake and rounding dust.
    pub insurance: [u8; 32],
    pub params: ConfigParams,
    pub paused: u8,
    pub bump: u8,
    pub treasury_bump: u8,
    pub insurance_bump: u8,
    /// Requests submitted so far.
    pub request_count: U64,
    /// Proposed next authority (`propose_authority`); all zeroes when none. It takes over by `accept_authority`.
    pub pending_authority: [u8; 32],
    /// Time of the last `withdraw_insurance` (0: never).
    pub insurance_withdrawn_at: I64,
    /// Workers registered so far; the next one gets this as its `pool_index`.
    pub worker_count: U32,
    pub reserved: [u8; 9],
}

/// Tunable parameters; the argument of `initialize_config` and `update_config`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ConfigParams {
    /// Base fee in lamports per modality, in modality-bit order.
    pub base_fees: [U64; modality::COUNT],
    /// Extra fee per required worker beyond the first, in basis points of the base fee sum.
    pub worker_surcharge_bps: U16,
    /// What a seat that commits and does not reveal loses from its stake, in bps of the request's per-seat reward
    /// (`aggregation::non_reveal_slash`): sized to the reward, not to the stake, so a rare crash costs an honest
    /// worker a few requests' earnings, not a share of everything it staked.
    pub non_reveal_slash_bps: U16,
    /// Cap on one worker's voting weight (reputation is 0–10000).
    pub max_weight_bps: U16,
    /// Speed of the reputation moving average, in basis points per finalized request.
    pub reputation_alpha_bps: U16,
    /// Minimum stake to join requests, in lamports.
    pub min_stake: U64,
    /// Delay between `request_unstake` and `withdraw_stake`.
    pub unbonding_secs: I64,
    /// Minimum time between submission and deadline.
    pub min_deadline_secs: I64,
    /// The last `reveal_window_secs` before the deadline are for revealing only.
    pub reveal_window_secs: I64,
    /// Minimum summed weight of revealers for a non-Inconclusive verdict.
    pub min_consensus_weight: U32,
    /// Longest time between submission and deadline (a seat locks stake until then).
    pub max_deadline_secs: I64,
    /// Share of the fee charged when the revealers reach no consensus, in basis points; the rest is refunded.
    pub no_consensus_fee_bps: U16,
    /// A seat's bond is this many times the request's per-seat reward, locked from the worker's stake while it
    /// holds the seat and forfeited if it never commits.
    pub seat_bond_multiplier: U16,
    /// Share of its stake a worker loses for each known-answer challenge it fails (a revealed verdict other than
    /// the challenger's label, or no reveal), in basis points.
    pub challenge_slash_bps: U16,
    /// Smallest `min_workers` a request may ask for: fewer seats make a verdict cheap to buy with a few
    /// operator-controlled workers.
    pub min_workers_floor: u8,
    /// Stake, in lamports, at which a worker's draw chance stops growing: a candidate is accepted with
    /// probability `min(stake, cap) / cap`, so stake above the cap buys no extra seats (a bigger operator runs
    /// several workers, each staking up to the cap).
    pub draw_stake_cap: U64,
}

impl ConfigParams {
    pub const LEN: usize = 107;

    #[inline(always)]
    pub fn read(r: &mut Reader) -> Result<Self, ProgramError> {
        let mut base_fees = [U64::default(); modality::COUNT];
        for fee in base_fees.iter_mut() {
            fee.set(r.u64()?);
        }
        let params = Self {
            base_fees,
            worker_surcharge_bps: U16::new(r.u16()?),
            non_reveal_slash_bps: U16::new(r.u16()?),
            max_weight_bps: U16::new(r.u16()?),
            reputation_alpha_bps: U16::new(r.u16()?),
            min_stake: U64::new(r.u64()?),
            unbonding_secs: I64::new(r.i64()?),
            min_deadline_secs: I64::new(r.i64()?),
            reveal_window_secs: I64::new(r.i64()?),
            min_consensus_weight: U32::new(r.u32()?),
            max_deadline_secs: I64::new(r.i64()?),
            no_consensus_fee_bps: U16::new(r.u16()?),
            seat_bond_multiplier: U16::new(r.u16()?),
            challenge_slash_bps: U16::new(r.u16()?),
            min_workers_floor: r.u8()?,
            draw_stake_cap: U64::new(r.u64()?),
        };
        params.validate()?;
        Ok(params)
    }

    /// Bounds that keep every formula in range; see docs/protocol.md.
    #[inline(always)]
    pub fn validate(&self) -> Result<(), ProgramError> {
        let bps = BPS as u16;
        let ok = self.base_fees.iter().all(|f| (MIN_BASE_FEE..=MAX_BASE_FEE).contains(&f.get()))
            && self.worker_surcharge_bps.get() <= bps
            && (MIN_NON_REVEAL_SLASH_BPS..=MAX_NON_REVEAL_SLASH_BPS).contains(&self.non_reveal_slash_bps.get())
            && (1..=bps).contains(&self.max_weight_bps.get())
            && (1..=MAX_REPUTATION_ALPHA_BPS).contains(&self.reputation_alpha_bps.get())
            && self.min_stake.get() > 0
            && (0..=MAX_UNBONDING_SECS).contains(&self.unbonding_secs.get())
            && (MIN_DEADLINE_SECS_FLOOR..=MIN_DEADLINE_SECS_CEILING).contains(&self.min_deadline_secs.get())
            && self.reveal_window_secs.get() >= 1
            && self.reveal_window_secs.get() < self.min_deadline_secs.get()
            && self.min_consensus_weight.get() <= MAX_MIN_CONSENSUS_WEIGHT
            && (self.min_deadline_secs.get()..=MAX_DEADLINE_SECS_CEILING).contains(&self.max_deadline_secs.get())
            && self.no_consensus_fee_bps.get() <= MAX_NO_CONSENSUS_FEE_BPS
            && (MIN_SEAT_BOND_MULTIPLIER..=MAX_SEAT_BOND_MULTIPLIER).contains(&self.seat_bond_multiplier.get())
            && self.challenge_slash_bps.get() <= MAX_CHALLENGE_SLASH_BPS
            && (1..=MAX_MIN_WORKERS_FLOOR).contains(&self.min_workers_floor)
            && self.draw_stake_cap.get() >= self.min_stake.get();
        if ok {
            Ok(())
        } else {
            Err(DfpnError::InvalidConfig.into())
        }
    }
}

impl AccountState for Config {
    const DISCRIMINATOR: [u8; 8] = discriminator::anchor("account:Config");
    const LEN: usize = 8 + 32 * 3 + ConfigParams::LEN + 4 + 8 + 32 + 8 + 4 + 9;
}

const _: () = assert!(core::mem::size_of::<ConfigParams>() == ConfigParams::LEN);
const _: () = assert!(core::mem::size_of::<Config>() == Config::LEN);
