use pinocchio::{AccountView, ProgramResult};

use super::{accounts::ClaimModelFeesAccounts, data::ClaimModelFeesData};
use crate::{error::DfpnError, events};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = ClaimModelFeesAccounts::try_from(accounts)?;
    ClaimModelFeesData::try_from(data)?;
    let amount = accts.model.unclaimed.get();
    if amount == 0 {
        return Err(DfpnError::NothingToClaim.into());
    }
    // The runtime refuses to leave a new account below its rent-exempt minimum; say so before it does.
    if accts.payout_wallet.lamports() == 0 && amount < crate::utils::rent_exempt(0)? {
        return Err(DfpnError::PayoutBelowRent.into());
    }
    accts.model.unclaimed.set(0);
    crate::utils::move_lamports(accts.model_account, accts.payout_wallet, amount)?;
    events::model_fees_claimed(accts.model_account.address().as_array(), &accts.model.payout_wallet, amount);
    Ok(())
}
