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

pub use crate::constants::{consensus, modality, seeds, verdict};

/// A model id: 1–32 bytes of printable ASCII, zero-padded to 32.
#[inline(always)]
pub fn model_id_is_valid(id: &[u8; 32]) -> bool {
    let len = id.iter().position(|b| *b == 0).unwrap_or(32);
    len > 0 && id[..len].iter().all(|b| b.is_ascii_graphic()) && id[len..].iter().all(|b| *b == 0)
}
