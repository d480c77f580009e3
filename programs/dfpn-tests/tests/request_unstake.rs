//! `request_unstake`: the operator moves stake into unbonding, withdrawable after `unbonding_secs`.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

const STAKE: u64 = 2 * LAMPORTS_PER_SOL;
const AMOUNT: u64 = LAMPORTS_PER_SOL / 2;
const MODEL: &str = "face-forensics-sbi";

/// A configured network and one registered worker with `STAKE`; returns (env, operator, worker PDA).
fn setup() -> (Env, Keypair, Address) {
    let mut env = Env::new();
    let operator = env.register_worker(STAKE, modality::ALL, &[MODEL]);
    let worker = env.worker_pda(&operator.pubkey());
    (env, operator, worker)
}

/// Every account `request_unstake` reads or could write.
fn watched(env: &Env, operator: &Keypair) -> Vec<Address> {
    vec![operator.pubkey(), env.worker_pda(&operator.pubkey()), env.config()]
}

/// A fresh client's request (default spec: needs 3 workers), with `operator` holding one seat.
fn join_a_request(env: &mut Env, operator: &Keypair) -> Address {
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let request = env.submit(&client, &RequestSpec::default());
    env.join(operator, &request).expect("join_request");
    request
}

#[test]
fn moves_the_amount_from_stake_to_unbonding() {
    // Given a worker with 2 SOL staked, an hour after registering
    let (mut env, operator, worker) = setup();
    env.advance(3_600);
    let now = env.now();
    let state_before = env.decode("Worker", &worker).unwrap();
    let (worker_lamports, operator_lamports) = (env.lamports(&worker), env.lamports(&operator.pubkey()));

    // When the operator asks to unstake 0.5 SOL
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);
    let meta = env.send(&[ix], &[&operator]).expect("request_unstake");

    // Then the amount moved from stake to unbonding, withdrawable after the delay, and nothing else changed
    let mut expected = state_before;
    expected["stake"] = json!(STAKE - AMOUNT);
    expected["unbonding_amount"] = json!(AMOUNT);
    expected["unbonding_ends_at"] = json!(now + env.params.unbonding_secs);
    assert_eq!(env.decode("Worker", &worker).unwrap(), expected);
    // And no lamports left the worker (the operator paid only the fee)
    assert_eq!(env.lamports(&worker), worker_lamports);
    assert_eq!(env.lamports(&operator.pubkey()), operator_lamports - meta.fee);
    env.assert_worker_lamports(&worker);
    // And the event says when it can be withdrawn
    assert_eq!(
        events(&env, &meta),
        vec![(
            "UnstakeRequested".to_string(),
            json!({ "worker": worker.to_bytes(), "amount": AMOUNT, "available_at": now + env.params.unbonding_secs })
        )]
    );
}

#[test]
fn the_whole_stake_can_be_unstaked() {
    // Given a worker with 2 SOL staked
    let (mut env, operator, worker) = setup();

    // When the operator asks to unstake all of it
    let ix = env.ix_request_unstake(&operator.pubkey(), STAKE);
    env.send(&[ix], &[&operator]).expect("request_unstake");

    // Then nothing is left staked
    let w = env.decode("Worker", &worker).unwrap();
    assert_eq!((w["stake"].as_u64(), w["unbonding_amount"].as_u64()), (Some(0), Some(STAKE)));
    env.assert_worker_lamports(&worker);
}

#[test]
fn a_second_request_adds_up_and_restarts_the_delay() {
    // Given a worker that asked to unstake 0.5 SOL, and an hour later another 0.5 SOL
    let (mut env, operator, worker) = setup();
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);
    env.send(&[ix], &[&operator]).expect("first request_unstake");
    env.advance(3_600);
    let second_at = env.now();
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);
    env.send(&[ix], &[&operator]).expect("second request_unstake");
    let w = env.decode("Worker", &worker).unwrap();
    assert_eq!(
        (w["unbonding_amount"].as_u64(), w["unbonding_ends_at"].as_i64()),
        (Some(2 * AMOUNT), Some(second_at + env.params.unbonding_secs))
    );

    // When the operator withdraws once the first request's delay is over
    env.set_time(START_TIME + env.params.unbonding_secs);
    let ix = env.ix_withdraw_stake(&operator.pubkey());
    let early = env.send_paid(&[ix], &[&operator]);

    // Then it has to wait for the second request's delay, and then gets both amounts
    assert_error(&env, &early, "UnbondingNotReady");
    env.set_time(second_at + env.params.unbonding_secs);
    let ix = env.ix_withdraw_stake(&operator.pubkey());
    let meta = env.send_paid(&[ix], &[&operator]).expect("withdraw_stake");
    assert_eq!(events(&env, &meta)[0].1["amount"], 2 * AMOUNT);
}

#[test]
fn an_unbonding_worker_cannot_join_a_request() {
    // Given a worker unbonding part of its stake, still at the minimum stake
    let (mut env, operator, worker) = setup();
    let ix = env.ix_request_unstake(&operator.pubkey(), STAKE - env.params.min_stake);
    env.send(&[ix], &[&operator]).expect("request_unstake");
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let request = env.submit(&client, &RequestSpec::default());
    let watched = [operator.pubkey(), worker, request];

    // When it tries to join an open request
    let ix = env.ix_join_request(&operator.pubkey(), &request);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "WorkerUnbonding");
}

#[test]
fn a_worker_can_unstake_once_its_request_has_expired() {
    // Given a worker whose only request expired without enough workers
    let (mut env, operator, worker) = setup();
    let request = join_a_request(&mut env, &operator);
    let commit_deadline = env.decode("Request", &request).unwrap()["commit_deadline"].as_i64().unwrap();
    env.set_time(commit_deadline);
    let ix = env.ix_expire_request(&request);
    env.send_paid(&[ix], &[]).expect("expire_request");

    // When the operator asks to unstake
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);
    env.send(&[ix], &[&operator]).expect("request_unstake");

    // Then the released seat no longer blocks it
    let w = env.decode("Worker", &worker).unwrap();
    assert_eq!((w["active_seats"].as_u64(), w["unbonding_amount"].as_u64()), (Some(0), Some(AMOUNT)));
}

#[test]
fn rejects_a_worker_holding_a_seat() {
    // Given a worker that joined an open request
    let (mut env, operator, worker) = setup();
    let request = join_a_request(&mut env, &operator);
    assert_eq!(env.decode("Worker", &worker).unwrap()["active_seats"], 1);
    let mut watched = watched(&env, &operator);
    watched.push(request);

    // When the operator asks to unstake
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "WorkerHasActiveCommitments");
}

#[test]
fn rejects_more_than_the_stake() {
    // Given an amount one lamport above the stake
    let (mut env, operator, _) = setup();
    let ix = env.ix_request_unstake(&operator.pubkey(), STAKE + 1);
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "InsufficientStake");
}

#[test]
fn rejects_an_unbonding_total_that_would_overflow() {
    // Given a (forged) worker already unbonding u64::MAX
    let (mut env, operator, worker) = setup();
    env.set_field(&worker, "Worker", "unbonding_amount", &u64::MAX.to_le_bytes());
    let watched = watched(&env, &operator);

    // When the operator asks to unstake more
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "ArithmeticOverflow");
}

#[test]
fn rejects_missing_config() {
    // Given the instruction without the config
    let (mut env, operator, _) = setup();
    let mut ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);
    ix.accounts.pop();
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "NotEnoughAccounts");
}

#[test]
fn rejects_an_operator_that_does_not_sign() {
    // Given the operator's account listed without its signature
    let (mut env, operator, _) = setup();
    let mut ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);
    ix.accounts[0].is_signer = false;
    let watched = watched(&env, &operator);

    // When a third party sends it / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn rejects_a_read_only_worker_account() {
    // Given the worker PDA marked read-only
    let (mut env, operator, _) = setup();
    let mut ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);
    ix.accounts[1].is_writable = false;
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_worker_owned_by_another_program() {
    // Given the worker's data held by another owner
    let (mut env, operator, worker) = setup();
    env.edit_account(&worker, |a| a.owner = Keypair::new().pubkey());
    let watched = watched(&env, &operator);

    // When the operator asks to unstake
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountOwner");
}

#[test]
fn rejects_a_worker_with_the_wrong_discriminator() {
    // Given the worker's discriminator corrupted
    let (mut env, operator, worker) = setup();
    env.edit_account(&worker, |a| a.data[0] ^= 0xff);
    let watched = watched(&env, &operator);

    // When the operator asks to unstake
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_worker_with_the_wrong_length() {
    // Given the worker one byte too long
    let (mut env, operator, worker) = setup();
    env.edit_account(&worker, |a| a.data.push(0));
    let watched = watched(&env, &operator);

    // When the operator asks to unstake
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_workers_authority() {
    // Given another registered operator naming this worker's PDA
    let (mut env, operator, worker) = setup();
    let impostor = env.register_worker(STAKE, modality::ALL, &[MODEL]);
    let mut ix = env.ix_request_unstake(&impostor.pubkey(), AMOUNT);
    ix.accounts[1].pubkey = worker;
    let mut watched = watched(&env, &operator);
    watched.extend([impostor.pubkey(), env.worker_pda(&impostor.pubkey())]);

    // When it sends the instruction / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&impostor], &watched, "Unauthorized");
}

#[test]
fn rejects_a_config_owned_by_another_program() {
    // Given the config's data held by another owner
    let (mut env, operator, _) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.owner = Keypair::new().pubkey());
    let watched = watched(&env, &operator);

    // When the operator asks to unstake
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountOwner");
}

#[test]
fn rejects_a_config_with_the_wrong_discriminator() {
    // Given the config's discriminator corrupted
    let (mut env, operator, _) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.data[0] ^= 0xff);
    let watched = watched(&env, &operator);

    // When the operator asks to unstake
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_config_with_the_wrong_length() {
    // Given the config one byte short
    let (mut env, operator, _) = setup();
    let config = env.config();
    env.edit_account(&config, |a| {
        a.data.pop();
    });
    let watched = watched(&env, &operator);

    // When the operator asks to unstake
    let ix = env.ix_request_unstake(&operator.pubkey(), AMOUNT);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_truncated_overlong_or_zero_amounts() {
    let (mut env, operator, _) = setup();
    let watched = watched(&env, &operator);
    let mut truncated = env.ix_request_unstake(&operator.pubkey(), AMOUNT);
    truncated.data.pop();
    let mut trailing = env.ix_request_unstake(&operator.pubkey(), AMOUNT);
    trailing.data.push(0);
    let zero = env.ix_request_unstake(&operator.pubkey(), 0);
    for ix in [truncated, trailing, zero] {
        // Given an amount that is not exactly one non-zero u64
        // When it is sent / Then it fails, changing nothing
        env.assert_rejected(&[ix], &[&operator], &watched, "InvalidInstructionData");
    }
}
