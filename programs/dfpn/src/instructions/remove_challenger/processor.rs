use pinocchio::{AccountView, ProgramResult};

use super::{accounts::RemoveChallengerAccounts, data::RemoveChallengerData};
use crate::{events, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = RemoveChallengerAccounts::try_from(accounts)?;
    RemoveChallengerData::try_from(data)?;
    let key = accts.challenger.authority;
    move_lamports(accts.challenger_account, accts.authority, accts.challenger_account.lamports())?;
    let mut challenger_account = *accts.challenger_account;
    challenger_account.close()?;
    events::address_event(events::CHALLENGER_REMOVED, &key);
    Ok(())
}
