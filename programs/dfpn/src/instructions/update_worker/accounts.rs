use pinocchio::{error::ProgramError, AccountView};

pub use crate::instructions::add_stake::accounts::OperatorAccounts;

/// Accounts of `update_worker`.
///
/// 0. `[signer]` authority — the operator
/// 1. `[writable]` worker — the operator's worker PDA
#[inline(always)]
pub fn parse(accounts: &[AccountView]) -> Result<OperatorAccounts<'_>, ProgramError> {
    OperatorAccounts::parse(accounts, false)
}
