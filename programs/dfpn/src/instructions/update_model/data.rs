use pinocchio::error::ProgramError;

use crate::{error::DfpnError, state::modality, wire::Reader};

/// Arguments of `update_model`: `modalities: u8`.
pub struct UpdateModelData {
    pub modalities: u8,
}

impl TryFrom<&[u8]> for UpdateModelData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let modalities = r.u8()?;
        r.finish()?;
        if !modality::is_valid(modalities) {
            return Err(DfpnError::InvalidModalities.into());
        }
        Ok(Self { modalities })
    }
}
