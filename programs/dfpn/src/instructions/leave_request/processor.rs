use pinocchio::{AccountView, ProgramResult};

use super::{accounts::LeaveRequestAccounts, data::LeaveRequestData};
use crate::{
    error::DfpnError,
    events,
    state::request::{seat_state, status},
    utils::*,
};

/// A drawn worker that cannot serve a request (its media is unreachable, it lacks the free stake) hands the
/// seat back within half a commit window of being drawn, bond released if it had accepted; the seat is drawn
/// again. Later the seat is a promise: unanswered, it is replaced and its bond forfeited.
#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = LeaveRequestAccounts::try_from(accounts)?;
    LeaveRequestData::try_from(data)?;
    let (worker, request) = (accts.worker, accts.request);
    if request.status != status::OPEN {
        return Err(DfpnError::RequestNotOpen.into());
    }
    let now = now()?;
    let authority = accts.authority.address().to_bytes();
    let index = request.seats().iter().position(|s| s.authority == authority).ok_or(DfpnError::NotJoined)?;
    if !request.commit_open(now) || now >= request.answer_by(&request.seats[index]) {
        return Err(DfpnError::LeaveWindowClosed.into());
    }
    match request.seats[index].state {
        seat_state::JOINED => worker.release_seat(request.seat_bond.get()),
        seat_state::DRAWN => {}
        _ => return Err(DfpnError::AlreadyCommitted.into()),
    }
    request.remove_seat(index);
    events::worker_left(accts.request_account.address().as_array(), &authority);
    Ok(())
}
