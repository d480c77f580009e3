use pinocchio::{AccountView, ProgramResult};

use super::{accounts, data::AmountData};
use crate::{error::DfpnError, events, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let (accts, config) = accounts::parse(accounts)?;
    let args = AmountData::try_from(data)?;
    let worker = accts.worker;
    if worker.active_seats.get() > 0 {
        return Err(DfpnError::WorkerHasActiveCommitments.into());
    }
    let stake = worker.stake.get().checked_sub(args.amount).ok_or(DfpnError::InsufficientStake)?;
    let available_at = now()?.checked_add(config.params.unbonding_secs.get()).ok_or(DfpnError::ArithmeticOverflow)?;
    worker.stake.set(stake);
    worker.unbonding_amount.set(add(worker.unbonding_amount.get(), args.amount)?);
    // A further request restarts the delay for everything unbonding.
    worker.unbonding_ends_at.set(available_at);
    events::unstake_requested(accts.worker_account.address().as_array(), args.amount, available_at);
    Ok(())
}
