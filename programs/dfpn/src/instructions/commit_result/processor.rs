use pinocchio::{AccountView, ProgramResult};

use super::{accounts::CommitResultAccounts, data::CommitResultData};
use crate::{error::DfpnError, events, state::request::seat_state, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = CommitResultAccounts::try_from(accounts)?;
    let args = CommitResultData::try_from(data)?;
    let request = accts.request;
    if !request.is_open() {
        return Err(DfpnError::RequestNotOpen.into());
    }
    if !request.commit_open(now()?) {
        return Err(DfpnError::CommitPhaseClosed.into());
    }
    let authority = accts.authority.address().as_array();
    let seat = request.seat_of(authority).ok_or(DfpnError::NotJoined)?;
    if seat.state != seat_state::JOINED {
        return Err(DfpnError::AlreadyCommitted.into());
    }
    seat.commitment = args.commitment;
    seat.state = seat_state::COMMITTED;
    request.commits = inc(request.commits)?;
    events::result_committed(accts.request_account.address().as_array(), authority, &args.commitment);
    Ok(())
}
