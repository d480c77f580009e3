//! `propose_authority`: the authority names its successor, who must accept (`accept_authority`).
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:propose_authority");
