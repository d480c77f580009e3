use pinocchio::{cpi::Seed, AccountView, ProgramResult};

use super::{accounts::RegisterWorkerAccounts, data::RegisterWorkerData};
use crate::{
    error::DfpnError,
    events,
    state::{seeds, worker::REPUTATION_START, Worker},
    utils::*,
};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = RegisterWorkerAccounts::try_from(accounts)?;
    let args = RegisterWorkerData::try_from(data)?;
    if args.stake < accts.config.params.min_stake.get() {
        return Err(DfpnError::InsufficientStake.into());
    }
    let lamports = add(rent_exempt(Worker::LEN)?, args.stake)?;
    create_pda(
        accts.authority,
        accts.worker,
        lamports,
        Worker::LEN,
        &[Seed::from(seeds::WORKER), Seed::from(accts.authority.address().as_ref()), Seed::from(&[accts.bump])],
    )?;
    let worker = Worker::init(accts.worker)?;
    worker.authority = accts.authority.address().to_bytes();
    worker.stake.set(args.stake);
    worker.reputation.set(REPUTATION_START);
    worker.modalities = args.capabilities.modalities;
    worker.models = args.capabilities.models;
    worker.model_count = args.capabilities.model_count;
    worker.bump = accts.bump;
    worker.registered_at.set(now()?);
    // Its place in the draw pool: requests submitted from now on may draw it.
    let index = accts.config.worker_count.get();
    worker.pool_index.set(index);
    accts.config.worker_count.set(index.checked_add(1).ok_or(DfpnError::ArithmeticOverflow)?);
    worker.raise_eligibility()?;
    // Lamports someone sent to the address before it existed stay the operator's: book them as rewards so
    // lamports = rent + stake + unbonding + rewards holds and nothing is stranded.
    worker.rewards.set(accts.worker.lamports().saturating_sub(lamports));
    events::worker_registered(accts.worker.address().as_array(), &worker.authority, args.stake, worker.modalities);
    Ok(())
}
