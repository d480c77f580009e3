//! Same accounts as `join_request`, without the config.
use pinocchio::{error::ProgramError, AccountView};

use crate::{
    error::DfpnError,
    state::{Request, Worker},
    utils::*,
};

/// Accounts of `leave_request`.
///
/// 0. `[signer]` authority — the worker's operator
/// 1. `[writable]` worker — the operator's worker PDA (its bond is released)
/// 2. `[writable]` request — the request it joined
pub struct LeaveRequestAccounts<'a> {
    pub authority: &'a AccountView,
    pub worker: &'a mut Worker,
    pub request_account: &'a AccountView,
    pub request: &'a mut Request,
}

impl<'a> TryFrom<&'a [AccountView]> for LeaveRequestAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, worker, request_account, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The operator signs.
        require_signer(authority)?;
        // 2. The worker is this program's, writable, and the signer's.
        require_writable(worker)?;
        let worker = Worker::load(worker)?;
        if authority.address().as_array() != &worker.authority {
            return Err(DfpnError::Unauthorized.into());
        }
        // 3. The request is this program's, writable.
        require_writable(request_account)?;
        let request = Request::load(request_account)?;
        Ok(Self { authority, worker, request_account, request })
    }
}
