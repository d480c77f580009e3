use pinocchio::{AccountView, ProgramResult};

use super::{accounts, data::ProposeModelTransferData};
use crate::events;

/// Two steps, so a mistyped key cannot strand the model's fees: the proposal takes effect only when the proposed
/// key signs `accept_model_transfer`.
#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = accounts::parse(accounts)?;
    let args = ProposeModelTransferData::try_from(data)?;
    accts.model.pending_developer = args.new_authority;
    events::address_pair_event(
        events::MODEL_TRANSFER_PROPOSED,
        accts.model_account.address().as_array(),
        &args.new_authority,
    );
    Ok(())
}
