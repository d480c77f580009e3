use pinocchio::{AccountView, ProgramResult};

use super::{accounts::LeaveRequestAccounts, data::LeaveRequestData};
use crate::{
    error::DfpnError,
    events,
    state::request::{seat_state, status},
    utils::*,
};

/// A worker that cannot serve a request (its media is unreachable, it was crowded out of the work) hands the
/// seat back during the first half of the commit window, bond released. Later the seat is a promise: a squatter
/// that could leave at the last moment would block the request for free.
#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = LeaveRequestAccounts::try_from(accounts)?;
    LeaveRequestData::try_from(data)?;
    let (worker, request) = (accts.worker, accts.request);
    if request.status != status::OPEN {
        return Err(DfpnError::RequestNotOpen.into());
    }
    let now = now()?;
    let created = request.created_at.get();
    let halfway = created + (request.commit_deadline.get() - created) / 2;
    if !request.commit_open(now) || now >= halfway {
        return Err(DfpnError::LeaveWindowClosed.into());
    }
    let authority = accts.authority.address().to_bytes();
    let joined = (request.joined as usize).min(request.seats.len());
    let index = request.seats[..joined].iter().position(|s| s.authority == authority).ok_or(DfpnError::NotJoined)?;
    if request.seats[index].state != seat_state::JOINED {
        return Err(DfpnError::AlreadyCommitted.into());
    }
    // Swap-remove: the last seat takes this place (seat order only matters for the account lists, which
    // clients read from the request).
    request.seats[index] = request.seats[joined - 1];
    request.seats[joined - 1] = empty_seat();
    request.joined -= 1;
    worker.release_seat(request.seat_bond.get());
    events::worker_left(accts.request_account.address().as_array(), &authority);
    Ok(())
}

/// An empty seat (all zero bytes, as a fresh request holds).
#[inline(always)]
fn empty_seat() -> crate::state::Seat {
    // SAFETY: `Seat` is `#[repr(C)]` plain bytes (byte arrays and u8 fields): all-zero is a valid value.
    unsafe { core::mem::zeroed() }
}
