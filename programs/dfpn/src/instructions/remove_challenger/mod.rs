//! `remove_challenger`: the configuration authority withdraws a challenger (for example after a wrong label);
//! its account is closed and the rent returns to the authority. Challenges it has not revealed become ordinary
//! requests.
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:remove_challenger");
