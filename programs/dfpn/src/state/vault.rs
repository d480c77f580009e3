use crate::{discriminator, utils::AccountState};

/// Treasury (`["treasury"]`) or insurance (`["insurance"]`) vault: a program-owned PDA whose lamports
/// above rent are the pool.
#[repr(C)]
pub struct Vault {
    pub discriminator: [u8; 8],
    /// 0 = treasury, 1 = insurance.
    pub kind: u8,
    pub bump: u8,
    pub reserved: [u8; 6],
}

impl Vault {
    pub const TREASURY: u8 = 0;
    pub const INSURANCE: u8 = 1;
}

impl AccountState for Vault {
    const DISCRIMINATOR: [u8; 8] = discriminator::anchor("account:Vault");
    const LEN: usize = 16;
}

const _: () = assert!(core::mem::size_of::<Vault>() == Vault::LEN);
