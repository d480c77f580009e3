/// Arguments of `withdraw_insurance`: `amount: u64`; the same layout as `withdraw_treasury`'s.
pub use crate::instructions::withdraw_treasury::data::WithdrawTreasuryData as WithdrawInsuranceData;
