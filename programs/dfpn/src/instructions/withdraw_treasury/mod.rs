//! `withdraw_treasury`: the authority moves treasury lamports above rent to a recipient.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:withdraw_treasury");
