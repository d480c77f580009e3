//! `add_stake`: the operator moves more SOL into its worker PDA's stake.
use dfpn_tests::*;
use serde_json::json;
use solana_account::Account;
use solana_address::Address;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

const STAKE: u64 = 2 * LAMPORTS_PER_SOL;
const AMOUNT: u64 = 3 * LAMPORTS_PER_SOL;
const MODEL: &str = "face-forensics-sbi";

/// A configured network and one registered worker with `STAKE`; returns (env, operator, worker PDA).
fn setup() -> (Env, Keypair, Address) {
    let mut env = Env::new();
    let operator = env.register_worker(STAKE, modality::ALL, &[MODEL]);
    let worker = env.worker_pda(&operator.pubkey());
    (env, operator, worker)
}

/// Send `ix` with a fresh fee payer, so the signers' balances move only by what the program does.
fn send_paid(env: &mut Env, ix: Instruction, signers: &[&Keypair]) -> TxResult {
    let payer = env.keypair(LAMPORTS_PER_SOL);
    let all: Vec<&Keypair> = std::iter::once(&payer).chain(signers.iter().copied()).collect();
    env.send(&[ix], &all)
}

/// Rewrite a stored account (tests forge states the program would never produce).
fn edit(env: &mut Env, address: &Address, change: impl FnOnce(&mut Account)) {
    let mut account = env.account(address).expect("account exists");
    change(&mut account);
    env.svm.set_account(*address, account).unwrap();
}

/// Overwrite one field of a stored Worker, located through the IDL layout.
fn set_worker_field(env: &mut Env, worker: &Address, field: &str, bytes: &[u8]) {
    let layout = env.idl.0["types"].as_array().unwrap().iter().find(|t| t["name"] == "Worker").unwrap();
    let preceding = layout["type"]["fields"].as_array().unwrap().iter().take_while(|f| f["name"] != field);
    let offset = 8 + preceding.map(|f| env.idl.size_of(&f["type"])).sum::<usize>();
    edit(env, worker, |a| a.data[offset..offset + bytes.len()].copy_from_slice(bytes));
}

/// Worker lamports = rent + stake + unbonding + rewards.
#[track_caller]
fn assert_worker_lamports(env: &Env, worker: &Address) {
    let w = env.decode("Worker", worker).unwrap();
    let held = ["stake", "unbonding_amount", "rewards"].iter().map(|f| w[f].as_u64().unwrap()).sum::<u64>();
    assert_eq!(env.lamports(worker), env.rent(env.idl.account_len("Worker")) + held);
}

#[test]
fn adds_the_amount_to_the_stake() {
    // Given a worker with 2 SOL staked
    let (mut env, operator, worker) = setup();
    let state_before = env.decode("Worker", &worker).unwrap();
    let (worker_lamports, operator_lamports) = (env.lamports(&worker), env.lamports(&operator.pubkey()));

    // When the operator adds 3 SOL
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    let meta = env.send(&[ix], &[&operator]).expect("add_stake");

    // Then the stake is 5 SOL and nothing else in the worker changed
    let mut expected = state_before;
    expected["stake"] = json!(STAKE + AMOUNT);
    assert_eq!(env.decode("Worker", &worker).unwrap(), expected);
    // And exactly the amount moved from the operator to the worker
    assert_eq!(env.lamports(&worker), worker_lamports + AMOUNT);
    assert_eq!(env.lamports(&operator.pubkey()), operator_lamports - AMOUNT - meta.fee);
    assert_worker_lamports(&env, &worker);
    // And the new stake is announced
    assert_eq!(
        events(&env, &meta),
        vec![(
            "StakeAdded".to_string(),
            json!({ "worker": worker.to_bytes(), "amount": AMOUNT, "stake": STAKE + AMOUNT })
        )]
    );
}

#[test]
fn adding_stake_while_unbonding_leaves_the_unbonding_amount_alone() {
    // Given a worker unbonding 1 SOL of its stake
    let (mut env, operator, worker) = setup();
    let ix = env.ix_request_unstake(&operator.pubkey(), LAMPORTS_PER_SOL);
    env.send(&[ix], &[&operator]).expect("request_unstake");

    // When the operator adds 3 SOL
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    env.send(&[ix], &[&operator]).expect("add_stake");

    // Then only the stake grew
    let w = env.decode("Worker", &worker).unwrap();
    assert_eq!(w["stake"], STAKE - LAMPORTS_PER_SOL + AMOUNT);
    assert_eq!(w["unbonding_amount"], LAMPORTS_PER_SOL);
    assert_eq!(w["unbonding_ends_at"], START_TIME + env.params.unbonding_secs);
    assert_worker_lamports(&env, &worker);
}

#[test]
fn rejects_missing_system_program() {
    // Given the instruction without its system program
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts.pop();
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When it is sent
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then
    assert_error(&env, &result, "NotEnoughAccounts");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_an_operator_that_does_not_sign() {
    // Given the operator's account listed without its signature
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts[0].is_signer = false;
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When a third party sends it
    let result = send_paid(&mut env, ix, &[]);

    // Then
    assert_error(&env, &result, "MissingSignature");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_read_only_operator() {
    // Given the paying operator marked read-only
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts[0].is_writable = false;
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When it is sent
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then
    assert_error(&env, &result, "AccountNotWritable");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_read_only_worker_account() {
    // Given the worker PDA marked read-only
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts[1].is_writable = false;
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When it is sent
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then
    assert_error(&env, &result, "AccountNotWritable");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_an_operator_that_never_registered() {
    // Given an operator without a worker account
    let mut env = Env::new();
    let operator = env.keypair(10 * LAMPORTS_PER_SOL);
    let watched = [operator.pubkey(), env.worker_pda(&operator.pubkey())];
    let before = env.snapshot(&watched);

    // When it adds stake
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then the empty address is not a program account
    assert_error(&env, &result, "InvalidAccountOwner");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_worker_owned_by_another_program() {
    // Given the worker's data held by another owner
    let (mut env, operator, worker) = setup();
    edit(&mut env, &worker, |a| a.owner = Keypair::new().pubkey());
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When the operator adds stake
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then
    assert_error(&env, &result, "InvalidAccountOwner");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_worker_with_the_wrong_discriminator() {
    // Given the worker's discriminator corrupted
    let (mut env, operator, worker) = setup();
    edit(&mut env, &worker, |a| a.data[0] ^= 0xff);
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When the operator adds stake
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then
    assert_error(&env, &result, "InvalidAccountData");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_worker_with_the_wrong_length() {
    // Given the worker one byte too long
    let (mut env, operator, worker) = setup();
    edit(&mut env, &worker, |a| a.data.push(0));
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When the operator adds stake
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then
    assert_error(&env, &result, "InvalidAccountData");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_signer_that_is_not_the_workers_authority() {
    // Given another registered operator naming this worker's PDA
    let (mut env, operator, worker) = setup();
    let impostor = env.register_worker(STAKE, modality::ALL, &[MODEL]);
    let mut ix = env.ix_add_stake(&impostor.pubkey(), AMOUNT);
    ix.accounts[1].pubkey = worker;
    let watched = [operator.pubkey(), worker, impostor.pubkey(), env.worker_pda(&impostor.pubkey())];
    let before = env.snapshot(&watched);

    // When it sends the instruction
    let result = send_paid(&mut env, ix, &[&impostor]);

    // Then
    assert_error(&env, &result, "Unauthorized");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_wrong_system_program() {
    // Given some other account in the system program's place
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts[2].pubkey = Keypair::new().pubkey();
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When it is sent
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then
    assert_error(&env, &result, "InvalidSystemProgram");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_truncated_overlong_or_zero_amounts() {
    let (mut env, operator, worker) = setup();
    let watched = [operator.pubkey(), worker];
    let mut truncated = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    truncated.data.pop();
    let mut trailing = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    trailing.data.push(0);
    let zero = env.ix_add_stake(&operator.pubkey(), 0);
    for ix in [truncated, trailing, zero] {
        // Given an amount that is not exactly one non-zero u64
        let before = env.snapshot(&watched);

        // When it is sent
        let result = send_paid(&mut env, ix, &[&operator]);

        // Then
        assert_error(&env, &result, "InvalidInstructionData");
        assert_eq!(env.snapshot(&watched), before);
    }
}

#[test]
fn rejects_more_than_the_operator_holds() {
    // Given an amount one lamport above the operator's balance
    let (mut env, operator, worker) = setup();
    let ix = env.ix_add_stake(&operator.pubkey(), env.lamports(&operator.pubkey()) + 1);
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When it is sent
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then
    assert_error(&env, &result, "InsufficientFunds");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_stake_that_would_overflow() {
    // Given a (forged) worker whose stake is already u64::MAX
    let (mut env, operator, worker) = setup();
    set_worker_field(&mut env, &worker, "stake", &u64::MAX.to_le_bytes());
    let watched = [operator.pubkey(), worker];
    let before = env.snapshot(&watched);

    // When the operator adds one lamport
    let ix = env.ix_add_stake(&operator.pubkey(), 1);
    let result = send_paid(&mut env, ix, &[&operator]);

    // Then
    assert_error(&env, &result, "ArithmeticOverflow");
    assert_eq!(env.snapshot(&watched), before);
}
