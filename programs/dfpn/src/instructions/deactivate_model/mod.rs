//! `deactivate_model`: the developer retires a model; workers can no longer reveal with it.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:deactivate_model");
