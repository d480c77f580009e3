use pinocchio::{error::ProgramError, AccountView};

pub use crate::instructions::add_stake::accounts::OperatorAccounts;
use crate::{error::DfpnError, state::Config, utils::AccountState};

/// Accounts of `withdraw_stake`.
///
/// 0. `[signer, writable]` authority — the operator; receives the stake
/// 1. `[writable]` worker — the operator's worker PDA
/// 2. `[]` config — the configuration PDA (unbonding delay)
#[inline(always)]
pub fn parse(accounts: &[AccountView]) -> Result<(OperatorAccounts<'_>, &Config), ProgramError> {
    let accts = OperatorAccounts::parse(accounts, true)?;
    let config = Config::load(accts.rest.first().ok_or(DfpnError::NotEnoughAccounts)?)?;
    Ok((accts, config))
}
