//! `draw_seats`: seats are drawn from the worker pool with a slot hash nobody knew at submission; every
//! account check, phase rule, the replacement of unanswered seats, and the attacks a draw must resist.
#![allow(clippy::result_large_err)]
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// `n` min-stake workers and a submitted default request (3 seats), not drawn yet.
fn setup(n: usize) -> (Network, Address) {
    let mut net = Network::new(n);
    let client = net.client.insecure_clone();
    let request = net.env.submit(&client, &RequestSpec::default());
    (net, request)
}

fn request(env: &Env, request: &Address) -> serde_json::Value {
    env.decode("Request", request).expect("request exists")
}

/// Give the request's draw slot `hash`; returns the `draw_seats` that fills its free seats from the cursor,
/// and the operators the harness predicts it seats.
fn draw_ix(env: &mut Env, address: &Address, hash: [u8; 32]) -> (Instruction, Vec<Address>) {
    let r = request(env, address);
    env.set_slot_hash(r["draw_slot"].as_u64().unwrap(), hash);
    let free = r["max_workers"].as_u64().unwrap() as usize - env.seats(&r).len();
    let (candidates, drawn) = env.predict_draw(&r, &env.pool_workers(), &draw_seed(address, &hash), &[], free, 16);
    (env.ix_draw_seats(address, &[], &candidates), drawn)
}

fn crank(env: &mut Env, ix: Instruction) -> TxResult {
    let cranker = env.keypair(LAMPORTS_PER_SOL);
    env.send(&[ix], &[&cranker])
}

#[test]
fn drawing_seats_workers_from_the_pool_with_the_slot_hash() {
    // Given five workers and a request for three, its draw slot's hash now known
    let (mut net, address) = setup(5);
    let hash = sha256(b"a slot hash");
    let (ix, predicted) = draw_ix(&mut net.env, &address, hash);
    let watched = net.accounts(&address);
    let before = net.env.snapshot(&watched);

    // When anyone draws
    let meta = crank(&mut net.env, ix).expect("draw_seats");

    // Then three distinct pool workers hold drawn seats, the ones the published draw rule names
    let r = request(&net.env, &address);
    let drawn = net.env.drawn(&address);
    assert_eq!(drawn, predicted);
    assert_eq!(drawn.len(), 3);
    let mut unique = drawn.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3);
    for seat in net.env.seats(&r) {
        assert_eq!(seat["state"], net.env.idl.constant_u64("SEAT_STATE_DRAWN"));
    }
    // And the seed is fixed from the slot hash and the cursor counts the candidates tried
    assert_eq!(idl::bytes32(&r["draw_seed"]), draw_seed(&address, &hash));
    assert!(r["draw_cursor"].as_u64().unwrap() >= 3);
    // And nothing but the request changed: no bond is locked before a worker accepts
    let after = net.env.snapshot(&watched);
    for ((a, b), addr) in before.iter().zip(&after).zip(&watched) {
        if *addr != address {
            assert_eq!(a, b, "{addr} changed");
        }
    }
    // And one SeatDrawn event per seat names the worker
    let seen: Vec<_> = events(&net.env, &meta)
        .into_iter()
        .map(|(name, e)| {
            assert_eq!(name, "SeatDrawn");
            assert_eq!(idl::pubkey(&e["request"]), address);
            (idl::pubkey(&e["worker"]), e["seat"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(seen, drawn.iter().enumerate().map(|(i, w)| (*w, i as u64)).collect::<Vec<_>>());
}

#[test]
fn the_candidates_must_be_the_drawn_pool_indices_in_order() {
    // Given a drawable request and the candidates the rule names
    let (mut net, address) = setup(5);
    let (valid, _) = draw_ix(&mut net.env, &address, sha256(b"slot"));
    // When the first candidate is replaced by another pool worker / Then the draw fails, changing nothing
    let mut ix = valid.clone();
    let first = ix.accounts[4].pubkey;
    let other = net.workers.iter().map(|w| net.env.worker_pda(&w.pubkey())).find(|w| *w != first).unwrap();
    ix.accounts[4].pubkey = other;
    net.env.assert_altered_rejected(&valid, &ix, "DrawAccountMismatch");
    // When a candidate is not a worker at all (the config) / Then it fails as a wrong account
    let mut ix = valid.clone();
    ix.accounts[4].pubkey = net.env.config();
    net.env.assert_altered_rejected(&valid, &ix, "InvalidAccountData");
    // And the valid draw (positive control) succeeds
    crank(&mut net.env, valid).expect("draw_seats");
}

#[test]
fn the_slot_hashes_account_must_be_the_sysvar() {
    let (mut net, address) = setup(3);
    let (valid, _) = draw_ix(&mut net.env, &address, sha256(b"slot"));
    // When another account stands in for SlotHashes / Then the draw fails, changing nothing
    let mut ix = valid.clone();
    ix.accounts[2].pubkey = net.env.config();
    net.env.assert_altered_rejected(&valid, &ix, "NotSlotHashesSysvar");
    // When the insurance vault is the treasury / Then it fails too
    let mut ix = valid.clone();
    ix.accounts[3].pubkey = net.env.treasury();
    net.env.assert_altered_rejected(&valid, &ix, "VaultMismatch");
    crank(&mut net.env, valid).expect("draw_seats");
}

#[test]
fn no_draw_before_the_draw_slot_has_a_hash() {
    // Given a request whose draw slot has no hash yet (only older slots do)
    let (mut net, address) = setup(3);
    let draw_slot = request(&net.env, &address)["draw_slot"].as_u64().unwrap();
    net.env.set_slot_hash(draw_slot - 1, sha256(b"the submission slot"));
    let workers: Vec<Address> = net.workers.iter().map(|w| w.pubkey()).collect();
    let ix = net.env.ix_draw_seats(&address, &[], &workers);
    // When anyone draws / Then it is too early, changing nothing
    net.env.assert_altered_rejected(&ix, &ix, "DrawTooEarly");
    // And once the slot has its hash (positive control) the draw works
    net.env.draw(&address).expect("draw_seats");
    assert_eq!(net.env.drawn(&address).len(), 3);
}

#[test]
fn a_skipped_draw_slot_uses_the_next_produced_slot() {
    // Given a draw slot that produced no block: the next slot has a hash, the draw slot none
    let (mut net, address) = setup(3);
    let draw_slot = request(&net.env, &address)["draw_slot"].as_u64().unwrap();
    let next = sha256(b"the next produced slot");
    net.env.set_slot_hash(draw_slot - 1, sha256(b"before"));
    net.env.set_slot_hash(draw_slot + 1, next);
    // When anyone draws / Then the seed comes from the next produced slot
    let r = request(&net.env, &address);
    let (candidates, drawn) =
        net.env.predict_draw(&r, &net.env.pool_workers(), &draw_seed(&address, &next), &[], 3, 16);
    let ix = net.env.ix_draw_seats(&address, &[], &candidates);
    crank(&mut net.env, ix).expect("draw_seats");
    assert_eq!(idl::bytes32(&request(&net.env, &address)["draw_seed"]), draw_seed(&address, &next));
    assert_eq!(net.env.drawn(&address), drawn);
}

#[test]
fn a_draw_slot_gone_from_the_window_rearms_the_draw() {
    // Given a request nobody drew while its draw slot was in the SlotHashes window
    let (mut net, address) = setup(3);
    let draw_slot = request(&net.env, &address)["draw_slot"].as_u64().unwrap();
    net.env.set_slot_hash(draw_slot + 600, sha256(b"much later"));
    let ix = net.env.ix_draw_seats(&address, &[], &[]);
    // When anyone draws
    let meta = crank(&mut net.env, ix).expect("draw_seats");
    // Then no seat is drawn and the draw moves to a slot still to come, announced
    let r = request(&net.env, &address);
    let now_slot = net.env.svm.get_sysvar::<solana_clock::Clock>().slot;
    assert_eq!(r["draw_slot"], now_slot + 1);
    assert_eq!((r["joined"].as_u64(), idl::bytes32(&r["draw_seed"])), (Some(0), [0; 32]));
    assert_eq!(
        events(&net.env, &meta),
        vec![("DrawRearmed".to_string(), json!({"request": address.as_ref(), "draw_slot": now_slot + 1}))]
    );
    // And the next draw, once that slot has a hash, seats workers
    net.env.draw(&address).expect("draw_seats");
    assert_eq!(net.env.drawn(&address).len(), 3);
}

#[test]
fn a_full_draw_has_nothing_left_to_do() {
    let (mut net, address) = setup(3);
    net.env.draw(&address).expect("draw_seats");
    let workers: Vec<Address> = net.workers.iter().map(|w| w.pubkey()).collect();
    let ix = net.env.ix_draw_seats(&address, &[], &workers);
    net.env.assert_altered_rejected(&ix, &ix, "NothingToDraw");
}

#[test]
fn an_empty_pool_has_nobody_to_draw() {
    // Given a request submitted before any worker registered
    let (mut net, address) = setup(0);
    let r = request(&net.env, &address);
    net.env.set_slot_hash(r["draw_slot"].as_u64().unwrap(), sha256(b"slot"));
    let ix = net.env.ix_draw_seats(&address, &[], &[]);
    net.env.assert_altered_rejected(&ix, &ix, "NoWorkersToDraw");
    // And a worker registering afterwards is not in its pool: it can never be drawn for it
    let late = net.env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let ix = net.env.ix_draw_seats(&address, &[], &[late.pubkey()]);
    net.env.assert_altered_rejected(&ix, &ix, "NoWorkersToDraw");
}

#[test]
fn no_draw_once_the_commit_phase_is_over() {
    let (mut net, address) = setup(3);
    let (ix, _) = draw_ix(&mut net.env, &address, sha256(b"slot"));
    let commit_deadline = request(&net.env, &address)["commit_deadline"].as_i64().unwrap();
    net.env.set_time(commit_deadline);
    net.env.assert_altered_rejected(&ix, &ix, "CommitPhaseClosed");
    // Positive control: one second earlier it draws
    net.env.set_time(commit_deadline - 1);
    crank(&mut net.env, ix).expect("draw_seats");
}

#[test]
fn a_seat_left_uncommitted_past_half_a_window_forfeits_its_bond_and_is_drawn_again() {
    // Given four workers, a request for three: the first accepted and committed, the second accepted and stays
    // silent (a squatter), the third ignores its seat
    let (mut net, address) = setup(4);
    let wanted: Vec<Address> = net.workers[..3].iter().map(|w| w.pubkey()).collect();
    net.env.expect_seats(&address, &wanted);
    net.env.draw(&address).expect("draw_seats");
    let accepted = net.workers[0].insecure_clone();
    net.env.join(&accepted, &address).expect("join");
    net.env.commit(&accepted, &address, &Answer::new(MANIPULATED, 90, Network::MODEL)).expect("commit");
    let squatter = net.workers[1].insecure_clone();
    net.env.join(&squatter, &address).expect("join");
    let r = request(&net.env, &address);
    let (bond, alpha) = (r["seat_bond"].as_u64().unwrap(), r["reputation_alpha_bps"].as_u64().unwrap());
    let created = r["created_at"].as_i64().unwrap();
    let halfway = created + (r["commit_deadline"].as_i64().unwrap() - created) / 2;

    // When anyone draws before halfway / Then there is nothing to replace
    net.env.set_time(halfway - 1);
    let ix = net.env.ix_draw_seats(&address, &[], &[]);
    net.env.assert_altered_rejected(&ix, &ix, "NothingToDraw");

    // When anyone draws at halfway, naming the two unanswered seats' workers first
    net.env.set_time(halfway);
    let insurance_before = net.env.lamports(&net.env.insurance());
    let idle = [net.workers[1].pubkey(), net.workers[2].pubkey()];
    net.env.draw(&address).expect("replace and draw");

    // Then both forfeit the bond to insurance and lose reputation as an uncommitted seat
    for operator in &idle {
        let w = net.env.decode("Worker", &net.env.worker_pda(operator)).unwrap();
        assert_eq!(w["stake"], LAMPORTS_PER_SOL - bond);
        assert_eq!(w["slashed_total"], bond);
        assert_eq!(w["reputation"], 6_250 - 6_250 * alpha / 10_000);
        assert_eq!([&w["active_seats"], &w["bonded"]], [0, 0], "the accepted seat's bond is released, then forfeited");
        net.env.assert_worker_lamports(&net.env.worker_pda(operator));
    }
    assert_eq!(net.env.lamports(&net.env.insurance()), insurance_before + 2 * bond);
    // And the committed seat stays; the freed seats are drawn again (the fourth worker is the only one left
    // eligible, bonds permitting: the idle ones may be drawn again too)
    let drawn = net.env.drawn(&address);
    assert_eq!(drawn[0], accepted.pubkey());
    assert!(drawn.len() >= 2, "{drawn:?} {:?}", net.env.decode("Request", &address).unwrap()["draw_cursor"]);
    let r = request(&net.env, &address);
    for seat in &net.env.seats(&r)[1..] {
        assert_eq!((seat["state"].as_u64(), seat["drawn_at"].as_i64()), (Some(3), Some(halfway)));
    }

    // When the replaced workers are not passed first / Then the draw fails (it cannot skip a replacement)
    let (mut net, address) = setup(3);
    net.env.draw(&address).expect("draw_seats");
    net.env.set_time(halfway);
    let ix = net.env.ix_draw_seats(&address, &[], &[]);
    net.env.assert_altered_rejected(&ix, &ix, "NotEnoughAccounts");
    let wrong = net.env.ix_draw_seats(&address, &[net.workers[0].pubkey(), net.workers[0].pubkey()], &[]);
    let drawn = net.env.drawn(&address);
    if drawn[1] != net.workers[0].pubkey() {
        net.env.assert_altered_rejected(&wrong, &wrong, "DrawAccountMismatch");
    }
}

#[test]
fn stake_buys_draw_odds_up_to_the_cap() {
    // Given a worker staking the draw stake cap and one staking a tenth of it
    let mut env = Env::with_params(Params::with(|p| p.draw_stake_cap = 10 * LAMPORTS_PER_SOL));
    env.register_model(Network::MODEL, modality::ALL);
    let big = env.register_worker(10 * LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let small = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let client = env.keypair(100 * LAMPORTS_PER_SOL);
    // When 200 one-seat requests are drawn
    let mut small_seats = 0;
    for nonce in 0..200 {
        let spec = RequestSpec { nonce, min_workers: 1, max_workers: 1, ..Default::default() };
        let address = env.submit(&client, &spec);
        env.draw(&address).expect("draw_seats");
        let drawn = env.drawn(&address);
        assert_eq!(drawn.len(), 1);
        small_seats += (drawn[0] == small.pubkey()) as u32;
        assert!(drawn[0] == small.pubkey() || drawn[0] == big.pubkey());
    }
    // Then the small stake wins about 1 in 11 draws (10 % acceptance against 100 %), not half
    assert!((6..=40).contains(&small_seats), "small stake drawn {small_seats} times in 200");
}

#[test]
fn reputation_scales_draw_odds_down_to_the_floor() {
    // Given two workers with equal stake
    let mut env = Env::new();
    env.register_model(Network::MODEL, modality::ALL);
    let newcomer = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let flip = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let client = env.keypair(100 * LAMPORTS_PER_SOL);
    let seats_of_flip = |env: &mut Env, reputation: u16, first_nonce: u64| {
        let pda = env.worker_pda(&flip.pubkey());
        env.set_field(&pda, "Worker", "reputation", &reputation.to_le_bytes());
        let mut seats = 0;
        for nonce in first_nonce..first_nonce + 150 {
            let spec = RequestSpec { nonce, min_workers: 1, max_workers: 1, ..Default::default() };
            let address = env.submit(&client, &spec);
            env.draw(&address).expect("draw_seats");
            let drawn = env.drawn(&address);
            assert!(drawn == [flip.pubkey()] || drawn == [newcomer.pubkey()], "{drawn:?}");
            seats += (drawn[0] == flip.pubkey()) as u32;
        }
        seats
    };
    // When one of them is at a coin flip's reputation (weight 0: a tenth of its lottery, the newcomer all of it)
    let at_floor = seats_of_flip(&mut env, 5_000, 0);
    // Then it wins about 1 in 11 of 150 one-seat draws
    assert!((3..=35).contains(&at_floor), "a coin flip's reputation drawn {at_floor} times in 150");
    // And at a newcomer's reputation (positive control) about half of them
    let as_newcomer = seats_of_flip(&mut env, 6_250, 150);
    assert!((50..=100).contains(&as_newcomer), "a newcomer's reputation drawn {as_newcomer} times in 150");
}

#[test]
fn attack_stake_added_after_the_slot_hash_is_known_buys_nothing() {
    // Given a request drawn from two workers, one of which adds stake once the draw slot's hash is public
    let mut env = Env::with_params(Params::with(|p| p.draw_stake_cap = 10 * LAMPORTS_PER_SOL));
    env.register_model(Network::MODEL, modality::ALL);
    let honest = env.register_worker(10 * LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let grinder = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[Network::MODEL]);
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let spec = RequestSpec { min_workers: 1, max_workers: 1, ..Default::default() };
    let address = env.submit(&client, &spec);
    let draw_slot = request(&env, &address)["draw_slot"].as_u64().unwrap();
    env.set_slot_hash(draw_slot, sha256(b"public now"));
    // When the grinder tops its stake up to the cap (so every lottery it is named in would win)
    let ix = env.ix_add_stake(&grinder.pubkey(), 9 * LAMPORTS_PER_SOL);
    env.send(&[ix], &[&grinder]).expect("add_stake");
    // Then the draw passes it over every time it is named: only the honest worker can be seated
    env.draw(&address).expect("draw_seats");
    assert_eq!(env.drawn(&address), vec![honest.pubkey()]);
    // And for a request submitted after the top-up (positive control) the grinder is drawable
    let later = env.submit(&client, &RequestSpec { nonce: 2, ..spec });
    let r = request(&env, &later);
    let pool = env.pool_workers();
    let hash = (0u32..)
        .map(|i| sha256(&i.to_le_bytes()))
        .find(|h| env.predict_draw(&r, &pool, &draw_seed(&later, h), &[], 1, 16).1 == vec![grinder.pubkey()])
        .unwrap();
    env.set_slot_hash(r["draw_slot"].as_u64().unwrap(), hash);
    env.draw(&later).expect("draw_seats");
    assert_eq!(env.drawn(&later), vec![grinder.pubkey()]);
}

#[test]
fn attack_a_busy_or_unbonding_worker_is_passed_over_not_seated() {
    // Given three workers, one unbonding
    let (mut net, address) = setup(3);
    let leaving: &Keypair = &net.workers[2].insecure_clone();
    let ix = net.env.ix_request_unstake(&leaving.pubkey(), 1);
    net.env.send(&[ix], &[leaving]).expect("request_unstake");
    // When the request is drawn / Then only the two others are seated
    net.env.draw(&address).expect("draw_seats");
    let mut drawn = net.env.drawn(&address);
    drawn.sort();
    let mut expected = vec![net.workers[0].pubkey(), net.workers[1].pubkey()];
    expected.sort();
    assert_eq!(drawn, expected);
}
