//! Whole request lifecycles on the real program, with lamport conservation checked on every one.
use dfpn_tests::*;
use solana_signer::Signer;

/// Run a request where worker i answers `answers[i]` (None: joins, commits, never reveals) and finalize.
/// Checks lamport conservation: balances before and after differ by exactly the transaction fees paid.
fn run(n_workers: usize, spec: RequestSpec, answers: Vec<Option<Answer>>) -> (Network, solana_address::Address, u64) {
    let mut net = Network::new(n_workers);
    let commits: Vec<Option<Answer>> =
        answers.iter().map(|a| Some(a.clone().unwrap_or(Answer::new(AUTHENTIC, 50, Network::MODEL)))).collect();
    let watched = {
        let request = net.env.request_pda(&net.client.pubkey(), spec.nonce);
        let mut w = net.accounts(&request);
        w.push(request);
        w
    };
    let before = net.env.total_lamports(&watched);
    let mut fees = 5_000u64; // submit
    let request = net.submit_join_commit(&spec, &commits);
    fees += 10_000 * answers.len() as u64; // join + commit per worker
    net.to_reveal_phase(&request);
    for (worker, answer) in net.worker_keys().iter().zip(&answers) {
        if let Some(a) = answer {
            net.env.reveal(worker, &request, a).expect("reveal");
            fees += 5_000;
        }
    }
    if answers.iter().any(|a| a.is_none()) {
        net.to_deadline(&request);
    }
    let meta = net.env.finalize(&request).expect("finalize");
    fees += meta.fee;
    let after = net.env.total_lamports(&watched);
    // The cranker's 1 SOL airdrop is new money; take it out.
    assert_eq!(before + LAMPORTS_PER_SOL, after + fees, "lamports conserved (less transaction fees)");
    (net, request, fees)
}

fn answers(list: &[(u8, u8)]) -> Vec<Option<Answer>> {
    list.iter().map(|(v, c)| Some(Answer::new(*v, *c, Network::MODEL))).collect()
}

#[test]
fn three_workers_unanimous_pays_65_20_10_5() {
    // Given three workers who all say Manipulated
    let spec = RequestSpec::default();
    let (net, request, _) = run(3, spec.clone(), answers(&[(MANIPULATED, 90), (MANIPULATED, 80), (MANIPULATED, 70)]));
    // Then the verdict is Manipulated, unanimous, confidence = mean of the confidences
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(r["status"], 1);
    assert_eq!(r["verdict"], MANIPULATED);
    assert_eq!(r["consensus"], 1);
    assert_eq!(r["confidence"], 80);
    assert_eq!(r["escrow"], 0);
    // And the fee is split 65/20/10/5 to the lamport
    let fee = net.env.params.fee(spec.modalities, spec.min_workers);
    assert_eq!(r["fee"], fee);
    let per_worker = fee * 65 / 100 / 3;
    for w in &net.workers {
        let worker = net.env.decode("Worker", &net.env.worker_pda(&w.pubkey())).unwrap();
        assert_eq!(worker["rewards"], per_worker);
        assert_eq!(worker["active_seats"], 0);
        assert_eq!(worker["reputation"], 6_257);
    }
    let model = net.env.decode("Model", &net.env.model_pda(&model_id(Network::MODEL))).unwrap();
    assert_eq!(model["unclaimed"], fee * 20 / 100 / 3 * 3);
    let treasury_rent = net.env.rent(net.env.idl.account_len("Vault"));
    assert_eq!(net.env.lamports(&net.env.treasury()) - treasury_rent, fee * 10 / 100);
    let insurance = net.env.lamports(&net.env.insurance()) - treasury_rent;
    assert_eq!(per_worker * 3 + fee * 20 / 100 / 3 * 3 + fee * 10 / 100 + insurance, fee);
}

#[test]
fn five_workers_unanimous_authentic() {
    let (net, request, _) = run(
        5,
        RequestSpec { min_workers: 5, max_workers: 5, ..Default::default() },
        answers(&[(AUTHENTIC, 95), (AUTHENTIC, 85), (AUTHENTIC, 75), (AUTHENTIC, 65), (AUTHENTIC, 55)]),
    );
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(
        (r["verdict"].as_u64(), r["consensus"].as_u64(), r["confidence"].as_u64()),
        (Some(1), Some(1), Some(75))
    );
}

#[test]
fn five_workers_split_majority_pays_only_the_majority() {
    let (net, request, _) = run(
        5,
        RequestSpec { min_workers: 5, max_workers: 5, ..Default::default() },
        answers(&[(MANIPULATED, 90), (MANIPULATED, 90), (MANIPULATED, 90), (AUTHENTIC, 60), (AUTHENTIC, 60)]),
    );
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(r["verdict"], MANIPULATED);
    assert_eq!(r["consensus"], 3, "3/5 of equal weight is a Majority");
    for (i, w) in net.workers.iter().enumerate() {
        let worker = net.env.decode("Worker", &net.env.worker_pda(&w.pubkey())).unwrap();
        if i < 3 {
            assert!(worker["rewards"].as_u64().unwrap() > 0);
            assert_eq!(worker["reputation"], 6_257);
        } else {
            assert_eq!(worker["rewards"], 0);
            assert_eq!(worker["reputation"], 6_238);
        }
    }
}

#[test]
fn tie_is_inconclusive_and_pays_every_revealer() {
    let (net, request, _) = run(
        2,
        RequestSpec { min_workers: 2, max_workers: 2, ..Default::default() },
        answers(&[(MANIPULATED, 90), (AUTHENTIC, 90)]),
    );
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!((r["verdict"].as_u64(), r["consensus"].as_u64(), r["confidence"].as_u64()), (Some(0), Some(0), Some(0)));
    for w in &net.workers {
        let worker = net.env.decode("Worker", &net.env.worker_pda(&w.pubkey())).unwrap();
        assert!(worker["rewards"].as_u64().unwrap() > 0);
        assert_eq!(worker["reputation"], 6_250, "no consensus: reputation does not move");
    }
}

#[test]
fn a_non_revealer_is_slashed_and_the_verdict_still_stands() {
    let mut a = answers(&[(MANIPULATED, 90), (MANIPULATED, 80)]);
    a.push(None);
    let (net, request, _) = run(3, RequestSpec::default(), a);
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(r["verdict"], MANIPULATED);
    let silent = net.env.decode("Worker", &net.env.worker_pda(&net.workers[2].pubkey())).unwrap();
    let stake = net.env.params.min_stake;
    let spec = RequestSpec::default();
    let slash =
        net.env.params.non_reveal_slash(net.env.params.fee(spec.modalities, spec.min_workers), spec.min_workers);
    assert_eq!(slash, 3 * net.env.params.fee(spec.modalities, spec.min_workers) * 65 / 100 / spec.min_workers as u64);
    assert_eq!(silent["stake"], stake - slash);
    assert_eq!(silent["slashed_total"], slash);
    assert_eq!(silent["reputation"], 5_000, "non-reveal costs twice what a passed challenge gains");
    assert_eq!(silent["active_seats"], 0);
}

#[test]
fn a_reveal_that_does_not_match_its_commitment_is_rejected() {
    let mut net = Network::new(3);
    let honest = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(
        &RequestSpec::default(),
        &[Some(honest.clone()), Some(honest.clone()), Some(honest.clone())],
    );
    net.to_reveal_phase(&request);
    let watched = net.accounts(&request);
    let before = net.env.snapshot(&watched);
    let total = net.env.total_lamports(&watched);
    let lie = Answer { verdict: AUTHENTIC, ..honest };
    let worker = net.workers[0].insecure_clone();
    let result = net.env.reveal(&worker, &request, &lie);
    assert_error(&net.env, &result, "CommitmentMismatch");
    // Nothing changed but the fee payer's balance: a failed transaction still pays its fee.
    let fee = result.unwrap_err().meta.fee;
    assert_eq!(net.env.total_lamports(&watched) + fee, total);
    let after = net.env.snapshot(&watched);
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        if watched[i] != worker.pubkey() {
            assert_eq!(b, a, "account {} changed", watched[i]);
        }
    }
}

#[test]
fn too_few_workers_expires_with_full_refund() {
    let mut net = Network::new(2);
    let spec = RequestSpec::default(); // needs 3
    let client = net.client.pubkey();
    let before = net.env.lamports(&client);
    let watched = net.accounts(&net.env.request_pda(&client, spec.nonce));
    let total_before = net.env.total_lamports(&watched);
    let request = net.submit_join_commit(
        &spec,
        &[Some(Answer::new(AUTHENTIC, 90, Network::MODEL)), Some(Answer::new(AUTHENTIC, 90, Network::MODEL))],
    );
    net.to_reveal_phase(&request);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    let ix = net.env.ix_expire_request(&request);
    net.env.send(&[ix], &[&cranker]).expect("expire");
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(r["status"], 2);
    // Close returns the rent: the client is out only its two transaction fees.
    let ix = net.env.ix_close_request(&client, &request);
    let c = net.client.insecure_clone();
    net.env.send(&[ix], &[&c]).expect("close");
    assert_eq!(net.env.lamports(&client), before - 10_000);
    assert!(net.env.account(&request).is_none_or(|a| a.lamports == 0));
    for w in &net.workers {
        assert_eq!(net.env.decode("Worker", &net.env.worker_pda(&w.pubkey())).unwrap()["active_seats"], 0);
    }
    // Conservation: submit, 2 × (join + commit), close by the client, expire by a cranker funded with 1 SOL.
    let fees = 5_000 + 4 * 5_000 + 5_000 + 5_000;
    assert_eq!(net.env.total_lamports(&watched) + fees, total_before + LAMPORTS_PER_SOL);
}

#[test]
fn fee_remainder_goes_to_insurance() {
    // A fee that 3 workers cannot split evenly: base 2_000_001 lamports, one modality, one worker's surcharge.
    let mut net = Network::new(3);
    let mut params = net.env.params.clone();
    params.base_fees[1] = 2_000_001;
    let authority = net.env.authority.insecure_clone();
    let ix = net.env.ix_update_config(&authority.pubkey(), &params);
    net.env.send(&[ix], &[&authority]).expect("update_config");
    net.env.params = params;
    let spec = RequestSpec::default();
    let fee = net.env.params.fee(spec.modalities, spec.min_workers);
    let insurance_before = net.env.lamports(&net.env.insurance());
    let watched = net.accounts(&net.env.request_pda(&net.client.pubkey(), spec.nonce));
    let total_before = net.env.total_lamports(&watched);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(&spec, &[Some(a.clone()), Some(a.clone()), Some(a.clone())]);
    net.to_reveal_phase(&request);
    for w in net.worker_keys() {
        net.env.reveal(&w, &request, &a).expect("reveal");
    }
    net.env.finalize(&request).expect("finalize");
    let per_worker = fee * 65 / 100 / 3;
    let per_model = fee * 20 / 100 / 3;
    let dust = fee - per_worker * 3 - per_model * 3 - fee * 10 / 100;
    assert!(dust > fee * 5 / 100, "there is rounding dust");
    assert_eq!(net.env.lamports(&net.env.insurance()) - insurance_before, dust);
    // Conservation: submit + 3 × (join, commit, reveal) + finalize by a cranker funded with 1 SOL, the client
    // co-signing (before the grace period only the client may finalize).
    let fees = 5_000 + 9 * 5_000 + 10_000;
    assert_eq!(net.env.total_lamports(&watched) + fees, total_before + LAMPORTS_PER_SOL);
}
