/// `finalize_request` takes no arguments.
pub type FinalizeRequestData = crate::wire::NoArgs;
