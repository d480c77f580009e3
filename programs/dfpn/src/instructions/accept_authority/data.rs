use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// Arguments of `accept_authority`: none.
pub struct AcceptAuthorityData;

impl TryFrom<&[u8]> for AcceptAuthorityData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
