use pinocchio::{error::ProgramError, AccountView};

use crate::{
    error::DfpnError,
    state::{Request, Vault},
    utils::*,
};

/// Accounts of `expire_request` (anyone may send it).
///
/// 0. `[writable]` request — the request to expire
/// 1. `[writable]` client — the request's client; receives the whole escrow
/// 2. `[writable]` insurance — the insurance vault; receives the bonds of seats that never committed
/// 3. `[writable]` worker… — from here, one worker PDA per seat, in seat order (their seats are released)
pub struct ExpireRequestAccounts<'a> {
    pub request_account: &'a AccountView,
    pub request: &'a mut Request,
    pub client: &'a AccountView,
    pub insurance: &'a AccountView,
    pub workers: &'a [AccountView],
}

impl<'a> TryFrom<&'a [AccountView]> for ExpireRequestAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [request_account, client, insurance, workers @ ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The request is this program's, writable.
        require_writable(request_account)?;
        let request = Request::load(request_account)?;
        // 2. The client is the request's client, writable.
        require_writable(client)?;
        if client.address().as_array() != &request.client {
            return Err(DfpnError::ClientMismatch.into());
        }
        // 3. The insurance vault is this program's insurance vault (there is one), writable.
        require_writable(insurance)?;
        if Vault::load(insurance)?.kind != Vault::INSURANCE {
            return Err(DfpnError::VaultMismatch.into());
        }
        // 4. Exactly one writable worker account per seat (matched to seats by the processor).
        if workers.len() != request.joined as usize {
            return Err(DfpnError::SeatAccountMismatch.into());
        }
        for account in workers {
            require_writable(account)?;
        }
        Ok(Self { request_account, request, client, insurance, workers })
    }
}
