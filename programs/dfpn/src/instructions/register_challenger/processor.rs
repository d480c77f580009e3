use pinocchio::{cpi::Seed, AccountView, ProgramResult};

use super::{accounts::RegisterChallengerAccounts, data::RegisterChallengerData};
use crate::{
    error::DfpnError,
    events,
    state::{seeds, Challenger},
    utils::*,
};

#[inline(always)]
pub fn process(accounts: &[AccountView], data: &[u8]) -> ProgramResult {
    let args = RegisterChallengerData::try_from(data)?;
    let key = args.new_authority;
    if key == [0u8; 32] {
        return Err(DfpnError::InvalidInstructionData.into());
    }
    let accts = RegisterChallengerAccounts::parse(accounts, &key)?;
    create_pda(
        accts.authority,
        accts.challenger,
        rent_exempt(Challenger::LEN)?,
        Challenger::LEN,
        &[Seed::from(seeds::CHALLENGER), Seed::from(&key), Seed::from(&[accts.bump])],
    )?;
    let challenger = Challenger::init(accts.challenger)?;
    challenger.authority = key;
    challenger.registered_at.set(now()?);
    challenger.bump = accts.bump;
    events::address_event(events::CHALLENGER_REGISTERED, &key);
    Ok(())
}
