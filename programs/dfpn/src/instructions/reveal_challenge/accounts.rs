use pinocchio::{error::ProgramError, AccountView};

use crate::{
    error::DfpnError,
    state::{Challenger, Request},
    utils::*,
};

/// Accounts of `reveal_challenge`.
///
/// 0. `[signer]` client — the request's client, a registered challenger
/// 1. `[writable]` challenger — its challenger PDA `["challenger", client]`
/// 2. `[writable]` request — the challenge request
pub struct RevealChallengeAccounts<'a> {
    pub request_account: &'a AccountView,
    pub request: &'a mut Request,
    pub challenger: &'a mut Challenger,
}

impl<'a> TryFrom<&'a [AccountView]> for RevealChallengeAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [client, challenger, request_account, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The client signs.
        require_signer(client)?;
        // 2. The challenger account is registered and the client's (only `register_challenger` creates one, at the
        //    key's PDA, so the stored key suffices: no derivation).
        require_writable(challenger)?;
        let challenger_state = Challenger::load(challenger).map_err(|_| DfpnError::NotChallenger)?;
        if challenger_state.authority != client.address().to_bytes() {
            return Err(DfpnError::NotChallenger.into());
        }
        // 3. The request is this program's, writable, and the client's.
        require_writable(request_account)?;
        let request = Request::load(request_account)?;
        if request.client != client.address().to_bytes() {
            return Err(DfpnError::ClientMismatch.into());
        }
        Ok(Self { request_account, request, challenger: challenger_state })
    }
}
