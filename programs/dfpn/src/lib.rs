//! DFPN — the Deepfake Proof Network on-chain program.
//!
//! Clients escrow a fee and ask for a verdict on a piece of media; staked workers join, commit a hash of
//! their answer, reveal it, and the program aggregates the revealed verdicts by reputation weight and pays
//! out the fee 65/20/10/5 (workers, model developers, treasury, insurance).
//!
//! Written on `pinocchio` (no_std) but speaking Anchor's wire format: 8-byte discriminators, Borsh
//! arguments and events, so Anchor clients work from `idl/dfpn.json`.
#![no_std]

pub mod aggregation;
pub mod constants;
pub mod discriminator;
pub mod error;
pub mod events;
pub mod instructions;
pub mod processor;
pub mod state;
pub mod utils;
pub mod wire;

pub use error::DfpnError;

/// The program id (devnet and localnet). The matching keypair is `programs/dfpn/program-keypair.json`.
pub const ID: pinocchio::Address = pinocchio::Address::from_str_const("14UaT5Z7TsogWsWyzf45m9PNXcSeH29esMMsJ8NRFFnp");

#[cfg(not(feature = "no-entrypoint"))]
mod entrypoint {
    pinocchio::program_entrypoint!(crate::processor::process_instruction);
    pinocchio::no_allocator!();
    pinocchio::nostd_panic_handler!();
}
