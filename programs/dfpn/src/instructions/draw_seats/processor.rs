use pinocchio::{
    sysvars::{clock::Clock, slot_hashes::SlotHashes, Sysvar},
    AccountView, ProgramResult,
};

use super::{
    accounts::DrawSeatsAccounts,
    data::DrawSeatsData,
    draw::{self, SlotHashLookup},
};
use crate::{
    aggregation::{self, SeatOutcome},
    constants::DRAW_DELAY_SLOTS,
    error::DfpnError,
    events,
    state::{request::seat_state, Request, Worker},
    utils::*,
};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = DrawSeatsAccounts::try_from(accounts)?;
    DrawSeatsData::try_from(data)?;
    let request = accts.request;
    let clock = Clock::get()?;
    if !request.is_open() {
        return Err(DfpnError::RequestNotOpen.into());
    }
    if !request.commit_open(clock.unix_timestamp) {
        return Err(DfpnError::CommitPhaseClosed.into());
    }
    if request.pool_count.get() == 0 {
        return Err(DfpnError::NoWorkersToDraw.into());
    }
    let request_key = accts.request_account.address().to_bytes();
    if !request.seeded() {
        let hashes = SlotHashes::from_account_view(accts.slot_hashes)?;
        let entries = hashes.entries().iter().map(|e| (e.slot(), &e.hash));
        match draw::lookup(entries, request.draw_slot.get()) {
            SlotHashLookup::Ready(hash) => request.draw_seed = draw::seed(&request_key, &hash),
            SlotHashLookup::TooEarly => return Err(DfpnError::DrawTooEarly.into()),
            SlotHashLookup::Expired => {
                // Nobody drew while the hash was in the window: draw from a slot still to come. Whoever waited
                // gains a new draw, no more than submitting again would give.
                let draw_slot = add(clock.slot, DRAW_DELAY_SLOTS)?;
                request.draw_slot.set(draw_slot);
                events::amount_event(events::DRAW_REARMED, &request_key, draw_slot);
                return Ok(());
            }
        }
    }
    let replaced = replace_unanswered(request, &request_key, accts.workers, accts.insurance, clock.unix_timestamp)?;
    if request.joined >= request.max_workers && replaced == 0 {
        return Err(DfpnError::NothingToDraw.into());
    }
    let (min_stake, stake_cap) = (accts.config.params.min_stake.get(), accts.config.params.draw_stake_cap.get());
    for account in &accts.workers[replaced..] {
        if request.joined >= request.max_workers {
            break;
        }
        let k = request.draw_cursor.get();
        let (index, lottery) = draw::candidate(&request.draw_seed, k, request.pool_count.get(), stake_cap);
        request.draw_cursor.set(k.checked_add(1).ok_or(DfpnError::ArithmeticOverflow)?);
        let worker = Worker::load(account)?;
        if worker.pool_index.get() != index {
            return Err(DfpnError::DrawAccountMismatch.into());
        }
        if drawable(worker, request, min_stake, stake_cap, lottery) {
            let seat_index = request.joined;
            let seat = &mut request.seats[seat_index as usize];
            seat.authority = worker.authority;
            seat.state = seat_state::DRAWN;
            seat.drawn_at.set(clock.unix_timestamp);
            request.joined = inc(request.joined)?;
            events::seat_drawn(&request_key, &worker.authority, seat_index);
        }
    }
    Ok(())
}

/// Whether a candidate takes a seat: eligible now (stake, modalities, not unbonding, free stake for the bond),
/// eligible before the draw's hash existed, not the client, not seated already, and its lottery won (stake up to
/// the cap, scaled by its voting weight: `draw::odds`).
#[inline(always)]
fn drawable(worker: &Worker, request: &Request, min_stake: u64, stake_cap: u64, lottery: u64) -> bool {
    let stake = worker.stake.get();
    worker.unbonding_amount.get() == 0
        && stake >= min_stake
        && worker.modalities & request.modalities == request.modalities
        && worker.eligible_since_slot.get() < request.draw_slot.get()
        && worker.authority != request.client
        && stake.saturating_sub(worker.bonded.get()) >= request.seat_bond.get()
        && lottery < draw::odds(stake, stake_cap, worker.reputation.get())
        && request.seats().iter().all(|s| s.authority != worker.authority)
}

/// Half a commit window after it was drawn, a seat that has not committed (only drawn, or accepted and silent)
/// is unanswered: its worker forfeits the bond (as at finalization) and the seat is drawn again, so an absent
/// or squatting worker cannot starve the request. `workers` starts with those workers' PDAs in seat order;
/// returns how many it used.
#[inline(always)]
fn replace_unanswered(
    request: &mut Request,
    request_key: &[u8; 32],
    workers: &[AccountView],
    insurance: &AccountView,
    now: i64,
) -> Result<usize, pinocchio::error::ProgramError> {
    let (bond, alpha) = (request.seat_bond.get(), request.reputation_alpha_bps.get());
    let mut used = 0usize;
    let mut index = 0usize;
    while index < request.joined as usize {
        let seat = &request.seats[index];
        let uncommitted = seat.state == seat_state::DRAWN || seat.state == seat_state::JOINED;
        if !uncommitted || now < request.answer_by(seat) {
            index += 1;
            continue;
        }
        let account = workers.get(used).ok_or(DfpnError::NotEnoughAccounts)?;
        used += 1;
        require_writable(account)?;
        let worker = Worker::load(account)?;
        let authority = request.seats[index].authority;
        if worker.authority != authority {
            return Err(DfpnError::DrawAccountMismatch.into());
        }
        if request.seats[index].accepted() {
            worker.release_seat(bond);
        }
        let forfeited = worker.forfeit_bond(bond);
        worker.reputation.set(aggregation::reputation_step(worker.reputation.get(), SeatOutcome::Uncommitted, alpha));
        move_lamports(account, insurance, forfeited)?;
        events::worker_slashed(request_key, &authority, forfeited, worker.reputation.get());
        request.remove_seat(index);
    }
    Ok(used)
}
