//! `expire_request`: the full refund, every account check (fixed and remaining accounts) and phase rule.
use dfpn_tests::*;
use solana_account::Account;
use solana_address::Address;
use solana_instruction::{AccountMeta, Instruction};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Send `ixs` signed by `signers` with a fresh fee payer (so its fee touches none of `watched`), and assert
/// the program rejects it with `error` leaving every watched account exactly as it was.
#[track_caller]
fn assert_rejected(env: &mut Env, ixs: &[Instruction], signers: &[&Keypair], watched: &[Address], error: &str) {
    let payer = env.keypair(LAMPORTS_PER_SOL);
    let signers: Vec<&Keypair> = std::iter::once(&payer).chain(signers.iter().copied()).collect();
    let before = env.snapshot(watched);
    let result = env.send(ixs, &signers);
    assert_error(env, &result, error);
    assert_eq!(env.snapshot(watched), before, "{error}: accounts changed");
}

/// Overwrite a stored account (to forge owners and data the program must refuse).
fn edit(env: &mut Env, address: &Address, change: impl FnOnce(&mut Account)) {
    let mut account = env.account(address).expect("account exists");
    change(&mut account);
    env.svm.set_account(*address, account).unwrap();
}

/// `ix`, an altered copy of the `valid` expire, fails with `error`; nothing either names changes.
#[track_caller]
fn assert_expire_rejected(env: &mut Env, valid: &Instruction, ix: &Instruction, error: &str) {
    let watched: Vec<Address> = valid.accounts.iter().chain(&ix.accounts).map(|m| m.pubkey).collect();
    assert_rejected(env, std::slice::from_ref(ix), &[], &watched, error);
}

/// Fixed accounts before the seat accounts.
const FIXED: usize = 2;

fn answer() -> Answer {
    Answer::new(MANIPULATED, 90, Network::MODEL)
}

/// A network of `n` (≥ 3) workers and a default request (3 required) where two seats committed and a third
/// only joined, at its commit deadline: expirable. Returns the request and its valid expire instruction.
fn setup(n: usize) -> (Network, Address, Instruction) {
    let mut net = Network::new(n);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(answer()), Some(answer()), None]);
    net.to_reveal_phase(&request);
    let ix = net.env.ix_expire_request(&request);
    (net, request, ix)
}

#[test]
fn expiring_refunds_the_whole_escrow_and_releases_every_seat() {
    // Given a request with two commitments of the three required, at its commit deadline
    let (mut net, request, ix) = setup(3);
    let env = &mut net.env;
    let spec = RequestSpec::default();
    let worker_pdas: Vec<Address> = net.workers.iter().map(|w| env.worker_pda(&w.pubkey())).collect();
    let workers_before: Vec<serde_json::Value> = worker_pdas.iter().map(|w| env.decode("Worker", w).unwrap()).collect();
    let cranker = env.keypair(LAMPORTS_PER_SOL);
    let client = net.client.pubkey();
    let mut touched = vec![request, client, env.treasury(), env.insurance(), cranker.pubkey()];
    touched.extend(&worker_pdas);
    let before: Vec<u64> = touched.iter().map(|a| env.lamports(a)).collect();

    // When anyone expires it
    assert_eq!(ix.accounts.len(), FIXED + 3, "one account per seat");
    let meta = env.send(&[ix], &[&cranker]).expect("expire");

    // Then the whole escrow goes back to the client, the request keeps its rent, nobody is paid or slashed
    let rent = env.rent(env.idl.account_len("Request"));
    let after: Vec<u64> = touched.iter().map(|a| env.lamports(a)).collect();
    let mut expected = before.clone();
    expected[0] = rent;
    expected[1] += spec.max_fee;
    expected[4] -= meta.fee;
    assert_eq!(after, expected);
    assert_eq!(before[0], rent + spec.max_fee);
    // And the request is expired with nothing left in escrow
    let r = env.decode("Request", &request).unwrap();
    assert_eq!([&r["status"], &r["escrow"], &r["commits"], &r["verdict"], &r["finalized_at"]], [2, 0, 2, 0, 0]);
    // And every worker holds one seat fewer and nothing else changed
    for (pda, was) in worker_pdas.iter().zip(workers_before) {
        let mut now = env.decode("Worker", pda).unwrap();
        assert_eq!((was["active_seats"].as_u64(), now["active_seats"].as_u64()), (Some(1), Some(0)));
        now["active_seats"] = was["active_seats"].clone();
        assert_eq!(now, was);
    }
    // And a RequestExpired event reports the refund
    let events = events(env, &meta);
    assert_eq!(events.len(), 1);
    let (name, e) = &events[0];
    assert_eq!(name, "RequestExpired");
    assert_eq!(idl::pubkey(&e["request"]), request);
    assert_eq!(e["refund"], spec.max_fee);
}

#[test]
fn a_request_nobody_joined_expires_without_seat_accounts() {
    // Given a request nobody joined, at its commit deadline
    let mut net = Network::new(0);
    let client = net.client.insecure_clone();
    let request = net.env.submit(&client, &RequestSpec::default());
    net.to_reveal_phase(&request);
    let before = net.env.lamports(&client.pubkey());
    // When anyone expires it
    let ix = net.env.ix_expire_request(&request);
    assert_eq!(ix.accounts.len(), FIXED);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    net.env.send(&[ix], &[&cranker]).expect("expire");
    // Then the client has its escrow back
    assert_eq!(net.env.lamports(&client.pubkey()), before + RequestSpec::default().max_fee);
    assert_eq!(net.env.decode("Request", &request).unwrap()["status"], 2);
}

#[test]
fn expiring_works_at_the_commit_deadline_and_not_a_second_before() {
    // Given an under-committed request one second before its commit deadline
    let mut net = Network::new(3);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(answer()), Some(answer()), None]);
    let commit_deadline = net.env.decode("Request", &request).unwrap()["commit_deadline"].as_i64().unwrap();
    net.env.set_time(commit_deadline - 1);
    // When anyone expires it / Then the commit phase is still open
    let ix = net.env.ix_expire_request(&request);
    assert_expire_rejected(&mut net.env, &ix, &ix, "CannotExpire");
    // When the commit deadline arrives / Then it expires
    net.env.set_time(commit_deadline);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    net.env.send(&[ix], &[&cranker]).expect("expire at the commit deadline");
}

#[test]
fn a_request_with_enough_commitments_cannot_expire() {
    // Given a request whose three required seats committed
    let mut net = Network::new(3);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(answer()), Some(answer()), Some(answer())]);
    let ix = net.env.ix_expire_request(&request);
    // When anyone expires it in the reveal phase, or after the deadline nobody finalized / Then it fails, changing nothing
    net.to_reveal_phase(&request);
    assert_expire_rejected(&mut net.env, &ix, &ix, "CannotExpire");
    net.to_deadline(&request);
    assert_expire_rejected(&mut net.env, &ix, &ix, "CannotExpire");
}

#[test]
fn a_request_expires_only_once() {
    // Given an expired request
    let (mut net, _, ix) = setup(3);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    net.env.send(std::slice::from_ref(&ix), &[&cranker]).expect("expire");
    // When the same expire is sent again (a replay) / Then it fails, changing nothing
    assert_expire_rejected(&mut net.env, &ix, &ix, "RequestNotOpen");
}

#[test]
fn a_finalized_request_cannot_expire() {
    // Given a finalized request
    let mut net = Network::new(3);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(answer()), Some(answer()), Some(answer())]);
    for w in net.worker_keys() {
        net.env.reveal(&w, &request, &answer()).expect("reveal");
    }
    net.env.finalize(&request).expect("finalize");
    // When anyone expires it / Then it fails, changing nothing
    let ix = net.env.ix_expire_request(&request);
    assert_expire_rejected(&mut net.env, &ix, &ix, "RequestNotOpen");
}

#[test]
fn fewer_than_two_accounts_are_rejected() {
    // Given an expire without the client and seat accounts
    let (mut net, _, valid) = setup(3);
    let mut ix = valid.clone();
    ix.accounts.truncate(FIXED - 1);
    // When a cranker sends it / Then it fails, changing nothing
    assert_expire_rejected(&mut net.env, &valid, &ix, "NotEnoughAccounts");
}

#[test]
fn trailing_data_is_rejected() {
    // Given an expire with an argument byte it does not take
    let (mut net, _, valid) = setup(3);
    let mut ix = valid.clone();
    ix.data.push(0);
    // When a cranker sends it / Then it fails, changing nothing
    assert_expire_rejected(&mut net.env, &valid, &ix, "InvalidInstructionData");
}

#[test]
fn every_account_must_be_writable() {
    // Given an expire with the request, the client or a seat's worker read-only
    let (mut net, _, valid) = setup(3);
    for index in [0, 1, FIXED + 1] {
        let mut ix = valid.clone();
        ix.accounts[index].is_writable = false;
        // When it is sent / Then it fails, changing nothing
        assert_expire_rejected(&mut net.env, &valid, &ix, "AccountNotWritable");
    }
}

#[test]
fn the_request_must_be_owned_by_the_program() {
    // Given the request's data under another owner
    let (mut net, request, valid) = setup(3);
    edit(&mut net.env, &request, |a| a.owner = Keypair::new().pubkey());
    // When a cranker expires it / Then it fails, changing nothing
    assert_expire_rejected(&mut net.env, &valid, &valid, "InvalidAccountOwner");
}

#[test]
fn the_request_must_hold_a_request() {
    let (mut net, request, valid) = setup(3);
    // Given a worker account in the request's place
    let mut ix = valid.clone();
    ix.accounts[0].pubkey = valid.accounts[FIXED].pubkey;
    // When a cranker sends it / Then it fails, changing nothing
    assert_expire_rejected(&mut net.env, &valid, &ix, "InvalidAccountData");

    // Given the request with a corrupted discriminator
    edit(&mut net.env, &request, |a| a.data[0] ^= 0xff);
    // When a cranker expires it / Then it fails, changing nothing
    assert_expire_rejected(&mut net.env, &valid, &valid, "InvalidAccountData");
}

#[test]
fn the_client_must_be_the_requests_client() {
    // Given an expire that sends the refund to another wallet
    let (mut net, _, valid) = setup(3);
    let thief = net.env.keypair(LAMPORTS_PER_SOL);
    let mut ix = valid.clone();
    ix.accounts[1].pubkey = thief.pubkey();
    // When it is sent / Then it fails, changing nothing
    assert_expire_rejected(&mut net.env, &valid, &ix, "ClientMismatch");
}

#[test]
fn a_missing_or_extra_seat_account_is_rejected() {
    // Given expires without the last worker, with an extra worker, or with no seat accounts at all
    let (mut net, _, valid) = setup(4);
    let outsider = net.env.worker_pda(&net.workers[3].pubkey());
    let mut missing = valid.clone();
    missing.accounts.pop();
    let mut extra = valid.clone();
    extra.accounts.push(AccountMeta::new(outsider, false));
    let mut none = valid.clone();
    none.accounts.truncate(FIXED);
    for ix in [missing, extra, none] {
        // When a cranker sends one / Then it fails, changing nothing
        assert_expire_rejected(&mut net.env, &valid, &ix, "SeatAccountMismatch");
    }
}

#[test]
fn seat_workers_must_match_the_seats_in_order() {
    let (mut net, _, valid) = setup(4);
    // Given the first two workers swapped
    let mut swapped = valid.clone();
    swapped.accounts.swap(FIXED, FIXED + 1);
    // Given a registered worker without a seat in place of the last
    let mut outsider = valid.clone();
    outsider.accounts[FIXED + 2].pubkey = net.env.worker_pda(&net.workers[3].pubkey());
    // When either is sent / Then it fails, changing nothing
    for ix in [swapped, outsider] {
        assert_expire_rejected(&mut net.env, &valid, &ix, "SeatAccountMismatch");
    }
}

#[test]
fn seat_workers_must_be_owned_by_the_program() {
    // Given a seat's worker data under another owner
    let (mut net, _, valid) = setup(3);
    let worker = valid.accounts[FIXED + 1].pubkey;
    edit(&mut net.env, &worker, |a| a.owner = Keypair::new().pubkey());
    // When a cranker expires the request / Then it fails, changing nothing
    assert_expire_rejected(&mut net.env, &valid, &valid, "InvalidAccountOwner");
}

#[test]
fn seat_workers_must_hold_workers() {
    // Given the model account in a worker's place
    let (mut net, _, valid) = setup(3);
    let mut ix = valid.clone();
    ix.accounts[FIXED + 1].pubkey = net.env.model_pda(&model_id(Network::MODEL));
    // When it is sent / Then it fails, changing nothing
    assert_expire_rejected(&mut net.env, &valid, &ix, "InvalidAccountData");
}
