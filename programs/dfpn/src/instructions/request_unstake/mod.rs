//! `request_unstake`: the operator starts unbonding part or all of its stake.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:request_unstake");
