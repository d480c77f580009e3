use pinocchio::error::ProgramError;

use crate::{state::ConfigParams, wire::Reader};

/// Arguments of `update_config`: `params: ConfigParams`.
pub struct UpdateConfigData {
    pub params: ConfigParams,
}

impl TryFrom<&[u8]> for UpdateConfigData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let params = ConfigParams::read(&mut r)?;
        r.finish()?;
        Ok(Self { params })
    }
}
