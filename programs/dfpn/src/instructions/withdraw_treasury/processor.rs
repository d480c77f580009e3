use pinocchio::{AccountView, ProgramResult};

use super::{accounts::WithdrawTreasuryAccounts, data::WithdrawTreasuryData};
use crate::{error::DfpnError, events, state::Vault, utils::*};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = WithdrawTreasuryAccounts::try_from(accounts)?;
    let args = WithdrawTreasuryData::try_from(data)?;
    let available = accts.treasury.lamports().saturating_sub(rent_exempt(Vault::LEN)?);
    if args.amount == 0 || args.amount > available {
        return Err(DfpnError::NothingToClaim.into());
    }
    move_lamports(accts.treasury, accts.recipient, args.amount)?;
    events::amount_event(events::TREASURY_WITHDRAWN, accts.recipient.address().as_array(), args.amount);
    Ok(())
}
