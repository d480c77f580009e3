use pinocchio::error::ProgramError;

use crate::{
    constants::MAX_CONFIDENCE,
    error::DfpnError,
    state::{request::MAX_REPORT_URI_LEN, verdict},
    wire::Reader,
};

/// Arguments of `reveal_result`: `verdict: u8, confidence: u8, report_hash: [u8; 32], salt: [u8; 32],
/// report_uri: String` (the model is the seat's, fixed at commit).
pub struct RevealResultData<'a> {
    pub verdict: u8,
    pub confidence: u8,
    pub report_hash: [u8; 32],
    pub salt: [u8; 32],
    pub report_uri: &'a [u8],
}

impl<'a> TryFrom<&'a [u8]> for RevealResultData<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &'a [u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let args = Self {
            verdict: r.u8()?,
            confidence: r.u8()?,
            report_hash: r.bytes()?,
            salt: r.bytes()?,
            report_uri: r.byte_string(MAX_REPORT_URI_LEN, DfpnError::InvalidReportUri)?,
        };
        r.finish()?;
        if args.verdict as usize >= verdict::COUNT {
            return Err(DfpnError::InvalidVerdict.into());
        }
        if args.confidence > MAX_CONFIDENCE {
            return Err(DfpnError::InvalidConfidence.into());
        }
        if args.report_uri.is_empty() || !args.report_uri.iter().all(|b| b.is_ascii_graphic()) {
            return Err(DfpnError::InvalidReportUri.into());
        }
        Ok(args)
    }
}
