/// `accept_model_transfer` takes no arguments.
pub type AcceptModelTransferData = crate::wire::NoArgs;
