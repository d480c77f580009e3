use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// `expire_request` takes no arguments.
pub struct ExpireRequestData;

impl TryFrom<&[u8]> for ExpireRequestData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
