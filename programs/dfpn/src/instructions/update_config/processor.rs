use pinocchio::{AccountView, ProgramResult};

use super::{accounts::AuthorityAccounts, data::UpdateConfigData};
use crate::events;

/// New parameters apply to requests submitted from now on: each request keeps the ones it was submitted under.
#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = AuthorityAccounts::try_from(accounts)?;
    let args = UpdateConfigData::try_from(data)?;
    accts.config.params = args.params;
    events::address_event(events::CONFIG_UPDATED, &accts.config.authority);
    Ok(())
}
