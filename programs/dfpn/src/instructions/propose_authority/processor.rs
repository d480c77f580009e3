use pinocchio::{AccountView, ProgramResult};

use super::{accounts::ProposeAuthorityAccounts, data::ProposeAuthorityData};
use crate::events;

/// Two steps, so a mistyped key cannot take the configuration out of everyone's hands: the proposal only
/// takes effect when the proposed key signs `accept_authority`.
#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = ProposeAuthorityAccounts::try_from(accounts)?;
    let args = ProposeAuthorityData::try_from(data)?;
    accts.config.pending_authority = args.new_authority;
    events::address_event(events::AUTHORITY_PROPOSED, &args.new_authority);
    Ok(())
}
