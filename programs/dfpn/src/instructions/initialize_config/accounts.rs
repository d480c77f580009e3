use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::seeds, utils::*};

/// Accounts of `initialize_config`.
///
/// 0. `[signer, writable]` authority — pays rent and becomes the configuration authority
/// 1. `[writable]` config — PDA `["config"]`, created here
/// 2. `[writable]` treasury — PDA `["treasury"]`, created here
/// 3. `[writable]` insurance — PDA `["insurance"]`, created here
/// 4. `[]` system_program
pub struct InitializeConfigAccounts<'a> {
    pub authority: &'a AccountView,
    pub config: &'a AccountView,
    pub treasury: &'a AccountView,
    pub insurance: &'a AccountView,
    pub bumps: [u8; 3],
}

impl<'a> TryFrom<&'a [AccountView]> for InitializeConfigAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, config, treasury, insurance, system_program, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The authority signs and pays.
        require_signer(authority)?;
        require_writable(authority)?;
        // 2. The three accounts to create are writable and are the canonical PDAs.
        require_writable(config)?;
        require_writable(treasury)?;
        require_writable(insurance)?;
        let config_bump = require_pda(config, &[seed(seeds::CONFIG)])?;
        let treasury_bump = require_pda(treasury, &[seed(seeds::TREASURY)])?;
        let insurance_bump = require_pda(insurance, &[seed(seeds::INSURANCE)])?;
        // 3. The system program creates them.
        require_system_program(system_program)?;
        Ok(Self { authority, config, treasury, insurance, bumps: [config_bump, treasury_bump, insurance_bump] })
    }
}
