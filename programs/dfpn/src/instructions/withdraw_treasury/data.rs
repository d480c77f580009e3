use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// Arguments of `withdraw_treasury`: `amount: u64`.
pub struct WithdrawTreasuryData {
    pub amount: u64,
}

impl TryFrom<&[u8]> for WithdrawTreasuryData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let amount = r.u64()?;
        r.finish()?;
        Ok(Self { amount })
    }
}
