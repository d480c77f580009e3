use pinocchio::{cpi::Seed, AccountView, ProgramResult};

use super::{accounts::RegisterModelAccounts, data::RegisterModelData};
use crate::{
    events,
    state::{seeds, Model},
    utils::*,
};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let args = RegisterModelData::try_from(data)?;
    let accts = RegisterModelAccounts::try_from_with_id(accounts, &args.model_id)?;
    let rent = rent_exempt(Model::LEN)?;
    create_pda(
        accts.developer,
        accts.model,
        rent,
        Model::LEN,
        &[
            Seed::from(seeds::MODEL),
            Seed::from(accts.developer.address().as_ref()),
            Seed::from(&args.model_id),
            Seed::from(&[accts.bump]),
        ],
    )?;
    let model = Model::init(accts.model)?;
    model.model_id = args.model_id;
    model.developer = accts.developer.address().to_bytes();
    model.registrant = model.developer;
    model.payout_wallet = accts.payout_wallet.address().to_bytes();
    model.modalities = args.modalities;
    model.active = 1;
    model.bump = accts.bump;
    model.registered_at.set(now()?);
    // Lamports sent to the address before it existed are paid out with the model's fees, not stranded.
    model.unclaimed.set(accts.model.lamports().saturating_sub(rent));
    events::model_registered(
        accts.model.address().as_array(),
        &model.model_id,
        &model.developer,
        &model.payout_wallet,
        model.modalities,
    );
    Ok(())
}
