//! `claim_worker_rewards`: the operator takes its earned fees.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:claim_worker_rewards");
