//! `withdraw_stake`: after `unbonding_secs`, the operator takes its unbonding stake back.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

const STAKE: u64 = 2 * LAMPORTS_PER_SOL;
const UNBONDING: u64 = LAMPORTS_PER_SOL / 2;
const MODEL: &str = "face-forensics-sbi";

/// A registered worker that asked to unstake `UNBONDING` at `START_TIME`; returns (env, operator, worker PDA).
fn unbonding() -> (Env, Keypair, Address) {
    let mut env = Env::new();
    let operator = env.register_worker(STAKE, modality::ALL, &[MODEL]);
    let ix = env.ix_request_unstake(&operator.pubkey(), UNBONDING);
    env.send(&[ix], &[&operator]).expect("request_unstake");
    let worker = env.worker_pda(&operator.pubkey());
    (env, operator, worker)
}

/// `unbonding()` with the clock at the first second the stake may be withdrawn.
fn ready() -> (Env, Keypair, Address) {
    let (mut env, operator, worker) = unbonding();
    env.set_time(START_TIME + env.params.unbonding_secs);
    (env, operator, worker)
}

/// Every account `withdraw_stake` reads or could write.
fn watched(env: &Env, operator: &Keypair) -> Vec<Address> {
    vec![operator.pubkey(), env.worker_pda(&operator.pubkey())]
}

#[test]
fn pays_out_the_unbonding_stake_once_the_delay_has_passed() {
    // Given a worker unbonding 0.5 SOL, exactly `unbonding_secs` after it asked
    let (mut env, operator, worker) = ready();
    let state_before = env.decode("Worker", &worker).unwrap();
    let (worker_lamports, operator_lamports) = (env.lamports(&worker), env.lamports(&operator.pubkey()));

    // When the operator withdraws
    let ix = env.ix_withdraw_stake(&operator.pubkey());
    let meta = env.send(&[ix], &[&operator]).expect("withdraw_stake");

    // Then the unbonding is cleared and the remaining stake untouched, drawable again for draw slots after now
    let mut expected = state_before;
    expected["unbonding_amount"] = json!(0);
    expected["unbonding_ends_at"] = json!(0);
    expected["eligible_since_slot"] = json!(env.svm.get_sysvar::<solana_clock::Clock>().slot);
    assert_eq!(env.decode("Worker", &worker).unwrap(), expected);
    // And exactly the unbonding amount moved to the operator
    assert_eq!(env.lamports(&worker), worker_lamports - UNBONDING);
    assert_eq!(env.lamports(&operator.pubkey()), operator_lamports + UNBONDING - meta.fee);
    env.assert_worker_lamports(&worker);
    // And the withdrawal is announced
    assert_eq!(
        events(&env, &meta),
        vec![("StakeWithdrawn".to_string(), json!({ "worker": worker.to_bytes(), "amount": UNBONDING }))]
    );
}

#[test]
fn rejects_a_withdrawal_one_second_before_the_delay_ends() {
    // Given a worker unbonding, one second short of `unbonding_secs`
    let (mut env, operator, _) = ready();
    env.advance(-1);
    let watched = watched(&env, &operator);

    // When the operator withdraws
    let ix = env.ix_withdraw_stake(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "UnbondingNotReady");
}

#[test]
fn rejects_a_worker_with_nothing_unbonding() {
    // Given a registered worker that never asked to unstake
    let mut env = Env::new();
    let operator = env.register_worker(STAKE, modality::ALL, &[MODEL]);
    env.advance(env.params.unbonding_secs);
    let watched = watched(&env, &operator);

    // When the operator withdraws
    let ix = env.ix_withdraw_stake(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "NothingToClaim");
}

#[test]
fn rejects_a_second_withdrawal() {
    // Given a worker that already withdrew its unbonding stake
    let (mut env, operator, _) = ready();
    let ix = env.ix_withdraw_stake(&operator.pubkey());
    env.send(&[ix], &[&operator]).expect("first withdraw_stake");
    let watched = watched(&env, &operator);

    // When the operator withdraws again
    let ix = env.ix_withdraw_stake(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "NothingToClaim");
}

#[test]
fn rejects_a_worker_holding_a_seat() {
    // Given a (forged) ready worker that also holds a seat: unreachable through the program, since an
    // unbonding worker cannot join and a seated one cannot unstake, so the guard is tested directly
    let (mut env, operator, worker) = ready();
    env.set_field(&worker, "Worker", "active_seats", &1u16.to_le_bytes());
    let watched = watched(&env, &operator);

    // When the operator withdraws
    let ix = env.ix_withdraw_stake(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "WorkerHasActiveCommitments");
}

#[test]
fn rejects_an_operator_that_does_not_sign() {
    // Given the operator's account listed without its signature
    let (mut env, operator, _) = ready();
    let mut ix = env.ix_withdraw_stake(&operator.pubkey());
    ix.accounts[0].is_signer = false;
    let watched = watched(&env, &operator);

    // When a third party sends it / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn rejects_a_read_only_operator() {
    // Given the receiving operator marked read-only
    let (mut env, operator, _) = ready();
    let mut ix = env.ix_withdraw_stake(&operator.pubkey());
    ix.accounts[0].is_writable = false;
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_read_only_worker_account() {
    // Given the worker PDA marked read-only
    let (mut env, operator, _) = ready();
    let mut ix = env.ix_withdraw_stake(&operator.pubkey());
    ix.accounts[1].is_writable = false;
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_worker_owned_by_another_program() {
    // Given the worker's data held by another owner
    let (mut env, operator, worker) = ready();
    env.edit_account(&worker, |a| a.owner = Keypair::new().pubkey());
    let watched = watched(&env, &operator);

    // When the operator withdraws
    let ix = env.ix_withdraw_stake(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountOwner");
}

#[test]
fn rejects_a_worker_with_the_wrong_discriminator() {
    // Given the worker's discriminator corrupted
    let (mut env, operator, worker) = ready();
    env.edit_account(&worker, |a| a.data[0] ^= 0xff);
    let watched = watched(&env, &operator);

    // When the operator withdraws
    let ix = env.ix_withdraw_stake(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_worker_with_the_wrong_length() {
    // Given the worker one byte too long
    let (mut env, operator, worker) = ready();
    env.edit_account(&worker, |a| a.data.push(0));
    let watched = watched(&env, &operator);

    // When the operator withdraws
    let ix = env.ix_withdraw_stake(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_workers_authority() {
    // Given another registered operator naming this (ready) worker's PDA
    let (mut env, operator, worker) = ready();
    let impostor = env.register_worker(STAKE, modality::ALL, &[MODEL]);
    let mut ix = env.ix_withdraw_stake(&impostor.pubkey());
    ix.accounts[1].pubkey = worker;
    let mut watched = watched(&env, &operator);
    watched.extend([impostor.pubkey(), env.worker_pda(&impostor.pubkey())]);

    // When it tries to withdraw the stake to itself / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&impostor], &watched, "Unauthorized");
}

#[test]
fn rejects_trailing_instruction_data() {
    // Given one byte after the discriminator of an instruction without arguments
    let (mut env, operator, _) = ready();
    let mut ix = env.ix_withdraw_stake(&operator.pubkey());
    ix.data.push(0);
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidInstructionData");
}

#[test]
fn a_later_config_change_does_not_move_the_unbonding_deadline() {
    // Given a worker unbonding under a one-day delay
    let (mut env, operator, _) = ready();
    let ends_at =
        env.decode("Worker", &env.worker_pda(&operator.pubkey())).unwrap()["unbonding_ends_at"].as_i64().unwrap();
    // When the authority lengthens the delay to a year
    let mut params = env.params.clone();
    params.unbonding_secs = 365 * 86_400;
    let authority = env.authority.insecure_clone();
    let ix = env.ix_update_config(&authority.pubkey(), &params);
    env.send(&[ix], &[&authority]).expect("update_config");
    // Then the stake is still withdrawable at the deadline announced when unstaking
    env.set_time(ends_at);
    let ix = env.ix_withdraw_stake(&operator.pubkey());
    env.send(&[ix], &[&operator]).expect("withdraw at the original deadline");
}
