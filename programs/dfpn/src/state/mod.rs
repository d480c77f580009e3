//! Account layouts. Every struct is `#[repr(C)]`, alignment 1, its size pinned at compile time, and its
//! bytes equal to the Borsh encoding that `idl/dfpn.json` describes.
pub mod config;
pub mod model;
pub mod request;
pub mod vault;
pub mod worker;

pub use config::{Config, ConfigParams};
pub use model::Model;
pub use request::{Request, Seat};
pub use vault::Vault;
pub use worker::Worker;

/// The five modalities, as bits of a `u8` mask.
pub mod modality {
    pub const IMAGE_AUTHENTICITY: u8 = 1 << 0;
    pub const FACE_MANIPULATION: u8 = 1 << 1;
    pub const AI_GENERATED_IMAGE: u8 = 1 << 2;
    pub const VIDEO_AUTHENTICITY: u8 = 1 << 3;
    pub const VOICE_CLONING: u8 = 1 << 4;
    pub const COUNT: usize = 5;
    pub const ALL: u8 = (1 << COUNT) - 1;

    /// A non-empty mask of known modalities.
    #[inline(always)]
    pub const fn is_valid(mask: u8) -> bool {
        mask != 0 && mask & !ALL == 0
    }
}

/// Verdicts, as stored in seats and results.
pub mod verdict {
    pub const INCONCLUSIVE: u8 = 0;
    pub const AUTHENTIC: u8 = 1;
    pub const MANIPULATED: u8 = 2;
    pub const COUNT: usize = 3;
}

/// Consensus types of a finalized request.
pub mod consensus {
    pub const NONE: u8 = 0;
    pub const UNANIMOUS: u8 = 1;
    pub const SUPERMAJORITY: u8 = 2;
    pub const MAJORITY: u8 = 3;
}

/// PDA seed prefixes.
pub mod seeds {
    pub const CONFIG: &[u8] = b"config";
    pub const TREASURY: &[u8] = b"treasury";
    pub const INSURANCE: &[u8] = b"insurance";
    pub const MODEL: &[u8] = b"model";
    pub const WORKER: &[u8] = b"worker";
    pub const REQUEST: &[u8] = b"request";
}

/// A model id: 1–32 bytes of printable ASCII, zero-padded to 32.
#[inline(always)]
pub fn model_id_is_valid(id: &[u8; 32]) -> bool {
    let len = id.iter().position(|b| *b == 0).unwrap_or(32);
    len > 0 && id[..len].iter().all(|b| b.is_ascii_graphic()) && id[len..].iter().all(|b| *b == 0)
}
