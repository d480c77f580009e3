use pinocchio::{error::ProgramError, AccountView};

use crate::{
    error::DfpnError,
    state::{Model, Request, Worker},
    utils::*,
};

/// Accounts of `commit_result`.
///
/// 0. `[signer]` authority — the seated worker's operator
/// 1. `[writable]` request — the request it joined
/// 2. `[]` worker — the operator's worker PDA (declared models)
/// 3. `[]` model — the model the answer comes from; fixed in the seat here, so a later change of the model
///    cannot touch this request
pub struct CommitResultAccounts<'a> {
    pub authority: &'a AccountView,
    pub request_account: &'a AccountView,
    pub request: &'a mut Request,
    pub worker: &'a Worker,
    pub model_account: &'a AccountView,
    pub model: &'a Model,
}

impl<'a> TryFrom<&'a [AccountView]> for CommitResultAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, request_account, worker, model, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The operator signs.
        require_signer(authority)?;
        // 2. The request is this program's, writable.
        require_writable(request_account)?;
        let request = Request::load(request_account)?;
        // 3. The worker is this program's and the signer's.
        let worker = Worker::load(worker)?;
        if authority.address().as_array() != &worker.authority {
            return Err(DfpnError::Unauthorized.into());
        }
        // 4. The model is this program's (whether it may serve is the processor's rule).
        let model_account = model;
        let model = Model::load(model_account)?;
        Ok(Self { authority, request_account, request, worker, model_account, model })
    }
}
