use pinocchio::{error::ProgramError, AccountView};

pub use crate::instructions::add_stake::accounts::OperatorAccounts;

/// Accounts of `claim_worker_rewards`.
///
/// 0. `[signer, writable]` authority — the operator; receives the rewards
/// 1. `[writable]` worker — the operator's worker PDA
#[inline(always)]
pub fn parse(accounts: &[AccountView]) -> Result<OperatorAccounts<'_>, ProgramError> {
    OperatorAccounts::parse(accounts, true)
}
