//! `join_request`: an eligible worker takes a seat in an open request.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:join_request");
