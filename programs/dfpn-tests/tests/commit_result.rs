//! `commit_result`: every account check, phase rule and seat error of the instruction.
use dfpn_tests::*;
use solana_address::Address;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

const OTHER_MODEL: &str = "other-model";

/// A network of `n` workers and a default request (3 seats) that the first three joined.
fn setup(n: usize) -> (Network, Address) {
    let mut net = Network::new(n);
    let request = net.submit_join_commit(&RequestSpec::default(), &[None, None, None]);
    (net, request)
}

/// The commitment of `operator`'s answer to `request`.
fn commitment_of(operator: &Keypair, request: &Address) -> [u8; 32] {
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    commitment(request, &operator.pubkey(), a.verdict, a.confidence, &a.model, &a.report_hash, &a.salt)
}

fn commit_ix(env: &Env, operator: &Keypair, request: &Address) -> Instruction {
    env.ix_commit_result(
        &operator.pubkey(),
        request,
        &commitment_of(operator, request),
        &model_address(Network::MODEL).to_bytes(),
    )
}

/// `operator` commits to `request` (a separate payer pays the fee); expect `error` and no change.
#[track_caller]
fn assert_commit_rejected(env: &mut Env, operator: &Keypair, request: &Address, error: &str) {
    let ix = commit_ix(env, operator, request);
    env.assert_rejected(&[ix], &[operator], &[operator.pubkey(), *request], error);
}

#[test]
fn committing_stores_the_commitment_and_counts_it() {
    // Given a request whose three seats are taken
    let (mut net, request) = setup(3);
    let operator = net.workers[1].insecure_clone();
    let before = [request, operator.pubkey()].map(|a| net.env.lamports(&a));

    // When the second seat commits
    let c = commitment_of(&operator, &request);
    let ix = net.env.ix_commit_result(&operator.pubkey(), &request, &c, &model_address(Network::MODEL).to_bytes());
    let meta = net.env.send(&[ix], &[&operator]).expect("commit_result");

    // Then its seat holds the commitment and the request counts one commit
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(r["commits"], 1);
    assert_eq!(r["joined"], 3);
    let seat = net.env.seat_of(&r, &operator.pubkey());
    assert_eq!(seat["state"], 1);
    assert_eq!(idl::bytes32(&seat["commitment"]), c);
    assert_eq!(net.env.seat_of(&r, &net.workers[0].pubkey())["state"], 0, "other seats untouched");
    // And no lamports moved but the operator's transaction fee
    assert_eq!([request, operator.pubkey()].map(|a| net.env.lamports(&a)), [before[0], before[1] - meta.fee]);
    // And a ResultCommitted event carries the commitment
    let events = events(&net.env, &meta);
    assert_eq!(events.len(), 1);
    let (name, e) = &events[0];
    assert_eq!(name, "ResultCommitted");
    assert_eq!(idl::pubkey(&e["request"]), request);
    assert_eq!(idl::pubkey(&e["worker"]), operator.pubkey());
    assert_eq!(idl::bytes32(&e["commitment"]), c);
}

#[test]
fn committing_works_until_the_commit_deadline_and_not_at_it() {
    // Given a joined request one second before its commit deadline
    let (mut net, request) = setup(3);
    let commit_deadline = net.env.decode("Request", &request).unwrap()["commit_deadline"].as_i64().unwrap();
    net.env.set_time(commit_deadline - 1);
    // When a seat commits / Then it is accepted
    let first = net.workers[0].insecure_clone();
    let ix = commit_ix(&net.env, &first, &request);
    net.env.send(&[ix], &[&first]).expect("commit in the last second");
    // When another commits at the commit deadline / Then it fails, changing nothing
    net.env.set_time(commit_deadline);
    let second = net.workers[1].insecure_clone();
    assert_commit_rejected(&mut net.env, &second, &request, "CommitPhaseClosed");
}

#[test]
fn fewer_than_four_accounts_are_rejected() {
    // Given a commit without the request
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let mut ix = commit_ix(&net.env, &operator, &request);
    ix.accounts.pop();
    // When the operator sends it / Then it fails, changing nothing
    net.env.assert_rejected(&[ix], &[&operator], &[operator.pubkey(), request], "NotEnoughAccounts");
}

#[test]
fn the_operator_must_sign() {
    // Given a commit naming a seated operator without its signature
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let mut ix = commit_ix(&net.env, &operator, &request);
    ix.accounts[0].is_signer = false;
    // When someone else sends it / Then it fails, changing nothing
    net.env.assert_rejected(&[ix], &[], &[operator.pubkey(), request], "MissingSignature");
}

#[test]
fn the_request_must_be_writable() {
    // Given a commit with the request read-only
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let mut ix = commit_ix(&net.env, &operator, &request);
    ix.accounts[1].is_writable = false;
    // When the operator sends it / Then it fails, changing nothing
    net.env.assert_rejected(&[ix], &[&operator], &[operator.pubkey(), request], "AccountNotWritable");
}

#[test]
fn the_request_must_be_owned_by_the_program() {
    // Given the request's data under another owner
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    net.env.edit_account(&request, |a| a.owner = Keypair::new().pubkey());
    // When a seated operator commits / Then it fails, changing nothing
    assert_commit_rejected(&mut net.env, &operator, &request, "InvalidAccountOwner");
}

#[test]
fn the_request_must_hold_a_request() {
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    // Given the operator's worker account in the request's place
    let worker = net.env.worker_pda(&operator.pubkey());
    // When the operator commits to it / Then it fails, changing nothing
    assert_commit_rejected(&mut net.env, &operator, &worker, "InvalidAccountData");

    // Given the request with a corrupted discriminator
    net.env.edit_account(&request, |a| a.data[0] ^= 0xff);
    // When the operator commits to it / Then it fails, changing nothing
    assert_commit_rejected(&mut net.env, &operator, &request, "InvalidAccountData");
}

#[test]
fn truncated_or_trailing_data_is_rejected() {
    // Given a commit one byte short of a commitment, and one a byte too long
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let ix = commit_ix(&net.env, &operator, &request);
    let mut truncated = ix.clone();
    truncated.data.pop();
    let mut trailing = ix;
    trailing.data.push(0);
    for bad in [truncated, trailing] {
        // When the operator sends it / Then it fails, changing nothing
        net.env.assert_rejected(&[bad], &[&operator], &[operator.pubkey(), request], "InvalidInstructionData");
    }
}

#[test]
fn an_expired_request_cannot_be_committed_to() {
    // Given a joined request that expired without commitments
    let (mut net, request) = setup(3);
    net.to_reveal_phase(&request);
    let ix = net.env.ix_expire_request(&request);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    net.env.send(&[ix], &[&cranker]).expect("expire");
    // When a seated worker commits / Then it fails, changing nothing
    let operator = net.workers[0].insecure_clone();
    assert_commit_rejected(&mut net.env, &operator, &request, "RequestNotOpen");
}

#[test]
fn a_worker_without_a_seat_cannot_commit() {
    // Given a registered worker that did not join
    let (mut net, request) = setup(4);
    let outsider = net.workers[3].insecure_clone();
    // When it commits / Then it fails, changing nothing
    assert_commit_rejected(&mut net.env, &outsider, &request, "NotJoined");
}

#[test]
fn a_seat_commits_only_once() {
    // Given a seat that committed
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let ix = commit_ix(&net.env, &operator, &request);
    net.env.send(&[ix], &[&operator]).expect("commit");
    // When it sends the same commit again (a replay) / Then it fails, changing nothing
    assert_commit_rejected(&mut net.env, &operator, &request, "AlreadyCommitted");
    // When it tries to replace its commitment / Then it fails, changing nothing
    let ix = net.env.ix_commit_result(
        &operator.pubkey(),
        &request,
        &sha256(b"another answer"),
        &model_address(Network::MODEL).to_bytes(),
    );
    net.env.assert_rejected(&[ix], &[&operator], &[operator.pubkey(), request], "AlreadyCommitted");
}

/// A commit by the first seated operator naming `model` as its answer's model; expect `error`, no change.
#[track_caller]
fn assert_commit_with_model_rejected(net: &mut Network, request: &Address, model: &str, error: &str) {
    let operator = net.workers[0].insecure_clone();
    let ix = net.env.ix_commit_result(
        &operator.pubkey(),
        request,
        &commitment_of(&operator, request),
        &model_address(model).to_bytes(),
    );
    let watched = [operator.pubkey(), *request, net.env.model_pda(&model_id(model))];
    net.env.assert_rejected(&[ix], &[&operator], &watched, error);
}

#[test]
fn the_seat_records_the_model_at_commit() {
    // Given a seated operator / When it commits with its declared model (positive control for the model rules)
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    net.env.send(&[commit_ix(&net.env, &operator, &request)], &[&operator]).expect("commit");
    // Then the seat holds that model from now on
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(idl::pubkey(&net.env.seat_of(&r, &operator.pubkey())["model"]), model_address(Network::MODEL));
}

#[test]
fn the_worker_must_be_the_signers_worker_account() {
    let (mut net, request) = setup(3);
    let [operator, other] = [net.workers[0].insecure_clone(), net.workers[1].insecure_clone()];
    let watched = [operator.pubkey(), request];
    // Given another operator's worker in the worker's place / Then it fails, changing nothing
    let mut ix = commit_ix(&net.env, &operator, &request);
    ix.accounts[2].pubkey = net.env.worker_pda(&other.pubkey());
    net.env.assert_rejected(&[ix], &[&operator], &watched, "Unauthorized");
    // Given the model account in the worker's place / Then it fails, changing nothing
    let mut ix = commit_ix(&net.env, &operator, &request);
    ix.accounts[2].pubkey = net.env.model_pda(&model_id(Network::MODEL));
    net.env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
    // Given the worker's data under another owner / Then it fails, changing nothing
    let worker = net.env.worker_pda(&operator.pubkey());
    net.env.edit_account(&worker, |a| a.owner = Keypair::new().pubkey());
    assert_commit_rejected(&mut net.env, &operator, &request, "InvalidAccountOwner");
}

#[test]
fn the_model_must_be_a_model_account_of_the_program() {
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let watched = [operator.pubkey(), request];
    // Given the operator's worker account in the model's place / Then it fails, changing nothing
    let mut ix = commit_ix(&net.env, &operator, &request);
    ix.accounts[3].pubkey = net.env.worker_pda(&operator.pubkey());
    net.env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
    // Given the model's data under another owner / Then it fails, changing nothing
    let model = net.env.model_pda(&model_id(Network::MODEL));
    net.env.edit_account(&model, |a| a.owner = Keypair::new().pubkey());
    assert_commit_rejected(&mut net.env, &operator, &request, "InvalidAccountOwner");
}

#[test]
fn a_deactivated_model_cannot_be_committed_with() {
    // Given the network's model deactivated by its developer before the commit
    let (mut net, request) = setup(3);
    let developer = net.model_developer.insecure_clone();
    let ix = net.env.ix_deactivate_model(&developer.pubkey(), &model_address(Network::MODEL));
    net.env.send(&[ix], &[&developer]).expect("deactivate_model");
    // When a seated operator commits with it / Then it fails, changing nothing
    assert_commit_with_model_rejected(&mut net, &request, Network::MODEL, "ModelInactive");
}

#[test]
fn a_model_the_worker_did_not_declare_cannot_be_committed_with() {
    // Given a registered model the operator never declared
    let (mut net, request) = setup(3);
    net.env.register_model(OTHER_MODEL, modality::ALL);
    // When the operator commits with it / Then it fails, changing nothing
    assert_commit_with_model_rejected(&mut net, &request, OTHER_MODEL, "ModelNotDeclared");
}

#[test]
fn a_model_must_cover_every_requested_modality() {
    // Given a declared model registered for voice only, and a face request (the default)
    let mut net = Network::new(3);
    net.env.register_model(OTHER_MODEL, modality::VOICE_CLONING);
    for w in net.worker_keys() {
        let ix = net.env.ix_update_worker(
            &w.pubkey(),
            modality::ALL,
            &[model_address(Network::MODEL).to_bytes(), model_address(OTHER_MODEL).to_bytes()],
        );
        net.env.send(&[ix], &[&w]).expect("update_worker");
    }
    let request = net.submit_join_commit(&RequestSpec::default(), &[None, None, None]);
    // When a seat commits with it / Then it fails, changing nothing
    assert_commit_with_model_rejected(&mut net, &request, OTHER_MODEL, "ModelModalityMismatch");
}

#[test]
fn a_drawn_seat_must_be_accepted_before_committing() {
    // Given a worker drawn for a seat it has not accepted
    let mut net = Network::new(3);
    let client = net.client.insecure_clone();
    let request = net.env.submit(&client, &RequestSpec::default());
    net.env.draw(&request).expect("draw_seats");
    let operator = net.workers[0].insecure_clone();
    // When it commits / Then it is told to accept first (no bond backs the seat), changing nothing
    let ix = commit_ix(&net.env, &operator, &request);
    net.env.assert_ix_rejected(&ix, &[&operator], &[], "NotJoined");
    // And once it accepted (positive control) the same commit works
    net.env.join(&operator, &request).expect("join");
    net.env.send(&[commit_ix(&net.env, &operator, &request)], &[&operator]).expect("commit");
}
