use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// `finalize_request` takes no arguments.
pub struct FinalizeRequestData;

impl TryFrom<&[u8]> for FinalizeRequestData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
