use pinocchio::{AccountView, ProgramResult};

use super::{accounts::RevealChallengeAccounts, data::RevealChallengeData};
use crate::{constants::CHALLENGE_DOMAIN, error::DfpnError, events, utils::*};

/// `sha256(CHALLENGE_DOMAIN ‖ request ‖ label ‖ salt)`: what a challenger puts in the request's attestation.
#[inline(always)]
pub fn attestation(request: &[u8; 32], label: u8, salt: &[u8; 32]) -> [u8; 32] {
    solana_sha256_hasher::hashv(&[CHALLENGE_DOMAIN, request, &[label], salt]).to_bytes()
}

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = RevealChallengeAccounts::try_from(accounts)?;
    let args = RevealChallengeData::try_from(data)?;
    let request = accts.request;
    if !request.is_open() {
        return Err(DfpnError::RequestNotOpen.into());
    }
    if request.challenged != 0 {
        return Err(DfpnError::ChallengeAlreadyRevealed.into());
    }
    // After the reveals (so no worker can answer knowing the label), before finalization (which applies it).
    if !request.finalizable(now()?) {
        return Err(DfpnError::ChallengeTooEarly.into());
    }
    let request_key = accts.request_account.address().to_bytes();
    if attestation(&request_key, args.label, &args.salt) != request.attestation {
        return Err(DfpnError::ChallengeMismatch.into());
    }
    request.challenged = 1;
    request.challenge_label = args.label;
    accts.challenger.challenges.set(add(accts.challenger.challenges.get(), 1)?);
    events::challenge_revealed(&request_key, args.label);
    Ok(())
}
