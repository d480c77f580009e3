use pinocchio::{AccountView, ProgramResult};

use super::{accounts, data::ClaimWorkerRewardsData};
use crate::{error::DfpnError, events, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = accounts::parse(accounts)?;
    ClaimWorkerRewardsData::try_from(data)?;
    let amount = accts.worker.rewards.get();
    if amount == 0 {
        return Err(DfpnError::NothingToClaim.into());
    }
    accts.worker.rewards.set(0);
    move_lamports(accts.worker_account, accts.authority, amount)?;
    events::amount_event(events::WORKER_REWARDS_CLAIMED, accts.worker_account.address().as_array(), amount);
    Ok(())
}
