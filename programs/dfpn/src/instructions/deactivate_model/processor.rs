use pinocchio::{AccountView, ProgramResult};

use super::{accounts, data::DeactivateModelData};
use crate::{error::DfpnError, events};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = accounts::parse(accounts)?;
    DeactivateModelData::try_from(data)?;
    if accts.model.active == 0 {
        return Err(DfpnError::ModelInactive.into());
    }
    accts.model.active = 0;
    events::address_event(events::MODEL_DEACTIVATED, accts.model_account.address().as_array());
    Ok(())
}
