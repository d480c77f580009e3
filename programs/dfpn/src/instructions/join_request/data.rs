use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// `join_request` takes no arguments.
pub struct JoinRequestData;

impl TryFrom<&[u8]> for JoinRequestData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
