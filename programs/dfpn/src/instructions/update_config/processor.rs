use pinocchio::{AccountView, ProgramResult};

use super::{accounts::AuthorityAccounts, data::UpdateConfigData};
use crate::{error::DfpnError, events};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = AuthorityAccounts::try_from(accounts)?;
    let args = UpdateConfigData::try_from(data)?;
    if args.new_authority == [0u8; 32] {
        return Err(DfpnError::InvalidConfig.into());
    }
    accts.config.params = args.params;
    accts.config.authority = args.new_authority;
    events::address_event(events::CONFIG_UPDATED, &args.new_authority);
    Ok(())
}
