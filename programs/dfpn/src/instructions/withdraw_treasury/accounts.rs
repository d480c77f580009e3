use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Vault, utils::*};

/// Accounts of `withdraw_treasury`.
///
/// 0. `[signer]` authority — the configuration authority
/// 1. `[]` config — the configuration PDA
/// 2. `[writable]` treasury — the treasury vault named in the config
/// 3. `[writable]` recipient — receives the lamports
pub struct WithdrawTreasuryAccounts<'a> {
    pub treasury: &'a AccountView,
    pub recipient: &'a AccountView,
}

impl<'a> TryFrom<&'a [AccountView]> for WithdrawTreasuryAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, config, treasury, recipient, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The authority signs and is the stored authority.
        let config = require_config_authority(authority, config)?;
        // 2. The treasury is the configured vault, writable.
        require_writable(treasury)?;
        Vault::load(treasury)?;
        if treasury.address().as_array() != &config.treasury {
            return Err(DfpnError::VaultMismatch.into());
        }
        // 3. The recipient is writable.
        require_writable(recipient)?;
        Ok(Self { treasury, recipient })
    }
}
