//! `deactivate_model`: the developer retires a model; no new commitment may name it (seats that
//! committed with it before are unaffected).
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:deactivate_model");
