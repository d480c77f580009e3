//! Account layouts. Every struct is `#[repr(C)]`, alignment 1, its size pinned at compile time, and its
//! bytes equal to the Borsh encoding that `idl/dfpn.json` describes.
pub mod challenger;
pub mod config;
pub mod model;
pub mod request;
pub mod vault;
pub mod worker;

pub use challenger::Challenger;
pub use config::{Config, ConfigParams};
pub use model::Model;
pub use request::{Request, Seat};
pub use vault::Vault;
pub use worker::Worker;

pub use crate::constants::{consensus, modality, seeds, verdict, MODEL_ID_LEN};

/// A model id: 1–`MODEL_ID_LEN` bytes of printable ASCII, zero-padded to `MODEL_ID_LEN`.
#[inline(always)]
pub fn model_id_is_valid(id: &[u8; MODEL_ID_LEN]) -> bool {
    let len = id.iter().position(|b| *b == 0).unwrap_or(MODEL_ID_LEN);
    len > 0 && id[..len].iter().all(|b| b.is_ascii_graphic()) && id[len..].iter().all(|b| *b == 0)
}
