use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// `close_request` takes no arguments.
pub struct CloseRequestData;

impl TryFrom<&[u8]> for CloseRequestData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
