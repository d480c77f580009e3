use pinocchio::{cpi::Seed, AccountView, ProgramResult};

use super::{accounts::SubmitRequestAccounts, data::SubmitRequestData};
use crate::{
    aggregation::{request_fee, seat_bond},
    constants::DRAW_DELAY_SLOTS,
    error::DfpnError,
    events,
    state::{request::status, seeds, Request},
    utils::*,
};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let args = SubmitRequestData::try_from(data)?;
    let accts = SubmitRequestAccounts::parse(accounts, args.nonce, args.bump)?;
    let params = accts.config.params;
    if accts.config.paused != 0 {
        return Err(DfpnError::Paused.into());
    }
    let now = now()?;
    let earliest = now.checked_add(params.min_deadline_secs.get()).ok_or(DfpnError::ArithmeticOverflow)?;
    if args.deadline < earliest {
        return Err(DfpnError::DeadlineTooShort.into());
    }
    // A seat locks its worker's stake until the deadline: bounded, so nobody can freeze stake for decades.
    let latest = now.checked_add(params.max_deadline_secs.get()).ok_or(DfpnError::ArithmeticOverflow)?;
    if args.deadline > latest {
        return Err(DfpnError::DeadlineTooLong.into());
    }
    if args.min_workers < params.min_workers_floor {
        return Err(DfpnError::MinWorkersBelowFloor.into());
    }
    let fee = request_fee(&params, args.modalities, args.min_workers).ok_or(DfpnError::ArithmeticOverflow)?;
    if args.max_fee < fee {
        return Err(DfpnError::MaxFeeTooLow.into());
    }
    let lamports = add(rent_exempt(Request::LEN)?, args.max_fee)?;
    if accts.client.lamports() < lamports {
        return Err(DfpnError::InsufficientFunds.into());
    }
    let nonce = args.nonce.to_le_bytes();
    create_pda(
        accts.client,
        accts.request,
        lamports,
        Request::LEN,
        &[
            Seed::from(seeds::REQUEST),
            Seed::from(accts.client.address().as_ref()),
            Seed::from(&nonce),
            Seed::from(&[args.bump]),
        ],
    )?;

    let request = Request::init(accts.request)?;
    request.client = accts.client.address().to_bytes();
    request.nonce.set(args.nonce);
    request.content_hash = args.content_hash;
    request.modalities = args.modalities;
    request.min_workers = args.min_workers;
    request.max_workers = args.max_workers;
    request.status = status::OPEN;
    request.bump = args.bump;
    request.storage_uri_len = args.storage_uri.len() as u8;
    request.storage_uri[..args.storage_uri.len()].copy_from_slice(args.storage_uri);
    request.fee.set(fee);
    request.escrow.set(args.max_fee);
    request.created_at.set(now);
    let commit_deadline = args.deadline - params.reveal_window_secs.get();
    request.commit_deadline.set(commit_deadline);
    request.deadline.set(args.deadline);
    // The request is judged by the parameters it was submitted under, whatever the configuration says later.
    request.non_reveal_slash_bps = params.non_reveal_slash_bps;
    request.challenge_slash_bps = params.challenge_slash_bps;
    request.attestation = args.attestation;
    request.reputation_alpha_bps = params.reputation_alpha_bps;
    request.max_weight_bps = params.max_weight_bps;
    request.no_consensus_fee_bps = params.no_consensus_fee_bps;
    request.min_consensus_weight = params.min_consensus_weight;
    let bond =
        seat_bond(fee, args.min_workers, params.seat_bond_multiplier.get()).ok_or(DfpnError::ArithmeticOverflow)?;
    request.seat_bond.set(bond);
    // Seats are drawn from the workers registered now, with the hash of a slot that does not exist yet.
    request.pool_count = accts.config.worker_count;
    request.draw_slot.set(add(current_slot()?, DRAW_DELAY_SLOTS)?);
    accts.config.request_count.set(add(accts.config.request_count.get(), 1)?);

    events::request_submitted(&events::Submitted {
        request: accts.request.address().as_array(),
        client: &request.client,
        nonce: args.nonce,
        content_hash: &args.content_hash,
        storage_uri: args.storage_uri,
        modalities: args.modalities,
        min_workers: args.min_workers,
        max_workers: args.max_workers,
        fee,
        escrow: args.max_fee,
        commit_deadline,
        deadline: args.deadline,
    });
    Ok(())
}
