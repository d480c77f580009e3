use pinocchio::error::ProgramError;

use crate::wire::Reader;

/// Arguments of `set_paused`: `paused: bool`.
pub struct SetPausedData {
    pub paused: bool,
}

impl TryFrom<&[u8]> for SetPausedData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let paused = r.bool()?;
        r.finish()?;
        Ok(Self { paused })
    }
}
