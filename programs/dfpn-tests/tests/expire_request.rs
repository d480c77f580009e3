//! `expire_request`: the full refund, every account check (fixed and remaining accounts) and phase rule.
use dfpn_tests::*;
use solana_address::Address;
use solana_instruction::{AccountMeta, Instruction};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Fixed accounts before the seat accounts.
const FIXED: usize = 3;

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
fn expiring_refunds_the_escrow_releases_the_seats_and_takes_the_idle_seats_bond() {
    // Given a request with two commitments of the three required (the third seat only joined), at its commit
    // deadline
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

    // Then the whole escrow goes back to the client, the request keeps its rent, and the seat that never
    // committed forfeits its bond to insurance (nobody is paid)
    let rent = env.rent(env.idl.account_len("Request"));
    let bond = env.params.seat_bond(env.params.fee(spec.modalities, spec.min_workers), spec.min_workers);
    assert!(bond > 0);
    let after: Vec<u64> = touched.iter().map(|a| env.lamports(a)).collect();
    let mut expected = before.clone();
    expected[0] = rent;
    expected[1] += spec.max_fee;
    expected[3] += bond;
    expected[4] -= meta.fee;
    expected[7] -= bond;
    assert_eq!(after, expected);
    assert_eq!(before[0], rent + spec.max_fee);
    // And the request is expired with nothing left in escrow
    let r = env.decode("Request", &request).unwrap();
    assert_eq!([&r["status"], &r["escrow"], &r["commits"], &r["verdict"], &r["finalized_at"]], [2, 0, 2, 0, 0]);
    // And every worker holds one seat fewer with its bond released; the idle one also lost the bond from its
    // stake and reputation as an uncommitted seat (alpha toward 0)
    for (index, (pda, was)) in worker_pdas.iter().zip(workers_before).enumerate() {
        let now = env.decode("Worker", pda).unwrap();
        assert_eq!((was["active_seats"].as_u64(), now["active_seats"].as_u64()), (Some(1), Some(0)));
        assert_eq!((was["bonded"].as_u64(), now["bonded"].as_u64()), (Some(bond), Some(0)));
        let mut expected = was.clone();
        expected["active_seats"] = 0.into();
        expected["bonded"] = 0.into();
        if index == 2 {
            expected["stake"] = (was["stake"].as_u64().unwrap() - bond).into();
            expected["slashed_total"] = bond.into();
            expected["reputation"] = 5_625.into();
        }
        assert_eq!(now, expected, "worker {index}");
    }
    // And a WorkerSlashed event reports the forfeited bond, then RequestExpired the refund
    let events = events(env, &meta);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].0, "WorkerSlashed");
    assert_eq!(idl::pubkey(&events[0].1["worker"]), net.workers[2].pubkey());
    assert_eq!(events[0].1["amount"], bond);
    let (name, e) = &events[1];
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
    net.env.assert_altered_rejected(&ix, &ix, "CannotExpire");
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
    net.env.assert_altered_rejected(&ix, &ix, "CannotExpire");
    net.to_deadline(&request);
    net.env.assert_altered_rejected(&ix, &ix, "CannotExpire");
}

#[test]
fn a_request_expires_only_once() {
    // Given an expired request
    let (mut net, _, ix) = setup(3);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    net.env.send(std::slice::from_ref(&ix), &[&cranker]).expect("expire");
    // When the same expire is sent again (a replay) / Then it fails, changing nothing
    net.env.assert_altered_rejected(&ix, &ix, "RequestNotOpen");
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
    net.env.assert_altered_rejected(&ix, &ix, "RequestNotOpen");
}

#[test]
fn fewer_than_two_accounts_are_rejected() {
    // Given an expire without the client and seat accounts
    let (mut net, _, valid) = setup(3);
    let mut ix = valid.clone();
    ix.accounts.truncate(FIXED - 1);
    // When a cranker sends it / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &ix, "NotEnoughAccounts");
}

#[test]
fn trailing_data_is_rejected() {
    // Given an expire with an argument byte it does not take
    let (mut net, _, valid) = setup(3);
    let mut ix = valid.clone();
    ix.data.push(0);
    // When a cranker sends it / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &ix, "InvalidInstructionData");
}

#[test]
fn every_account_must_be_writable() {
    // Given an expire with the request, the client or a seat's worker read-only
    let (mut net, _, valid) = setup(3);
    for index in [0, 1, FIXED + 1] {
        let mut ix = valid.clone();
        ix.accounts[index].is_writable = false;
        // When it is sent / Then it fails, changing nothing
        net.env.assert_altered_rejected(&valid, &ix, "AccountNotWritable");
    }
}

#[test]
fn the_request_must_be_owned_by_the_program() {
    // Given the request's data under another owner
    let (mut net, request, valid) = setup(3);
    net.env.edit_account(&request, |a| a.owner = Keypair::new().pubkey());
    // When a cranker expires it / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &valid, "InvalidAccountOwner");
}

#[test]
fn the_request_must_hold_a_request() {
    let (mut net, request, valid) = setup(3);
    // Given a worker account in the request's place
    let mut ix = valid.clone();
    ix.accounts[0].pubkey = valid.accounts[FIXED].pubkey;
    // When a cranker sends it / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &ix, "InvalidAccountData");

    // Given the request with a corrupted discriminator
    net.env.edit_account(&request, |a| a.data[0] ^= 0xff);
    // When a cranker expires it / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &valid, "InvalidAccountData");
}

#[test]
fn the_client_must_be_the_requests_client() {
    // Given an expire that sends the refund to another wallet
    let (mut net, _, valid) = setup(3);
    let thief = net.env.keypair(LAMPORTS_PER_SOL);
    let mut ix = valid.clone();
    ix.accounts[1].pubkey = thief.pubkey();
    // When it is sent / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &ix, "ClientMismatch");
}

#[test]
fn the_insurance_vault_must_be_the_writable_insurance_vault() {
    let (mut net, _, valid) = setup(3);
    // Given the treasury vault in the insurance vault's place
    let mut treasury = valid.clone();
    treasury.accounts[2].pubkey = net.env.treasury();
    net.env.assert_altered_rejected(&valid, &treasury, "VaultMismatch");
    // Given a wallet in its place
    let mut wallet = valid.clone();
    wallet.accounts[2].pubkey = net.env.keypair(LAMPORTS_PER_SOL).pubkey();
    net.env.assert_altered_rejected(&valid, &wallet, "InvalidAccountOwner");
    // Given the insurance vault read-only
    let mut read_only = valid.clone();
    read_only.accounts[2].is_writable = false;
    net.env.assert_altered_rejected(&valid, &read_only, "AccountNotWritable");
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
        net.env.assert_altered_rejected(&valid, &ix, "SeatAccountMismatch");
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
        net.env.assert_altered_rejected(&valid, &ix, "SeatAccountMismatch");
    }
}

#[test]
fn seat_workers_must_be_owned_by_the_program() {
    // Given a seat's worker data under another owner
    let (mut net, _, valid) = setup(3);
    let worker = valid.accounts[FIXED + 1].pubkey;
    net.env.edit_account(&worker, |a| a.owner = Keypair::new().pubkey());
    // When a cranker expires the request / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &valid, "InvalidAccountOwner");
}

#[test]
fn seat_workers_must_hold_workers() {
    // Given the model account in a worker's place
    let (mut net, _, valid) = setup(3);
    let mut ix = valid.clone();
    ix.accounts[FIXED + 1].pubkey = net.env.model_pda(&model_id(Network::MODEL));
    // When it is sent / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &ix, "InvalidAccountData");
}
