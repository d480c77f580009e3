//! `register_model`: a model developer registers a detection model and its payout wallet.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:register_model");
