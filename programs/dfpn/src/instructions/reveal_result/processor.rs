use pinocchio::{AccountView, ProgramResult};

use super::{accounts::RevealResultAccounts, data::RevealResultData};
use crate::{constants::COMMIT_DOMAIN, error::DfpnError, events, state::request::seat_state, utils::*};

/// `sha256("dfpn-commit-v2" ‖ request ‖ worker ‖ verdict ‖ confidence ‖ model ‖ report_hash ‖ salt)`.
#[inline(always)]
pub fn commitment(
    request: &[u8; 32],
    worker: &[u8; 32],
    verdict: u8,
    confidence: u8,
    model: &[u8; 32],
    report_hash: &[u8; 32],
    salt: &[u8; 32],
) -> [u8; 32] {
    solana_sha256_hasher::hashv(&[COMMIT_DOMAIN, request, worker, &[verdict, confidence], model, report_hash, salt])
        .to_bytes()
}

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = RevealResultAccounts::try_from(accounts)?;
    let args = RevealResultData::try_from(data)?;
    let request = accts.request;
    if !request.is_open() {
        return Err(DfpnError::RequestNotOpen.into());
    }
    let now = now()?;
    if request.commit_open(now) || request.commits < request.min_workers {
        return Err(DfpnError::RevealPhaseNotStarted.into());
    }
    if !request.reveal_open(now) {
        return Err(DfpnError::RevealPhaseClosed.into());
    }
    let request_key = accts.request_account.address().as_array();
    let authority = accts.authority.address().as_array();
    let seat = request.seat_of(authority).ok_or(DfpnError::NotJoined)?;
    match seat.state {
        seat_state::COMMITTED => {}
        seat_state::REVEALED => return Err(DfpnError::AlreadyRevealed.into()),
        _ => return Err(DfpnError::NotCommitted.into()),
    }
    let expected =
        commitment(request_key, authority, args.verdict, args.confidence, &seat.model, &args.report_hash, &args.salt);
    if expected != seat.commitment {
        return Err(DfpnError::CommitmentMismatch.into());
    }
    seat.state = seat_state::REVEALED;
    seat.verdict = args.verdict;
    seat.confidence = args.confidence;
    seat.report_hash = args.report_hash;
    seat.report_uri_len = args.report_uri.len() as u8;
    seat.report_uri[..args.report_uri.len()].copy_from_slice(args.report_uri);
    let model = seat.model;
    request.reveals = inc(request.reveals)?;
    events::result_revealed(&events::Revealed {
        request: request_key,
        worker: authority,
        verdict: args.verdict,
        confidence: args.confidence,
        model: &model,
        report_hash: &args.report_hash,
        report_uri: args.report_uri,
    });
    Ok(())
}
