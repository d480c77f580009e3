use pinocchio::{AccountView, ProgramResult};

use super::{accounts, data::WithdrawStakeData};
use crate::{error::DfpnError, events, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = accounts::parse(accounts)?;
    WithdrawStakeData::try_from(data)?;
    let worker = accts.worker;
    let amount = worker.unbonding_amount.get();
    if amount == 0 {
        return Err(DfpnError::NothingToClaim.into());
    }
    if worker.active_seats.get() > 0 {
        return Err(DfpnError::WorkerHasActiveCommitments.into());
    }
    if now()? < worker.unbonding_ends_at.get() {
        return Err(DfpnError::UnbondingNotReady.into());
    }
    worker.unbonding_amount.set(0);
    worker.unbonding_ends_at.set(0);
    // No longer unbonding, drawable again: only for draws whose slot hash does not exist yet.
    worker.raise_eligibility()?;
    move_lamports(accts.worker_account, accts.authority, amount)?;
    events::amount_event(events::STAKE_WITHDRAWN, accts.worker_account.address().as_array(), amount);
    Ok(())
}
