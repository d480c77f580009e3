/// `claim_worker_rewards` takes no arguments.
pub type ClaimWorkerRewardsData = crate::wire::NoArgs;
