use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Config, utils::*};

/// Accounts of `update_config`, `set_paused`, `propose_authority` (authority-only changes to the configuration).
///
/// 0. `[signer]` authority — the current configuration authority
/// 1. `[writable]` config — the configuration PDA
pub struct AuthorityAccounts<'a> {
    pub authority: &'a AccountView,
    pub config: &'a mut Config,
}

impl<'a> TryFrom<&'a [AccountView]> for AuthorityAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, config, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The config is writable.
        require_writable(config)?;
        // 2. The authority signs and is the stored authority.
        let config = require_config_authority(authority, config)?;
        Ok(Self { authority, config })
    }
}
