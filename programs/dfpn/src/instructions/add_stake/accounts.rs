use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Worker, utils::*};

/// Accounts of the operator's own worker instructions (`add_stake`, `update_worker`, `request_unstake`,
/// `withdraw_stake`, `claim_worker_rewards`).
///
/// 0. `[signer, writable]` authority — the operator (writable where lamports move to or from it)
/// 1. `[writable]` worker — the operator's worker PDA
pub struct OperatorAccounts<'a> {
    pub authority: &'a AccountView,
    pub worker_account: &'a AccountView,
    pub worker: &'a mut Worker,
    pub rest: &'a [AccountView],
}

impl<'a> OperatorAccounts<'a> {
    #[inline(always)]
    pub fn parse(accounts: &'a [AccountView], authority_writable: bool) -> Result<Self, ProgramError> {
        let [authority, worker_account, rest @ ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The operator signs (and is writable when it pays or receives).
        require_signer(authority)?;
        if authority_writable {
            require_writable(authority)?;
        }
        // 2. The worker is this program's, writable.
        require_writable(worker_account)?;
        let worker = Worker::load(worker_account)?;
        // 3. The worker belongs to the signer.
        if authority.address().as_array() != &worker.authority {
            return Err(DfpnError::Unauthorized.into());
        }
        Ok(Self { authority, worker_account, worker, rest })
    }
}

/// `add_stake` also takes
///
/// 2. `[]` system_program — moves the stake from the operator
#[inline(always)]
pub fn parse(accounts: &[AccountView]) -> Result<OperatorAccounts<'_>, ProgramError> {
    let accts = OperatorAccounts::parse(accounts, true)?;
    let system_program = accts.rest.first().ok_or(DfpnError::NotEnoughAccounts)?;
    require_system_program(system_program)?;
    Ok(accts)
}
