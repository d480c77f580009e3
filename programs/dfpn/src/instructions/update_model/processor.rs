use pinocchio::{AccountView, ProgramResult};

use super::{accounts::DeveloperAccounts, data::UpdateModelData};
use crate::{error::DfpnError, events};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = DeveloperAccounts::try_from(accounts)?;
    let args = UpdateModelData::try_from(data)?;
    let payout = accts.payout_wallet.ok_or(DfpnError::NotEnoughAccounts)?;
    accts.model.payout_wallet = payout.address().to_bytes();
    accts.model.modalities = args.modalities;
    events::model_updated(accts.model_account.address().as_array(), &accts.model.payout_wallet, args.modalities);
    Ok(())
}
