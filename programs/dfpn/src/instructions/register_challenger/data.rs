/// Arguments of `register_challenger`: `challenger: Pubkey`; the same layout as `propose_authority`'s.
pub use crate::instructions::propose_authority::data::ProposeAuthorityData as RegisterChallengerData;
