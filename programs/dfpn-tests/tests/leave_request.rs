//! `leave_request`: a worker hands back an uncommitted seat in the first half of the commit window; every
//! account check and phase rule.
use dfpn_tests::*;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A network of 4 workers and a default request (3 seats) that the first three joined without committing.
fn setup() -> (Network, Address) {
    let mut net = Network::new(4);
    let request = net.submit_join_commit(&RequestSpec::default(), &[None, None, None]);
    (net, request)
}

fn watched(net: &Network, operator: &Keypair, request: &Address) -> Vec<Address> {
    vec![operator.pubkey(), *request, net.env.worker_pda(&operator.pubkey())]
}

#[test]
fn leaving_frees_the_seat_and_the_bond() {
    // Given three joined seats
    let (mut net, request) = setup();
    let leaver = net.workers[0].insecure_clone();
    let worker = net.env.worker_pda(&leaver.pubkey());
    assert!(net.env.decode("Worker", &worker).unwrap()["bonded"].as_u64().unwrap() > 0);

    // When the first seat leaves early in the commit window
    let ix = net.env.ix_leave_request(&leaver.pubkey(), &request);
    let meta = net.env.send(&[ix], &[&leaver]).expect("leave_request");

    // Then the request has two seats, the last one moved into the freed place
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(r["joined"], 2);
    let mut seated = net.env.drawn(&request);
    seated.sort();
    let mut others = vec![net.workers[1].pubkey(), net.workers[2].pubkey()];
    others.sort();
    assert_eq!(seated, others);
    assert_eq!(r["seats"][2]["authority"], serde_json::json!(vec![0u8; 32]));
    // And its worker holds no seat and no bond, its stake untouched
    let w = net.env.decode("Worker", &worker).unwrap();
    assert_eq!([&w["bonded"], &w["active_seats"]], [0, 0]);
    assert_eq!(w["stake"], net.env.params.min_stake);
    // And a WorkerLeft event says so
    let events = events(&net.env, &meta);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "WorkerLeft");
    assert_eq!(idl::pubkey(&events[0].1["worker"]), leaver.pubkey());
    // And the freed seat is drawn again, and the drawn worker accepts it
    net.env.draw(&request).expect("draw the freed seat");
    let drawn = net.env.drawn(&request);
    assert_eq!(drawn.len(), 3);
    let newcomer = net.workers.iter().find(|w| w.pubkey() == drawn[2]).expect("a pool worker").insecure_clone();
    net.env.join(&newcomer, &request).expect("join the freed seat");
}

#[test]
fn leaving_is_refused_from_the_halfway_point_of_the_commit_window() {
    // Given the clock at the middle of the commit window
    let (mut net, request) = setup();
    let r = net.env.decode("Request", &request).unwrap();
    let (created, commit_deadline) = (r["created_at"].as_i64().unwrap(), r["commit_deadline"].as_i64().unwrap());
    net.env.set_time(created + (commit_deadline - created) / 2);
    // When a seat leaves / Then it is refused, changing nothing (a late leaver would block the request for free)
    let leaver = net.workers[0].insecure_clone();
    let ix = net.env.ix_leave_request(&leaver.pubkey(), &request);
    let watched = watched(&net, &leaver, &request);
    net.env.assert_rejected(&[ix], &[&leaver], &watched, "LeaveWindowClosed");
    // And one second earlier (positive control) it is allowed
    net.env.set_time(created + (commit_deadline - created) / 2 - 1);
    let ix = net.env.ix_leave_request(&leaver.pubkey(), &request);
    net.env.send(&[ix], &[&leaver]).expect("leave");
}

#[test]
fn a_committed_seat_cannot_leave() {
    // Given a seat that committed
    let mut net = Network::new(3);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(a), None, None]);
    let operator = net.workers[0].insecure_clone();
    // When it leaves / Then it is refused, changing nothing
    let ix = net.env.ix_leave_request(&operator.pubkey(), &request);
    let watched = watched(&net, &operator, &request);
    net.env.assert_rejected(&[ix], &[&operator], &watched, "AlreadyCommitted");
}

#[test]
fn a_worker_without_a_seat_cannot_leave() {
    // Given a registered worker that did not join
    let (mut net, request) = setup();
    let outsider = net.workers[3].insecure_clone();
    // When it leaves / Then it is refused, changing nothing
    let ix = net.env.ix_leave_request(&outsider.pubkey(), &request);
    let watched = watched(&net, &outsider, &request);
    net.env.assert_rejected(&[ix], &[&outsider], &watched, "NotJoined");
}

#[test]
fn the_operator_must_sign_and_own_the_worker() {
    let (mut net, request) = setup();
    let [operator, other] = [net.workers[0].insecure_clone(), net.workers[1].insecure_clone()];
    let valid = net.env.ix_leave_request(&operator.pubkey(), &request);
    // Given no signature / Then it fails, changing nothing
    let mut unsigned = valid.clone();
    unsigned.accounts[0].is_signer = false;
    net.env.assert_altered_rejected(&valid, &unsigned, "MissingSignature");
    // Given another operator's worker / Then it fails, changing nothing
    let mut foreign = valid.clone();
    foreign.accounts[1].pubkey = net.env.worker_pda(&other.pubkey());
    let mut watched = watched(&net, &operator, &request);
    watched.push(net.env.worker_pda(&other.pubkey()));
    net.env.assert_rejected(&[foreign], &[&operator], &watched, "Unauthorized");
}

#[test]
fn the_worker_and_the_request_must_be_writable_program_accounts() {
    let (mut net, request) = setup();
    let operator = net.workers[0].insecure_clone();
    let valid = net.env.ix_leave_request(&operator.pubkey(), &request);
    for (index, error) in [(1, "AccountNotWritable"), (2, "AccountNotWritable")] {
        // Given a read-only worker or request / Then it fails, changing nothing
        let mut ix = valid.clone();
        ix.accounts[index].is_writable = false;
        net.env.assert_ix_rejected(&ix, &[&operator], &watched(&net, &operator, &request), error);
    }
    // Given the worker in the request's place / Then it fails, changing nothing
    let mut ix = valid.clone();
    ix.accounts[2].pubkey = net.env.worker_pda(&operator.pubkey());
    net.env.assert_ix_rejected(&ix, &[&operator], &watched(&net, &operator, &request), "InvalidAccountData");
    // Given too few accounts or trailing data / Then it fails, changing nothing
    let mut short = valid.clone();
    short.accounts.pop();
    net.env.assert_ix_rejected(&short, &[&operator], &watched(&net, &operator, &request), "NotEnoughAccounts");
    let mut trailing = valid.clone();
    trailing.data.push(0);
    net.env.assert_ix_rejected(&trailing, &[&operator], &watched(&net, &operator, &request), "InvalidInstructionData");
}
