use pinocchio::{error::ProgramError, AccountView};

use crate::{error::DfpnError, state::seeds, utils::*};

/// Accounts of `register_model`.
///
/// 0. `[signer, writable]` developer — pays rent and controls the model
/// 1. `[writable]` model — PDA `["model", developer, model_id]`, created here
/// 2. `[]` payout_wallet — receives the model's fee shares
/// 3. `[]` system_program
pub struct RegisterModelAccounts<'a> {
    pub developer: &'a AccountView,
    pub model: &'a AccountView,
    pub payout_wallet: &'a AccountView,
    pub bump: u8,
}

impl<'a> RegisterModelAccounts<'a> {
    #[inline(always)]
    pub fn try_from_with_id(accounts: &'a [AccountView], model_id: &[u8; 32]) -> Result<Self, ProgramError> {
        let [developer, model, payout_wallet, system_program, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The developer signs and pays.
        require_signer(developer)?;
        require_writable(developer)?;
        // 2. The model account is writable and the canonical PDA of the developer and model id: ids are scoped
        //    by developer, so nobody can register another developer's model first.
        require_writable(model)?;
        let bump = require_pda(model, &[seed(seeds::MODEL), developer.address().as_ref(), model_id])?;
        // 3. The system program creates it.
        require_system_program(system_program)?;
        Ok(Self { developer, model, payout_wallet, bump })
    }
}
