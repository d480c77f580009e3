use crate::{
    constants::MODEL_ID_LEN,
    discriminator,
    utils::{AccountState, I64, U64},
};

/// A registered detection model, PDA `["model", registrant, model_id]`. Fee shares accrue here until claimed to
/// the payout wallet.
#[repr(C)]
pub struct Model {
    pub discriminator: [u8; 8],
    /// Printable ASCII, zero-padded (e.g. `face-forensics-sbi`).
    pub model_id: [u8; MODEL_ID_LEN],
    pub developer: [u8; 32],
    pub payout_wallet: [u8; 32],
    pub modalities: u8,
    pub active: u8,
    pub bump: u8,
    pub reserved0: u8,
    /// Finalized requests whose paid workers used this model.
    pub uses: U64,
    pub earned_total: U64,
    /// Lamports held by this account above rent, claimable to `payout_wallet`.
    pub unclaimed: U64,
    pub registered_at: I64,
    /// Proposed next developer (`propose_model_transfer`); all zeroes when none.
    pub pending_developer: [u8; 32],
    /// The developer that registered the model: its address's seed, unchanged by a transfer.
    pub registrant: [u8; 32],
    pub reserved: [u8; 32],
}

impl AccountState for Model {
    const DISCRIMINATOR: [u8; 8] = discriminator::anchor("account:Model");
    const LEN: usize = 8 + MODEL_ID_LEN + 32 * 2 + 4 + 8 * 4 + 32 * 3;
}

const _: () = assert!(core::mem::size_of::<Model>() == Model::LEN);
