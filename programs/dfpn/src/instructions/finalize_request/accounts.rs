use pinocchio::{error::ProgramError, AccountView};

use crate::{
    error::DfpnError,
    state::{request::seat_state, Config, Request, Vault},
    utils::*,
};

/// Accounts of `finalize_request` (anyone may send it).
///
/// 0. `[writable]` request — the request to finalize
/// 1. `[writable]` client — the request's client; receives unused escrow
/// 2. `[]` config — the configuration PDA
/// 3. `[writable]` treasury — the configured treasury vault
/// 4. `[writable]` insurance — the configured insurance vault
/// 5. `[writable]` worker… — from here, one worker PDA per seat, in seat order, then
///    `[writable]` model… — one model PDA per revealed seat, in seat order
pub struct FinalizeRequestAccounts<'a> {
    pub request_account: &'a AccountView,
    pub request: &'a mut Request,
    pub client: &'a AccountView,
    pub config: &'a Config,
    pub treasury: &'a AccountView,
    pub insurance: &'a AccountView,
    pub workers: &'a [AccountView],
    pub models: &'a [AccountView],
}

impl<'a> TryFrom<&'a [AccountView]> for FinalizeRequestAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [request_account, client, config, treasury, insurance, seats @ ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The request is this program's, writable.
        require_writable(request_account)?;
        let request = Request::load(request_account)?;
        // 2. The client is the request's client, writable.
        require_writable(client)?;
        if client.address().as_array() != &request.client {
            return Err(DfpnError::ClientMismatch.into());
        }
        // 3. The config is this program's; the vaults are the configured ones, writable.
        let config = Config::load(config)?;
        for (vault, expected) in [(treasury, &config.treasury), (insurance, &config.insurance)] {
            require_writable(vault)?;
            Vault::load(vault)?;
            if vault.address().as_array() != expected {
                return Err(DfpnError::VaultMismatch.into());
            }
        }
        // 4. One worker per seat, then one model per revealed seat, nothing more.
        let joined = request.joined as usize;
        let revealed = request.seats().iter().filter(|s| s.state == seat_state::REVEALED).count();
        if seats.len() != joined + revealed {
            return Err(DfpnError::SeatAccountMismatch.into());
        }
        let (workers, models) = seats.split_at(joined);
        for account in seats {
            require_writable(account)?;
        }
        Ok(Self { request_account, request, client, config, treasury, insurance, workers, models })
    }
}
