use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Request, utils::*};

/// Accounts of `reveal_result`.
///
/// 0. `[signer]` authority — the seated worker's operator
/// 1. `[writable]` request — the request it committed to (the seat holds the model fixed at commit)
pub struct RevealResultAccounts<'a> {
    pub authority: &'a AccountView,
    pub request_account: &'a AccountView,
    pub request: &'a mut Request,
}

impl<'a> TryFrom<&'a [AccountView]> for RevealResultAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, request_account, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The operator signs.
        require_signer(authority)?;
        // 2. The request is this program's, writable.
        require_writable(request_account)?;
        let request = Request::load(request_account)?;
        Ok(Self { authority, request_account, request })
    }
}
