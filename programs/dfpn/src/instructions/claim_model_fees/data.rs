use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// `claim_model_fees` takes no arguments.
pub struct ClaimModelFeesData;

impl TryFrom<&[u8]> for ClaimModelFeesData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
