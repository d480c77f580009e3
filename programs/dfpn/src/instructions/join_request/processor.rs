use pinocchio::{AccountView, ProgramResult};

use super::{accounts::JoinRequestAccounts, data::JoinRequestData};
use crate::{error::DfpnError, events, state::request::seat_state, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = JoinRequestAccounts::try_from(accounts)?;
    JoinRequestData::try_from(data)?;
    let (worker, request) = (accts.worker, accts.request);
    if !request.is_open() {
        return Err(DfpnError::RequestNotOpen.into());
    }
    if !request.commit_open(now()?) {
        return Err(DfpnError::CommitPhaseClosed.into());
    }
    if worker.unbonding_amount.get() > 0 {
        return Err(DfpnError::WorkerUnbonding.into());
    }
    if worker.stake.get() < accts.config.params.min_stake.get() {
        return Err(DfpnError::InsufficientStake.into());
    }
    if worker.modalities & request.modalities != request.modalities {
        return Err(DfpnError::ModalityNotSupported.into());
    }
    let authority = accts.authority.address().to_bytes();
    // A client cannot staff its own request (and so certify its own media); the draw never seats it either.
    if authority == request.client {
        return Err(DfpnError::SelfDealing.into());
    }
    // Seats are drawn (`draw_seats`): a worker only accepts the seat the draw gave it.
    let index = request.seats().iter().position(|s| s.authority == authority).ok_or(DfpnError::NotDrawn)?;
    match request.seats[index].state {
        seat_state::DRAWN => {}
        seat_state::JOINED => return Err(DfpnError::AlreadyJoined.into()),
        _ => return Err(DfpnError::AlreadyCommitted.into()),
    }
    // Holding a seat puts stake at risk: the seat bond is locked from stake no other seat has bonded.
    let bond = request.seat_bond.get();
    if worker.stake.get().saturating_sub(worker.bonded.get()) < bond {
        return Err(DfpnError::BondExceedsFreeStake.into());
    }
    request.seats[index].state = seat_state::JOINED;
    worker.bonded.set(add(worker.bonded.get(), bond)?);
    worker.active_seats.set(worker.active_seats.get().checked_add(1).ok_or(DfpnError::ArithmeticOverflow)?);
    events::worker_joined(accts.request_account.address().as_array(), &authority, index as u8);
    Ok(())
}
