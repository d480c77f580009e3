use pinocchio::{AccountView, ProgramResult};

use super::{accounts, data::AmountData};
use crate::{error::DfpnError, events, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = accounts::parse(accounts)?;
    let args = AmountData::try_from(data)?;
    if accts.authority.lamports() < args.amount {
        return Err(DfpnError::InsufficientFunds.into());
    }
    let stake = add(accts.worker.stake.get(), args.amount)?;
    pinocchio_system::instructions::Transfer { from: accts.authority, to: accts.worker_account, lamports: args.amount }
        .invoke()?;
    accts.worker.stake.set(stake);
    // More stake, better draw odds: only for draws whose slot hash does not exist yet.
    accts.worker.raise_eligibility()?;
    events::stake_added(accts.worker_account.address().as_array(), args.amount, stake);
    Ok(())
}
