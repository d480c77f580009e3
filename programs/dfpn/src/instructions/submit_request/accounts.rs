use pinocchio::{error::ProgramError, AccountView};

use crate::{
    error::DfpnError,
    state::{seeds, Config},
    utils::*,
};

/// Accounts of `submit_request`.
///
/// 0. `[signer, writable]` client — pays the escrow and rent
/// 1. `[writable]` request — PDA `["request", client, nonce (u64 LE)]` with the canonical bump given in the
///    arguments, created here
/// 2. `[writable]` config — the configuration PDA (fees, pause flag, request counter)
/// 3. `[]` system_program
pub struct SubmitRequestAccounts<'a> {
    pub client: &'a AccountView,
    pub request: &'a AccountView,
    pub config: &'a mut Config,
}

impl<'a> SubmitRequestAccounts<'a> {
    #[inline(always)]
    pub fn parse(accounts: &'a [AccountView], nonce: u64, bump: u8) -> Result<Self, ProgramError> {
        let [client, request, config, system_program, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The client signs and pays.
        require_signer(client)?;
        require_writable(client)?;
        // 2. The request is writable and the PDA of (client, nonce, bump): one derivation keeps submission's
        //    cost flat (a canonical-bump search costs 1,500 CU per attempt, up to ~20k for unlucky addresses).
        require_writable(request)?;
        let nonce_le = nonce.to_le_bytes();
        require_pda_with_bump(request, &[seed(seeds::REQUEST), client.address().as_ref(), &nonce_le, &[bump]])?;
        // 3. The bump is the canonical one: one (client, nonce) names one request, never two.
        require_canonical_bump(&[seed(seeds::REQUEST), client.address().as_ref(), &nonce_le], bump)?;
        // 4. The config is this program's, writable (request counter).
        require_writable(config)?;
        let config = Config::load(config)?;
        // 5. The system program creates the request.
        require_system_program(system_program)?;
        Ok(Self { client, request, config })
    }
}
