use crate::{
    discriminator,
    utils::{AccountState, I64, U64},
};

/// A key governance lets reveal known-answer challenges, PDA `["challenger", authority]`
/// (`register_challenger`, `remove_challenger`). Its requests look like any other on-chain; only it can turn one
/// into a challenge after the reveals, by revealing the label its attestation committed to.
#[repr(C)]
pub struct Challenger {
    pub discriminator: [u8; 8],
    pub authority: [u8; 32],
    pub registered_at: I64,
    /// Challenges it revealed.
    pub challenges: U64,
    pub bump: u8,
    pub reserved: [u8; 31],
}

impl AccountState for Challenger {
    const DISCRIMINATOR: [u8; 8] = discriminator::anchor("account:Challenger");
    const LEN: usize = 8 + 32 + 8 + 8 + 1 + 31;
}

const _: () = assert!(core::mem::size_of::<Challenger>() == Challenger::LEN);
