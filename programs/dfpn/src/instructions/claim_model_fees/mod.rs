//! `claim_model_fees`: move a model's accrued fee shares to its payout wallet (anyone may call).
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:claim_model_fees");
