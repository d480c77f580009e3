use pinocchio::{AccountView, ProgramResult};

use super::{accounts::WithdrawInsuranceAccounts, data::WithdrawInsuranceData};
use crate::{
    aggregation::mul_bps,
    constants::{INSURANCE_WITHDRAWAL_INTERVAL_SECS, MAX_INSURANCE_WITHDRAWAL_BPS},
    error::DfpnError,
    events,
    state::Vault,
    utils::*,
};

/// Bounded in the program, not by configuration: even a captured authority key drains at most
/// `MAX_INSURANCE_WITHDRAWAL_BPS` of the vault per `INSURANCE_WITHDRAWAL_INTERVAL_SECS`, in public.
#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = WithdrawInsuranceAccounts::try_from(accounts)?;
    let args = WithdrawInsuranceData::try_from(data)?;
    let now = now()?;
    let last = accts.config.insurance_withdrawn_at.get();
    if last != 0 && now < last.saturating_add(INSURANCE_WITHDRAWAL_INTERVAL_SECS) {
        return Err(DfpnError::InsuranceWithdrawalTooSoon.into());
    }
    let available = accts.insurance.lamports().saturating_sub(rent_exempt(Vault::LEN)?);
    if args.amount == 0 || available == 0 {
        return Err(DfpnError::NothingToClaim.into());
    }
    let limit = mul_bps(available, MAX_INSURANCE_WITHDRAWAL_BPS as u64).ok_or(DfpnError::ArithmeticOverflow)?;
    if args.amount > limit {
        return Err(DfpnError::InsuranceWithdrawalTooLarge.into());
    }
    // An account that does not exist yet must end rent-exempt, or the runtime fails the whole transaction.
    if accts.recipient.lamports() == 0 && args.amount < rent_exempt(0)? {
        return Err(DfpnError::PayoutBelowRent.into());
    }
    accts.config.insurance_withdrawn_at.set(now);
    move_lamports(accts.insurance, accts.recipient, args.amount)?;
    events::amount_event(events::INSURANCE_WITHDRAWN, accts.recipient.address().as_array(), args.amount);
    Ok(())
}
