//! `propose_model_transfer`: a model's developer names its successor, who must accept
//! (`accept_model_transfer`). The model keeps its address (its seeds name the registrant).
pub mod accounts;
pub mod data;
pub mod processor;

pub use processor::process;

pub const DISCRIMINATOR: [u8; 8] = crate::discriminator::anchor("global:propose_model_transfer");
