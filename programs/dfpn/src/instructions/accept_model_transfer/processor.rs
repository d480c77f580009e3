use pinocchio::{AccountView, ProgramResult};

use super::{accounts::AcceptModelTransferAccounts, data::AcceptModelTransferData};
use crate::events;

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = AcceptModelTransferAccounts::try_from(accounts)?;
    AcceptModelTransferData::try_from(data)?;
    accts.model.developer = accts.model.pending_developer;
    accts.model.pending_developer = [0u8; 32];
    events::address_pair_event(
        events::MODEL_TRANSFERRED,
        accts.model_account.address().as_array(),
        &accts.model.developer,
    );
    Ok(())
}
