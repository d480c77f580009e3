//! Instruction dispatch on the 8-byte Anchor discriminator.
use pinocchio::{AccountView, Address, ProgramResult};

use crate::{error::DfpnError, instructions::*};

/// Every instruction by name with its discriminator; the IDL check walks this table.
pub const INSTRUCTIONS: [(&str, [u8; 8]); 31] = [
    ("initialize_config", initialize_config::DISCRIMINATOR),
    ("update_config", update_config::DISCRIMINATOR),
    ("set_paused", set_paused::DISCRIMINATOR),
    ("withdraw_treasury", withdraw_treasury::DISCRIMINATOR),
    ("register_model", register_model::DISCRIMINATOR),
    ("update_model", update_model::DISCRIMINATOR),
    ("deactivate_model", deactivate_model::DISCRIMINATOR),
    ("claim_model_fees", claim_model_fees::DISCRIMINATOR),
    ("register_worker", register_worker::DISCRIMINATOR),
    ("add_stake", add_stake::DISCRIMINATOR),
    ("update_worker", update_worker::DISCRIMINATOR),
    ("request_unstake", request_unstake::DISCRIMINATOR),
    ("withdraw_stake", withdraw_stake::DISCRIMINATOR),
    ("claim_worker_rewards", claim_worker_rewards::DISCRIMINATOR),
    ("submit_request", submit_request::DISCRIMINATOR),
    ("join_request", join_request::DISCRIMINATOR),
    ("commit_result", commit_result::DISCRIMINATOR),
    ("reveal_result", reveal_result::DISCRIMINATOR),
    ("finalize_request", finalize_request::DISCRIMINATOR),
    ("expire_request", expire_request::DISCRIMINATOR),
    ("close_request", close_request::DISCRIMINATOR),
    ("propose_authority", propose_authority::DISCRIMINATOR),
    ("accept_authority", accept_authority::DISCRIMINATOR),
    ("leave_request", leave_request::DISCRIMINATOR),
    ("withdraw_insurance", withdraw_insurance::DISCRIMINATOR),
    ("propose_model_transfer", propose_model_transfer::DISCRIMINATOR),
    ("accept_model_transfer", accept_model_transfer::DISCRIMINATOR),
    ("register_challenger", register_challenger::DISCRIMINATOR),
    ("remove_challenger", remove_challenger::DISCRIMINATOR),
    ("reveal_challenge", reveal_challenge::DISCRIMINATOR),
    ("draw_seats", draw_seats::DISCRIMINATOR),
];

#[inline(always)]
pub fn process_instruction(program_id: &Address, accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    if program_id != &crate::ID {
        return Err(pinocchio::error::ProgramError::IncorrectProgramId);
    }
    let (discriminator, args) = data.split_at_checked(8).ok_or(DfpnError::InvalidInstructionData)?;
    // A match with direct calls (not the table) so every handler inlines: upstream BPF has no aggregate
    // returns or stack arguments, so non-inlined `ProgramResult` functions cannot be lowered.
    let discriminator: [u8; 8] = discriminator.try_into().map_err(|_| DfpnError::InvalidInstructionData)?;
    match discriminator {
        initialize_config::DISCRIMINATOR => initialize_config::process(accounts, args),
        update_config::DISCRIMINATOR => update_config::process(accounts, args),
        set_paused::DISCRIMINATOR => set_paused::process(accounts, args),
        withdraw_treasury::DISCRIMINATOR => withdraw_treasury::process(accounts, args),
        register_model::DISCRIMINATOR => register_model::process(accounts, args),
        update_model::DISCRIMINATOR => update_model::process(accounts, args),
        deactivate_model::DISCRIMINATOR => deactivate_model::process(accounts, args),
        claim_model_fees::DISCRIMINATOR => claim_model_fees::process(accounts, args),
        register_worker::DISCRIMINATOR => register_worker::process(accounts, args),
        add_stake::DISCRIMINATOR => add_stake::process(accounts, args),
        update_worker::DISCRIMINATOR => update_worker::process(accounts, args),
        request_unstake::DISCRIMINATOR => request_unstake::process(accounts, args),
        withdraw_stake::DISCRIMINATOR => withdraw_stake::process(accounts, args),
        claim_worker_rewards::DISCRIMINATOR => claim_worker_rewards::process(accounts, args),
        submit_request::DISCRIMINATOR => submit_request::process(accounts, args),
        join_request::DISCRIMINATOR => join_request::process(accounts, args),
        commit_result::DISCRIMINATOR => commit_result::process(accounts, args),
        reveal_result::DISCRIMINATOR => reveal_result::process(accounts, args),
        finalize_request::DISCRIMINATOR => finalize_request::process(accounts, args),
        expire_request::DISCRIMINATOR => expire_request::process(accounts, args),
        close_request::DISCRIMINATOR => close_request::process(accounts, args),
        propose_authority::DISCRIMINATOR => propose_authority::process(accounts, args),
        accept_authority::DISCRIMINATOR => accept_authority::process(accounts, args),
        leave_request::DISCRIMINATOR => leave_request::process(accounts, args),
        withdraw_insurance::DISCRIMINATOR => withdraw_insurance::process(accounts, args),
        propose_model_transfer::DISCRIMINATOR => propose_model_transfer::process(accounts, args),
        accept_model_transfer::DISCRIMINATOR => accept_model_transfer::process(accounts, args),
        register_challenger::DISCRIMINATOR => register_challenger::process(accounts, args),
        remove_challenger::DISCRIMINATOR => remove_challenger::process(accounts, args),
        reveal_challenge::DISCRIMINATOR => reveal_challenge::process(accounts, args),
        draw_seats::DISCRIMINATOR => draw_seats::process(accounts, args),
        _ => Err(DfpnError::InvalidInstructionData.into()),
    }
}
