use pinocchio::{error::ProgramError, AccountView};

use crate::{
    error::DfpnError,
    state::{seeds, Config},
    utils::*,
};

/// Accounts of `submit_request`.
///
/// 0. `[signer, writable]` client — pays the escrow and rent
/// 1. `[writable]` request — PDA `["request", client, nonce (u64 LE)]`, created here
/// 2. `[writable]` config — the configuration PDA (fees, pause flag, request counter)
/// 3. `[]` system_program
pub struct SubmitRequestAccounts<'a> {
    pub client: &'a AccountView,
    pub request: &'a AccountView,
    pub config: &'a mut Config,
    pub bump: u8,
}

impl<'a> SubmitRequestAccounts<'a> {
    #[inline(always)]
    pub fn parse(accounts: &'a [AccountView], nonce: u64) -> Result<Self, ProgramError> {
        let [client, request, config, system_program, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The client signs and pays.
        require_signer(client)?;
        require_writable(client)?;
        // 2. The request is writable and the canonical PDA of (client, nonce).
        require_writable(request)?;
        let bump = require_pda(request, &[seed(seeds::REQUEST), client.address().as_ref(), &nonce.to_le_bytes()])?;
        // 3. The config is this program's, writable (request counter).
        require_writable(config)?;
        let config = Config::load(config)?;
        // 4. The system program creates the request.
        require_system_program(system_program)?;
        Ok(Self { client, request, config, bump })
    }
}
