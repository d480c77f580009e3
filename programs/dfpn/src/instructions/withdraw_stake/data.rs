use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// `withdraw_stake` takes no arguments.
pub struct WithdrawStakeData;

impl TryFrom<&[u8]> for WithdrawStakeData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
