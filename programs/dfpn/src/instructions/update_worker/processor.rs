use pinocchio::{AccountView, ProgramResult};

use super::{accounts, data::UpdateWorkerData};
use crate::events;

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = accounts::parse(accounts)?;
    let args = UpdateWorkerData::try_from(data)?;
    // Seats already held keep the answer the worker committed to; new capabilities apply to new joins.
    accts.worker.modalities = args.capabilities.modalities;
    accts.worker.models = args.capabilities.models;
    accts.worker.model_count = args.capabilities.model_count;
    events::worker_updated(accts.worker_account.address().as_array(), accts.worker.modalities, accts.worker.model_count);
    Ok(())
}
