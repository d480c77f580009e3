use pinocchio::{AccountView, ProgramResult};

use super::{accounts, data::UpdateWorkerData};
use crate::{error::DfpnError, events};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = accounts::parse(accounts)?;
    let args = UpdateWorkerData::try_from(data)?;
    // A seated worker reveals against the models it declared; changing them mid-request could make its own
    // reveal fail (and get it slashed), so capabilities change only between requests.
    if accts.worker.active_seats.get() > 0 {
        return Err(DfpnError::WorkerHasActiveCommitments.into());
    }
    // New modalities open new draws: only those whose slot hash does not exist yet.
    if args.capabilities.modalities & !accts.worker.modalities != 0 {
        accts.worker.raise_eligibility()?;
    }
    accts.worker.modalities = args.capabilities.modalities;
    accts.worker.models = args.capabilities.models;
    accts.worker.model_count = args.capabilities.model_count;
    events::worker_updated(
        accts.worker_account.address().as_array(),
        accts.worker.modalities,
        accts.worker.model_count,
    );
    Ok(())
}
