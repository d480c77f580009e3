use pinocchio::{AccountView, ProgramResult};

use super::{accounts::FinalizeRequestAccounts, data::FinalizeRequestData};
use crate::{
    aggregation::{self, SeatOutcome, Vote},
    constants::MIN_REVEALS_FOR_REPUTATION,
    error::DfpnError,
    events,
    state::{
        request::{seat_state, status, MAX_SEATS},
        Model, Request, Worker,
    },
    utils::*,
};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = FinalizeRequestAccounts::try_from(accounts)?;
    FinalizeRequestData::try_from(data)?;
    let request = accts.request;
    if !request.is_open() {
        return Err(DfpnError::RequestNotOpen.into());
    }
    let now = now()?;
    if request.expirable(now) {
        return Err(DfpnError::InsufficientCommitments.into());
    }
    if !request.finalizable(now) {
        return Err(DfpnError::FinalizeTooEarly.into());
    }
    // Until the grace period ends only the client finalizes, so a challenger can reveal its label first.
    if !accts.client.is_signer() && !request.finalizable_by_anyone(now) {
        return Err(DfpnError::FinalizeReservedForClient.into());
    }
    let challenge = (request.challenged != 0).then_some(request.challenge_label);

    // Pass 1: check every seat's worker account and collect the revealed votes.
    let mut votes = [Vote { verdict: 0, confidence: 0, weight: 0 }; MAX_SEATS];
    let mut vote_count = 0usize;
    for (seat, account) in request.seats().iter().zip(accts.workers) {
        let worker = Worker::load(account)?;
        if worker.authority != seat.authority {
            return Err(DfpnError::SeatAccountMismatch.into());
        }
        if seat.state == seat_state::REVEALED {
            let weight = aggregation::weight(worker.reputation.get(), request.max_weight_bps.get());
            votes[vote_count] = Vote { verdict: seat.verdict, confidence: seat.confidence, weight };
            vote_count += 1;
        }
    }
    let outcome = aggregation::aggregate(&votes[..vote_count], request.min_consensus_weight.get() as u64);
    // A revealed challenge pays the known answer, not the consensus: agreement earns nothing against the truth.
    let is_paid = |verdict: u8| match challenge {
        Some(label) => verdict == label,
        None => outcome.winning.is_none_or(|w| w == verdict),
    };
    let paid = request.seats().iter().filter(|s| s.state == seat_state::REVEALED && is_paid(s.verdict)).count() as u64;
    let escrow = request.escrow.get();
    let fee = aggregation::charged_fee(
        request.fee.get(),
        paid,
        outcome.winning.is_some() || challenge.is_some(),
        request.no_consensus_fee_bps.get(),
    )
    .ok_or(DfpnError::ArithmeticOverflow)?;
    // Agreeing with a consensus raises reputation only where several workers answered: one key cannot farm it.
    let reputation_counts = request.reveals >= MIN_REVEALS_FOR_REPUTATION;
    let split = aggregation::split_fee(fee, paid.max(1)).ok_or(DfpnError::ArithmeticOverflow)?;
    let request_key = accts.request_account.address().to_bytes();

    // Pass 2: pay, slash and move reputation, seat by seat.
    let alpha = request.reputation_alpha_bps.get();
    let mut model_index = 0usize;
    for (index, account) in accts.workers.iter().enumerate() {
        // Copy one seat (not the whole array: the BPF stack is 4 KiB).
        let seat = request.seats[index];
        let seat = &seat;
        let worker = Worker::load(account)?;
        if seat.accepted() {
            worker.release_seat(request.seat_bond.get());
        }
        match seat.state {
            seat_state::REVEALED => {
                let model_account = &accts.models[model_index];
                model_index += 1;
                worker.jobs_done.set(add(worker.jobs_done.get(), 1)?);
                let step = match (challenge, outcome.winning) {
                    (Some(label), _) if seat.verdict == label => SeatOutcome::ChallengePassed,
                    (Some(_), _) => SeatOutcome::ChallengeFailed,
                    (None, Some(winning)) if seat.verdict == winning => SeatOutcome::Agreed,
                    (None, Some(_)) => SeatOutcome::Disagreed,
                    (None, None) => SeatOutcome::NoConsensus,
                };
                // Agreeing with a consensus raises reputation only where several workers answered.
                if step != SeatOutcome::Agreed || reputation_counts {
                    worker.reputation.set(aggregation::reputation_step(worker.reputation.get(), step, alpha));
                }
                if step == SeatOutcome::ChallengeFailed {
                    slash_failed_challenge(account, worker, accts.insurance, &request_key, &seat.authority, request)?;
                }
                if matches!(step, SeatOutcome::Agreed | SeatOutcome::ChallengePassed) {
                    worker.jobs_agreed.set(add(worker.jobs_agreed.get(), 1)?);
                }
                let model = Model::load(model_account)?;
                if model_account.address().as_array() != &seat.model {
                    return Err(DfpnError::ModelMismatch.into());
                }
                if is_paid(seat.verdict) && paid > 0 {
                    worker.rewards.set(add(worker.rewards.get(), split.per_worker)?);
                    move_lamports(accts.request_account, account, split.per_worker)?;
                    model.unclaimed.set(add(model.unclaimed.get(), split.per_model)?);
                    model.earned_total.set(add(model.earned_total.get(), split.per_model)?);
                    model.uses.set(add(model.uses.get(), 1)?);
                    move_lamports(accts.request_account, model_account, split.per_model)?;
                    events::worker_paid(&request_key, &seat.authority, split.per_worker, &seat.model, split.per_model);
                }
            }
            seat_state::COMMITTED => {
                let slashed = aggregation::non_reveal_slash(
                    worker.stake.get(),
                    request.fee.get(),
                    request.min_workers,
                    request.non_reveal_slash_bps.get(),
                );
                worker.stake.set(sub(worker.stake.get(), slashed)?);
                worker.slashed_total.set(add(worker.slashed_total.get(), slashed)?);
                worker.reputation.set(aggregation::reputation_step(
                    worker.reputation.get(),
                    SeatOutcome::NonReveal,
                    alpha,
                ));
                move_lamports(account, accts.insurance, slashed)?;
                events::worker_slashed(&request_key, &seat.authority, slashed, worker.reputation.get());
                if challenge.is_some() {
                    slash_failed_challenge(account, worker, accts.insurance, &request_key, &seat.authority, request)?;
                }
            }
            _ => {
                // Held (or was drawn for) a seat and never committed: it blocked the seat, so it forfeits the bond.
                let forfeited = worker.forfeit_bond(request.seat_bond.get());
                worker.reputation.set(aggregation::reputation_step(
                    worker.reputation.get(),
                    SeatOutcome::Uncommitted,
                    alpha,
                ));
                move_lamports(account, accts.insurance, forfeited)?;
                events::worker_slashed(&request_key, &seat.authority, forfeited, worker.reputation.get());
            }
        }
    }

    let refund = sub(escrow, fee)?;
    if paid > 0 {
        move_lamports(accts.request_account, accts.treasury, split.treasury)?;
        move_lamports(accts.request_account, accts.insurance, split.insurance)?;
    }
    let kept = refund_to_client(accts.request_account, accts.client, refund)?;

    request.status = status::FINALIZED;
    request.verdict = outcome.verdict;
    request.confidence = outcome.confidence;
    request.consensus = outcome.consensus;
    request.escrow.set(kept);
    request.finalized_at.set(now);
    events::request_finalized(&events::Finalized {
        request: &request_key,
        verdict: request.verdict,
        confidence: request.confidence,
        consensus: request.consensus,
        commits: request.commits,
        reveals: request.reveals,
        fee_charged: fee,
        refund,
    });
    Ok(())
}

/// A failed known-answer challenge: `challenge_slash_bps` of the worker's stake to insurance.
#[inline(always)]
fn slash_failed_challenge(
    account: &AccountView,
    worker: &mut Worker,
    insurance: &AccountView,
    request_key: &[u8; 32],
    authority: &[u8; 32],
    request: &Request,
) -> ProgramResult {
    let slashed = aggregation::mul_bps(worker.stake.get(), request.challenge_slash_bps.get() as u64).unwrap_or(0);
    worker.stake.set(sub(worker.stake.get(), slashed)?);
    worker.slashed_total.set(add(worker.slashed_total.get(), slashed)?);
    move_lamports(account, insurance, slashed)?;
    events::worker_slashed(request_key, authority, slashed, worker.reputation.get());
    Ok(())
}
