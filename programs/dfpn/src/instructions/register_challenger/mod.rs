//! `register_challenger`: the configuration authority lets a key reveal known-answer challenges (for example an
//! operator that also carries real client traffic, so its challenges hide among ordinary requests).
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:register_challenger");
