//! `expire_request`: anyone expires a request that did not get enough commitments; full refund.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:expire_request");
