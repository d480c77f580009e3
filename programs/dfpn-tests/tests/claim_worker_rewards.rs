//! `claim_worker_rewards`: the operator takes the fees its worker earned at finalization.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Three workers that answered one request unanimously and were paid at finalization; returns
/// (env, workers, each worker's rewards).
fn rewarded() -> (Env, Vec<Keypair>, u64) {
    let mut net = Network::new(3);
    let spec = RequestSpec::default();
    let answer = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(&spec, &[Some(answer.clone()), Some(answer.clone()), Some(answer.clone())]);
    net.to_reveal_phase(&request);
    for worker in net.worker_keys() {
        net.env.reveal(&worker, &request, &answer).expect("reveal_result");
    }
    net.env.finalize(&request).expect("finalize_request");
    let rewards = net.env.params.fee(spec.modalities, spec.min_workers) * 65 / 100 / 3;
    let workers = net.worker_keys();
    (net.env, workers, rewards)
}

/// Every account `claim_worker_rewards` could touch for `operator`.
fn watched(env: &Env, operator: &Keypair) -> Vec<Address> {
    vec![operator.pubkey(), env.worker_pda(&operator.pubkey())]
}

#[test]
fn pays_the_earned_rewards_to_the_operator() {
    // Given a worker paid for a finalized request
    let (mut env, workers, rewards) = rewarded();
    let operator = &workers[0];
    let worker = env.worker_pda(&operator.pubkey());
    let state_before = env.decode("Worker", &worker).unwrap();
    assert_eq!(state_before["rewards"], rewards);
    env.assert_worker_lamports(&worker);
    let (worker_lamports, operator_lamports) = (env.lamports(&worker), env.lamports(&operator.pubkey()));

    // When its operator claims
    let ix = env.ix_claim_worker_rewards(&operator.pubkey());
    let meta = env.send(&[ix], &[operator]).expect("claim_worker_rewards");

    // Then the rewards are zeroed and nothing else in the worker changed
    let mut expected = state_before;
    expected["rewards"] = json!(0);
    assert_eq!(env.decode("Worker", &worker).unwrap(), expected);
    // And exactly the rewards moved to the operator
    assert_eq!(env.lamports(&worker), worker_lamports - rewards);
    assert_eq!(env.lamports(&operator.pubkey()), operator_lamports + rewards - meta.fee);
    env.assert_worker_lamports(&worker);
    // And the claim is announced
    assert_eq!(
        events(&env, &meta),
        vec![("WorkerRewardsClaimed".to_string(), json!({ "worker": worker.to_bytes(), "amount": rewards }))]
    );
}

#[test]
fn lamports_sent_to_the_worker_account_are_paid_with_the_rewards() {
    // Given a paid worker whose PDA also received 12,345 lamports sent to it directly (outside the books)
    let (mut env, workers, rewards) = rewarded();
    let operator = &workers[0];
    let worker = env.worker_pda(&operator.pubkey());
    env.edit_account(&worker, |a| a.lamports += 12_345);
    let operator_lamports = env.lamports(&operator.pubkey());

    // When its operator claims
    let ix = env.ix_claim_worker_rewards(&operator.pubkey());
    let meta = env.send(&[ix], &[operator]).expect("claim_worker_rewards");

    // Then the donation is paid out with the rewards, and the worker holds exactly its books again
    assert_eq!(env.lamports(&operator.pubkey()), operator_lamports + rewards + 12_345 - meta.fee);
    env.assert_worker_lamports(&worker);
    assert_eq!(events(&env, &meta)[0].1["amount"], rewards + 12_345);
}

#[test]
fn rejects_a_worker_without_rewards() {
    // Given a registered worker that never finished a request
    let mut env = Env::new();
    let operator = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let watched = watched(&env, &operator);

    // When its operator claims
    let ix = env.ix_claim_worker_rewards(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "NothingToClaim");
}

#[test]
fn rejects_a_second_claim() {
    // Given a worker whose rewards were already claimed
    let (mut env, workers, _) = rewarded();
    let operator = &workers[0];
    let ix = env.ix_claim_worker_rewards(&operator.pubkey());
    env.send(&[ix], &[operator]).expect("first claim_worker_rewards");
    let watched = watched(&env, operator);

    // When its operator claims again
    let ix = env.ix_claim_worker_rewards(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[operator], &watched, "NothingToClaim");
}

#[test]
fn rejects_missing_accounts() {
    // Given the instruction without the worker account
    let (mut env, workers, _) = rewarded();
    let operator = &workers[0];
    let mut ix = env.ix_claim_worker_rewards(&operator.pubkey());
    ix.accounts.pop();
    let watched = watched(&env, operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[operator], &watched, "NotEnoughAccounts");
}

#[test]
fn rejects_an_operator_that_does_not_sign() {
    // Given the operator's account listed without its signature
    let (mut env, workers, _) = rewarded();
    let operator = &workers[0];
    let mut ix = env.ix_claim_worker_rewards(&operator.pubkey());
    ix.accounts[0].is_signer = false;
    let watched = watched(&env, operator);

    // When a third party sends it / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn rejects_a_read_only_operator() {
    // Given the receiving operator marked read-only
    let (mut env, workers, _) = rewarded();
    let operator = &workers[0];
    let mut ix = env.ix_claim_worker_rewards(&operator.pubkey());
    ix.accounts[0].is_writable = false;
    let watched = watched(&env, operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_read_only_worker_account() {
    // Given the worker PDA marked read-only
    let (mut env, workers, _) = rewarded();
    let operator = &workers[0];
    let mut ix = env.ix_claim_worker_rewards(&operator.pubkey());
    ix.accounts[1].is_writable = false;
    let watched = watched(&env, operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_worker_owned_by_another_program() {
    // Given the worker's data held by another owner
    let (mut env, workers, _) = rewarded();
    let operator = &workers[0];
    let worker = env.worker_pda(&operator.pubkey());
    env.edit_account(&worker, |a| a.owner = Keypair::new().pubkey());
    let watched = watched(&env, operator);

    // When its operator claims
    let ix = env.ix_claim_worker_rewards(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[operator], &watched, "InvalidAccountOwner");
}

#[test]
fn rejects_a_worker_with_the_wrong_discriminator() {
    // Given the worker's discriminator corrupted
    let (mut env, workers, _) = rewarded();
    let operator = &workers[0];
    let worker = env.worker_pda(&operator.pubkey());
    env.edit_account(&worker, |a| a.data[0] ^= 0xff);
    let watched = watched(&env, operator);

    // When its operator claims
    let ix = env.ix_claim_worker_rewards(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_worker_with_the_wrong_length() {
    // Given the worker one byte too long
    let (mut env, workers, _) = rewarded();
    let operator = &workers[0];
    let worker = env.worker_pda(&operator.pubkey());
    env.edit_account(&worker, |a| a.data.push(0));
    let watched = watched(&env, operator);

    // When its operator claims
    let ix = env.ix_claim_worker_rewards(&operator.pubkey());

    // Then
    env.assert_rejected(&[ix], &[operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_workers_authority() {
    // Given another paid operator naming this worker's PDA
    let (mut env, workers, _) = rewarded();
    let (operator, impostor) = (&workers[0], &workers[1]);
    let mut ix = env.ix_claim_worker_rewards(&impostor.pubkey());
    ix.accounts[1].pubkey = env.worker_pda(&operator.pubkey());
    let watched = [watched(&env, operator), watched(&env, impostor)].concat();

    // When it tries to claim those rewards for itself / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[impostor], &watched, "Unauthorized");
}

#[test]
fn rejects_trailing_instruction_data() {
    // Given one byte after the discriminator of an instruction without arguments
    let (mut env, workers, _) = rewarded();
    let operator = &workers[0];
    let mut ix = env.ix_claim_worker_rewards(&operator.pubkey());
    ix.data.push(0);
    let watched = watched(&env, operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[operator], &watched, "InvalidInstructionData");
}
