use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// `claim_worker_rewards` takes no arguments.
pub struct ClaimWorkerRewardsData;

impl TryFrom<&[u8]> for ClaimWorkerRewardsData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
