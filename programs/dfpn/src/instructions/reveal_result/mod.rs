//! `reveal_result`: a committed worker reveals its answer; the program checks it against the commitment.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:reveal_result");
