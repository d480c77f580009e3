//! `reveal_result`: every account check, argument rule, phase rule and seat error of the instruction.
use dfpn_tests::*;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

const OTHER_MODEL: &str = "other-model";

fn answers() -> [Answer; 3] {
    [
        Answer::new(MANIPULATED, 90, Network::MODEL),
        Answer::new(MANIPULATED, 80, Network::MODEL),
        Answer::new(AUTHENTIC, 70, Network::MODEL),
    ]
}

/// The first three of `net`'s workers commit `answers` to a default request (3 seats): the commit phase
/// closes with the third commitment, so the request is in its reveal phase.
fn commit_all(net: &mut Network, answers: &[Answer; 3]) -> Address {
    net.submit_join_commit(&RequestSpec::default(), &answers.clone().map(Some))
}

/// A network of `n` workers and a request in its reveal phase, committed to with `answers()`.
fn setup(n: usize) -> (Network, Address) {
    let mut net = Network::new(n);
    let request = commit_all(&mut net, &answers());
    (net, request)
}

/// Every account a reveal by `operator` of `answer` can touch.
fn watched(env: &Env, operator: &Keypair, request: &Address, answer: &Answer) -> Vec<Address> {
    vec![operator.pubkey(), *request, env.worker_pda(&operator.pubkey()), solana_address::Address::from(answer.model)]
}

/// `operator` reveals `answer` (a separate payer pays the fee); expect `error` and no change.
#[track_caller]
fn assert_reveal_rejected(env: &mut Env, operator: &Keypair, request: &Address, answer: &Answer, error: &str) {
    let ix = env.ix_reveal_result(&operator.pubkey(), request, answer);
    let watched = watched(env, operator, request, answer);
    env.assert_rejected(&[ix], &[operator], &watched, error);
}

#[test]
fn revealing_a_matching_answer_records_it_on_the_seat() {
    // Given a request whose three seats committed
    let (mut net, request) = setup(3);
    let operator = net.workers[1].insecure_clone();
    let answer = &answers()[1];
    let touched = [
        request,
        net.env.worker_pda(&operator.pubkey()),
        solana_address::Address::from(answer.model),
        operator.pubkey(),
    ];
    let before = touched.map(|a| net.env.lamports(&a));

    // When the second seat reveals its answer
    let ix = net.env.ix_reveal_result(&operator.pubkey(), &request, answer);
    let meta = net.env.send(&[ix], &[&operator]).expect("reveal_result");

    // Then its seat holds the answer and the request counts one reveal
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(r["reveals"], 1);
    assert_eq!(r["commits"], 3);
    assert_eq!(r["status"], 0);
    let seat = &net.env.seat_of(&r, &operator.pubkey());
    assert_eq!(seat["state"], 2);
    assert_eq!(seat["verdict"], answer.verdict);
    assert_eq!(seat["confidence"], answer.confidence);
    assert_eq!(idl::pubkey(&seat["model"]).to_bytes(), answer.model);
    assert_eq!(idl::bytes32(&seat["report_hash"]), answer.report_hash);
    assert_eq!(idl::text(&seat["report_uri"], &seat["report_uri_len"]), answer.report_uri);
    assert_eq!(net.env.seat_of(&r, &net.workers[0].pubkey())["state"], 1, "other seats untouched");
    // And no lamports moved but the operator's transaction fee
    assert_eq!(touched.map(|a| net.env.lamports(&a)), [before[0], before[1], before[2], before[3] - meta.fee]);
    // And a ResultRevealed event carries the answer
    let events = events(&net.env, &meta);
    assert_eq!(events.len(), 1);
    let (name, e) = &events[0];
    assert_eq!(name, "ResultRevealed");
    assert_eq!(idl::pubkey(&e["request"]), request);
    assert_eq!(idl::pubkey(&e["worker"]), operator.pubkey());
    assert_eq!((e["verdict"].as_u64(), e["confidence"].as_u64()), (Some(MANIPULATED as u64), Some(80)));
    assert_eq!(idl::pubkey(&e["model"]).to_bytes(), answer.model);
    assert_eq!(idl::bytes32(&e["report_hash"]), answer.report_hash);
    assert_eq!(e["report_uri"], answer.report_uri.as_str());
}

#[test]
fn a_128_byte_report_uri_is_stored_and_emitted_intact() {
    // Given a committed answer whose report URI has the maximum length
    let mut net = Network::new(3);
    let mut a = answers();
    a[0].report_uri = format!("ipfs://{}", "r".repeat(128 - "ipfs://".len()));
    let request = commit_all(&mut net, &a);
    // When it is revealed
    let operator = net.workers[0].insecure_clone();
    let meta = net.env.reveal(&operator, &request, &a[0]).expect("reveal");
    // Then seat and event hold all 128 bytes
    let r = net.env.decode("Request", &request).unwrap();
    let seat = net.env.seat_of(&r, &operator.pubkey());
    assert_eq!(idl::text(&seat["report_uri"], &seat["report_uri_len"]), a[0].report_uri);
    assert_eq!(events(&net.env, &meta)[0].1["report_uri"], a[0].report_uri.as_str());
}

#[test]
fn revealing_opens_once_every_seat_committed_or_at_the_commit_deadline() {
    // Given a request whose three seats committed well before the commit deadline
    let (mut net, request) = setup(3);
    let r = net.env.decode("Request", &request).unwrap();
    assert!(net.env.now() < r["commit_deadline"].as_i64().unwrap());
    // When a seat reveals right away / Then it is accepted
    let operator = net.workers[0].insecure_clone();
    net.env.reveal(&operator, &request, &answers()[0]).expect("reveal before the commit deadline");

    // Given a request with 3 of 4 seats committed
    let mut net = Network::new(4);
    let spec = RequestSpec { max_workers: 4, ..Default::default() };
    let a = answers();
    let request = net.submit_join_commit(&spec, &[Some(a[0].clone()), Some(a[1].clone()), Some(a[2].clone()), None]);
    let operator = net.workers[0].insecure_clone();
    // When a seat reveals before the commit deadline / Then the phase has not started
    assert_reveal_rejected(&mut net.env, &operator, &request, &a[0], "RevealPhaseNotStarted");
    // When it reveals at the commit deadline / Then it is accepted
    net.to_reveal_phase(&request);
    net.env.reveal(&operator, &request, &a[0]).expect("reveal at the commit deadline");
}

#[test]
fn revealing_works_until_the_deadline_and_not_at_it() {
    // Given a request one second before its deadline
    let (mut net, request) = setup(3);
    let deadline = net.env.decode("Request", &request).unwrap()["deadline"].as_i64().unwrap();
    net.env.set_time(deadline - 1);
    // When a seat reveals / Then it is accepted
    let [first, second] = [net.workers[0].insecure_clone(), net.workers[1].insecure_clone()];
    net.env.reveal(&first, &request, &answers()[0]).expect("reveal in the last second");
    // When another reveals at the deadline / Then it fails, changing nothing
    net.env.set_time(deadline);
    assert_reveal_rejected(&mut net.env, &second, &request, &answers()[1], "RevealPhaseClosed");
}

#[test]
fn revealing_with_too_few_commitments_never_starts() {
    // Given a request where only two of the three required seats committed, past its commit deadline
    let mut net = Network::new(3);
    let a = answers();
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(a[0].clone()), Some(a[1].clone()), None]);
    net.to_reveal_phase(&request);
    // When a committed seat reveals / Then it fails, changing nothing
    let operator = net.workers[0].insecure_clone();
    assert_reveal_rejected(&mut net.env, &operator, &request, &a[0], "RevealPhaseNotStarted");
}

#[test]
fn fewer_than_two_accounts_are_rejected() {
    // Given a reveal without the request account
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let answer = &answers()[0];
    let mut ix = net.env.ix_reveal_result(&operator.pubkey(), &request, answer);
    ix.accounts.pop();
    // When the operator sends it / Then it fails, changing nothing
    let watched = watched(&net.env, &operator, &request, answer);
    net.env.assert_rejected(&[ix], &[&operator], &watched, "NotEnoughAccounts");
}

#[test]
fn the_operator_must_sign() {
    // Given a reveal naming a seated operator without its signature
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let answer = &answers()[0];
    let mut ix = net.env.ix_reveal_result(&operator.pubkey(), &request, answer);
    ix.accounts[0].is_signer = false;
    // When someone else sends it / Then it fails, changing nothing
    let watched = watched(&net.env, &operator, &request, answer);
    net.env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn the_request_must_be_writable() {
    // Given a reveal with the request read-only
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let answer = &answers()[0];
    let mut ix = net.env.ix_reveal_result(&operator.pubkey(), &request, answer);
    ix.accounts[1].is_writable = false;
    // When the operator sends it / Then it fails, changing nothing
    let watched = watched(&net.env, &operator, &request, answer);
    net.env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn the_request_must_be_owned_by_the_program() {
    // Given the request's data under another owner
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    net.env.edit_account(&request, |a| a.owner = Keypair::new().pubkey());
    // When a committed seat reveals / Then it fails, changing nothing
    assert_reveal_rejected(&mut net.env, &operator, &request, &answers()[0], "InvalidAccountOwner");
}

#[test]
fn the_request_must_hold_a_request() {
    let (mut net, request) = setup(3);
    let [operator, other] = [net.workers[0].insecure_clone(), net.workers[1].insecure_clone()];
    // Given another worker's account in the request's place
    let other_worker = net.env.worker_pda(&other.pubkey());
    // When the operator reveals to it / Then it fails, changing nothing
    assert_reveal_rejected(&mut net.env, &operator, &other_worker, &answers()[0], "InvalidAccountData");

    // Given the request with a corrupted discriminator
    net.env.edit_account(&request, |a| a.data[0] ^= 0xff);
    // When the operator reveals to it / Then it fails, changing nothing
    assert_reveal_rejected(&mut net.env, &operator, &request, &answers()[0], "InvalidAccountData");
}

#[test]
fn truncated_or_trailing_data_is_rejected() {
    // Given a reveal missing its last byte, and one with a byte too many
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let answer = &answers()[0];
    let ix = net.env.ix_reveal_result(&operator.pubkey(), &request, answer);
    let mut truncated = ix.clone();
    truncated.data.pop();
    let mut trailing = ix;
    trailing.data.push(0);
    let watched = watched(&net.env, &operator, &request, answer);
    for bad in [truncated, trailing] {
        // When the operator sends it / Then it fails, changing nothing
        net.env.assert_rejected(&[bad], &[&operator], &watched, "InvalidInstructionData");
    }
}

#[test]
fn an_unknown_verdict_or_a_confidence_over_100_is_rejected() {
    // Given a committed seat in the reveal phase
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    for (verdict, confidence, error) in [
        (3, 90, "InvalidVerdict"),
        (255, 90, "InvalidVerdict"),
        (MANIPULATED, 101, "InvalidConfidence"),
        (MANIPULATED, 255, "InvalidConfidence"),
    ] {
        // When it reveals a verdict above Manipulated or a confidence above 100 / Then it fails with the error that
        // names the bad field, changing nothing
        let answer = Answer { verdict, confidence, ..answers()[0].clone() };
        assert_reveal_rejected(&mut net.env, &operator, &request, &answer, error);
    }
}

#[test]
fn an_empty_too_long_or_spaced_report_uri_is_rejected() {
    // Given a committed seat in the reveal phase
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    let too_long = format!("ipfs://{}", "r".repeat(129 - "ipfs://".len()));
    for uri in ["", too_long.as_str(), "ipfs://my report", "ipfs://réport"] {
        // When it reveals with an empty, 129-byte, spaced or non-ASCII report URI / Then it fails, changing nothing
        let answer = Answer { report_uri: uri.into(), ..answers()[0].clone() };
        assert_reveal_rejected(&mut net.env, &operator, &request, &answer, "InvalidReportUri");
    }
}

#[test]
fn a_finalized_request_cannot_be_revealed_to() {
    // Given a request finalized at its deadline with one seat silent
    let (mut net, request) = setup(3);
    let workers = net.worker_keys();
    for (w, a) in workers.iter().zip(answers()).take(2) {
        net.env.reveal(w, &request, &a).expect("reveal");
    }
    net.to_deadline(&request);
    net.env.finalize(&request).expect("finalize");
    // When the silent seat reveals / Then it fails, changing nothing
    assert_reveal_rejected(&mut net.env, &workers[2], &request, &answers()[2], "RequestNotOpen");
}

#[test]
fn a_model_deactivated_after_the_commit_still_backs_the_reveal() {
    // Given a worker that committed an answer from a model its developer then deactivated (the attack: the
    // developer flips verdicts by getting honest committers slashed for a reveal that can no longer succeed)
    let mut net = Network::new(3);
    let (developer, _) = net.env.register_model(OTHER_MODEL, modality::ALL);
    let operator = net.workers[0].insecure_clone();
    let ix = net.env.ix_update_worker(
        &operator.pubkey(),
        modality::ALL,
        &[model_address(Network::MODEL).to_bytes(), model_address(OTHER_MODEL).to_bytes()],
    );
    net.env.send(&[ix], &[&operator]).expect("update_worker");
    let mut a = answers();
    a[0] = Answer::new(MANIPULATED, 90, OTHER_MODEL);
    let request = commit_all(&mut net, &a);
    let ix = net.env.ix_deactivate_model(&developer.pubkey(), &model_address(OTHER_MODEL));
    net.env.send(&[ix], &[&developer]).expect("deactivate_model");
    // When it reveals / Then the reveal is accepted with the model fixed at commit
    net.env.reveal(&operator, &request, &a[0]).expect("reveal after deactivation");
    let r = net.env.decode("Request", &request).unwrap();
    let seat = net.env.seat_of(&r, &operator.pubkey());
    assert_eq!(idl::pubkey(&seat["model"]), model_address(OTHER_MODEL));
    assert_eq!(seat["state"], 2);
}

#[test]
fn a_worker_without_a_seat_cannot_reveal() {
    // Given a registered worker that did not join the request
    let (mut net, request) = setup(4);
    let outsider = net.workers[3].insecure_clone();
    // When it reveals / Then it fails, changing nothing
    assert_reveal_rejected(&mut net.env, &outsider, &request, &answers()[0], "NotJoined");
}

#[test]
fn a_seat_that_never_committed_cannot_reveal() {
    // Given a request with 4 seats where the fourth joined but did not commit, in its reveal phase
    let mut net = Network::new(4);
    let a = answers();
    let spec = RequestSpec { max_workers: 4, ..Default::default() };
    let request = net.submit_join_commit(&spec, &[Some(a[0].clone()), Some(a[1].clone()), Some(a[2].clone()), None]);
    net.to_reveal_phase(&request);
    // When the fourth seat reveals / Then it fails, changing nothing
    let silent = net.workers[3].insecure_clone();
    assert_reveal_rejected(&mut net.env, &silent, &request, &a[0], "NotCommitted");
}

#[test]
fn a_seat_reveals_only_once() {
    // Given a seat that revealed
    let (mut net, request) = setup(3);
    let operator = net.workers[0].insecure_clone();
    net.env.reveal(&operator, &request, &answers()[0]).expect("reveal");
    // When it sends the same reveal again (a replay) / Then it fails, changing nothing
    assert_reveal_rejected(&mut net.env, &operator, &request, &answers()[0], "AlreadyRevealed");
}

#[test]
fn another_workers_answer_does_not_open_a_commitment() {
    // Given the first seat revealed its answer publicly
    let (mut net, request) = setup(3);
    let [first, third] = [net.workers[0].insecure_clone(), net.workers[2].insecure_clone()];
    net.env.reveal(&first, &request, &answers()[0]).expect("reveal");
    // When the third seat, which committed to something else, replays that answer / Then it fails, changing nothing
    assert_reveal_rejected(&mut net.env, &third, &request, &answers()[0], "CommitmentMismatch");
}
