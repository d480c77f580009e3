//! Compute-unit benchmark of `target/deploy/dfpn.so`: every instruction once (or a few times) in a
//! realistic state, `finalize_request` with 3, 5 and 10 workers, and every account's size and rent.
//!
//! ```text
//! cargo run --ignore-rust-version --release --bin bench_cu -- [out.json]   # default target/bench/cu.json
//! ```
//!
//! Compute units do not depend on the host build, so a debug build gives the same numbers. Rows that use
//! the harness's random keypairs move by a few dozen CU between runs (address comparisons stop at the
//! first differing byte).
//!
//! Instructions that derive a PDA with `find_program_address` cost a varying number of bump attempts
//! (~1 500 CU each; k attempts with probability 2^-k, depending on the address), so those are sampled over
//! 64 fresh addresses — from fixed seeds, so runs are reproducible — and reported as min / median / max;
//! a target is met when the *max* is within it.
use std::path::PathBuf;

use dfpn_tests::*;
use serde_json::{json, Value};
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Targets from the spec: (instruction row, CU limit).
const TARGETS: [(&str, u64); 5] = [
    ("submit_request", 10_000),
    ("join_request", 6_000),
    ("commit_result", 5_000),
    ("reveal_result", 8_000),
    ("finalize_request (5 workers)", 40_000),
];

/// How many fresh addresses the PDA-creating instructions are sampled over.
const SAMPLES: usize = 64;

/// A keypair from a fixed seed, so sampled PDAs (and their bump searches) are the same every run.
fn seeded(name: &str) -> Keypair {
    Keypair::new_from_array(sha256(name.as_bytes()))
}

struct Row {
    name: String,
    scenario: String,
    samples: Vec<u64>,
}

impl Row {
    fn sorted(&self) -> Vec<u64> {
        let mut s = self.samples.clone();
        s.sort_unstable();
        s
    }
    fn min(&self) -> u64 {
        self.sorted()[0]
    }
    fn median(&self) -> u64 {
        let s = self.sorted();
        s[s.len() / 2]
    }
    fn max(&self) -> u64 {
        *self.sorted().last().unwrap()
    }
}

#[derive(Default)]
struct Bench {
    rows: Vec<Row>,
}

impl Bench {
    /// Record the compute units of a transaction that must succeed.
    fn record(&mut self, name: &str, scenario: &str, result: TxResult) {
        let meta =
            result.unwrap_or_else(|f| panic!("{name} ({scenario}) failed: {:?}\n{}", f.err, f.meta.pretty_logs()));
        let cu = meta.compute_units_consumed;
        match self.rows.iter_mut().find(|r| r.name == name) {
            Some(row) => row.samples.push(cu),
            None => self.rows.push(Row { name: name.into(), scenario: scenario.into(), samples: vec![cu] }),
        }
    }

    fn row(&self, name: &str) -> &Row {
        self.rows.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no row {name}"))
    }
}

/// Configuration instructions, on a bare LiteSVM and then a configured one.
fn config_instructions(b: &mut Bench) {
    let mut env = Env::bare();
    let authority = env.authority.insecure_clone();
    let params = env.params.clone();
    let ix = env.ix_initialize_config(&authority.pubkey(), &params);
    b.record("initialize_config", "creates config, treasury, insurance", env.send(&[ix], &[&authority]));
    let ix = env.ix_update_config(&authority.pubkey(), &params);
    b.record("update_config", "same params", env.send(&[ix], &[&authority]));
    let ix = env.ix_set_paused(&authority.pubkey(), true);
    b.record("set_paused", "pause", env.send(&[ix], &[&authority]));
    let successor = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_propose_authority(&authority.pubkey(), &successor.pubkey());
    b.record("propose_authority", "name a successor", env.send(&[ix], &[&authority]));
    let ix = env.ix_accept_authority(&successor.pubkey());
    b.record("accept_authority", "the successor takes over", env.send(&[ix], &[&successor]));
}

/// Model instructions: registration sampled over fresh model ids.
fn model_instructions(b: &mut Bench) {
    let mut env = Env::new();
    // A fixed developer: model PDAs depend on it and the id, so they are the same every run.
    let developer = developer_of("bench");
    env.fund(&developer.pubkey(), 10 * LAMPORTS_PER_SOL);
    let payout = Keypair::new().pubkey();
    for i in 0..SAMPLES {
        let id = model_id(&format!("bench-model-{i}"));
        let ix = env.ix_register_model(&developer.pubkey(), &id, &payout, modality::ALL);
        b.record("register_model", "fresh model id (sampled)", env.send(&[ix], &[&developer]));
    }
    let model = env.model_pda_by(&developer.pubkey(), &model_id("bench-model-0"));
    let ix = env.ix_update_model(&developer.pubkey(), &model, &payout, modality::FACE_MANIPULATION);
    b.record("update_model", "new modalities", env.send(&[ix], &[&developer]));
    let successor = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &successor.pubkey());
    b.record("propose_model_transfer", "name a successor", env.send(&[ix], &[&developer]));
    let ix = env.ix_accept_model_transfer(&successor.pubkey(), &model);
    b.record("accept_model_transfer", "the successor takes over", env.send(&[ix], &[&successor]));
    let ix = env.ix_deactivate_model(&successor.pubkey(), &model);
    b.record("deactivate_model", "active model", env.send(&[ix], &[&successor]));
}

/// Worker instructions that need no request: registration sampled over fresh operators.
fn worker_instructions(b: &mut Bench) {
    let mut env = Env::new();
    env.register_model(Network::MODEL, modality::ALL);
    let stake = env.params.min_stake;
    let mut operators = vec![];
    for i in 0..SAMPLES {
        let op = seeded(&format!("bench-operator-{i}"));
        env.fund(&op.pubkey(), stake + 10 * LAMPORTS_PER_SOL);
        let ix = env.ix_register_worker(&op.pubkey(), stake, modality::ALL, &[model_id(Network::MODEL)]);
        b.record("register_worker", "1 model, min stake (sampled)", env.send(&[ix], &[&op]));
        operators.push(op);
    }
    let op = &operators[0];
    let ix = env.ix_add_stake(&op.pubkey(), LAMPORTS_PER_SOL);
    b.record("add_stake", "1 SOL", env.send(&[ix], &[op]));
    let models = [model_id(Network::MODEL), model_id("second-model")];
    let ix = env.ix_update_worker(&op.pubkey(), modality::ALL, &models);
    b.record("update_worker", "2 models", env.send(&[ix], &[op]));
    let ix = env.ix_request_unstake(&op.pubkey(), LAMPORTS_PER_SOL);
    b.record("request_unstake", "1 SOL, no seats", env.send(&[ix], &[op]));
    env.advance(env.params.unbonding_secs + 1);
    let ix = env.ix_withdraw_stake(&op.pubkey());
    b.record("withdraw_stake", "after the unbonding delay", env.send(&[ix], &[op]));
}

/// A full request with `n` workers who all reveal the same verdict. Records every seat's join, commit and
/// reveal (their cost grows with the seat index: seats are searched linearly) and the finalization, under
/// the instruction names followed by `suffix`. Returns the network and the request.
fn request_flow(b: &mut Bench, n: usize, suffix: &str) -> (Network, Address) {
    let mut net = Network::new(n);
    let spec = RequestSpec { min_workers: n as u8, max_workers: n as u8, ..Default::default() };
    let client = net.client.insecure_clone();
    let request = net.env.submit(&client, &spec);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let scenario = format!("{n}-worker request, every seat");
    let r = net.env.draw(&request);
    b.record(&format!("draw_seats{suffix}"), &format!("{n} seats from a pool of {n} (the last draw transaction)"), r);
    for w in net.worker_keys() {
        let r = net.env.join(&w, &request);
        b.record(&format!("join_request{suffix}"), &scenario, r);
    }
    for w in net.worker_keys() {
        let r = net.env.commit(&w, &request, &a);
        b.record(&format!("commit_result{suffix}"), &scenario, r);
    }
    for w in net.worker_keys() {
        let r = net.env.reveal(&w, &request, &a);
        b.record(&format!("reveal_result{suffix}"), &scenario, r);
    }
    let r = net.env.finalize(&request);
    b.record(&format!("finalize_request{suffix}"), &format!("{n} workers, unanimous, all paid"), r);
    (net, request)
}

/// A known-answer challenge in a 3-worker network, one worker answering wrong: registration, the reveal, the
/// finalization that applies it, and the removal.
fn challenge_instructions(b: &mut Bench) {
    let mut net = Network::new(3);
    let (authority, client) = (net.env.authority.insecure_clone(), net.client.insecure_clone());
    let ix = net.env.ix_register_challenger(&authority.pubkey(), &client.pubkey());
    b.record("register_challenger", "a new challenger", net.env.send(&[ix], &[&authority]));
    let salt = [7u8; 32];
    let spec = RequestSpec { nonce: 9, ..Default::default() };
    let address = net.env.request_pda(&client.pubkey(), spec.nonce);
    let spec = RequestSpec { attestation: challenge_attestation(&address, MANIPULATED, &salt), ..spec };
    let right = Answer::new(MANIPULATED, 90, Network::MODEL);
    let wrong = Answer::new(AUTHENTIC, 90, Network::MODEL);
    let answers = [Some(right.clone()), Some(right.clone()), Some(wrong.clone())];
    let request = net.submit_join_commit(&spec, &answers);
    for (w, a) in net.worker_keys().iter().zip(&answers) {
        net.env.reveal(w, &request, a.as_ref().unwrap()).expect("reveal");
    }
    let ix = net.env.ix_reveal_challenge(&client.pubkey(), &request, MANIPULATED, &salt);
    b.record("reveal_challenge", "after every seat revealed", net.env.send(&[ix], &[&client]));
    let r = net.env.finalize(&request);
    b.record("finalize_request (challenge)", "3 workers, 2 match the label, 1 slashed", r);
    let ix = net.env.ix_remove_challenger(&authority.pubkey(), &client.pubkey());
    b.record("remove_challenger", "close the account", net.env.send(&[ix], &[&authority]));
}

/// Request instructions in a 3-worker network, plus the claims and withdrawals that need a finished request.
fn request_instructions(b: &mut Bench) {
    // submit_request, sampled over nonces (each a different request PDA) of a fixed client. The program proves
    // the bump canonical by checking every higher bump (1,500 CU each), so the SDKs pick nonces whose canonical
    // bump is 255, as this sample does; a separate row shows what an arbitrary nonce costs.
    let mut net = Network::new(3);
    let client = seeded("bench-client");
    net.env.fund(&client.pubkey(), 100 * LAMPORTS_PER_SOL);
    let (mut taken, mut nonce) = (0, 0u64);
    while taken < SAMPLES {
        nonce += 1;
        let canonical = net.env.request_bump(&client.pubkey(), nonce) == u8::MAX;
        let ix = net.env.ix_submit_request(&client.pubkey(), &RequestSpec { nonce, ..Default::default() });
        let result = net.env.send(&[ix], &[&client]);
        if canonical {
            b.record("submit_request", "63-byte ipfs URI, 1 modality, bump 255 (sampled)", result);
            taken += 1;
        } else {
            b.record("submit_request (any nonce)", "bump below 255: one derivation per higher bump", result);
        }
    }

    let (mut net, request) = request_flow(b, 3, "");
    let env = &mut net.env;
    let client = net.client.insecure_clone();
    let worker = net.workers[0].insecure_clone();
    let ix = env.ix_claim_worker_rewards(&worker.pubkey());
    b.record("claim_worker_rewards", "after one paid request", env.send(&[ix], &[&worker]));
    // The payout wallet is empty and the share is below the rent-exempt minimum: fund it first, or the
    // runtime rejects the claim (InsufficientFundsForRent).
    let payout = net.model_payout;
    let rent0 = env.rent(0);
    env.fund(&payout, rent0);
    let cranker = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_claim_model_fees(&model_address(Network::MODEL), &payout);
    b.record("claim_model_fees", "after one paid request", env.send(&[ix], &[&cranker]));
    let authority = env.authority.insecure_clone();
    let ix = env.ix_withdraw_treasury(&authority.pubkey(), &authority.pubkey(), 1_000);
    b.record("withdraw_treasury", "1000 lamports to the authority", env.send(&[ix], &[&authority]));
    let insurance = env.insurance();
    env.edit_account(&insurance, |a| a.lamports += LAMPORTS_PER_SOL);
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &authority.pubkey(), 1_000);
    b.record("withdraw_insurance", "1000 lamports to the authority", env.send(&[ix], &[&authority]));
    let ix = env.ix_close_request(&client.pubkey(), &request);
    b.record("close_request", "finalized request", env.send(&[ix], &[&client]));

    challenge_instructions(b);

    // expire_request: 3 needed, 2 joined and committed, commit phase over.
    let mut net = Network::new(2);
    let client = net.client.insecure_clone();
    let a = Answer::new(AUTHENTIC, 80, Network::MODEL);
    let request = net.submit_join_commit(&RequestSpec::default(), &[Some(a.clone()), Some(a)]);
    net.to_reveal_phase(&request);
    let ix = net.env.ix_expire_request(&request);
    b.record("expire_request", "2 of 3 seats committed", net.env.send(&[ix], &[&client]));

    // leave_request: the first of three joined seats leaves early in the commit window.
    let mut net = Network::new(3);
    let request = net.submit_join_commit(&RequestSpec::default(), &[None, None, None]);
    let w = net.workers[0].insecure_clone();
    let ix = net.env.ix_leave_request(&w.pubkey(), &request);
    b.record("leave_request", "first of 3 joined seats", net.env.send(&[ix], &[&w]));
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench/cu.json"));
    let mut b = Bench::default();
    config_instructions(&mut b);
    model_instructions(&mut b);
    worker_instructions(&mut b);
    request_instructions(&mut b);
    for n in [3, 5, 10] {
        request_flow(&mut b, n, &format!(" ({n} workers)"));
    }
    // Per-seat rows of the 3- and 5-worker runs repeat what the 10-worker run shows.
    b.rows.retain(|r| {
        r.name.starts_with("finalize") || !(r.name.ends_with("(3 workers)") || r.name.ends_with("(5 workers)"))
    });

    // Keep the 21 instructions first, in dispatch order, then the per-size rows.
    let env = Env::bare();
    let order = env.idl.instruction_names();
    b.rows.sort_by_key(|r| order.iter().position(|n| *n == r.name).unwrap_or(order.len()));
    for name in &order {
        b.row(name);
    }

    println!("{:<34} {:>8} {:>8} {:>8} {:>4}  scenario", "instruction", "min", "median", "max", "n");
    for r in &b.rows {
        println!(
            "{:<34} {:>8} {:>8} {:>8} {:>4}  {}",
            r.name,
            r.min(),
            r.median(),
            r.max(),
            r.samples.len(),
            r.scenario
        );
    }

    println!("\n{:<10} {:>6} {:>14}", "account", "bytes", "rent-exempt");
    let accounts: Vec<Value> = ["Config", "Vault", "Model", "Worker", "Request"]
        .iter()
        .map(|name| {
            let size = env.idl.account_len(name);
            let rent = env.rent(size);
            println!("{name:<10} {size:>6} {rent:>14}");
            json!({ "name": name, "size": size, "rent_exempt_lamports": rent })
        })
        .collect();

    println!("\n{:<30} {:>7} {:>8} {:>8}  met", "target", "limit", "max", "median");
    let targets: Vec<Value> = TARGETS
        .iter()
        .map(|(name, limit)| {
            let r = b.row(name);
            let met = r.max() <= *limit;
            println!("{name:<30} {limit:>7} {:>8} {:>8}  {}", r.max(), r.median(), if met { "yes" } else { "NO" });
            json!({
                "instruction": name,
                "limit": limit,
                "max": r.max(),
                "median": r.median(),
                "met": met,
                "headroom": *limit as i64 - r.max() as i64,
            })
        })
        .collect();

    let rows: Vec<Value> = b
        .rows
        .iter()
        .map(|r| {
            json!({
                "name": r.name,
                "scenario": r.scenario,
                "min": r.min(),
                "median": r.median(),
                "max": r.max(),
                "samples": r.samples,
            })
        })
        .collect();
    let finalize: Vec<Value> = [3, 5, 10]
        .iter()
        .map(|n| {
            let r = b.row(&format!("finalize_request ({n} workers)"));
            json!({ "workers": n, "compute_units": r.max() })
        })
        .collect();
    let report = json!({
        "program": "dfpn",
        "binary": "target/deploy/dfpn.so",
        "note": "compute_units_consumed from LiteSVM transaction metadata; PDA-creating instructions sampled over fresh addresses",
        "instructions": rows,
        "finalize_request_by_workers": finalize,
        "accounts": accounts,
        "targets": targets,
        "all_targets_met": targets.iter().all(|t| t["met"] == true),
    });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(&out, serde_json::to_string_pretty(&report).unwrap() + "\n")
        .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    println!("\nwrote {}", out.display());
}
