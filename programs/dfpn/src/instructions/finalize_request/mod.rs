//! `finalize_request`: anyone finalizes after the reveal phase: aggregate, pay, slash, refund.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:finalize_request");
