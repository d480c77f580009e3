use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// `deactivate_model` takes no arguments.
pub struct DeactivateModelData;

impl TryFrom<&[u8]> for DeactivateModelData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}
