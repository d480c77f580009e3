use pinocchio::{error::ProgramError, AccountView};

pub use crate::instructions::add_stake::accounts::OperatorAccounts;

/// Accounts of `withdraw_stake`.
///
/// 0. `[signer, writable]` authority — the operator; receives the stake
/// 1. `[writable]` worker — the operator's worker PDA
#[inline(always)]
pub fn parse(accounts: &[AccountView]) -> Result<OperatorAccounts<'_>, ProgramError> {
    OperatorAccounts::parse(accounts, true)
}
