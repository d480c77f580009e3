//! `add_stake`: the operator moves more SOL into its worker PDA's stake.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
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

#[test]
fn adds_the_amount_to_the_stake() {
    // Given a worker with 2 SOL staked, a slot after it registered
    let (mut env, operator, worker) = setup();
    env.advance(1);
    let state_before = env.decode("Worker", &worker).unwrap();
    let (worker_lamports, operator_lamports) = (env.lamports(&worker), env.lamports(&operator.pubkey()));

    // When the operator adds 3 SOL
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    let meta = env.send(&[ix], &[&operator]).expect("add_stake");

    // Then the stake is 5 SOL, counting only for draws after this slot, and nothing else in the worker changed
    let mut expected = state_before;
    expected["stake"] = json!(STAKE + AMOUNT);
    expected["eligible_since_slot"] = json!(env.svm.get_sysvar::<solana_clock::Clock>().slot);
    assert_eq!(env.decode("Worker", &worker).unwrap(), expected);
    // And exactly the amount moved from the operator to the worker
    assert_eq!(env.lamports(&worker), worker_lamports + AMOUNT);
    assert_eq!(env.lamports(&operator.pubkey()), operator_lamports - AMOUNT - meta.fee);
    env.assert_worker_lamports(&worker);
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
    env.assert_worker_lamports(&worker);
}

#[test]
fn rejects_missing_system_program() {
    // Given the instruction without its system program
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts.pop();
    let watched = [operator.pubkey(), worker];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "NotEnoughAccounts");
}

#[test]
fn rejects_an_operator_that_does_not_sign() {
    // Given the operator's account listed without its signature
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts[0].is_signer = false;
    let watched = [operator.pubkey(), worker];

    // When a third party sends it / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn rejects_a_read_only_operator() {
    // Given the paying operator marked read-only
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts[0].is_writable = false;
    let watched = [operator.pubkey(), worker];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_read_only_worker_account() {
    // Given the worker PDA marked read-only
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts[1].is_writable = false;
    let watched = [operator.pubkey(), worker];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_an_operator_that_never_registered() {
    // Given an operator without a worker account
    let mut env = Env::new();
    let operator = env.keypair(10 * LAMPORTS_PER_SOL);
    let watched = [operator.pubkey(), env.worker_pda(&operator.pubkey())];

    // When it adds stake
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);

    // Then the empty address is not a program account
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountOwner");
}

#[test]
fn rejects_a_worker_owned_by_another_program() {
    // Given the worker's data held by another owner
    let (mut env, operator, worker) = setup();
    env.edit_account(&worker, |a| a.owner = Keypair::new().pubkey());
    let watched = [operator.pubkey(), worker];

    // When the operator adds stake
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountOwner");
}

#[test]
fn rejects_a_worker_with_the_wrong_discriminator() {
    // Given the worker's discriminator corrupted
    let (mut env, operator, worker) = setup();
    env.edit_account(&worker, |a| a.data[0] ^= 0xff);
    let watched = [operator.pubkey(), worker];

    // When the operator adds stake
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_worker_with_the_wrong_length() {
    // Given the worker one byte too long
    let (mut env, operator, worker) = setup();
    env.edit_account(&worker, |a| a.data.push(0));
    let watched = [operator.pubkey(), worker];

    // When the operator adds stake
    let ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_workers_authority() {
    // Given another registered operator naming this worker's PDA
    let (mut env, operator, worker) = setup();
    let impostor = env.register_worker(STAKE, modality::ALL, &[MODEL]);
    let mut ix = env.ix_add_stake(&impostor.pubkey(), AMOUNT);
    ix.accounts[1].pubkey = worker;
    let watched = [operator.pubkey(), worker, impostor.pubkey(), env.worker_pda(&impostor.pubkey())];

    // When it sends the instruction / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&impostor], &watched, "Unauthorized");
}

#[test]
fn rejects_a_wrong_system_program() {
    // Given some other account in the system program's place
    let (mut env, operator, worker) = setup();
    let mut ix = env.ix_add_stake(&operator.pubkey(), AMOUNT);
    ix.accounts[2].pubkey = Keypair::new().pubkey();
    let watched = [operator.pubkey(), worker];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidSystemProgram");
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
        // When it is sent / Then it fails, changing nothing
        env.assert_rejected(&[ix], &[&operator], &watched, "InvalidInstructionData");
    }
}

#[test]
fn rejects_more_than_the_operator_holds() {
    // Given an amount one lamport above the operator's balance
    let (mut env, operator, worker) = setup();
    let ix = env.ix_add_stake(&operator.pubkey(), env.lamports(&operator.pubkey()) + 1);
    let watched = [operator.pubkey(), worker];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "InsufficientFunds");
}

#[test]
fn rejects_a_stake_that_would_overflow() {
    // Given a (forged) worker whose stake is already u64::MAX
    let (mut env, operator, worker) = setup();
    env.set_field(&worker, "Worker", "stake", &u64::MAX.to_le_bytes());
    let watched = [operator.pubkey(), worker];

    // When the operator adds one lamport
    let ix = env.ix_add_stake(&operator.pubkey(), 1);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "ArithmeticOverflow");
}
