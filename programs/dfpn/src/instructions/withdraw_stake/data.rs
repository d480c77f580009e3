/// `withdraw_stake` takes no arguments.
pub type WithdrawStakeData = crate::wire::NoArgs;
