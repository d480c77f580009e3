use crate::{
    discriminator,
    utils::{AccountState, I64, U16, U32, U64},
};

pub use crate::constants::{MAX_WORKER_MODELS, REPUTATION_MAX, REPUTATION_START};

/// A staked worker, PDA `["worker", authority]`. Lamports = rent + stake + unbonding + rewards.
#[repr(C)]
pub struct Worker {
    pub discriminator: [u8; 8],
    pub authority: [u8; 32],
    pub stake: U64,
    /// Stake on its way out, withdrawable from `unbonding_ends_at` (fixed when unstaking is requested, so a
    /// later config change does not move it).
    pub unbonding_amount: U64,
    pub unbonding_ends_at: I64,
    /// Earned fees, claimable by the authority.
    pub rewards: U64,
    pub reputation: U16,
    /// Seats held in requests not yet finalized or expired.
    pub active_seats: U16,
    pub modalities: u8,
    pub model_count: u8,
    pub bump: u8,
    pub reserved0: u8,
    /// Addresses of the model PDAs it runs (a model is its developer and id, so the address names both).
    pub models: [[u8; 32]; MAX_WORKER_MODELS],
    pub jobs_done: U64,
    pub jobs_agreed: U64,
    pub slashed_total: U64,
    pub registered_at: I64,
    /// Seat bonds locked from `stake` by the seats it holds.
    pub bonded: U64,
    /// Its place in the draw pool (registration order): a request draws indices below the pool size at its
    /// submission, so a worker registered later is never drawn for it.
    pub pool_index: U32,
    /// Slot of the last rise in its draw eligibility (registration, added stake or modalities, withdrawn
    /// unbonding): it is drawn only by requests whose draw slot is later, so nobody raises its odds once a
    /// draw's slot hash is known.
    pub eligible_since_slot: U64,
    pub reserved: [u8; 12],
}

impl Worker {
    /// Release one seat: its bond is no longer locked and the seat no longer counts.
    #[inline(always)]
    pub fn release_seat(&mut self, bond: u64) {
        self.bonded.set(self.bonded.get().saturating_sub(bond));
        self.active_seats.set(self.active_seats.get().saturating_sub(1));
    }

    /// Take the bond of a seat that never committed out of the stake (what the stake still holds of it);
    /// returns the amount, which the caller moves to insurance.
    #[inline(always)]
    pub fn forfeit_bond(&mut self, bond: u64) -> u64 {
        let forfeited = bond.min(self.stake.get());
        self.stake.set(self.stake.get() - forfeited);
        self.slashed_total.set(self.slashed_total.get().saturating_add(forfeited));
        forfeited
    }

    /// Record a rise in draw eligibility (see `eligible_since`).
    #[inline(always)]
    pub fn raise_eligibility(&mut self) -> Result<(), pinocchio::error::ProgramError> {
        self.eligible_since_slot.set(crate::utils::current_slot()?);
        Ok(())
    }

    #[inline(always)]
    pub fn declares_model(&self, model: &[u8; 32]) -> bool {
        self.models[..(self.model_count as usize).min(MAX_WORKER_MODELS)].contains(model)
    }
}

impl AccountState for Worker {
    const DISCRIMINATOR: [u8; 8] = discriminator::anchor("account:Worker");
    const LEN: usize = 8 + 32 + 8 * 4 + 2 * 2 + 4 + 32 * MAX_WORKER_MODELS + 8 * 4 + 8 + 4 + 8 + 12;
}

const _: () = assert!(core::mem::size_of::<Worker>() == Worker::LEN);
