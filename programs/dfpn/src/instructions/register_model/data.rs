use pinocchio::error::ProgramError;

use crate::{
    error::DfpnError,
    state::{modality, model_id_is_valid, MODEL_ID_LEN},
    wire::Reader,
};

/// Arguments of `register_model`: `model_id: [u8; 32]` (ASCII, zero-padded), `modalities: u8`.
pub struct RegisterModelData {
    pub model_id: [u8; MODEL_ID_LEN],
    pub modalities: u8,
}

impl TryFrom<&[u8]> for RegisterModelData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let model_id = r.bytes()?;
        let modalities = r.u8()?;
        r.finish()?;
        if !model_id_is_valid(&model_id) {
            return Err(DfpnError::InvalidModelId.into());
        }
        if !modality::is_valid(modalities) {
            return Err(DfpnError::InvalidModalities.into());
        }
        Ok(Self { model_id, modalities })
    }
}
