use pinocchio::error::ProgramError;

pub use crate::instructions::register_worker::data::Capabilities;
use crate::wire::Reader;

/// Arguments of `update_worker`: `modalities: u8, models: Vec<[u8; 32]>`.
pub struct UpdateWorkerData {
    pub capabilities: Capabilities,
}

impl TryFrom<&[u8]> for UpdateWorkerData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let capabilities = Capabilities::read(&mut r)?;
        r.finish()?;
        Ok(Self { capabilities })
    }
}
