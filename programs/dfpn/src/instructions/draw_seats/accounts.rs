use pinocchio::{error::ProgramError, sysvars::slot_hashes::SLOTHASHES_ID, AccountView};

use crate::{
    error::DfpnError,
    state::{Config, Request, Vault},
    utils::*,
};

/// Accounts of `draw_seats` (anyone may send it).
///
/// 0. `[writable]` request — the request whose seats are drawn
/// 1. `[]` config — the configuration PDA (minimum stake, draw stake cap)
/// 2. `[]` slot_hashes — the SlotHashes sysvar
/// 3. `[writable]` insurance — the insurance vault; receives the bonds of replaced seats
/// 4. `[writable]` replaced… — from here, the worker PDA of every seat not committed (drawn or accepted) half
///    a commit window after it was drawn (`Request::answer_by`), in seat order: they forfeit their bond and are
///    replaced
/// 5. `[]` candidate… — then one worker PDA per candidate, in draw order (candidate `k` is the worker whose
///    `pool_index` is `draw::candidate(seed, k, …)`), for as many candidates as the caller wants to try
pub struct DrawSeatsAccounts<'a> {
    pub request_account: &'a AccountView,
    pub request: &'a mut Request,
    pub config: &'a Config,
    pub slot_hashes: &'a AccountView,
    pub insurance: &'a AccountView,
    pub workers: &'a [AccountView],
}

impl<'a> TryFrom<&'a [AccountView]> for DrawSeatsAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [request_account, config, slot_hashes, insurance, workers @ ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The request is this program's, writable.
        require_writable(request_account)?;
        let request = Request::load(request_account)?;
        // 2. The config is this program's.
        let config = Config::load(config)?;
        // 3. The slot hashes are the sysvar's (nobody else's hash may seed a draw).
        if slot_hashes.address() != &SLOTHASHES_ID {
            return Err(DfpnError::NotSlotHashesSysvar.into());
        }
        // 4. The insurance vault is this program's insurance vault, writable.
        require_writable(insurance)?;
        if Vault::load(insurance)?.kind != Vault::INSURANCE {
            return Err(DfpnError::VaultMismatch.into());
        }
        // 5. Worker accounts are checked one by one by the processor (replaced seats, then candidates).
        Ok(Self { request_account, request, config, slot_hashes, insurance, workers })
    }
}
