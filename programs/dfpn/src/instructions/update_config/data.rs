use pinocchio::error::ProgramError;

use crate::{state::ConfigParams, wire::Reader};

/// Arguments of `update_config`: `params: ConfigParams, new_authority: Pubkey`.
pub struct UpdateConfigData {
    pub params: ConfigParams,
    pub new_authority: [u8; 32],
}

impl TryFrom<&[u8]> for UpdateConfigData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let params = ConfigParams::read(&mut r)?;
        let new_authority = r.bytes()?;
        r.finish()?;
        Ok(Self { params, new_authority })
    }
}
