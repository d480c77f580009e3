/// `claim_model_fees` takes no arguments.
pub type ClaimModelFeesData = crate::wire::NoArgs;
