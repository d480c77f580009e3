use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Challenger, utils::*};

/// Accounts of `remove_challenger`.
///
/// 0. `[signer, writable]` authority — the configuration authority; receives the rent
/// 1. `[]` config — the configuration PDA
/// 2. `[writable]` challenger — the challenger PDA to close
pub struct RemoveChallengerAccounts<'a> {
    pub authority: &'a AccountView,
    pub challenger_account: &'a AccountView,
    pub challenger: &'a Challenger,
}

impl<'a> TryFrom<&'a [AccountView]> for RemoveChallengerAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, config, challenger_account, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The authority signs, receives the rent, and is the stored authority.
        require_writable(authority)?;
        require_config_authority(authority, config)?;
        // 2. The challenger account is this program's, writable.
        require_writable(challenger_account)?;
        let challenger = Challenger::load(challenger_account)?;
        Ok(Self { authority, challenger_account, challenger })
    }
}
