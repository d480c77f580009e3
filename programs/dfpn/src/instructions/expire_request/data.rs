/// `expire_request` takes no arguments.
pub type ExpireRequestData = crate::wire::NoArgs;
