//! `withdraw_insurance`: the configuration authority moves part of the insurance vault (for example to make
//! a client whole after a wrong verdict), bounded per call and per week, with an event.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:withdraw_insurance");
