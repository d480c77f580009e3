//! `leave_request`: a worker gives up a seat it has not committed, early in the commit window.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:leave_request");
