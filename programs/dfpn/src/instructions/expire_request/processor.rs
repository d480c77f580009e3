use pinocchio::{AccountView, ProgramResult};

use super::{accounts::ExpireRequestAccounts, data::ExpireRequestData};
use crate::{
    error::DfpnError,
    events,
    state::{request::status, Worker},
    utils::*,
};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = ExpireRequestAccounts::try_from(accounts)?;
    ExpireRequestData::try_from(data)?;
    let request = accts.request;
    if !request.is_open() {
        return Err(DfpnError::RequestNotOpen.into());
    }
    if !request.expirable(now()?) {
        return Err(DfpnError::CannotExpire.into());
    }
    for (seat, account) in request.seats().iter().zip(accts.workers) {
        let worker = Worker::load(account)?;
        if worker.authority != seat.authority {
            return Err(DfpnError::SeatAccountMismatch.into());
        }
        worker.active_seats.set(worker.active_seats.get().saturating_sub(1));
    }
    let refund = request.escrow.get();
    let kept = refund_to_client(accts.request_account, accts.client, refund)?;
    request.escrow.set(kept);
    request.status = status::EXPIRED;
    events::amount_event(events::REQUEST_EXPIRED, accts.request_account.address().as_array(), refund);
    Ok(())
}
