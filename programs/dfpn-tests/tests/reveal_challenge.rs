//! `reveal_challenge` and the finalization of a known-answer challenge: a registered challenger's request looks
//! like any other until, after the reveals, the challenger reveals the label its attestation committed to; then
//! the workers whose verdict matches the label are paid and the others lose `challenge_slash_bps` of their stake
//! and reputation, whatever the consensus said.
#![allow(clippy::result_large_err)] // TxResult is LiteSVM's own type
use dfpn_tests::*;
use serde_json::Value;
use solana_address::Address;
use solana_signer::Signer;

const SALT: [u8; 32] = [7; 32];

/// A network of three workers whose client is a registered challenger, and a challenge request labelled `label`
/// where each worker committed `verdicts[i]` (all revealed unless `reveal` is false for it).
fn challenge(label: u8, verdicts: [u8; 3], reveal: [bool; 3]) -> (Network, Address) {
    let mut net = Network::new(3);
    let (authority, client) = (net.env.authority.insecure_clone(), net.client.pubkey());
    let ix = net.env.ix_register_challenger(&authority.pubkey(), &client);
    net.env.send(&[ix], &[&authority]).expect("register_challenger");
    let spec = RequestSpec { nonce: 9, ..Default::default() };
    let address = net.env.request_pda(&client, spec.nonce);
    let spec = RequestSpec { attestation: challenge_attestation(&address, label, &SALT), ..spec };
    let answers = verdicts.map(|v| Some(Answer::new(v, 90, Network::MODEL)));
    let request = net.submit_join_commit(&spec, &answers);
    net.to_reveal_phase(&request);
    for ((w, a), r) in net.worker_keys().iter().zip(&answers).zip(reveal) {
        if r {
            net.env.reveal(w, &request, a.as_ref().unwrap()).expect("reveal");
        }
    }
    if reveal.contains(&false) {
        net.to_deadline(&request);
    }
    (net, request)
}

fn worker(net: &Network, i: usize) -> Value {
    net.env.decode("Worker", &net.env.worker_pda(&net.workers[i].pubkey())).unwrap()
}

fn reveal(net: &mut Network, request: &Address, label: u8, salt: &[u8; 32]) -> TxResult {
    let client = net.client.insecure_clone();
    let ix = net.env.ix_reveal_challenge(&client.pubkey(), request, label, salt);
    net.env.send(&[ix], &[&client])
}

#[test]
fn the_known_answer_pays_the_right_minority_and_slashes_the_wrong_majority() {
    // Given a fake (label Manipulated) that two lazy workers called Authentic and one honest worker Manipulated
    let (mut net, request) = challenge(MANIPULATED, [AUTHENTIC, AUTHENTIC, MANIPULATED], [true; 3]);
    let stake = net.env.params.min_stake;

    // When the challenger reveals the label and the request is finalized
    let meta = reveal(&mut net, &request, MANIPULATED, &SALT).expect("reveal_challenge");
    assert_eq!(events(&net.env, &meta)[0].0, "ChallengeRevealed");
    net.env.finalize(&request).expect("finalize");

    // Then the consensus is still recorded (Authentic), but only the honest worker is paid the whole worker share
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!(
        (r["verdict"].as_u64(), r["challenged"].as_u64(), r["challenge_label"].as_u64()),
        (Some(1), Some(1), Some(2))
    );
    let spec = RequestSpec::default();
    let fee = net.env.params.fee(spec.modalities, spec.min_workers);
    assert_eq!(worker(&net, 2)["rewards"].as_u64().unwrap(), fee * 6_500 / 10_000);
    // And each lazy worker lost challenge_slash_bps of its stake and reputation, and earned nothing
    let slash = stake * net.env.params.challenge_slash_bps as u64 / 10_000;
    for i in [0, 1] {
        let w = worker(&net, i);
        assert_eq!((w["rewards"].as_u64(), w["stake"].as_u64()), (Some(0), Some(stake - slash)), "lazy worker {i}");
        assert_eq!(w["reputation"], 5_000, "a failed challenge: twice alpha toward 0");
    }
    assert_eq!(worker(&net, 2)["reputation"], 6_625, "a passed challenge: alpha toward 10 000");
}

#[test]
fn an_unrevealed_challenge_is_an_ordinary_request() {
    // Given the same request, the challenger never revealing (positive control of the test above)
    let (mut net, request) = challenge(MANIPULATED, [AUTHENTIC, AUTHENTIC, MANIPULATED], [true; 3]);
    net.env.finalize(&request).expect("finalize");
    // Then the consensus (Authentic) is paid and nobody is slashed
    assert!(worker(&net, 0)["rewards"].as_u64().unwrap() > 0);
    assert_eq!(worker(&net, 2)["rewards"].as_u64(), Some(0));
    for i in 0..3 {
        assert_eq!(worker(&net, i)["slashed_total"].as_u64(), Some(0));
    }
}

#[test]
fn a_committed_seat_that_does_not_reveal_fails_the_challenge_too() {
    // Given a challenge where one worker committed and withheld its reveal
    let (mut net, request) = challenge(AUTHENTIC, [AUTHENTIC, AUTHENTIC, MANIPULATED], [true, true, false]);
    reveal(&mut net, &request, AUTHENTIC, &SALT).expect("reveal_challenge");
    net.env.finalize(&request).expect("finalize");
    // Then it loses the non-reveal slash plus the challenge slash
    let spec = RequestSpec::default();
    let fee = net.env.params.fee(spec.modalities, spec.min_workers);
    let stake = net.env.params.min_stake;
    let non_reveal = net.env.params.non_reveal_slash(fee, spec.min_workers);
    let challenge_slash = (stake - non_reveal) * net.env.params.challenge_slash_bps as u64 / 10_000;
    assert_eq!(worker(&net, 2)["slashed_total"].as_u64(), Some(non_reveal + challenge_slash));
}

#[test]
fn nobody_matching_the_label_charges_nothing() {
    // Given a challenge every worker failed
    let (mut net, request) = challenge(MANIPULATED, [AUTHENTIC; 3], [true; 3]);
    let client_before = net.env.lamports(&net.client.pubkey());
    reveal(&mut net, &request, MANIPULATED, &SALT).expect("reveal_challenge");
    net.env.finalize(&request).expect("finalize");
    // Then the challenger gets its whole escrow back (nobody earned the fee) and all three were slashed
    let spec = RequestSpec::default();
    assert_eq!(net.env.lamports(&net.client.pubkey()), client_before - 5_000 + spec.max_fee);
    for i in 0..3 {
        assert!(worker(&net, i)["slashed_total"].as_u64().unwrap() > 0);
    }
}

#[test]
fn the_label_and_salt_must_match_the_attestation() {
    let (mut net, request) = challenge(MANIPULATED, [MANIPULATED; 3], [true; 3]);
    let watched = [request, net.env.challenger_pda(&net.client.pubkey())];
    let client = net.client.insecure_clone();
    // Given the other label, or another salt / When revealed / Then ChallengeMismatch, nothing changes
    for (label, salt) in [(AUTHENTIC, SALT), (MANIPULATED, [8; 32])] {
        let ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, label, &salt);
        net.env.assert_ix_rejected(&ix, &[&client], &watched, "ChallengeMismatch");
    }
    // Given Inconclusive as a label / Then it is not a known answer
    let ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, INCONCLUSIVE, &SALT);
    net.env.assert_ix_rejected(&ix, &[&client], &watched, "InvalidVerdict");
    // And the right label and salt (positive control) are accepted once, not twice
    reveal(&mut net, &request, MANIPULATED, &SALT).expect("reveal_challenge");
    let ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, MANIPULATED, &SALT);
    net.env.assert_ix_rejected(&ix, &[&client], &watched, "ChallengeAlreadyRevealed");
    let c = net.env.decode("Challenger", &net.env.challenger_pda(&client.pubkey())).unwrap();
    assert_eq!(c["challenges"].as_u64(), Some(1));
}

#[test]
fn a_challenge_cannot_be_revealed_before_the_reveals_end_or_after_finalization() {
    // Given a challenge where only two of three committed workers revealed, before the deadline
    let mut net = Network::new(3);
    let (authority, client) = (net.env.authority.insecure_clone(), net.client.insecure_clone());
    let ix = net.env.ix_register_challenger(&authority.pubkey(), &client.pubkey());
    net.env.send(&[ix], &[&authority]).expect("register_challenger");
    let address = net.env.request_pda(&client.pubkey(), 9);
    let spec =
        RequestSpec { nonce: 9, attestation: challenge_attestation(&address, AUTHENTIC, &SALT), ..Default::default() };
    let a = Answer::new(AUTHENTIC, 90, Network::MODEL);
    let request = net.submit_join_commit(&spec, &[Some(a.clone()), Some(a.clone()), Some(a.clone())]);
    net.to_reveal_phase(&request);
    for w in &net.worker_keys()[..2] {
        net.env.reveal(w, &request, &a).expect("reveal");
    }
    // When the challenger reveals now (a worker could still answer knowing the label) / Then it is too early
    let ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, AUTHENTIC, &SALT);
    net.env.assert_ix_rejected(&ix, &[&client], &[request], "ChallengeTooEarly");
    // When the deadline passes (positive control) it is accepted
    net.to_deadline(&request);
    reveal(&mut net, &request, AUTHENTIC, &SALT).expect("reveal_challenge at the deadline");
    // And once finalized, the request takes no more reveals
    net.env.finalize(&request).expect("finalize");
    let ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, AUTHENTIC, &SALT);
    net.env.assert_ix_rejected(&ix, &[&client], &[request], "RequestNotOpen");
}

#[test]
fn only_a_registered_challenger_can_reveal_and_only_on_its_own_requests() {
    // Given an ordinary client (not registered) whose request carries a matching attestation
    let mut net = Network::new(3);
    let client = net.client.insecure_clone();
    let address = net.env.request_pda(&client.pubkey(), 9);
    let spec = RequestSpec {
        nonce: 9,
        attestation: challenge_attestation(&address, MANIPULATED, &SALT),
        ..Default::default()
    };
    let a = Answer::new(AUTHENTIC, 90, Network::MODEL);
    let request = net.submit_join_commit(&spec, &[Some(a.clone()), Some(a.clone()), Some(a.clone())]);
    net.to_reveal_phase(&request);
    for w in net.worker_keys() {
        net.env.reveal(&w, &request, &a).expect("reveal");
    }
    // When it reveals (to slash workers that disagree with the verdict it wants) / Then NotChallenger
    let ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, MANIPULATED, &SALT);
    net.env.assert_ix_rejected(&ix, &[&client], &[request], "NotChallenger");
    // When a registered challenger reveals on someone else's request / Then ClientMismatch
    let challenger = net.env.keypair(LAMPORTS_PER_SOL);
    let authority = net.env.authority.insecure_clone();
    let ix = net.env.ix_register_challenger(&authority.pubkey(), &challenger.pubkey());
    net.env.send(&[ix], &[&authority]).expect("register_challenger");
    let ix = net.env.ix_reveal_challenge(&challenger.pubkey(), &request, MANIPULATED, &SALT);
    net.env.assert_ix_rejected(&ix, &[&challenger], &[request], "ClientMismatch");
    // When the client passes another challenger's account as its own / Then NotChallenger
    let mut ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, MANIPULATED, &SALT);
    ix.accounts[1].pubkey = net.env.challenger_pda(&challenger.pubkey());
    net.env.assert_ix_rejected(&ix, &[&client], &[request], "NotChallenger");
    // When unsigned / Then MissingSignature
    let mut ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, MANIPULATED, &SALT);
    ix.accounts[0].is_signer = false;
    net.env.assert_ix_rejected(&ix, &[], &[request], "MissingSignature");
    // And once the client is registered (positive control) its reveal is accepted
    let ix = net.env.ix_register_challenger(&authority.pubkey(), &client.pubkey());
    net.env.send(&[ix], &[&authority]).expect("register_challenger");
    reveal(&mut net, &request, MANIPULATED, &SALT).expect("reveal_challenge");
}

#[test]
fn during_the_grace_period_only_the_client_finalizes() {
    // Given a request every seat revealed, before its deadline
    let (mut net, request) = challenge(MANIPULATED, [MANIPULATED; 3], [true; 3]);
    let cranker = net.env.keypair(LAMPORTS_PER_SOL);
    // When a worker or anyone finalizes (to dodge a possible challenge) / Then it must wait for the grace period
    let ix = net.env.ix_finalize_request(&request);
    net.env.assert_ix_rejected(&ix, &[], &[request], "FinalizeReservedForClient");
    net.to_deadline(&request);
    let grace = net.env.idl.constant_u64("FINALIZE_GRACE_SECS") as i64;
    net.env.advance(grace - 1);
    net.env.assert_ix_rejected(&ix, &[], &[request], "FinalizeReservedForClient");
    // And when the grace period is over (positive control) anyone finalizes
    net.env.advance(1);
    net.env.send(&[ix], &[&cranker]).expect("finalize by anyone");
}

#[test]
fn the_client_finalizes_as_soon_as_every_seat_revealed() {
    // Given a request every seat revealed, before its deadline
    let (mut net, request) = challenge(MANIPULATED, [MANIPULATED; 3], [true; 3]);
    let client = net.client.insecure_clone();
    // When the client signs the finalization / Then it goes through at once
    let ix = net.env.ix_finalize_request_by_client(&request);
    net.env.send(&[ix], &[&client]).expect("finalize by the client");
    assert_eq!(net.env.decode("Request", &request).unwrap()["status"], 1);
}

#[test]
fn malformed_data_is_rejected() {
    let (mut net, request) = challenge(MANIPULATED, [MANIPULATED; 3], [true; 3]);
    let client = net.client.insecure_clone();
    for change in [
        |d: &mut Vec<u8>| {
            d.pop();
        },
        |d: &mut Vec<u8>| d.push(0),
    ] {
        let mut ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, MANIPULATED, &SALT);
        change(&mut ix.data);
        net.env.assert_ix_rejected(&ix, &[&client], &[request], "InvalidInstructionData");
    }
    let mut ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, MANIPULATED, &SALT);
    ix.accounts.pop();
    net.env.assert_ix_rejected(&ix, &[&client], &[request], "NotEnoughAccounts");
}

#[test]
fn attack_a_challenger_that_labels_wrongly_costs_honest_workers_at_most_the_cap_and_is_removed() {
    // Given governance at the highest challenge slash the program allows, and a challenger that labels a fake
    // "Authentic" on purpose while all three honest workers call it Manipulated
    let mut net = Network::new(3);
    let authority = net.env.authority.insecure_clone();
    let cap = net.env.idl.constant_u64("MAX_CHALLENGE_SLASH_BPS") as u16;
    let params = Params { challenge_slash_bps: cap, ..net.env.params.clone() };
    let ix = net.env.ix_update_config(&authority.pubkey(), &params);
    net.env.send(&[ix], &[&authority]).expect("update_config at the cap");
    let above = Params { challenge_slash_bps: cap + 1, ..params.clone() };
    let ix = net.env.ix_update_config(&authority.pubkey(), &above);
    net.env.assert_ix_rejected(&ix, &[&authority], &[], "InvalidConfig");
    let client = net.client.pubkey();
    let ix = net.env.ix_register_challenger(&authority.pubkey(), &client);
    net.env.send(&[ix], &[&authority]).expect("register_challenger");
    let submit = |net: &mut Network, nonce: u64| {
        let address = net.env.request_pda(&client, nonce);
        let spec =
            RequestSpec { nonce, attestation: challenge_attestation(&address, AUTHENTIC, &SALT), ..Default::default() };
        let answers = [0; 3].map(|_| Some(Answer::new(MANIPULATED, 90, Network::MODEL)));
        let request = net.submit_join_commit(&spec, &answers);
        for (w, a) in net.worker_keys().iter().zip(&answers) {
            net.env.reveal(w, &request, a.as_ref().unwrap()).expect("reveal");
        }
        request
    };
    let request = submit(&mut net, 1);
    let stake = net.env.params.min_stake;

    // When it reveals its wrong label and the request is finalized
    reveal(&mut net, &request, AUTHENTIC, &SALT).expect("reveal_challenge");
    net.env.finalize(&request).expect("finalize");

    // Then each honest worker loses exactly the capped share of its stake, nothing more, and is not paid
    let slash = stake * cap as u64 / 10_000;
    for i in 0..3 {
        let w = worker(&net, i);
        assert_eq!((w["stake"].as_u64(), w["rewards"].as_u64()), (Some(stake - slash), Some(0)), "worker {i}");
    }
    // And the label is public on-chain next to the verdict, so anyone can audit it
    let r = net.env.decode("Request", &request).unwrap();
    assert_eq!((r["verdict"].as_u64(), r["challenge_label"].as_u64()), (Some(MANIPULATED as u64), Some(1)));

    // When governance removes the challenger / Then its next wrong label cannot be revealed (the request is then
    // an ordinary one, paying the honest consensus)
    let ix = net.env.ix_remove_challenger(&authority.pubkey(), &client);
    net.env.send(&[ix], &[&authority]).expect("remove_challenger");
    for w in net.worker_keys() {
        let ix = net.env.ix_add_stake(&w.pubkey(), slash);
        net.env.send(&[ix], &[&w]).expect("top the stake back up");
    }
    let request = submit(&mut net, 2);
    let client_key = net.client.insecure_clone();
    let ix = net.env.ix_reveal_challenge(&client, &request, AUTHENTIC, &SALT);
    net.env.assert_ix_rejected(&ix, &[&client_key], &[], "NotChallenger");
    net.env.finalize(&request).expect("finalize");
    assert!(worker(&net, 0)["rewards"].as_u64().unwrap() > 0, "the honest consensus is paid");
}
