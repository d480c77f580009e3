use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::seeds, utils::*};

/// Accounts of `register_challenger`.
///
/// 0. `[signer, writable]` authority — the configuration authority; pays the rent
/// 1. `[]` config — the configuration PDA
/// 2. `[writable]` challenger — PDA `["challenger", challenger key]`, created here
/// 3. `[]` system_program
pub struct RegisterChallengerAccounts<'a> {
    pub authority: &'a AccountView,
    pub challenger: &'a AccountView,
    pub bump: u8,
}

impl<'a> RegisterChallengerAccounts<'a> {
    #[inline(always)]
    pub fn parse(accounts: &'a [AccountView], key: &[u8; 32]) -> Result<Self, ProgramError> {
        let [authority, config, challenger, system_program, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The authority signs, pays, and is the stored authority.
        require_writable(authority)?;
        require_config_authority(authority, config)?;
        // 2. The challenger account is writable and the canonical PDA of the key.
        require_writable(challenger)?;
        let bump = require_pda(challenger, &[seed(seeds::CHALLENGER), key])?;
        // 3. The system program creates it.
        require_system_program(system_program)?;
        Ok(Self { authority, challenger, bump })
    }
}
