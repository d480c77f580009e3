/// Arguments of `propose_model_transfer`: `new_developer: Pubkey` (all zeroes withdraws a proposal); the same
/// layout as `propose_authority`'s.
pub use crate::instructions::propose_authority::data::ProposeAuthorityData as ProposeModelTransferData;
