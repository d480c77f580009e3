use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// Arguments of `leave_request`: none.
pub struct LeaveRequestData;

impl TryFrom<&[u8]> for LeaveRequestData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
