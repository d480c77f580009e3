//! `initialize_config`: create the configuration and the treasury and insurance vaults.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:initialize_config");
