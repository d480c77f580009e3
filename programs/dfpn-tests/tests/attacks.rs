//! Attacks found in review (issue #14), each performed on the built `dfpn.so` as an outsider would, and shown to
//! fail with the exact error or to be harmless (balances, stake, reputation and verdict checked). Each test says
//! what the attack was; the numbers follow docs/protocol.md's threat model.
use dfpn_tests::*;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn worker(env: &Env, operator: &Keypair) -> serde_json::Value {
    env.decode("Worker", &env.worker_pda(&operator.pubkey())).unwrap()
}

fn u64_of(v: &serde_json::Value) -> u64 {
    v.as_u64().unwrap()
}

/// 1. A model developer flips verdicts: between commit and reveal it deactivates its model, so that every
///    honest committer that declared it could not reveal and was slashed. Now the model is fixed at commit.
#[test]
fn attack_1_deactivating_a_model_after_the_commits_changes_nothing() {
    // Given three honest workers that committed Manipulated answers made with the network's model
    let mut net = Network::new(3);
    let answer = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(
        &RequestSpec::default(),
        &[Some(answer.clone()), Some(answer.clone()), Some(answer.clone())],
    );
    let stakes: Vec<u64> = net.worker_keys().iter().map(|w| u64_of(&worker(&net.env, w)["stake"])).collect();

    // When the model's developer deactivates it before the reveal phase
    let developer = net.model_developer.insecure_clone();
    let ix = net.env.ix_deactivate_model(&developer.pubkey(), &model_address(Network::MODEL));
    net.env.send(&[ix], &[&developer]).expect("deactivate_model");
    net.to_reveal_phase(&request);

    // Then every reveal is accepted, nobody is slashed, and the verdict is the honest one
    for w in net.worker_keys() {
        net.env.reveal(&w, &request, &answer).expect("reveal");
    }
    net.env.finalize(&request).expect("finalize");
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!((r["verdict"].as_u64(), r["consensus"].as_u64()), (Some(MANIPULATED as u64), Some(1)));
    for (w, stake) in net.worker_keys().iter().zip(stakes) {
        let now = worker(&net.env, w);
        assert_eq!((u64_of(&now["stake"]), u64_of(&now["slashed_total"])), (stake, 0));
        assert!(u64_of(&now["rewards"]) > 0, "the honest revealers are paid");
    }
}

/// 2. Free seat squatting: one stake held every seat of many requests, never committed, and lost nothing when
///    they expired. Now each seat locks a bond of 10 × the per-seat reward, forfeited at expiry.
#[test]
fn attack_2_squatting_costs_each_seat_ten_times_its_reward() {
    // Given a squatter holding every seat of a request (three squatter keys, 1 SOL each) that it never commits
    let mut net = Network::new(3);
    let spec = RequestSpec::default();
    let request = net.submit_join_commit(&spec, &[None, None, None]);
    let before: Vec<u64> = net.worker_keys().iter().map(|w| u64_of(&worker(&net.env, w)["stake"])).collect();

    // When the request expires for want of commitments
    net.to_reveal_phase(&request);
    let ix = net.env.ix_expire_request(&request);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    net.env.send(&[ix], &[&cranker]).expect("expire");

    // Then each squatting seat lost at least ten times what it would have earned
    let fee = net.env.params.fee(spec.modalities, spec.min_workers);
    let per_seat_reward = fee * 6_500 / 10_000 / spec.min_workers as u64;
    for (w, stake) in net.worker_keys().iter().zip(before) {
        let lost = stake - u64_of(&worker(&net.env, w)["stake"]);
        assert!(lost >= 10 * per_seat_reward, "lost {lost}, reward {per_seat_reward}");
    }
}

#[test]
fn attack_2_a_1_sol_stake_holds_no_more_seats_than_its_bonds_cover() {
    // Given one worker with 1 SOL of stake and requests whose seat bond is 130,000,000 lamports
    // (all modalities, one worker: fee 20,000,000, per-seat reward 13,000,000, bond ×10)
    let mut env = Env::new();
    env.register_model(Network::MODEL, modality::ALL);
    let squatter = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let client = env.keypair(100 * LAMPORTS_PER_SOL);
    let spec =
        |nonce| RequestSpec { nonce, modalities: modality::ALL, min_workers: 1, max_workers: 1, ..Default::default() };
    let bond = env.params.seat_bond(env.params.fee(modality::ALL, 1), 1);
    let covered = LAMPORTS_PER_SOL / bond;
    assert_eq!(covered, 7);

    // When it joins one request after another
    for nonce in 0..covered {
        let request = env.submit(&client, &spec(nonce + 1));
        env.join(&squatter, &request).expect("a seat its free stake covers");
    }
    let one_more = env.submit(&client, &spec(covered + 1));

    // Then the next draw passes it over (its bonds already lock the stake), so it has no seat to accept
    env.draw(&one_more).expect("draw_seats");
    assert!(env.drawn(&one_more).is_empty());
    let ix = env.ix_join_request(&squatter.pubkey(), &one_more);
    env.assert_ix_rejected(&ix, &[&squatter], &[one_more, env.worker_pda(&squatter.pubkey())], "NotDrawn");
    assert_eq!(u64_of(&worker(&env, &squatter)["bonded"]), covered * bond);
}

/// 3. Stake frozen for decades: any deadline was accepted, and a seat locks its worker's stake until then.
#[test]
fn attack_3_a_deadline_beyond_max_deadline_secs_is_refused() {
    let mut env = Env::new();
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    // Given a request asking for a 100-year deadline / Then it is refused, creating nothing
    let century = RequestSpec { deadline_in: 100 * 365 * 86_400, ..Default::default() };
    let ix = env.ix_submit_request(&client.pubkey(), &century);
    let request = env.request_pda(&client.pubkey(), century.nonce);
    env.assert_ix_rejected(&ix, &[&client], &[client.pubkey(), request], "DeadlineTooLong");
    // And one second past the configured maximum is refused too, while the maximum itself is accepted
    let max = env.params.max_deadline_secs;
    let past = RequestSpec { deadline_in: max + 1, ..Default::default() };
    let ix = env.ix_submit_request(&client.pubkey(), &past);
    env.assert_ix_rejected(&ix, &[&client], &[client.pubkey(), request], "DeadlineTooLong");
    env.submit(&client, &RequestSpec { deadline_in: max, ..Default::default() });
}

/// 4. Lazy answers paid without consensus: with a tie, or a lone worker below `min_consensus_weight`, every
///    revealer was paid in full. Now a no-consensus outcome pays a participation share, strictly less than
///    agreeing with a consensus, and the client gets the rest back.
#[test]
fn attack_4_no_consensus_pays_only_a_participation_share() {
    // Given a tie (Manipulated vs Authentic, equal weight) on a two-worker request
    let mut net = Network::new(2);
    let spec = RequestSpec { min_workers: 2, max_workers: 2, ..Default::default() };
    let answers = [Answer::new(MANIPULATED, 90, Network::MODEL), Answer::new(AUTHENTIC, 90, Network::MODEL)];
    let request = net.submit_join_commit(&spec, &[Some(answers[0].clone()), Some(answers[1].clone())]);
    net.to_reveal_phase(&request);
    for (w, a) in net.worker_keys().iter().zip(&answers) {
        net.env.reveal(w, &request, a).expect("reveal");
    }
    let client_before = net.env.lamports(&net.client.pubkey());

    // When it is finalized
    net.env.finalize(&request).expect("finalize");

    // Then the verdict is Inconclusive with no consensus, each revealer earns the participation share only
    let fee = net.env.params.fee(spec.modalities, spec.min_workers);
    let charged = fee * net.env.params.no_consensus_fee_bps as u64 / 10_000;
    let participation = charged * 6_500 / 10_000 / 2;
    let consensus_pay = fee * 6_500 / 10_000 / 2;
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!((r["verdict"].as_u64(), r["consensus"].as_u64()), (Some(0), Some(0)));
    for w in net.worker_keys() {
        assert_eq!(u64_of(&worker(&net.env, &w)["rewards"]), participation);
    }
    assert!(participation < consensus_pay, "strictly less than agreeing with a consensus");
    // And the client got back everything but the charged share
    assert_eq!(net.env.lamports(&net.client.pubkey()), client_before + spec.max_fee - charged);
}

/// 5. Self-dealt reputation and self-certification: one key as client and worker raised its reputation for a
///    few lamports and certified its own media.
#[test]
fn attack_5_a_client_cannot_take_a_seat_in_its_own_request() {
    // Given a client that is also a registered worker
    let mut env = Env::new();
    env.register_model(Network::MODEL, modality::ALL);
    let dealer = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let honest = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    env.fund(&dealer.pubkey(), 10 * LAMPORTS_PER_SOL);
    let request = env.submit(&dealer, &RequestSpec::default());
    // When its request's seats are drawn / Then the draw passes it over, and joining is refused, changing nothing
    env.draw(&request).expect("draw_seats");
    assert_eq!(env.drawn(&request), vec![honest.pubkey()]);
    let ix = env.ix_join_request(&dealer.pubkey(), &request);
    env.assert_ix_rejected(&ix, &[&dealer], &[request, env.worker_pda(&dealer.pubkey())], "SelfDealing");
    // And the other worker (positive control) accepts its drawn seat
    env.join(&honest, &request).expect("join");
}

#[test]
fn attack_5_a_seat_cannot_use_a_model_of_the_client() {
    // Given a client that registered its own model, declared by the workers that joined its request
    let mut net = Network::new(3);
    let (client_model_developer, _) = net.env.register_model("client-model", modality::ALL);
    for w in net.worker_keys() {
        let ix = net.env.ix_update_worker(
            &w.pubkey(),
            modality::ALL,
            &[model_address(Network::MODEL).to_bytes(), model_address("client-model").to_bytes()],
        );
        net.env.send(&[ix], &[&w]).expect("update_worker");
    }
    net.env.fund(&client_model_developer.pubkey(), 10 * LAMPORTS_PER_SOL);
    let request = net.env.submit(&client_model_developer, &RequestSpec::default());
    let w = net.workers[0].insecure_clone();
    net.env.join(&w, &request).expect("join");
    // When a seat commits with the client's model (its 20 % would flow back to the client) / Then it is refused
    let a = Answer::new(MANIPULATED, 90, "client-model");
    let c = commitment(&request, &w.pubkey(), a.verdict, a.confidence, &a.model, &a.report_hash, &a.salt);
    let ix = net.env.ix_commit_result(&w.pubkey(), &request, &c, &a.model);
    net.env.assert_ix_rejected(&ix, &[&w], &[request], "SelfDealing");
}

#[test]
fn attack_5_reputation_rises_only_from_requests_with_three_revealers() {
    // Given two workers (sybils of one owner) agreeing on a two-worker request
    let mut net = Network::new(3);
    let spec = RequestSpec { min_workers: 2, max_workers: 2, ..Default::default() };
    let a = Answer::new(AUTHENTIC, 99, Network::MODEL);
    let request = net.submit_join_commit(&spec, &[Some(a.clone()), Some(a.clone())]);
    net.to_reveal_phase(&request);
    for w in &net.worker_keys()[..2] {
        net.env.reveal(w, &request, &a).expect("reveal");
    }
    // When it is finalized with a unanimous verdict
    net.env.finalize(&request).expect("finalize");
    // Then they are paid, but their reputation did not rise
    for w in &net.worker_keys()[..2] {
        let now = worker(&net.env, w);
        assert!(u64_of(&now["rewards"]) > 0);
        assert_eq!(u64_of(&now["reputation"]), 6_250);
    }
    // And with three revealers (positive control) it does
    let request = net.submit_join_commit(
        &RequestSpec { nonce: 2, ..Default::default() },
        &[Some(a.clone()), Some(a.clone()), Some(a.clone())],
    );
    net.to_reveal_phase(&request);
    for w in net.worker_keys() {
        net.env.reveal(&w, &request, &a).expect("reveal");
    }
    net.env.finalize(&request).expect("finalize");
    assert_eq!(u64_of(&worker(&net.env, &net.workers[0])["reputation"]), 6_257);
}

/// 6. Model ids were first come: anyone could register `face-forensics-sbi` before its author and collect the
///    20 % model share of every worker that named the id. Now a model is its developer's key and its id.
#[test]
fn attack_6_registering_someone_elses_model_id_earns_nothing() {
    // Given the author's model, and a squatter that registers the same id (before the author's workers use it)
    let mut net = Network::new(3);
    let squatter = net.env.keypair(10 * LAMPORTS_PER_SOL);
    let squatter_payout = Keypair::new().pubkey();
    let id = model_id(Network::MODEL);
    let ix = net.env.ix_register_model(&squatter.pubkey(), &id, &squatter_payout, modality::ALL);
    net.env.send(&[ix], &[&squatter]).expect("the squatter can register the id under its own key");
    let squatted = net.env.model_pda_by(&squatter.pubkey(), &id);
    let authentic = model_address(Network::MODEL);
    assert_ne!(squatted, authentic);

    // When honest workers (who declared the author's model) answer a request
    let answer = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(
        &RequestSpec::default(),
        &[Some(answer.clone()), Some(answer.clone()), Some(answer.clone())],
    );
    net.to_reveal_phase(&request);
    for w in net.worker_keys() {
        net.env.reveal(&w, &request, &answer).expect("reveal");
    }
    net.env.finalize(&request).expect("finalize");

    // Then the author's model earned the model share and the squatter's nothing
    let earned = |env: &Env, model: &Address| u64_of(&env.decode("Model", model).unwrap()["earned_total"]);
    assert!(earned(&net.env, &authentic) > 0);
    assert_eq!(earned(&net.env, &squatted), 0);

    // And a worker cannot be made to commit with the squatter's model: it declared the author's address only
    let request = net.env.submit(&net.client.insecure_clone(), &RequestSpec { nonce: 2, ..Default::default() });
    let w = net.workers[0].insecure_clone();
    net.env.join(&w, &request).expect("join");
    let c = commitment(&request, &w.pubkey(), MANIPULATED, 90, &squatted.to_bytes(), &answer.report_hash, &answer.salt);
    let ix = net.env.ix_commit_result(&w.pubkey(), &request, &c, &squatted.to_bytes());
    net.env.assert_ix_rejected(&ix, &[&w], &[request], "ModelNotDeclared");
    // And the squatter cannot redirect the author's fees: the author's model answers only to its developer
    let ix = net.env.ix_update_model(&squatter.pubkey(), &authentic, &squatter_payout, modality::ALL);
    net.env.assert_ix_rejected(&ix, &[&squatter], &[authentic], "Unauthorized");
    let ix = net.env.ix_claim_model_fees(&authentic, &squatter_payout);
    net.env.assert_ix_rejected(&ix, &[], &[authentic, squatter_payout], "PayoutWalletMismatch");
}

/// 6. A model changes developer only when the successor accepts: a mistyped or hostile key cannot take it.
#[test]
fn attack_6_a_model_cannot_be_taken_over_without_the_two_step_transfer() {
    // Given a registered model, its developer and an outsider
    let mut env = Env::new();
    let (developer, _) = env.register_model("transferable", modality::ALL);
    let model = model_address("transferable");
    let outsider = env.keypair(LAMPORTS_PER_SOL);

    // When the outsider proposes itself, or accepts without a proposal / Then both are refused
    let ix = env.ix_propose_model_transfer(&outsider.pubkey(), &model, &outsider.pubkey());
    env.assert_ix_rejected(&ix, &[&outsider], &[model], "Unauthorized");
    let ix = env.ix_accept_model_transfer(&outsider.pubkey(), &model);
    env.assert_ix_rejected(&ix, &[&outsider], &[model], "NotPendingDeveloper");

    // And when the developer proposes a successor (positive control) only that successor can accept
    let successor = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &successor.pubkey());
    env.send(&[ix], &[&developer]).expect("propose_model_transfer");
    let ix = env.ix_accept_model_transfer(&outsider.pubkey(), &model);
    env.assert_ix_rejected(&ix, &[&outsider], &[model], "NotPendingDeveloper");
    let ix = env.ix_accept_model_transfer(&successor.pubkey(), &model);
    env.send(&[ix], &[&successor]).expect("accept_model_transfer");
    assert_eq!(idl::pubkey(&env.decode("Model", &model).unwrap()["developer"]), successor.pubkey());
}

/// 7. Configuration reaching back into running requests: raising the slash after the commits took a whole
///    stake. Now the program bounds it (at most 6 × the per-seat reward), and a request keeps the parameters of
///    its submission.
#[test]
fn attack_7_a_config_change_after_the_commits_does_not_reach_the_request() {
    // Given a request whose three seats committed, one of which will not reveal
    let mut net = Network::new(3);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let spec = RequestSpec::default();
    let request = net.submit_join_commit(&spec, &[Some(a.clone()), Some(a.clone()), Some(a.clone())]);
    let authority = net.env.authority.insecure_clone();
    // When the authority tries to set the slash beyond the bound / Then the program refuses it
    let greedy = Params::with(|p| p.non_reveal_slash_bps = u16::MAX);
    let ix = net.env.ix_update_config(&authority.pubkey(), &greedy);
    net.env.assert_ix_rejected(&ix, &[&authority], &[net.env.config()], "InvalidConfig");
    // And when it raises the slash to the maximum allowed after the commits
    let raised = Params::with(|p| p.non_reveal_slash_bps = 60_000);
    let ix = net.env.ix_update_config(&authority.pubkey(), &raised);
    net.env.send(&[ix], &[&authority]).expect("update_config");
    net.to_reveal_phase(&request);
    for w in &net.worker_keys()[..2] {
        net.env.reveal(w, &request, &a).expect("reveal");
    }
    net.to_deadline(&request);
    net.env.finalize(&request).expect("finalize");
    // Then the silent committer is slashed at the 3 × reward its request was submitted under, not 6 ×
    let silent = worker(&net.env, &net.workers[2]);
    let fee = net.env.params.fee(spec.modalities, spec.min_workers);
    assert_eq!(u64_of(&silent["slashed_total"]), net.env.params.non_reveal_slash(fee, spec.min_workers));
    assert!(u64_of(&silent["slashed_total"]) < raised.non_reveal_slash(fee, spec.min_workers));
}

/// 8. The same (client, nonce) submitted twice through a non-canonical request PDA bump.
#[test]
fn attack_8_a_non_canonical_request_bump_is_refused() {
    let mut env = Env::new();
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let spec = RequestSpec::default();
    let canonical = env.request_bump(&client.pubkey(), spec.nonce);
    // Given the next lower bump that also gives a valid PDA
    let (client_key, nonce) = (client.pubkey(), spec.nonce.to_le_bytes());
    let seeds: [&[u8]; 3] = [b"request", client_key.as_ref(), &nonce];
    let (bump, address) = (0..canonical)
        .rev()
        .find_map(|b| {
            Address::create_program_address(&[seeds[0], seeds[1], seeds[2], &[b]], &env.program_id).ok().map(|a| (b, a))
        })
        .expect("a lower valid bump");
    let mut ix = env.ix_submit_request(&client.pubkey(), &spec);
    ix.accounts[1].pubkey = address;
    let bump_at = ix.data.len() - 33; // the bump, then the 32-byte attestation
    ix.data[bump_at] = bump;
    // When the client submits at that address / Then it is refused, creating nothing
    env.assert_ix_rejected(&ix, &[&client], &[client.pubkey(), address], "NonCanonicalBump");
    // And the canonical address (positive control) is accepted
    env.submit(&client, &spec);
}

/// 9. Smaller ones.
#[test]
fn attack_9_a_claim_to_an_empty_payout_wallet_below_rent_gets_a_clear_error() {
    // Given a model whose payout wallet does not exist yet and a few lamports of unclaimed fees
    let mut env = Env::new();
    let developer = env.keypair(10 * LAMPORTS_PER_SOL);
    let payout = Keypair::new().pubkey();
    let ix = env.ix_register_model(&developer.pubkey(), &model_id("tiny"), &payout, modality::ALL);
    env.send(&[ix], &[&developer]).expect("register_model");
    let model = env.model_pda_by(&developer.pubkey(), &model_id("tiny"));
    env.set_field(&model, "Model", "unclaimed", &1_000u64.to_le_bytes());
    env.edit_account(&model, |a| a.lamports += 1_000);
    // When anyone claims / Then the program says why, changing nothing
    let ix = env.ix_claim_model_fees(&model, &payout);
    env.assert_ix_rejected(&ix, &[], &[model, payout], "PayoutBelowRent");
    // And once the wallet exists (positive control) the same claim goes through
    env.fund(&payout, LAMPORTS_PER_SOL);
    env.send_paid(&[ix], &[]).expect("claim_model_fees");
    assert_eq!(env.lamports(&payout), LAMPORTS_PER_SOL + 1_000);
}

#[test]
fn attack_9_rounding_dust_stays_under_one_percent_of_the_smallest_fee() {
    // Given the smallest base fees the configuration allows, and requests paid out among 1, 2 and 3 workers
    for paid in 1..=3u8 {
        let mut net = Network::new(3);
        let authority = net.env.authority.insecure_clone();
        let cheapest = Params::with(|p| p.base_fees = [10_000; 5]);
        let ix = net.env.ix_update_config(&authority.pubkey(), &cheapest);
        net.env.send(&[ix], &[&authority]).expect("update_config");
        let spec = RequestSpec { min_workers: paid, max_workers: paid, ..Default::default() };
        let a = Answer::new(MANIPULATED, 90, Network::MODEL);
        let answers: Vec<Option<Answer>> = (0..paid).map(|_| Some(a.clone())).collect();
        let request = net.submit_join_commit(&spec, &answers);
        net.to_reveal_phase(&request);
        for w in &net.worker_keys()[..paid as usize] {
            net.env.reveal(w, &request, &a).expect("reveal");
        }
        let insurance_before = net.env.lamports(&net.env.insurance());
        // When it is finalized
        net.env.finalize(&request).expect("finalize");
        // Then what insurance receives beyond its 5 % (the rounding dust) is under 1 % of the fee
        let fee = u64_of(&net.env.decode("Request", &request).unwrap()["fee"]);
        let dust = net.env.lamports(&net.env.insurance()) - insurance_before - fee * 500 / 10_000;
        assert!(dust * 100 < fee, "{paid} paid: dust {dust} of fee {fee}");
    }
    // And the configuration refuses a smaller base fee (the 13-lamport fee of the review)
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let ix = env.ix_update_config(&authority.pubkey(), &Params::with(|p| p.base_fees[0] = 13));
    env.assert_ix_rejected(&ix, &[&authority], &[env.config()], "InvalidConfig");
}

#[test]
fn attack_9_errors_name_what_is_wrong() {
    // Given a finalized request with three revealed seats
    let mut net = Network::new(3);
    net.env.register_model("other-model", modality::ALL);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(a.clone()), Some(a.clone()), Some(a.clone())]);
    net.to_reveal_phase(&request);
    for w in net.worker_keys() {
        net.env.reveal(&w, &request, &a).expect("reveal");
    }
    // When finalize names a model that is not the seat's / Then ModelMismatch (not InvalidPda)
    net.env.to_grace_end(&request);
    let valid = net.env.ix_finalize_request(&request);
    let mut wrong = valid.clone();
    let last = wrong.accounts.len() - 1;
    wrong.accounts[last].pubkey = net.env.model_pda(&model_id("other-model"));
    net.env.assert_altered_rejected(&valid, &wrong, "ModelMismatch");
    // When the client closes the request twice / Then RequestAlreadyClosed (not InvalidAccountOwner)
    net.env.finalize(&request).expect("finalize");
    let client = net.client.insecure_clone();
    let ix = net.env.ix_close_request(&client.pubkey(), &request);
    net.env.send(std::slice::from_ref(&ix), &[&client]).expect("close");
    net.env.assert_ix_rejected(&ix, &[&client], &[client.pubkey()], "RequestAlreadyClosed");
    // When a worker's operator pauses the network / Then NotConfigAuthority (the config authority's own error)
    let w = net.workers[0].insecure_clone();
    let ix = net.env.ix_set_paused(&w.pubkey(), true);
    net.env.assert_ix_rejected(&ix, &[&w], &[net.env.config()], "NotConfigAuthority");
}

#[test]
fn attack_9_lamports_sent_to_a_worker_account_are_not_stranded() {
    // Given a registered worker whose PDA received lamports outside the program's books (no rewards yet)
    let mut env = Env::new();
    env.register_model(Network::MODEL, modality::ALL);
    let operator = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let worker = env.worker_pda(&operator.pubkey());
    env.edit_account(&worker, |a| a.lamports += 50_000);
    let before = env.lamports(&operator.pubkey());
    // When its operator claims / Then the lamports reach the operator and the worker holds exactly its books
    let ix = env.ix_claim_worker_rewards(&operator.pubkey());
    let meta = env.send(&[ix], &[&operator]).expect("claim");
    assert_eq!(env.lamports(&operator.pubkey()), before + 50_000 - meta.fee);
    env.assert_worker_lamports(&worker);
}

/// 9. `initialize_config` could be front-run: whoever sent it first after deployment became the authority.
///    Now only the program's upgrade authority (read from its ProgramData account) may initialize.
#[test]
fn attack_9_initialize_config_cannot_be_front_run() {
    // Given a fresh deployment (upgrade authority: the deployer) and an attacker watching the chain
    let mut env = Env::bare();
    let attacker = env.keypair(10 * LAMPORTS_PER_SOL);

    // When the attacker initializes first, naming itself authority / Then it is refused and nothing exists
    let ix = env.ix_initialize_config(&attacker.pubkey(), &env.params);
    env.assert_ix_rejected(&ix, &[&attacker], &[env.config(), env.treasury(), env.insurance()], "NotUpgradeAuthority");

    // And the deployer (positive control) still initializes
    let deployer = env.authority.insecure_clone();
    let ix = env.ix_initialize_config(&deployer.pubkey(), &env.params);
    env.send(&[ix], &[&deployer]).expect("initialize_config");
}

/// 9. Insurance could never be spent. Now the authority may withdraw, but at most 10 % of the vault per call and
///    one call per week, in public (an event), so even a stolen authority key drains it only slowly.
#[test]
fn attack_9_insurance_withdrawal_is_governed_and_bounded() {
    // Given an insurance vault holding 10 SOL above rent, its authority and an outsider
    let mut env = Env::new();
    let insurance = env.insurance();
    env.edit_account(&insurance, |a| a.lamports += 10 * LAMPORTS_PER_SOL);
    let authority = env.authority.insecure_clone();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let recipient = Keypair::new().pubkey();
    let watched = [insurance, recipient, env.config()];

    // When the outsider withdraws / Then it is refused
    let ix = env.ix_withdraw_insurance(&outsider.pubkey(), &outsider.pubkey(), LAMPORTS_PER_SOL);
    env.assert_ix_rejected(&ix, &[&outsider], &watched, "NotConfigAuthority");
    // When the authority asks for more than 10 % / Then it is refused
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, LAMPORTS_PER_SOL + 1);
    env.assert_ix_rejected(&ix, &[&authority], &watched, "InsuranceWithdrawalTooLarge");
    // When it asks for exactly 10 % (positive control) / Then the lamports move and an event says so
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, LAMPORTS_PER_SOL);
    let meta = env.send(&[ix], &[&authority]).expect("withdraw_insurance");
    assert_eq!(env.lamports(&recipient), LAMPORTS_PER_SOL);
    assert_eq!(events(&env, &meta)[0].0, "InsuranceWithdrawn");
    // And a second withdrawal within the week is refused, one a week later goes through
    env.advance(6 * 86_400);
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    env.assert_ix_rejected(&ix, &[&authority], &[insurance, recipient], "InsuranceWithdrawalTooSoon");
    env.advance(86_400);
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    env.send(&[ix], &[&authority]).expect("a week later");
}

/// 10. Answering without looking kept a full vote (issue #15): a worker that says "Authentic" to everything agrees
///     with most consensuses, so its reputation, and with it its voting weight and its seats, stayed up while it
///     certified fakes. Now known answers drive reputation, the vote counts only reputation above a coin flip, and
///     the draw scales a worker's odds by that weight.
#[test]
fn attack_10_a_worker_that_fails_known_answers_loses_its_vote() {
    // Given three workers and a client that governance registered as a challenger
    let mut net = Network::new(3);
    let (authority, client) = (net.env.authority.insecure_clone(), net.client.pubkey());
    let ix = net.env.ix_register_challenger(&authority.pubkey(), &client);
    net.env.send(&[ix], &[&authority]).expect("register_challenger");
    let (lazy, honest) = (Answer::new(AUTHENTIC, 95, Network::MODEL), Answer::new(MANIPULATED, 80, Network::MODEL));
    // And, as the positive control, a fresh lazy and honest worker splitting 1 : 1: equal weights, a tie
    assert_eq!(one_against_one(&mut net, 1, &lazy, &honest), (INCONCLUSIVE as u64, 0));

    // When the lazy worker (0) answers two fakes the challenger labelled Manipulated, the others right
    for nonce in [2, 3] {
        let salt = [nonce as u8; 32];
        let address = net.env.request_pda(&client, nonce);
        let spec = RequestSpec {
            nonce,
            attestation: challenge_attestation(&address, MANIPULATED, &salt),
            ..Default::default()
        };
        let answers = [Some(lazy.clone()), Some(honest.clone()), Some(honest.clone())];
        let request = net.submit_join_commit(&spec, &answers);
        net.to_reveal_phase(&request);
        for (w, a) in net.worker_keys().iter().zip(&answers) {
            net.env.reveal(w, &request, a.as_ref().unwrap()).expect("reveal");
        }
        let challenger = net.client.insecure_clone();
        let ix = net.env.ix_reveal_challenge(&challenger.pubkey(), &request, MANIPULATED, &salt);
        net.env.send(&[ix], &[&challenger]).expect("reveal_challenge");
        net.env.finalize(&request).expect("finalize");
        // (it tops its stake back up to the minimum: the failure took 2 % of it)
        let lazy_key = net.workers[0].insecure_clone();
        let ix = net.env.ix_add_stake(&lazy_key.pubkey(), LAMPORTS_PER_SOL / 20);
        net.env.send(&[ix], &[&lazy_key]).expect("add_stake");
    }
    // Then its reputation fell to a coin flip and below (2α each: 6 250 → 5 000 → 4 000), the others' rose
    assert_eq!(u64_of(&worker(&net.env, &net.workers[0])["reputation"]), 4_000);
    assert_eq!(u64_of(&worker(&net.env, &net.workers[1])["reputation"]), 6_962);
    // And the same 1 : 1 split is now the honest worker's verdict: the lazy vote weighs nothing
    assert_eq!(one_against_one(&mut net, 4, &lazy, &honest), (MANIPULATED as u64, 1));
}

/// A two-seat request where worker 0 reveals `a` and worker 1 `b`: its (verdict, consensus) once finalized.
fn one_against_one(net: &mut Network, nonce: u64, a: &Answer, b: &Answer) -> (u64, u64) {
    let spec = RequestSpec { nonce, min_workers: 2, max_workers: 2, ..Default::default() };
    let request = net.submit_join_commit(&spec, &[Some(a.clone()), Some(b.clone())]);
    net.to_reveal_phase(&request);
    for (w, answer) in net.worker_keys().iter().zip([a, b]) {
        net.env.reveal(w, &request, answer).expect("reveal");
    }
    net.env.finalize(&request).expect("finalize");
    let r = net.env.decode("Request", &request).unwrap();
    (u64_of(&r["verdict"]), u64_of(&r["consensus"]))
}
