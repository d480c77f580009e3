/// `remove_challenger` takes no arguments.
pub type RemoveChallengerData = crate::wire::NoArgs;
