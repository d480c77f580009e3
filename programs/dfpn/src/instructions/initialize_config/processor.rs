use pinocchio::{cpi::Seed, AccountView, ProgramResult};

use super::{accounts::InitializeConfigAccounts, data::InitializeConfigData};
use crate::{
    events,
    state::{seeds, Config, Vault},
    utils::*,
};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let accts = InitializeConfigAccounts::try_from(accounts)?;
    let args = InitializeConfigData::try_from(data)?;
    let [config_bump, treasury_bump, insurance_bump] = accts.bumps;

    create_pda(
        accts.authority,
        accts.config,
        rent_exempt(Config::LEN)?,
        Config::LEN,
        &[Seed::from(seeds::CONFIG), Seed::from(&[config_bump])],
    )?;
    for (vault, seed, bump, kind) in [
        (accts.treasury, seeds::TREASURY, treasury_bump, Vault::TREASURY),
        (accts.insurance, seeds::INSURANCE, insurance_bump, Vault::INSURANCE),
    ] {
        create_pda(
            accts.authority,
            vault,
            rent_exempt(Vault::LEN)?,
            Vault::LEN,
            &[Seed::from(seed), Seed::from(&[bump])],
        )?;
        let state = Vault::init(vault)?;
        state.kind = kind;
        state.bump = bump;
    }

    let config = Config::init(accts.config)?;
    config.authority = accts.authority.address().to_bytes();
    config.treasury = accts.treasury.address().to_bytes();
    config.insurance = accts.insurance.address().to_bytes();
    config.params = args.params;
    config.bump = config_bump;
    config.treasury_bump = treasury_bump;
    config.insurance_bump = insurance_bump;
    events::address_event(events::CONFIG_INITIALIZED, &config.authority);
    Ok(())
}
