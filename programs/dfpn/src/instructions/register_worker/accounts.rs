use pinocchio::{error::ProgramError, AccountView};

use crate::{
    error::DfpnError,
    state::{seeds, Config},
    utils::*,
};

/// Accounts of `register_worker`.
///
/// 0. `[signer, writable]` authority — the operator; pays rent and stake
/// 1. `[writable]` worker — PDA `["worker", authority]`, created here
/// 2. `[writable]` config — the configuration PDA (minimum stake; the worker count gives the pool index)
/// 3. `[]` system_program
pub struct RegisterWorkerAccounts<'a> {
    pub authority: &'a AccountView,
    pub worker: &'a AccountView,
    pub config: &'a mut Config,
    pub bump: u8,
}

impl<'a> TryFrom<&'a [AccountView]> for RegisterWorkerAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, worker, config, system_program, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The operator signs and pays.
        require_signer(authority)?;
        require_writable(authority)?;
        // 2. The worker account is writable and the canonical PDA of the operator.
        require_writable(worker)?;
        let bump = require_pda(worker, &[seed(seeds::WORKER), authority.address().as_ref()])?;
        // 3. The config is this program's, writable (worker count).
        require_writable(config)?;
        let config = Config::load(config)?;
        // 4. The system program creates the account.
        require_system_program(system_program)?;
        Ok(Self { authority, worker, config, bump })
    }
}
