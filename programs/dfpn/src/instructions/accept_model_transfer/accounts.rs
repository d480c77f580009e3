use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::Model, utils::*};

/// Accounts of `accept_model_transfer`.
///
/// 0. `[signer]` new_developer — the proposed developer
/// 1. `[writable]` model — the model PDA
pub struct AcceptModelTransferAccounts<'a> {
    pub new_developer: &'a AccountView,
    pub model_account: &'a AccountView,
    pub model: &'a mut Model,
}

impl<'a> TryFrom<&'a [AccountView]> for AcceptModelTransferAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [new_developer, model_account, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The proposed developer signs.
        require_signer(new_developer)?;
        // 2. The model is this program's, writable.
        require_writable(model_account)?;
        let model = Model::load(model_account)?;
        // 3. The signer is the pending developer (none pending: all zeroes, which no signer is).
        if model.pending_developer == [0u8; 32] || new_developer.address().as_array() != &model.pending_developer {
            return Err(DfpnError::NotPendingDeveloper.into());
        }
        Ok(Self { new_developer, model_account, model })
    }
}
