use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// Arguments of `propose_authority`: `new_authority: Pubkey` (all zeroes withdraws a proposal).
pub struct ProposeAuthorityData {
    pub new_authority: [u8; 32],
}

impl TryFrom<&[u8]> for ProposeAuthorityData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let new_authority = r.bytes()?;
        r.finish()?;
        Ok(Self { new_authority })
    }
}
