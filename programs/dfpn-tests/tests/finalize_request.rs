//! `finalize_request`: payouts, slashing and reputation of every seat state, every account check (fixed and
//! remaining accounts), phase rules, and finalization with 3, 5 and 10 workers.
use dfpn_tests::*;
use solana_address::Address;
use solana_instruction::{AccountMeta, Instruction};
use solana_keypair::Keypair;
use solana_message::Message;
use solana_signer::Signer;

/// Largest serialized transaction the network accepts (solana_packet::PACKET_DATA_SIZE).
const PACKET_DATA_SIZE: usize = 1232;
const OTHER_MODEL: &str = "other-model";
/// Fixed accounts before the remaining (seat) accounts.
const FIXED: usize = 5;

/// A network of `n` workers; the first three committed and revealed Manipulated to a default request, so it
/// is finalizable at once. Returns the request and its valid finalize instruction.
fn setup(n: usize) -> (Network, Address, Instruction) {
    let mut net = Network::new(n);
    let answers: Vec<Answer> = [90, 80, 70].map(|c| Answer::new(MANIPULATED, c, Network::MODEL)).to_vec();
    let request =
        net.submit_join_commit(&RequestSpec::default(), &answers.iter().cloned().map(Some).collect::<Vec<_>>());
    for (w, a) in net.worker_keys().iter().zip(&answers) {
        net.env.reveal(w, &request, a).expect("reveal");
    }
    net.env.to_grace_end(&request); // anyone may finalize from here
    let ix = net.env.ix_finalize_request(&request);
    (net, request, ix)
}

fn decode(env: &Env, type_name: &str, address: &Address) -> serde_json::Value {
    env.decode(type_name, address).unwrap_or_else(|| panic!("{type_name} at {address}"))
}

#[test]
fn finalizing_pays_the_majority_slashes_the_silent_and_refunds_the_rest() {
    // Given five seats: Manipulated 90 and 80, Authentic 70, one committer that never reveals, and one
    // worker that joined but never committed
    let mut net = Network::new(5);
    let spec = RequestSpec { max_workers: 5, ..Default::default() };
    let answers = [
        Answer::new(MANIPULATED, 90, Network::MODEL),
        Answer::new(MANIPULATED, 80, Network::MODEL),
        Answer::new(AUTHENTIC, 70, Network::MODEL),
    ];
    let commits: Vec<Option<Answer>> =
        answers.iter().cloned().map(Some).chain([Some(answers[0].clone()), None]).collect();
    let request = net.submit_join_commit(&spec, &commits);
    net.to_reveal_phase(&request);
    let workers = net.worker_keys();
    for (w, a) in workers.iter().zip(&answers) {
        net.env.reveal(w, &request, a).expect("reveal");
    }
    net.to_deadline(&request);
    let env = &mut net.env;
    let worker_pdas: Vec<Address> = workers.iter().map(|w| env.worker_pda(&w.pubkey())).collect();
    let model = env.model_pda(&model_id(Network::MODEL));
    let client = net.client.pubkey();
    let cranker = env.keypair(LAMPORTS_PER_SOL);
    let mut touched = vec![request, client, env.config(), env.treasury(), env.insurance(), model, cranker.pubkey()];
    touched.extend(&worker_pdas);
    let before: Vec<u64> = touched.iter().map(|a| env.lamports(a)).collect();

    // When anyone finalizes after the deadline
    env.to_grace_end(&request); // anyone may finalize from here
    let ix = env.ix_finalize_request(&request);
    assert_eq!(ix.accounts.len(), FIXED + 5 + 3, "five workers, three revealed models");
    let meta = env.send(&[ix], &[&cranker]).expect("finalize");

    // Then the fee is split among the two Manipulated revealers and their model, the silent committer is
    // slashed, and the client gets back everything above the fee
    let fee = env.params.fee(spec.modalities, spec.min_workers);
    let per_worker = fee * 65 / 100 / 2;
    let per_model = fee * 20 / 100 / 2;
    let treasury = fee * 10 / 100;
    let insurance = fee - 2 * per_worker - 2 * per_model - treasury;
    let slashed = env.params.non_reveal_slash(fee, spec.min_workers);
    let bond = env.params.seat_bond(fee, spec.min_workers);
    let rent = env.rent(env.idl.account_len("Request"));
    let after: Vec<u64> = touched.iter().map(|a| env.lamports(a)).collect();
    let expected = [
        rent,                                   // request keeps only its rent
        before[1] + spec.max_fee - fee,         // client refund
        before[2],                              // config
        before[3] + treasury,                   // treasury
        before[4] + insurance + slashed + bond, // insurance: its share, the dust, the slash and the bond
        before[5] + 2 * per_model,              // model: one share per paid worker
        before[6] - meta.fee,                   // cranker pays only the transaction fee
        before[7] + per_worker,                 // Manipulated 90
        before[8] + per_worker,                 // Manipulated 80
        before[9],                              // Authentic: outvoted, unpaid
        before[10] - slashed,                   // committed, never revealed
        before[11] - bond,                      // joined, never committed: forfeits its seat bond
    ];
    assert_eq!(after, expected);
    assert_eq!(before.iter().sum::<u64>(), after.iter().sum::<u64>() + meta.fee, "lamports conserved");

    // And the request holds the weighted verdict: 2 of 3 equal weights is a Majority, confidence scaled by it
    let r = decode(env, "Request", &request);
    assert_eq!(r["status"], 1);
    assert_eq!(r["verdict"], MANIPULATED);
    assert_eq!(r["consensus"], 3);
    assert_eq!(r["confidence"], (90 + 80) / 2 * 6_666 / 10_000);
    assert_eq!(r["escrow"], 0);
    assert_eq!(r["fee"], fee);
    assert_eq!(r["finalized_at"], env.now());
    // And every worker is released, with reputation moved by what it did
    let expect_worker = |i: usize, rewards: u64, reputation: u64, done: u64, agreed: u64, slashed_total: u64| {
        let w = decode(env, "Worker", &worker_pdas[i]);
        assert_eq!(
            [
                &w["rewards"],
                &w["reputation"],
                &w["jobs_done"],
                &w["jobs_agreed"],
                &w["slashed_total"],
                &w["active_seats"]
            ],
            [rewards, reputation, done, agreed, slashed_total, 0],
            "worker {i}"
        );
        assert_eq!(w["stake"], env.params.min_stake - slashed_total, "worker {i} stake");
    };
    expect_worker(0, per_worker, 6_257, 1, 1, 0);
    expect_worker(1, per_worker, 6_257, 1, 1, 0);
    expect_worker(2, 0, 6_238, 1, 0, 0);
    expect_worker(3, 0, 5_000, 0, 0, slashed);
    expect_worker(4, 0, 5_625, 0, 0, bond);
    for pda in &worker_pdas {
        assert_eq!(decode(env, "Worker", pda)["bonded"], 0, "every bond released");
    }
    // And the model accrued its shares
    let m = decode(env, "Model", &model);
    assert_eq!([&m["unclaimed"], &m["earned_total"], &m["uses"]], [2 * per_model, 2 * per_model, 2]);
    // And the events tell the same story, seat by seat, then the result
    let events = events(env, &meta);
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["WorkerPaid", "WorkerPaid", "WorkerSlashed", "WorkerSlashed", "RequestFinalized"]);
    for (i, (_, e)) in events[..2].iter().enumerate() {
        assert_eq!(idl::pubkey(&e["request"]), request);
        assert_eq!(idl::pubkey(&e["worker"]), workers[i].pubkey());
        assert_eq!(e["amount"], per_worker);
        assert_eq!(idl::pubkey(&e["model"]), model_address(Network::MODEL));
        assert_eq!(e["model_amount"], per_model);
    }
    let slash = &events[2].1;
    assert_eq!(idl::pubkey(&slash["worker"]), workers[3].pubkey());
    assert_eq!((slash["amount"].as_u64(), slash["reputation"].as_u64()), (Some(slashed), Some(5_000)));
    let forfeit = &events[3].1;
    assert_eq!(idl::pubkey(&forfeit["worker"]), workers[4].pubkey());
    assert_eq!((forfeit["amount"].as_u64(), forfeit["reputation"].as_u64()), (Some(bond), Some(5_625)));
    let done = &events[4].1;
    assert_eq!(idl::pubkey(&done["request"]), request);
    assert_eq!(
        [&done["verdict"], &done["confidence"], &done["consensus"], &done["commits"], &done["reveals"]],
        [&r["verdict"], &r["confidence"], &r["consensus"], &serde_json::json!(4), &serde_json::json!(3)]
    );
    assert_eq!((done["fee_charged"].as_u64(), done["refund"].as_u64()), (Some(fee), Some(spec.max_fee - fee)));
}

#[test]
fn a_request_nobody_revealed_charges_nothing_and_slashes_every_committer() {
    // Given three committers that all stay silent until the deadline
    let mut net = Network::new(3);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let spec = RequestSpec::default();
    let request = net.submit_join_commit(&spec, &[Some(a.clone()), Some(a.clone()), Some(a)]);
    net.to_deadline(&request);
    let client = net.client.pubkey();
    let vaults = [net.env.treasury(), net.env.insurance()];
    let before = [client, vaults[0], vaults[1]].map(|x| net.env.lamports(&x));

    // When anyone finalizes
    net.env.to_grace_end(&request); // anyone may finalize from here
    let ix = net.env.ix_finalize_request(&request);
    assert_eq!(ix.accounts.len(), FIXED + 3, "no model accounts without reveals");
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    let meta = net.env.send(&[ix], &[&cranker]).expect("finalize");

    // Then the client gets the whole escrow back and the stake slashed from all three (3 × the per-seat reward
    // each) goes to insurance
    let slashed =
        net.env.params.non_reveal_slash(net.env.params.fee(spec.modalities, spec.min_workers), spec.min_workers);
    assert_eq!(
        [client, vaults[0], vaults[1]].map(|x| net.env.lamports(&x)),
        [before[0] + spec.max_fee, before[1], before[2] + 3 * slashed]
    );
    let r = decode(&net.env, "Request", &request);
    assert_eq!([&r["status"], &r["verdict"], &r["consensus"], &r["confidence"], &r["escrow"]], [1, 0, 0, 0, 0]);
    let events = events(&net.env, &meta);
    assert_eq!(events.iter().filter(|(n, _)| n == "WorkerSlashed").count(), 3);
    let (name, done) = events.last().unwrap();
    assert_eq!(name, "RequestFinalized");
    assert_eq!((done["fee_charged"].as_u64(), done["refund"].as_u64()), (Some(0), Some(spec.max_fee)));
}

#[test]
fn finalizes_with_3_5_and_10_workers_each_on_its_own_model() {
    for n in [3u8, 5, 10] {
        // Given n workers, each declaring its own model (the most distinct accounts a finalize can name),
        // who all reveal the same verdict
        let mut env = Env::new();
        let stake = env.params.min_stake;
        let names: Vec<String> = (0..n).map(|i| format!("model-{i}")).collect();
        let workers: Vec<Keypair> = names
            .iter()
            .map(|m| {
                env.register_model(m, modality::ALL);
                env.register_worker(stake, modality::ALL, &[m])
            })
            .collect();
        let client = env.keypair(10 * LAMPORTS_PER_SOL);
        let spec = RequestSpec {
            min_workers: n,
            max_workers: n,
            max_fee: env.params.fee(modality::FACE_MANIPULATION, n),
            ..Default::default()
        };
        let request = env.submit(&client, &spec);
        for w in &workers {
            env.join(w, &request).expect("join");
        }
        let answers: Vec<Answer> = names.iter().map(|m| Answer::new(MANIPULATED, 90, m)).collect();
        for (w, a) in workers.iter().zip(&answers) {
            env.commit(w, &request, a).expect("commit");
        }
        for (w, a) in workers.iter().zip(&answers) {
            env.reveal(w, &request, a).expect("reveal");
        }

        // When a cranker finalizes
        let cranker = env.keypair(LAMPORTS_PER_SOL);
        env.to_grace_end(&request); // anyone may finalize from here
        let ix = env.ix_finalize_request(&request);
        assert_eq!(ix.accounts.len(), FIXED + 2 * n as usize);
        let message = Message::new(std::slice::from_ref(&ix), Some(&cranker.pubkey()));
        let size = 1 + 64 + message.serialize().len();
        assert!(size <= PACKET_DATA_SIZE, "{n} workers: transaction of {size} bytes");
        let meta = env
            .send(&[ix], &[&cranker])
            .unwrap_or_else(|e| panic!("{n} workers: {:?}\n{}", e.err, e.meta.pretty_logs()));

        // Then it is unanimous and every worker and model got its share
        let r = decode(&env, "Request", &request);
        assert_eq!([&r["status"], &r["verdict"], &r["consensus"], &r["confidence"]], [1, 2, 1, 90], "{n} workers");
        let fee = env.params.fee(spec.modalities, n);
        for (w, m) in workers.iter().zip(&names) {
            assert_eq!(decode(&env, "Worker", &env.worker_pda(&w.pubkey()))["rewards"], fee * 65 / 100 / n as u64);
            assert_eq!(decode(&env, "Model", &env.model_pda(&model_id(m)))["unclaimed"], fee * 20 / 100 / n as u64);
        }
        assert_eq!(events(&env, &meta).len(), n as usize + 1);
    }
}

#[test]
fn finalizing_before_the_deadline_needs_every_committer_revealed() {
    // Given three committers of which two revealed, before the deadline
    let mut net = Network::new(3);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(a.clone()), Some(a.clone()), Some(a.clone())]);
    let workers = net.worker_keys();
    for w in &workers[..2] {
        net.env.reveal(w, &request, &a).expect("reveal");
    }
    // When anyone finalizes / Then it is too early
    let ix = net.env.ix_finalize_request(&request);
    net.env.assert_altered_rejected(&ix, &ix, "FinalizeTooEarly");
    // When the last committer reveals / Then it can be finalized right away
    net.env.reveal(&workers[2], &request, &a).expect("reveal");
    net.env.finalize(&request).expect("finalize before the deadline");
    assert_eq!(decode(&net.env, "Request", &request)["status"], 1);
}

#[test]
fn finalizing_works_at_the_deadline_and_not_a_second_before() {
    // Given a request where one committer stays silent, one second before its deadline
    let mut net = Network::new(3);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(a.clone()), Some(a.clone()), Some(a.clone())]);
    for w in &net.worker_keys()[..2] {
        net.env.reveal(w, &request, &a).expect("reveal");
    }
    let deadline = decode(&net.env, "Request", &request)["deadline"].as_i64().unwrap();
    net.env.set_time(deadline - 1);
    // When anyone finalizes / Then it is too early
    let ix = net.env.ix_finalize_request(&request);
    net.env.assert_altered_rejected(&ix, &ix, "FinalizeTooEarly");
    // When the deadline arrives / Then it finalizes
    net.env.set_time(deadline);
    net.env.finalize(&request).expect("finalize at the deadline");
}

#[test]
fn a_request_without_enough_commitments_is_never_finalizable() {
    // Given a request where two of three required seats committed
    let mut net = Network::new(3);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(a.clone()), Some(a), None]);
    let ix = net.env.ix_finalize_request(&request);
    // When anyone finalizes in the commit phase / Then it is too early
    net.env.assert_altered_rejected(&ix, &ix, "FinalizeTooEarly");
    // When anyone finalizes once the commit phase ended short / Then it can only be expired
    net.to_reveal_phase(&request);
    net.env.assert_altered_rejected(&ix, &ix, "InsufficientCommitments");
    net.to_deadline(&request);
    net.env.assert_altered_rejected(&ix, &ix, "InsufficientCommitments");
}

#[test]
fn a_request_is_finalized_only_once() {
    // Given a finalized request
    let (mut net, request, ix) = setup(3);
    net.env.finalize(&request).expect("finalize");
    // When the same finalize is sent again (a replay) / Then it fails, changing nothing
    net.env.assert_altered_rejected(&ix, &ix, "RequestNotOpen");
}

#[test]
fn an_expired_request_cannot_be_finalized() {
    // Given a request that expired with one commitment
    let mut net = Network::new(1);
    let request =
        net.submit_join_commit(&RequestSpec::default(), &[Some(Answer::new(MANIPULATED, 90, Network::MODEL))]);
    net.to_reveal_phase(&request);
    let expire = net.env.ix_expire_request(&request);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    net.env.send(&[expire], &[&cranker]).expect("expire");
    // When anyone finalizes / Then it fails, changing nothing
    let ix = net.env.ix_finalize_request(&request);
    net.env.assert_altered_rejected(&ix, &ix, "RequestNotOpen");
}

#[test]
fn fewer_than_five_accounts_are_rejected() {
    // Given a finalize without the insurance vault and seat accounts
    let (mut net, _, valid) = setup(3);
    let mut ix = valid.clone();
    ix.accounts.truncate(FIXED - 1);
    // When a cranker sends it / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &ix, "NotEnoughAccounts");
}

#[test]
fn trailing_data_is_rejected() {
    // Given a finalize with an argument byte it does not take
    let (mut net, _, valid) = setup(3);
    let mut ix = valid.clone();
    ix.data.push(0);
    // When a cranker sends it / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &ix, "InvalidInstructionData");
}

#[test]
fn every_fixed_account_but_the_config_must_be_writable() {
    // Given a finalize with the request, client, treasury or insurance read-only
    let (mut net, _, valid) = setup(3);
    for index in [0, 1, 3, 4] {
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
    // When a cranker finalizes / Then it fails, changing nothing
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
    // When a cranker finalizes / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &valid, "InvalidAccountData");
}

#[test]
fn the_client_must_be_the_requests_client() {
    // Given a finalize that sends the refund to another wallet
    let (mut net, _, valid) = setup(3);
    let thief = net.env.keypair(LAMPORTS_PER_SOL);
    let mut ix = valid.clone();
    ix.accounts[1].pubkey = thief.pubkey();
    // When it is sent / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &ix, "ClientMismatch");
}

#[test]
fn the_config_must_be_owned_by_the_program() {
    // Given the config's data under another owner
    let (mut net, _, valid) = setup(3);
    let config = net.env.config();
    net.env.edit_account(&config, |a| a.owner = Keypair::new().pubkey());
    // When a cranker finalizes / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &valid, "InvalidAccountOwner");
}

#[test]
fn the_config_must_hold_a_config() {
    // Given the treasury vault in the config's place
    let (mut net, _, valid) = setup(3);
    let mut ix = valid.clone();
    ix.accounts[2].pubkey = net.env.treasury();
    // When a cranker sends it / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &ix, "InvalidAccountData");
}

#[test]
fn the_vaults_must_be_owned_by_the_program() {
    let (mut net, _, valid) = setup(3);
    for vault in [net.env.treasury(), net.env.insurance()] {
        // Given a vault's data under another owner
        let original = net.env.account(&vault).unwrap();
        net.env.edit_account(&vault, |a| a.owner = Keypair::new().pubkey());
        // When anyone finalizes / Then it fails, changing nothing
        net.env.assert_altered_rejected(&valid, &valid, "InvalidAccountOwner");
        net.env.svm.set_account(vault, original).unwrap();
    }
}

#[test]
fn the_vaults_must_hold_vaults() {
    // Given the model account in the treasury's, then the insurance's place
    let (mut net, _, valid) = setup(3);
    let model = net.env.model_pda(&model_id(Network::MODEL));
    for index in [3, 4] {
        let mut ix = valid.clone();
        ix.accounts[index].pubkey = model;
        // When it is sent / Then it fails, changing nothing
        net.env.assert_altered_rejected(&valid, &ix, "InvalidAccountData");
    }
}

#[test]
fn the_vaults_must_be_the_configured_ones() {
    // Given a finalize with treasury and insurance swapped, or one of them twice
    let (mut net, _, valid) = setup(3);
    let (treasury, insurance) = (net.env.treasury(), net.env.insurance());
    for (t, i) in [(insurance, treasury), (insurance, insurance), (treasury, treasury)] {
        let mut ix = valid.clone();
        ix.accounts[3].pubkey = t;
        ix.accounts[4].pubkey = i;
        // When it is sent / Then it fails, changing nothing
        net.env.assert_altered_rejected(&valid, &ix, "VaultMismatch");
    }
}

#[test]
fn a_missing_or_extra_seat_account_is_rejected() {
    // Given finalizes without the last model, without the first worker, with an extra worker, or with no
    // seat accounts at all
    let (mut net, _, valid) = setup(4);
    let outsider = net.env.worker_pda(&net.workers[3].pubkey());
    let mut missing_model = valid.clone();
    missing_model.accounts.pop();
    let mut missing_worker = valid.clone();
    missing_worker.accounts.remove(FIXED);
    let mut extra = valid.clone();
    extra.accounts.push(AccountMeta::new(outsider, false));
    let mut no_seats = valid.clone();
    no_seats.accounts.truncate(FIXED);
    for ix in [missing_model, missing_worker, extra, no_seats] {
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
    // Given a registered worker without a seat in place of the first
    let mut outsider = valid.clone();
    outsider.accounts[FIXED].pubkey = net.env.worker_pda(&net.workers[3].pubkey());
    // When either is sent / Then it fails, changing nothing
    for ix in [swapped, outsider] {
        net.env.assert_altered_rejected(&valid, &ix, "SeatAccountMismatch");
    }
}

#[test]
fn seat_models_must_be_the_revealed_models_in_order() {
    // Given a request where seat 0 revealed with one model and seat 1 with another
    let mut net = Network::new(3);
    net.env.register_model(OTHER_MODEL, modality::ALL);
    let second = net.workers[1].insecure_clone();
    let ix = net.env.ix_update_worker(&second.pubkey(), modality::ALL, &[model_address(OTHER_MODEL).to_bytes()]);
    net.env.send(&[ix], &[&second]).expect("update_worker");
    let answers = [
        Answer::new(MANIPULATED, 90, Network::MODEL),
        Answer::new(MANIPULATED, 90, OTHER_MODEL),
        Answer::new(MANIPULATED, 90, Network::MODEL),
    ];
    let request = net.submit_join_commit(&RequestSpec::default(), &answers.clone().map(Some));
    for (w, a) in net.worker_keys().iter().zip(&answers) {
        net.env.reveal(w, &request, a).expect("reveal");
    }
    net.env.to_grace_end(&request); // anyone may finalize from here
    let valid = net.env.ix_finalize_request(&request);
    let models = FIXED + 3;
    // When the model accounts are swapped, or the other model stands in for seat 0's / Then it fails, changing nothing
    let mut swapped = valid.clone();
    swapped.accounts.swap(models, models + 1);
    let mut wrong = valid.clone();
    wrong.accounts[models].pubkey = net.env.model_pda(&model_id(OTHER_MODEL));
    for ix in [swapped, wrong] {
        net.env.assert_altered_rejected(&valid, &ix, "ModelMismatch");
    }
}

#[test]
fn seat_accounts_must_be_writable() {
    // Given a finalize with a worker, then the model, read-only (every seat names the one model, and a
    // transaction marks an account writable if any of its metas is, so all of its metas are read-only)
    let (mut net, _, valid) = setup(3);
    for address in [valid.accounts[FIXED + 1].pubkey, valid.accounts[FIXED + 3].pubkey] {
        let mut ix = valid.clone();
        ix.accounts.iter_mut().filter(|m| m.pubkey == address).for_each(|m| m.is_writable = false);
        // When it is sent / Then it fails, changing nothing
        net.env.assert_altered_rejected(&valid, &ix, "AccountNotWritable");
    }
}

#[test]
fn seat_accounts_must_be_owned_by_the_program() {
    let (mut net, _, valid) = setup(3);
    for index in [FIXED + 2, FIXED + 3] {
        // Given a seat's worker, then model, under another owner
        let address = valid.accounts[index].pubkey;
        let original = net.env.account(&address).unwrap();
        net.env.edit_account(&address, |a| a.owner = Keypair::new().pubkey());
        // When anyone finalizes / Then it fails, changing nothing
        net.env.assert_altered_rejected(&valid, &valid, "InvalidAccountOwner");
        net.env.svm.set_account(address, original).unwrap();
    }
}

#[test]
fn seat_accounts_must_hold_the_right_type() {
    // Given the model in a worker's place, then a worker in a model's place
    let (mut net, _, valid) = setup(3);
    let (worker, model) = (valid.accounts[FIXED].pubkey, valid.accounts[FIXED + 3].pubkey);
    let mut model_as_worker = valid.clone();
    model_as_worker.accounts[FIXED + 1].pubkey = model;
    let mut worker_as_model = valid.clone();
    worker_as_model.accounts[FIXED + 3].pubkey = worker;
    // When either is sent / Then it fails, changing nothing
    for ix in [model_as_worker, worker_as_model] {
        net.env.assert_altered_rejected(&valid, &ix, "InvalidAccountData");
    }
}

#[test]
fn a_reward_total_that_would_overflow_is_rejected() {
    // Given a paid seat's worker whose rewards counter is at u64::MAX (forged: unreachable in practice)
    let (mut net, _, valid) = setup(3);
    let worker = valid.accounts[FIXED].pubkey;
    net.env.set_field(&worker, "Worker", "rewards", &u64::MAX.to_le_bytes());
    assert_eq!(net.env.decode("Worker", &worker).unwrap()["rewards"], u64::MAX);
    // When a cranker finalizes / Then it fails, changing nothing
    net.env.assert_altered_rejected(&valid, &valid, "ArithmeticOverflow");
}
