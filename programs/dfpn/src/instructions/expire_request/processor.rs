use pinocchio::{AccountView, ProgramResult};

use super::{accounts::ExpireRequestAccounts, data::ExpireRequestData};
use crate::{
    aggregation,
    error::DfpnError,
    events,
    state::{
        request::{seat_state, status},
        Worker,
    },
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
    let request_key = accts.request_account.address().to_bytes();
    let alpha = request.reputation_alpha_bps.get();
    for (seat, account) in request.seats().iter().zip(accts.workers) {
        let worker = Worker::load(account)?;
        if worker.authority != seat.authority {
            return Err(DfpnError::SeatAccountMismatch.into());
        }
        if seat.accepted() {
            worker.release_seat(request.seat_bond.get());
        }
        if seat.state == seat_state::JOINED || seat.state == seat_state::DRAWN {
            // It held (or was drawn for) a seat it never used while the request starved: the bond goes, as at
            // finalization.
            let forfeited = worker.forfeit_bond(request.seat_bond.get());
            worker.reputation.set(aggregation::reputation_step(
                worker.reputation.get(),
                aggregation::SeatOutcome::Uncommitted,
                alpha,
            ));
            move_lamports(account, accts.insurance, forfeited)?;
            events::worker_slashed(&request_key, &seat.authority, forfeited, worker.reputation.get());
        }
    }
    let refund = request.escrow.get();
    let kept = refund_to_client(accts.request_account, accts.client, refund)?;
    request.escrow.set(kept);
    request.status = status::EXPIRED;
    events::amount_event(events::REQUEST_EXPIRED, accts.request_account.address().as_array(), refund);
    Ok(())
}
