use pinocchio::{AccountView, ProgramResult};

use super::{accounts, data::ClaimWorkerRewardsData};
use crate::{
    error::DfpnError,
    events,
    state::Worker,
    utils::{AccountState, *},
};

/// Pays the rewards plus anything the worker account holds beyond its books (rent, stake, unbonding stake and
/// rewards): lamports someone sent to the PDA directly would otherwise be stranded there for good.
#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = accounts::parse(accounts)?;
    ClaimWorkerRewardsData::try_from(data)?;
    let worker = &accts.worker;
    let booked = add(add(rent_exempt(Worker::LEN)?, worker.stake.get())?, worker.unbonding_amount.get())?;
    let amount = accts.worker_account.lamports().saturating_sub(booked);
    if amount == 0 {
        return Err(DfpnError::NothingToClaim.into());
    }
    accts.worker.rewards.set(0);
    move_lamports(accts.worker_account, accts.authority, amount)?;
    events::amount_event(events::WORKER_REWARDS_CLAIMED, accts.worker_account.address().as_array(), amount);
    Ok(())
}
