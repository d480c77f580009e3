use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// Arguments of `commit_result`: `commitment: [u8; 32]` =
/// `sha256("dfpn-commit-v2" ‖ request ‖ worker authority ‖ verdict ‖ confidence ‖ model ‖ report_hash ‖ salt)`.
pub struct CommitResultData {
    pub commitment: [u8; 32],
}

impl TryFrom<&[u8]> for CommitResultData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let commitment = r.bytes()?;
        r.finish()?;
        Ok(Self { commitment })
    }
}
