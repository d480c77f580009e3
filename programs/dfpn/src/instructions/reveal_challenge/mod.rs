//! `reveal_challenge`: a registered challenger reveals the label and salt its request's attestation committed to,
//! once the reveal phase is over and before finalization; `finalize_request` then pays the workers whose verdict
//! matches the label and slashes the others.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:reveal_challenge");
