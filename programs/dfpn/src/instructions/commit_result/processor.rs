use pinocchio::{AccountView, ProgramResult};

use super::{accounts::CommitResultAccounts, data::CommitResultData};
use crate::{error::DfpnError, events, state::request::seat_state, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = CommitResultAccounts::try_from(accounts)?;
    let args = CommitResultData::try_from(data)?;
    let (request, model) = (accts.request, accts.model);
    if !request.is_open() {
        return Err(DfpnError::RequestNotOpen.into());
    }
    if !request.commit_open(now()?) {
        return Err(DfpnError::CommitPhaseClosed.into());
    }
    // Whether the model may serve is decided here, once: its later deactivation or update cannot turn an honest
    // commitment into a missed reveal.
    if model.active == 0 {
        return Err(DfpnError::ModelInactive.into());
    }
    let model_address = accts.model_account.address().as_array();
    if !accts.worker.declares_model(model_address) {
        return Err(DfpnError::ModelNotDeclared.into());
    }
    if model.modalities & request.modalities != request.modalities {
        return Err(DfpnError::ModelModalityMismatch.into());
    }
    if model.developer == request.client {
        return Err(DfpnError::SelfDealing.into());
    }
    let authority = accts.authority.address().as_array();
    let seat = request.seat_of(authority).ok_or(DfpnError::NotJoined)?;
    match seat.state {
        seat_state::JOINED => {}
        // Drawn but not accepted: no bond backs the seat yet.
        seat_state::DRAWN => return Err(DfpnError::NotJoined.into()),
        _ => return Err(DfpnError::AlreadyCommitted.into()),
    }
    seat.commitment = args.commitment;
    seat.model = *model_address;
    seat.state = seat_state::COMMITTED;
    request.commits = inc(request.commits)?;
    events::result_committed(accts.request_account.address().as_array(), authority, &args.commitment);
    Ok(())
}
