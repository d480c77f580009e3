use pinocchio::{AccountView, ProgramResult};

use super::{accounts::AcceptAuthorityAccounts, data::AcceptAuthorityData};
use crate::events;

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = AcceptAuthorityAccounts::try_from(accounts)?;
    AcceptAuthorityData::try_from(data)?;
    accts.config.authority = accts.config.pending_authority;
    accts.config.pending_authority = [0u8; 32];
    events::address_event(events::AUTHORITY_TRANSFERRED, &accts.config.authority);
    Ok(())
}
