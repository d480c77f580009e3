use pinocchio::error::ProgramError;

use crate::{
    error::DfpnError,
    state::{
        modality,
        request::{MAX_SEATS, MAX_URI_LEN},
    },
    wire::Reader,
};

/// Arguments of `submit_request`: `nonce: u64, content_hash: [u8; 32], storage_uri: String, modalities: u8,
/// min_workers: u8, max_workers: u8, max_fee: u64, deadline: i64, bump: u8, attestation: [u8; 32]` (the request
/// PDA's bump: the canonical one from `find_program_address`; the attestation: random bytes, or a challenger's
/// commitment to the label).
pub struct SubmitRequestData<'a> {
    pub nonce: u64,
    pub content_hash: [u8; 32],
    pub storage_uri: &'a [u8],
    pub modalities: u8,
    pub min_workers: u8,
    pub max_workers: u8,
    pub max_fee: u64,
    pub deadline: i64,
    pub bump: u8,
    pub attestation: [u8; 32],
}

impl<'a> TryFrom<&'a [u8]> for SubmitRequestData<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &'a [u8]) -> Result<Self, ProgramError> {
        let mut r = Reader::new(data);
        let args = Self {
            nonce: r.u64()?,
            content_hash: r.bytes()?,
            storage_uri: r.byte_string(MAX_URI_LEN, DfpnError::InvalidStorageUri)?,
            modalities: r.u8()?,
            min_workers: r.u8()?,
            max_workers: r.u8()?,
            max_fee: r.u64()?,
            deadline: r.i64()?,
            bump: r.u8()?,
            attestation: r.bytes()?,
        };
        r.finish()?;
        if args.content_hash == [0u8; 32] {
            return Err(DfpnError::InvalidContentHash.into());
        }
        if !uri_is_valid(args.storage_uri) {
            return Err(DfpnError::InvalidStorageUri.into());
        }
        if !modality::is_valid(args.modalities) {
            return Err(DfpnError::InvalidModalities.into());
        }
        if args.min_workers == 0 || args.max_workers < args.min_workers || args.max_workers as usize > MAX_SEATS {
            return Err(DfpnError::InvalidWorkerCount.into());
        }
        Ok(args)
    }
}

/// A scheme the network fetches from (ipfs, s3, https, http, file) followed by at least one printable,
/// non-space ASCII character. No table of schemes: constant tables of pointers are not relocated on the
/// upstream BPF route (see `utils::seed`).
#[inline(always)]
fn uri_is_valid(uri: &[u8]) -> bool {
    let has_scheme = |scheme: &[u8]| uri.len() > scheme.len() && uri.starts_with(scheme);
    (has_scheme(b"ipfs://")
        || has_scheme(b"s3://")
        || has_scheme(b"https://")
        || has_scheme(b"http://")
        || has_scheme(b"file://"))
        && uri.iter().all(|b| b.is_ascii_graphic())
}
