use pinocchio::{AccountView, ProgramResult};

use super::{accounts::SetPausedAccounts, data::SetPausedData};
use crate::events;

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = SetPausedAccounts::try_from(accounts)?;
    let args = SetPausedData::try_from(data)?;
    accts.config.paused = args.paused as u8;
    events::pause_set(args.paused);
    Ok(())
}
