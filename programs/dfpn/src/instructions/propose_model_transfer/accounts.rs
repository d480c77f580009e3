use pinocchio::{error::ProgramError, AccountView};

pub use crate::instructions::update_model::accounts::DeveloperAccounts;

/// Accounts of `propose_model_transfer`.
///
/// 0. `[signer]` developer — the model's current developer
/// 1. `[writable]` model — the model PDA
#[inline(always)]
pub fn parse(accounts: &[AccountView]) -> Result<DeveloperAccounts<'_>, ProgramError> {
    DeveloperAccounts::parse(accounts, false)
}
