//! Assertions on transaction outcomes: the exact IDL error of a failure, and that a rejected transaction
//! leaves every account it could have touched exactly as it was.
use solana_address::Address;
use solana_instruction::{error::InstructionError, Instruction};
use solana_keypair::Keypair;
use solana_transaction_error::TransactionError;

use crate::{Env, TxResult};

/// The custom program error code of a failed transaction, if it failed with one.
pub fn error_code(result: &TxResult) -> Option<u32> {
    match result {
        Err(f) => match &f.err {
            TransactionError::InstructionError(_, InstructionError::Custom(c)) => Some(*c),
            _ => None,
        },
        Ok(_) => None,
    }
}

/// Assert a transaction failed with the named IDL error, showing logs otherwise.
#[track_caller]
pub fn assert_error(env: &Env, result: &TxResult, name: &str) {
    let expected = env.idl.error_code(name);
    match result {
        Ok(meta) => panic!("expected {name} ({expected}), transaction succeeded:\n{}", meta.pretty_logs()),
        Err(f) => assert_eq!(
            error_code(result),
            Some(expected),
            "expected {name} ({expected}), got {:?}\n{}",
            f.err,
            f.meta.pretty_logs()
        ),
    }
}

/// Every account `ix` names, in order.
pub fn accounts_of(ix: &Instruction) -> Vec<Address> {
    ix.accounts.iter().map(|m| m.pubkey).collect()
}

impl Env {
    /// Send `ixs` signed by `signers` with a fresh fee payer (`send_paid`, so its fee touches none of
    /// `watched`), and assert the program rejects it with `error`, leaving every watched account exactly as
    /// it was.
    #[track_caller]
    pub fn assert_rejected(&mut self, ixs: &[Instruction], signers: &[&Keypair], watched: &[Address], error: &str) {
        let before = self.snapshot(watched);
        let result = self.send_paid(ixs, signers);
        assert_error(self, &result, error);
        assert_eq!(self.snapshot(watched), before, "{error}: a rejected transaction changed a watched account");
    }

    /// `assert_rejected` for the one instruction `ix`, watching every account it names and `also_watched`.
    #[track_caller]
    pub fn assert_ix_rejected(
        &mut self,
        ix: &Instruction,
        signers: &[&Keypair],
        also_watched: &[Address],
        error: &str,
    ) {
        let watched = [accounts_of(ix), also_watched.to_vec()].concat();
        self.assert_rejected(std::slice::from_ref(ix), signers, &watched, error);
    }

    /// `ix`, an altered copy of the `valid` instruction of a crank (which needs no signer but the fee payer),
    /// fails with `error`; no account either instruction names changes.
    #[track_caller]
    pub fn assert_altered_rejected(&mut self, valid: &Instruction, ix: &Instruction, error: &str) {
        self.assert_ix_rejected(ix, &[], &accounts_of(valid), error);
    }

    /// A worker account holds exactly its rent plus its stake, unbonding amount and rewards.
    #[track_caller]
    pub fn assert_worker_lamports(&self, worker: &Address) {
        let w = self.decode("Worker", worker).unwrap();
        let held = ["stake", "unbonding_amount", "rewards"].iter().map(|f| w[f].as_u64().unwrap()).sum::<u64>();
        assert_eq!(self.lamports(worker), self.rent(self.idl.account_len("Worker")) + held);
    }
}
