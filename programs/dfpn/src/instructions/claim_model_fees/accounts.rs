use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Model, utils::*};

/// Accounts of `claim_model_fees`.
///
/// 0. `[writable]` model — the model PDA holding the accrued shares
/// 1. `[writable]` payout_wallet — must be the model's registered payout wallet
pub struct ClaimModelFeesAccounts<'a> {
    pub model_account: &'a AccountView,
    pub model: &'a mut Model,
    pub payout_wallet: &'a AccountView,
}

impl<'a> TryFrom<&'a [AccountView]> for ClaimModelFeesAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [model_account, payout_wallet, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The model is this program's, writable.
        require_writable(model_account)?;
        let model = Model::load(model_account)?;
        // 2. The payout wallet is the registered one, writable.
        require_writable(payout_wallet)?;
        if payout_wallet.address().as_array() != &model.payout_wallet {
            return Err(DfpnError::PayoutWalletMismatch.into());
        }
        Ok(Self { model_account, model, payout_wallet })
    }
}
