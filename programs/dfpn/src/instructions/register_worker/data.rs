use pinocchio::error::ProgramError;

use crate::{
    error::DfpnError,
    state::{modality, worker::MAX_WORKER_MODELS},
    wire::Reader,
};

/// Arguments of `register_worker`: `stake: u64, modalities: u8, models: Vec<Pubkey>` (1–4 model PDA addresses).
pub struct RegisterWorkerData {
    pub stake: u64,
    pub capabilities: Capabilities,
}

/// Modalities and models a worker declares (shared with `update_worker`).
pub struct Capabilities {
    pub modalities: u8,
    pub models: [[u8; 32]; MAX_WORKER_MODELS],
    pub model_count: u8,
}

impl Capabilities {
    #[inline(always)]
    pub fn read(r: &mut Reader) -> Result<Self, ProgramError> {
        let modalities = r.u8()?;
        let (models, model_count) = r.vec32::<MAX_WORKER_MODELS>(DfpnError::TooManyModels)?;
        if !modality::is_valid(modalities) {
            return Err(DfpnError::InvalidModalities.into());
        }
        if model_count == 0 || models[..model_count as usize].contains(&[0u8; 32]) {
            return Err(DfpnError::InvalidModelId.into());
        }
        Ok(Self { modalities, models, model_count })
    }
}

impl TryFrom<&[u8]> for RegisterWorkerData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let stake = r.u64()?;
        let capabilities = Capabilities::read(&mut r)?;
        r.finish()?;
        Ok(Self { stake, capabilities })
    }
}
