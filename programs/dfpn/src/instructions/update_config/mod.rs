//! `update_config`: the authority changes parameters (for requests submitted afterwards).
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:update_config");
