use pinocchio::error::ProgramError;

use crate::{constants::verdict, error::DfpnError, wire::Reader};

/// Arguments of `reveal_challenge`: `label: u8` (Authentic or Manipulated), `salt: [u8; 32]`.
pub struct RevealChallengeData {
    pub label: u8,
    pub salt: [u8; 32],
}

impl TryFrom<&[u8]> for RevealChallengeData {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let args = Self { label: r.u8()?, salt: r.bytes()? };
        r.finish()?;
        // A known answer is a definite verdict: Inconclusive cannot be one.
        if args.label != verdict::AUTHENTIC && args.label != verdict::MANIPULATED {
            return Err(DfpnError::InvalidVerdict.into());
        }
        Ok(args)
    }
}
