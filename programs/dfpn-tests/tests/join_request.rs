//! `join_request`: every account check, phase rule and eligibility error of the instruction.
use dfpn_tests::*;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A network of `n` workers and a submitted request for `spec`, its seats drawn (the first workers, in order).
fn setup(n: usize, spec: &RequestSpec) -> (Network, Address) {
    let mut net = Network::new(n);
    let client = net.client.insecure_clone();
    let request = net.env.submit(&client, spec);
    let wanted: Vec<Address> = net.workers.iter().take(spec.max_workers as usize).map(|w| w.pubkey()).collect();
    if !wanted.is_empty() {
        net.env.expect_seats(&request, &wanted);
        net.env.draw(&request).expect("draw_seats");
        assert_eq!(net.env.drawn(&request), wanted);
    }
    (net, request)
}

/// Every account a join by `operator` can touch.
fn watched(env: &Env, operator: &Keypair, request: &Address) -> Vec<Address> {
    vec![operator.pubkey(), env.worker_pda(&operator.pubkey()), *request, env.config()]
}

/// `operator` joins `request` (a separate payer pays the fee); expect `error` and no change.
#[track_caller]
fn assert_join_rejected(env: &mut Env, operator: &Keypair, request: &Address, error: &str) {
    let ix = env.ix_join_request(&operator.pubkey(), request);
    let watched = watched(env, operator, request);
    env.assert_rejected(&[ix], &[operator], &watched, error);
}

#[test]
fn joining_takes_the_next_seat_and_holds_an_active_seat() {
    // Given a request whose first seat is taken
    let (mut net, request) = setup(2, &RequestSpec::default());
    let [first, second] = [net.workers[0].insecure_clone(), net.workers[1].insecure_clone()];
    net.env.join(&first, &request).expect("join");
    let worker = net.env.worker_pda(&second.pubkey());
    let touched = [request, worker, second.pubkey()];
    let before = touched.map(|a| net.env.lamports(&a));

    // When a second worker joins
    let meta = net.env.join(&second, &request).expect("join");

    // Then it holds its drawn seat, joined and nothing more
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(r["joined"], 2);
    assert_eq!(r["commits"], 0);
    let seat = &net.env.seat_of(&r, &second.pubkey());
    assert_eq!(idl::pubkey(&seat["authority"]), second.pubkey());
    assert_eq!(seat["state"], 0);
    assert_eq!(idl::bytes32(&seat["commitment"]), [0; 32]);
    // And its worker counts one active seat
    assert_eq!(net.env.decode("Worker", &worker).unwrap()["active_seats"], 1);
    // And no lamports moved but the operator's transaction fee
    assert_eq!(touched.map(|a| net.env.lamports(&a)), [before[0], before[1], before[2] - meta.fee]);
    // And a WorkerJoined event names the seat
    let events = events(&net.env, &meta);
    assert_eq!(events.len(), 1);
    let (name, e) = &events[0];
    assert_eq!(name, "WorkerJoined");
    assert_eq!(idl::pubkey(&e["request"]), request);
    assert_eq!(idl::pubkey(&e["worker"]), second.pubkey());
    assert_eq!(e["seat"], 1);
}

#[test]
fn joining_works_until_the_commit_deadline_and_not_at_it() {
    // Given a request one second before its commit deadline
    let (mut net, request) = setup(2, &RequestSpec::default());
    let commit_deadline = net.env.decode("Request", &request).unwrap()["commit_deadline"].as_i64().unwrap();
    net.env.set_time(commit_deadline - 1);
    // When a worker joins / Then it gets a seat
    let first = net.workers[0].insecure_clone();
    net.env.join(&first, &request).expect("join in the last second");
    // When another joins at the commit deadline / Then it fails, changing nothing
    net.env.set_time(commit_deadline);
    let second = net.workers[1].insecure_clone();
    assert_join_rejected(&mut net.env, &second, &request, "CommitPhaseClosed");
}

#[test]
fn fewer_than_four_accounts_are_rejected() {
    // Given a join without the config
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let mut ix = net.env.ix_join_request(&operator.pubkey(), &request);
    ix.accounts.pop();
    // When the operator sends it / Then it fails, changing nothing
    let watched = watched(&net.env, &operator, &request);
    net.env.assert_rejected(&[ix], &[&operator], &watched, "NotEnoughAccounts");
}

#[test]
fn the_operator_must_sign() {
    // Given a join naming the operator without its signature
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let mut ix = net.env.ix_join_request(&operator.pubkey(), &request);
    ix.accounts[0].is_signer = false;
    // When someone else sends it / Then it fails, changing nothing
    let watched = watched(&net.env, &operator, &request);
    net.env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn the_worker_must_be_writable() {
    // Given a join with the worker read-only
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let mut ix = net.env.ix_join_request(&operator.pubkey(), &request);
    ix.accounts[1].is_writable = false;
    // When the operator sends it / Then it fails, changing nothing
    let watched = watched(&net.env, &operator, &request);
    net.env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn the_worker_must_be_owned_by_the_program() {
    // Given the operator's worker data under another owner
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let worker = net.env.worker_pda(&operator.pubkey());
    net.env.edit_account(&worker, |a| a.owner = Keypair::new().pubkey());
    // When it joins / Then it fails, changing nothing
    assert_join_rejected(&mut net.env, &operator, &request, "InvalidAccountOwner");
}

#[test]
fn the_worker_must_hold_a_worker() {
    let (mut net, request) = setup(2, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    // Given another request (program-owned, another type) in the worker's place
    let client = net.client.insecure_clone();
    let other = net.env.submit(&client, &RequestSpec { nonce: 2, ..Default::default() });
    let mut ix = net.env.ix_join_request(&operator.pubkey(), &request);
    ix.accounts[1].pubkey = other;
    // When the operator sends it / Then it fails, changing nothing
    let mut with_other = watched(&net.env, &operator, &request);
    with_other.push(other);
    net.env.assert_rejected(&[ix], &[&operator], &with_other, "InvalidAccountData");

    // Given the worker with a corrupted discriminator
    let worker = net.env.worker_pda(&operator.pubkey());
    net.env.edit_account(&worker, |a| a.data[0] ^= 0xff);
    // When the operator joins / Then it fails, changing nothing
    assert_join_rejected(&mut net.env, &operator, &request, "InvalidAccountData");
}

#[test]
fn the_worker_must_belong_to_the_signer() {
    // Given an operator passing another operator's worker
    let (mut net, request) = setup(2, &RequestSpec::default());
    let [operator, other] = [net.workers[0].insecure_clone(), net.workers[1].insecure_clone()];
    let mut ix = net.env.ix_join_request(&operator.pubkey(), &request);
    ix.accounts[1].pubkey = net.env.worker_pda(&other.pubkey());
    // When it joins / Then it fails, changing nothing
    let mut watched = watched(&net.env, &operator, &request);
    watched.push(net.env.worker_pda(&other.pubkey()));
    net.env.assert_rejected(&[ix], &[&operator], &watched, "Unauthorized");
}

#[test]
fn the_request_must_be_writable() {
    // Given a join with the request read-only
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let mut ix = net.env.ix_join_request(&operator.pubkey(), &request);
    ix.accounts[2].is_writable = false;
    // When the operator sends it / Then it fails, changing nothing
    let watched = watched(&net.env, &operator, &request);
    net.env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn the_request_must_be_owned_by_the_program() {
    // Given the request's data under another owner
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    net.env.edit_account(&request, |a| a.owner = Keypair::new().pubkey());
    // When a worker joins it / Then it fails, changing nothing
    assert_join_rejected(&mut net.env, &operator, &request, "InvalidAccountOwner");
}

#[test]
fn the_request_must_hold_a_request() {
    let (mut net, request) = setup(2, &RequestSpec::default());
    let [operator, other] = [net.workers[0].insecure_clone(), net.workers[1].insecure_clone()];
    // Given another worker's account in the request's place
    let other_worker = net.env.worker_pda(&other.pubkey());
    // When the operator joins it / Then it fails, changing nothing
    assert_join_rejected(&mut net.env, &operator, &other_worker, "InvalidAccountData");

    // Given the request with a corrupted discriminator
    net.env.edit_account(&request, |a| a.data[0] ^= 0xff);
    // When the operator joins it / Then it fails, changing nothing
    assert_join_rejected(&mut net.env, &operator, &request, "InvalidAccountData");
}

#[test]
fn the_config_must_be_owned_by_the_program() {
    // Given the config's data under another owner
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let config = net.env.config();
    net.env.edit_account(&config, |a| a.owner = Keypair::new().pubkey());
    // When a worker joins / Then it fails, changing nothing
    assert_join_rejected(&mut net.env, &operator, &request, "InvalidAccountOwner");
}

#[test]
fn the_config_must_hold_a_config() {
    // Given the insurance vault in the config's place
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let mut ix = net.env.ix_join_request(&operator.pubkey(), &request);
    ix.accounts[3].pubkey = net.env.insurance();
    // When the operator sends it / Then it fails, changing nothing
    let mut watched = watched(&net.env, &operator, &request);
    watched.push(net.env.insurance());
    net.env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn trailing_data_is_rejected() {
    // Given a join with an argument byte it does not take
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let mut ix = net.env.ix_join_request(&operator.pubkey(), &request);
    ix.data.push(0);
    // When the operator sends it / Then it fails, changing nothing
    let watched = watched(&net.env, &operator, &request);
    net.env.assert_rejected(&[ix], &[&operator], &watched, "InvalidInstructionData");
}

#[test]
fn an_expired_request_cannot_be_joined() {
    // Given a request nobody joined, expired after its commit deadline
    let (mut net, request) = setup(1, &RequestSpec::default());
    net.to_reveal_phase(&request);
    let ix = net.env.ix_expire_request(&request);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    net.env.send(&[ix], &[&cranker]).expect("expire");
    // When a worker joins / Then it fails, changing nothing
    let operator = net.workers[0].insecure_clone();
    assert_join_rejected(&mut net.env, &operator, &request, "RequestNotOpen");
}

#[test]
fn joining_once_every_seat_has_committed_is_rejected() {
    // Given a request whose three seats all committed before the commit deadline
    let mut net = Network::new(4);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(a.clone()), Some(a.clone()), Some(a)]);
    // When a fourth worker joins / Then the commit phase is already over
    let late = net.workers[3].insecure_clone();
    assert_join_rejected(&mut net.env, &late, &request, "CommitPhaseClosed");
}

#[test]
fn a_worker_the_draw_did_not_seat_cannot_join() {
    // Given a request whose three seats were drawn among four workers, and accepted
    let mut net = Network::new(4);
    let request = net.submit_join_commit(&RequestSpec::default(), &[None, None, None]);
    // When the fourth worker, not drawn, joins / Then it fails, changing nothing: seats are drawn, not taken
    let late = net.workers[3].insecure_clone();
    assert_join_rejected(&mut net.env, &late, &request, "NotDrawn");
}

#[test]
fn joining_twice_is_rejected() {
    // Given a worker holding a seat
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    net.env.join(&operator, &request).expect("join");
    // When it sends the same join again (a replay) / Then it fails, changing nothing
    assert_join_rejected(&mut net.env, &operator, &request, "AlreadyJoined");
}

#[test]
fn an_unbonding_worker_cannot_join() {
    // Given a worker that asked to unstake
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let ix = net.env.ix_request_unstake(&operator.pubkey(), 1);
    net.env.send(&[ix], &[&operator]).expect("request_unstake");
    // When it joins / Then it fails, changing nothing
    assert_join_rejected(&mut net.env, &operator, &request, "WorkerUnbonding");
}

#[test]
fn a_worker_below_the_minimum_stake_cannot_join() {
    // Given the authority doubled the minimum stake after the worker registered
    let (mut net, request) = setup(1, &RequestSpec::default());
    let mut params = net.env.params.clone();
    params.min_stake *= 2;
    params.draw_stake_cap = params.min_stake;
    let authority = net.env.authority.insecure_clone();
    let ix = net.env.ix_update_config(&authority.pubkey(), &params);
    net.env.send(&[ix], &[&authority]).expect("update_config");
    // When the worker joins / Then it fails, changing nothing
    let operator = net.workers[0].insecure_clone();
    assert_join_rejected(&mut net.env, &operator, &request, "InsufficientStake");
}

#[test]
fn a_worker_lacking_a_requested_modality_cannot_join() {
    // Given a face-manipulation-only worker and a request for face manipulation and voice cloning
    let mut net = Network::new(0);
    let stake = net.env.params.min_stake;
    let face_only = net.env.register_worker(stake, modality::FACE_MANIPULATION, &[Network::MODEL]);
    let image_only = net.env.register_worker(stake, modality::IMAGE_AUTHENTICITY, &[Network::MODEL]);
    let client = net.client.insecure_clone();
    let both = net.env.submit(
        &client,
        &RequestSpec { modalities: modality::FACE_MANIPULATION | modality::VOICE_CLONING, ..Default::default() },
    );
    let face = net.env.submit(&client, &RequestSpec { nonce: 2, ..Default::default() });
    // When their seats are drawn / Then nobody lacking a modality is drawn
    net.env.draw(&both).expect("draw_seats");
    assert!(net.env.drawn(&both).is_empty());
    net.env.draw(&face).expect("draw_seats");
    assert_eq!(net.env.drawn(&face), vec![face_only.pubkey()]);
    // When a drawn worker drops the modality before accepting / Then it cannot accept, changing nothing
    let ix = net.env.ix_update_worker(
        &face_only.pubkey(),
        modality::IMAGE_AUTHENTICITY,
        &[model_address(Network::MODEL).to_bytes()],
    );
    net.env.send(&[ix], &[&face_only]).expect("update_worker: a drawn seat is not an active one");
    assert_join_rejected(&mut net.env, &face_only, &face, "ModalityNotSupported");
    assert_join_rejected(&mut net.env, &image_only, &both, "ModalityNotSupported");
}

#[test]
fn an_active_seat_counter_at_its_maximum_is_rejected() {
    // Given a worker whose active-seat counter is at u16::MAX (forged: unreachable with 10-seat requests)
    let (mut net, request) = setup(1, &RequestSpec::default());
    let operator = net.workers[0].insecure_clone();
    let worker = net.env.worker_pda(&operator.pubkey());
    net.env.set_field(&worker, "Worker", "active_seats", &u16::MAX.to_le_bytes());
    assert_eq!(net.env.decode("Worker", &worker).unwrap()["active_seats"], u16::MAX);
    // When it joins / Then it fails, changing nothing
    assert_join_rejected(&mut net.env, &operator, &request, "ArithmeticOverflow");
}
