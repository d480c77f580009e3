use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Request, utils::*};

/// Accounts of `close_request`.
///
/// 0. `[signer, writable]` client — the request's client; receives the rent
/// 1. `[writable]` request — a finalized or expired request
pub struct CloseRequestAccounts<'a> {
    pub client: &'a AccountView,
    pub request_account: &'a AccountView,
    pub request: &'a Request,
}

impl<'a> TryFrom<&'a [AccountView]> for CloseRequestAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [client, request_account, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The client signs and receives the rent.
        require_signer(client)?;
        require_writable(client)?;
        // 2. The request exists (a closed one is gone: no lamports, no longer this program's), is this
        //    program's and writable.
        if request_account.lamports() == 0 && !request_account.owned_by(&crate::ID) {
            return Err(DfpnError::RequestAlreadyClosed.into());
        }
        require_writable(request_account)?;
        let request = Request::load(request_account)?;
        // 3. The signer is the request's client.
        if client.address().as_array() != &request.client {
            return Err(DfpnError::ClientMismatch.into());
        }
        Ok(Self { client, request_account, request })
    }
}
