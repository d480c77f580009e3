/// `close_request` takes no arguments.
pub type CloseRequestData = crate::wire::NoArgs;
