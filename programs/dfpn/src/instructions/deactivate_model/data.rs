/// `deactivate_model` takes no arguments.
pub type DeactivateModelData = crate::wire::NoArgs;
