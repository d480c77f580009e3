//! `accept_model_transfer`: the proposed developer takes over a model (its updates, deactivation and payout
//! wallet).
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:accept_model_transfer");
