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
        // 1. The authority signs.
        require_signer(authority)?;
        // 2. The config is this program's, writable.
        require_writable(config)?;
        let config = Config::load(config)?;
        // 3. The signer is the stored authority.
        if authority.address().as_array() != &config.authority {
            return Err(DfpnError::NotConfigAuthority.into());
        }
        Ok(Self { authority, config })
    }
}
