use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Config, utils::*};

/// Accounts of `accept_authority`.
///
/// 0. `[signer]` new_authority — the proposed authority
/// 1. `[writable]` config — the configuration PDA
pub struct AcceptAuthorityAccounts<'a> {
    pub new_authority: &'a AccountView,
    pub config: &'a mut Config,
}

impl<'a> TryFrom<&'a [AccountView]> for AcceptAuthorityAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [new_authority, config, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The proposed authority signs.
        require_signer(new_authority)?;
        // 2. The config is this program's, writable.
        require_writable(config)?;
        let config = Config::load(config)?;
        // 3. The signer is the pending authority (none pending: all zeroes, which no signer is).
        if config.pending_authority == [0u8; 32] || new_authority.address().as_array() != &config.pending_authority {
            return Err(DfpnError::NotPendingAuthority.into());
        }
        Ok(Self { new_authority, config })
    }
}
