use pinocchio::error::ProgramError;

use crate::{error::DfpnError, wire::Reader};

/// Arguments of `add_stake` and `request_unstake`: `amount: u64` (non-zero).
pub struct AmountData {
    pub amount: u64,
}

impl TryFrom<&[u8]> for AmountData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let amount = r.u64()?;
        r.finish()?;
        if amount == 0 {
            return Err(DfpnError::InvalidInstructionData.into());
        }
        Ok(Self { amount })
    }
}
