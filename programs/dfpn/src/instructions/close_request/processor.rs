use pinocchio::{AccountView, ProgramResult};

use super::{accounts::CloseRequestAccounts, data::CloseRequestData};
use crate::{error::DfpnError, events, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = CloseRequestAccounts::try_from(accounts)?;
    CloseRequestData::try_from(data)?;
    if accts.request.is_open() {
        return Err(DfpnError::RequestNotFinished.into());
    }
    let rent = accts.request_account.lamports();
    move_lamports(accts.request_account, accts.client, rent)?;
    let mut request_account = *accts.request_account;
    request_account.close()?;
    events::amount_event(events::REQUEST_CLOSED, accts.request_account.address().as_array(), rent);
    Ok(())
}
