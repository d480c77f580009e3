//! `accept_authority`: the proposed authority takes over the configuration.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:accept_authority");
