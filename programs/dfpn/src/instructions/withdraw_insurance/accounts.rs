use pinocchio::{error::ProgramError, AccountView};

use crate::{
    error::DfpnError,
    state::{Config, Vault},
    utils::*,
};

/// Accounts of `withdraw_insurance`.
///
/// 0. `[signer]` authority — the configuration authority
/// 1. `[writable]` config — the configuration PDA (records the time of the withdrawal)
/// 2. `[writable]` insurance — the insurance vault named in the config
/// 3. `[writable]` recipient — receives the lamports
pub struct WithdrawInsuranceAccounts<'a> {
    pub config: &'a mut Config,
    pub insurance: &'a AccountView,
    pub recipient: &'a AccountView,
}

impl<'a> TryFrom<&'a [AccountView]> for WithdrawInsuranceAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, config, insurance, recipient, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The authority signs and is the stored authority; the config is writable.
        require_writable(config)?;
        let config = require_config_authority(authority, config)?;
        // 2. The insurance account is the configured vault, writable.
        require_writable(insurance)?;
        Vault::load(insurance)?;
        if insurance.address().as_array() != &config.insurance {
            return Err(DfpnError::VaultMismatch.into());
        }
        // 3. The recipient is writable.
        require_writable(recipient)?;
        Ok(Self { config, insurance, recipient })
    }
}
