use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Model, utils::*};

/// Accounts of `update_model` (and, without the payout wallet, `deactivate_model`).
///
/// 0. `[signer]` developer — the model's developer
/// 1. `[writable]` model — the model PDA
/// 2. `[]` payout_wallet — the new payout wallet (`update_model` only)
pub struct DeveloperAccounts<'a> {
    pub model_account: &'a AccountView,
    pub model: &'a mut Model,
    pub payout_wallet: Option<&'a AccountView>,
}

impl<'a> DeveloperAccounts<'a> {
    #[inline(always)]
    pub fn parse(accounts: &'a [AccountView], with_payout: bool) -> Result<Self, ProgramError> {
        let needed = if with_payout { 3 } else { 2 };
        if accounts.len() < needed {
            return Err(DfpnError::NotEnoughAccounts.into());
        }
        let (developer, model_account) = (&accounts[0], &accounts[1]);
        // 1. The developer signs.
        require_signer(developer)?;
        // 2. The model is this program's, writable.
        require_writable(model_account)?;
        let model = Model::load(model_account)?;
        // 3. The signer is the model's developer.
        if developer.address().as_array() != &model.developer {
            return Err(DfpnError::Unauthorized.into());
        }
        Ok(Self { model_account, model, payout_wallet: with_payout.then(|| &accounts[2]) })
    }
}

impl<'a> TryFrom<&'a [AccountView]> for DeveloperAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        Self::parse(accounts, true)
    }
}
