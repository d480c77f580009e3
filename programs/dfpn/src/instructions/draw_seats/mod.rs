//! `draw_seats`: anyone fills a request's empty seats with workers drawn from the pool by a slot hash, and
//! replaces drawn workers that left their seat unanswered for half a commit window.
pub mod accounts;
pub mod data;
pub mod draw;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:draw_seats");
