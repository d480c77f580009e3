//! `withdraw_stake`: after the unbonding delay, the operator takes unbonded stake back.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:withdraw_stake");
