//! `submit_request`: a client records media for analysis and escrows its max fee.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:submit_request");
