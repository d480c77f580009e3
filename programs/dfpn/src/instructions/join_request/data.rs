/// `join_request` takes no arguments.
pub type JoinRequestData = crate::wire::NoArgs;
