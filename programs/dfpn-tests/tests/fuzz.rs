//! Property tests: random and mutated instructions against a network in mid-flight.
//!
//! One world is built per property (a `Network` with requests in every phase, workers with seats,
//! rewards, unbonding stake, fees waiting in a model and in the treasury); every proptest case runs on a
//! fresh copy of its `LiteSVM` and sends one or more transactions made of
//!
//! * instruction data: fully random bytes, a valid discriminator followed by random bytes, or a valid
//!   payload from the harness's builders that is sent as is, truncated, extended or has bytes flipped;
//! * accounts: a random list drawn from the world's accounts (PDAs, wallets, system program, the program
//!   itself, a sysvar, random addresses) with random signer/writable flags (signer only where we hold the
//!   keypair), or the builder's list as is or mutated (replaced, duplicated, swapped, dropped, flags flipped);
//! * sometimes a clock jump first (to a request's commit deadline or deadline, or past the unbonding delay).
//!
//! After every transaction:
//!
//! 1. a failure is a program error — `Custom(c)` with `c` one of the IDL's error codes (6000…) or a
//!    builtin `ProgramError` (NotEnoughAccountKeys, MissingRequiredSignature, …) — or the runtime's rent
//!    check; never ProgramFailedToComplete (panic, access violation), compute exhaustion,
//!    UnbalancedInstruction, a write to an account the program may not write, or a system-program error
//!    from a CPI;
//! 2. lamports are conserved over every account that could be touched (the world's accounts plus every
//!    account the transaction names): the sum before equals the sum after plus the fee charged, and a
//!    failed transaction changes nothing but the fee payer's balance;
//! 3. after a success the program's own books still hold: every program account is solvent (worker:
//!    rent + stake + unbonding + rewards, model: rent + unclaimed, request: rent + escrow, vault: rent),
//!    exactly so unless someone donated lamports to it, seat counters match the seats in open requests,
//!    and request counters match seat states.
//!
//! Cases per property: 256 (override with `PROPTEST_CASES`). Run with
//! `cargo test --ignore-rust-version --test fuzz -- --nocapture` to see what the cases reached.
use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet, HashMap},
};

use dfpn_tests::*;
use litesvm::LiteSVM;
use proptest::{
    collection::vec,
    prelude::*,
    test_runner::{Config, TestCaseError, TestError, TestRunner},
};
use solana_account::Account;
use solana_address::Address;
use solana_instruction::{error::InstructionError, AccountMeta, Instruction};
use solana_keypair::Keypair;
use solana_message::Message;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

/// The program's instructions in dispatch order; a `Pick` names one by index.
const INSTRUCTIONS: [&str; 24] = [
    "initialize_config",
    "update_config",
    "set_paused",
    "withdraw_treasury",
    "register_model",
    "update_model",
    "deactivate_model",
    "claim_model_fees",
    "register_worker",
    "add_stake",
    "update_worker",
    "request_unstake",
    "withdraw_stake",
    "claim_worker_rewards",
    "submit_request",
    "join_request",
    "commit_result",
    "reveal_result",
    "finalize_request",
    "expire_request",
    "close_request",
    "propose_authority",
    "accept_authority",
    "leave_request",
];

/// A second model, registered by a developer whose keypair the world keeps (update/deactivate need it).
const MODEL2: &str = "deepfake-audio-v2";
/// Number of registered workers (indices 0..7); index 7 in a `Pick` is the unregistered stranger.
const WORKERS: usize = 7;
/// Client nonces a valid `submit_request` uses: 10–15 exist in the world, 16 and 17 are free.
const NONCES: [u64; 8] = [10, 11, 12, 13, 14, 15, 16, 17];
/// Amounts for stake, unstake, withdrawals: zero, dust, around rent and stake, and overflow bait.
const AMOUNTS: [u64; 10] = [
    0,
    1,
    1_000,
    890_880,
    LAMPORTS_PER_SOL / 2,
    LAMPORTS_PER_SOL,
    2 * LAMPORTS_PER_SOL,
    40 * LAMPORTS_PER_SOL,
    u64::MAX / 2,
    u64::MAX,
];

// ---- the world ---------------------------------------------------------------------------------

/// One entry of the account pool the random account lists draw from.
struct PoolEntry {
    address: Address,
    label: String,
}

struct World {
    net: Network,
    /// The state right after setup (without signature verification); every case starts from a copy.
    base: LiteSVM,
    developer: Keypair,
    stranger: Keypair,
    model2_payout: Address,
    /// Requests by role: expirable, finalized, finalizable, reveal phase, commit phase, fresh, then the
    /// PDAs of nonces 16 and 17 (not yet created).
    requests: Vec<Address>,
    pool: Vec<PoolEntry>,
    /// Every keypair we hold: authority, client, developer, stranger, workers.
    keys: Vec<Keypair>,
    labels: HashMap<Address, String>,
}

/// Worker i's honest answer (always the network's model, verdicts differ so votes split).
fn answer(i: usize) -> Answer {
    Answer::new(if i % 3 == 2 { AUTHENTIC } else { MANIPULATED }, 60 + 5 * i as u8, Network::MODEL)
}

fn spec(nonce: u64, min_workers: u8, max_workers: u8, deadline_in: i64) -> RequestSpec {
    RequestSpec { nonce, min_workers, max_workers, deadline_in, max_fee: 50_000_000, ..Default::default() }
}

impl World {
    fn new() -> Self {
        let mut net = Network::new(WORKERS);
        let w = net.worker_keys();
        let client = net.client.insecure_clone();

        // A second model whose developer we keep.
        let developer = developer_of(MODEL2);
        net.env.fund(&developer.pubkey(), 10 * LAMPORTS_PER_SOL);
        let model2_payout = Keypair::new().pubkey();
        let ix = net.env.ix_register_model(&developer.pubkey(), &model_id(MODEL2), &model2_payout, modality::ALL);
        net.env.send(&[ix], &[&developer]).expect("register model 2");
        let stranger = net.env.keypair(100 * LAMPORTS_PER_SOL);

        let env = &mut net.env;
        let join_commit = |env: &mut Env, worker: usize, request: &Address| {
            env.join(&w[worker], request).expect("join");
            env.commit(&w[worker], request, &answer(worker)).expect("commit");
        };
        // Expirable (once the clock moves 45 s below): needs 2 commitments, gets 1.
        let expirable = env.submit(&client, &spec(10, 2, 2, 60));
        join_commit(env, 5, &expirable);
        // Finalized: one worker, revealed and paid (so worker 1 has rewards, model 1 unclaimed fees,
        // the treasury and insurance something above rent).
        let finalized = env.submit(&client, &spec(11, 1, 1, 3_000));
        join_commit(env, 1, &finalized);
        env.reveal(&w[1], &finalized, &answer(1)).expect("reveal");
        env.finalize(&finalized).expect("finalize");
        // Finalizable: its only seat revealed.
        let finalizable = env.submit(&client, &spec(12, 1, 1, 3_000));
        join_commit(env, 0, &finalizable);
        env.reveal(&w[0], &finalizable, &answer(0)).expect("reveal");
        // Reveal phase: three commitments (all seats), one revealed.
        let revealing = env.submit(&client, &spec(13, 3, 3, 3_000));
        env.expect_seats(&revealing, &[w[0].pubkey(), w[1].pubkey(), w[2].pubkey()]);
        for i in 0..3 {
            join_commit(env, i, &revealing);
        }
        env.reveal(&w[0], &revealing, &answer(0)).expect("reveal");
        // Commit phase: worker 3 joined only, worker 4 committed.
        let committing = env.submit(&client, &spec(14, 2, 4, 3_000));
        env.expect_seats(&committing, &[w[3].pubkey(), w[4].pubkey()]);
        env.join(&w[3], &committing).expect("join");
        join_commit(env, 4, &committing);
        // Fresh.
        let fresh = env.submit(&client, &spec(15, 1, 2, 3_000));
        // Worker 6 (no seats) is unbonding half its stake.
        let ix = env.ix_request_unstake(&w[6].pubkey(), LAMPORTS_PER_SOL / 2);
        env.send(&[ix], &[&w[6]]).expect("request_unstake");
        env.advance(45);

        let requests = vec![
            expirable,
            finalized,
            finalizable,
            revealing,
            committing,
            fresh,
            env.request_pda(&client.pubkey(), 16),
            env.request_pda(&client.pubkey(), 17),
        ];

        let mut keys = vec![
            env.authority.insecure_clone(),
            client.insecure_clone(),
            developer.insecure_clone(),
            stranger.insecure_clone(),
        ];
        keys.extend(w.iter().map(|k| k.insecure_clone()));
        let mut pool = vec![];
        let mut add = |address: Address, label: String| pool.push(PoolEntry { address, label });
        add(env.config(), "config".into());
        add(env.treasury(), "treasury".into());
        add(env.insurance(), "insurance".into());
        add(env.model_pda(&model_id(Network::MODEL)), "model1".into());
        add(env.model_pda(&model_id(MODEL2)), "model2".into());
        add(net.model_payout, "model1_payout".into());
        add(model2_payout, "model2_payout".into());
        for (i, k) in w.iter().enumerate() {
            add(env.worker_pda(&k.pubkey()), format!("worker_pda{i}"));
        }
        add(env.worker_pda(&stranger.pubkey()), "worker_pda_stranger".into());
        let roles = ["expirable", "finalized", "finalizable", "revealing", "committing", "fresh", "nonce16", "nonce17"];
        for (r, role) in requests.iter().zip(roles) {
            add(*r, format!("request_{role}"));
        }
        add(env.request_pda(&stranger.pubkey(), 1), "request_stranger".into());
        for (i, name) in ["authority", "client", "developer", "stranger"].iter().enumerate() {
            add(keys[i].pubkey(), name.to_string());
        }
        for (i, k) in w.iter().enumerate() {
            add(k.pubkey(), format!("worker{i}"));
        }
        add(SYSTEM_PROGRAM, "system_program".into());
        add(env.program_id, "dfpn_program".into());
        add(solana_address::address!("SysvarC1ock11111111111111111111111111111111"), "clock_sysvar".into());
        add(Keypair::new().pubkey(), "random_a".into());
        add(Keypair::new().pubkey(), "random_b".into());

        let labels = pool.iter().map(|p| (p.address, p.label.clone())).collect();
        // Signature verification costs ~12 ms a transaction in a debug build and tests nothing here: which
        // accounts sign comes from the message header, and we sign with the right keys anyway.
        let base = env.svm.clone().with_sigverify(false);
        let world = Self { net, base, developer, stranger, model2_payout, requests, pool, keys, labels };
        // The setup itself must satisfy the invariants the properties check.
        world.check_books(&world.pool.iter().map(|p| p.address).collect(), &BTreeSet::new()).expect("world books");
        world
    }

    fn env(&self) -> &Env {
        &self.net.env
    }

    /// Start a case from the setup state.
    fn reset(&mut self) {
        self.net.env.svm = self.base.clone();
    }

    fn key_of(&self, address: &Address) -> Option<&Keypair> {
        self.keys.iter().find(|k| k.pubkey() == *address)
    }

    fn label(&self, address: &Address) -> String {
        self.labels.get(address).cloned().unwrap_or_else(|| format!("addr:{}", &address.to_string()[..8]))
    }

    /// Worker `i`'s keypair; `WORKERS` (or more) is the stranger.
    fn worker(&self, i: usize) -> &Keypair {
        if i < WORKERS {
            &self.net.workers[i]
        } else {
            &self.stranger
        }
    }

    /// A valid-looking instruction from the harness's builders, parameterised by `p`.
    fn valid_ix(&self, p: &Pick) -> Instruction {
        let env = self.env();
        let worker = self.worker(p.worker).pubkey();
        let request = self.requests[p.request % self.requests.len()];
        let amount = AMOUNTS[p.amount % AMOUNTS.len()];
        let authority = env.authority.pubkey();
        let client = self.net.client.pubkey();
        let developer = self.developer.pubkey();
        let stranger = self.stranger.pubkey();
        match p.ix % INSTRUCTIONS.len() {
            0 => env.ix_initialize_config(&authority, &env.params),
            1 => {
                let mut params = env.params.clone();
                if p.flag {
                    params.min_stake *= 2;
                }
                env.ix_update_config(&authority, &params)
            }
            2 => env.ix_set_paused(&authority, p.flag),
            3 => {
                let recipient = self.keys[p.worker % self.keys.len()].pubkey();
                env.ix_withdraw_treasury(&authority, &recipient, amount)
            }
            4 => {
                let (payer, id) = if p.flag { (developer, MODEL2) } else { (stranger, "fuzz-model") };
                env.ix_register_model(&payer, &model_id(id), &stranger, modality::FACE_MANIPULATION)
            }
            5 => env.ix_update_model(
                &developer,
                &model_address(MODEL2),
                if p.flag { &stranger } else { &self.model2_payout },
                modality::ALL,
            ),
            6 => env.ix_deactivate_model(&developer, &model_address(MODEL2)),
            7 => {
                if p.flag {
                    env.ix_claim_model_fees(&model_address(MODEL2), &self.model2_payout)
                } else {
                    env.ix_claim_model_fees(&model_address(Network::MODEL), &self.net.model_payout)
                }
            }
            8 => env.ix_register_worker(&worker, amount, modality::ALL, &[model_address(Network::MODEL).to_bytes()]),
            9 => env.ix_add_stake(&worker, amount),
            10 => {
                let (modalities, model) =
                    if p.flag { (modality::FACE_MANIPULATION, MODEL2) } else { (modality::ALL, Network::MODEL) };
                env.ix_update_worker(&worker, modalities, &[model_address(model).to_bytes()])
            }
            11 => env.ix_request_unstake(&worker, amount),
            12 => env.ix_withdraw_stake(&worker),
            13 => env.ix_claim_worker_rewards(&worker),
            14 => {
                let min = 1 + (p.worker % 3) as u8;
                env.ix_submit_request(&client, &spec(NONCES[p.nonce % NONCES.len()], min, min + p.flag as u8, 300))
            }
            15 => env.ix_join_request(&worker, &request),
            16 => {
                let a = answer(p.worker);
                let c = commitment(&request, &worker, a.verdict, a.confidence, &a.model, &a.report_hash, &a.salt);
                env.ix_commit_result(&worker, &request, &c, &a.model)
            }
            17 => {
                let mut a = answer(p.worker);
                if p.flag {
                    a.verdict = (a.verdict + 1) % 3; // a reveal that does not match the commitment
                }
                env.ix_reveal_result(&worker, &request, &a)
            }
            // The builders read the seats from the request; without one, send the fixed accounts only.
            18 if env.decode("Request", &request).is_some() => env.ix_finalize_request(&request),
            18 => env.ix(
                "finalize_request",
                [request, client, env.config(), env.treasury(), env.insurance()]
                    .iter()
                    .map(|a| AccountMeta::new(*a, false))
                    .collect(),
                Args::default(),
            ),
            19 if env.decode("Request", &request).is_some() => env.ix_expire_request(&request),
            19 => env.ix(
                "expire_request",
                vec![
                    AccountMeta::new(request, false),
                    AccountMeta::new(client, false),
                    AccountMeta::new(env.insurance(), false),
                ],
                Args::default(),
            ),
            20 => env.ix_close_request(&client, &request),
            // A proposal to a stranger or to the authority itself, and its acceptance by either.
            21 => env.ix_propose_authority(&authority, if p.flag { &stranger } else { &authority }),
            22 => env.ix_accept_authority(if p.flag { &stranger } else { &authority }),
            _ => env.ix_leave_request(&worker, &request),
        }
    }

    // ---- the books ----------------------------------------------------------------------------

    /// Program-level invariants over every program account among `tracked`. `donated` holds accounts that
    /// received lamports from outside the program's books (a treasury withdrawal to a PDA): those need
    /// only be solvent, not exact.
    fn check_books(&self, tracked: &BTreeSet<Address>, donated: &BTreeSet<Address>) -> Result<(), String> {
        let env = self.env();
        let idl = &env.idl;
        let names = ["Config", "Vault", "Model", "Worker", "Request"];
        let mut decoded: BTreeMap<Address, (&str, serde_json::Value, u64)> = BTreeMap::new();
        for address in tracked {
            let Some(account) = env.account(address) else { continue };
            if account.owner != env.program_id || account.lamports == 0 {
                continue;
            }
            let label = self.label(address);
            let name = names
                .iter()
                .find(|n| account.data.len() >= 8 && account.data[..8] == idl.account_discriminator(n))
                .ok_or_else(|| format!("{label}: program-owned account with unknown discriminator"))?;
            if account.data.len() != idl.account_len(name) {
                return Err(format!(
                    "{label}: {name} of {} bytes, expected {}",
                    account.data.len(),
                    idl.account_len(name)
                ));
            }
            decoded.insert(*address, (name, idl.decode_account(name, &account.data), account.lamports));
        }
        let u = |v: &serde_json::Value| v.as_u64().unwrap();
        // Accepted seats (bond locked; a seat only drawn locks nothing) each worker authority holds in open
        // requests.
        let drawn = idl.constant_u64("SEAT_STATE_DRAWN");
        let mut open_seats: HashMap<Address, u64> = HashMap::new();
        for (name, r, _) in decoded.values() {
            if *name == "Request" && r["status"] == 0 {
                for seat in env.seats(r).iter().filter(|s| u(&s["state"]) != drawn) {
                    *open_seats.entry(dfpn_tests::idl::pubkey(&seat["authority"])).or_default() += 1;
                }
            }
        }
        for (address, (name, v, lamports)) in &decoded {
            let label = self.label(address);
            let rent = env.rent(idl.account_len(name));
            let owed = match *name {
                "Worker" => {
                    let seats = open_seats.get(&dfpn_tests::idl::pubkey(&v["authority"])).copied().unwrap_or(0);
                    if u(&v["active_seats"]) != seats {
                        return Err(format!(
                            "{label}: active_seats {} but holds {seats} seats in open requests",
                            v["active_seats"]
                        ));
                    }
                    rent + u(&v["stake"]) + u(&v["unbonding_amount"]) + u(&v["rewards"])
                }
                "Model" => rent + u(&v["unclaimed"]),
                "Request" => {
                    let seats = env.seats(v);
                    let commits = seats.iter().filter(|s| matches!(u(&s["state"]), 1 | 2)).count() as u64;
                    let reveals = seats.iter().filter(|s| u(&s["state"]) == 2).count() as u64;
                    let (joined, max) = (u(&v["joined"]), u(&v["max_workers"]));
                    if joined > max || max > 10 || u(&v["commits"]) != commits || u(&v["reveals"]) != reveals {
                        return Err(format!(
                            "{label}: joined {joined}/{max}, commits {} (seats say {commits}), reveals {} (seats say {reveals})",
                            v["commits"], v["reveals"]
                        ));
                    }
                    if v["status"] != 0 && u(&v["escrow"]) != 0 {
                        return Err(format!("{label}: finished with escrow {}", v["escrow"]));
                    }
                    rent + u(&v["escrow"])
                }
                _ => rent, // Config, Vault: at least rent-exempt
            };
            let exact = matches!(*name, "Worker" | "Model" | "Request") && !donated.contains(address);
            if *lamports < owed || (exact && *lamports != owed) {
                return Err(format!("{label}: {name} holds {lamports} lamports, its books say {owed}"));
            }
        }
        Ok(())
    }
}

// ---- case inputs -------------------------------------------------------------------------------

/// Parameters of a valid instruction (see `World::valid_ix`).
#[derive(Clone, Debug)]
struct Pick {
    ix: usize,
    worker: usize,
    request: usize,
    amount: usize,
    nonce: usize,
    flag: bool,
}

#[derive(Clone, Debug)]
enum Slot {
    /// Index into the world's pool (modulo its length).
    Pool(u8),
    /// An address nobody knows.
    Fresh([u8; 32]),
}

#[derive(Clone, Debug)]
struct MetaGen {
    slot: Slot,
    signer: bool,
    writable: bool,
}

#[derive(Clone, Debug)]
enum Data {
    /// Random bytes, no discriminator in particular.
    Random(Vec<u8>),
    /// A valid discriminator (instruction index) followed by random bytes.
    DiscTail(usize, Vec<u8>),
    /// The valid payload.
    Valid,
    /// The valid payload cut short (length modulo the payload's).
    Truncated(usize),
    /// The valid payload with trailing bytes.
    Extended(Vec<u8>),
    /// The valid payload with bytes xor-ed (position modulo length, non-zero mask).
    Flipped(Vec<(usize, u8)>),
}

#[derive(Clone, Debug)]
enum AccountEdit {
    Replace(u8, MetaGen),
    FlipSigner(u8),
    FlipWritable(u8),
    Remove(u8),
    Push(MetaGen),
    /// Put account `.0` at position `.1` too.
    Duplicate(u8, u8),
    Swap(u8, u8),
}

#[derive(Clone, Debug)]
enum Accounts {
    Random(Vec<MetaGen>),
    Valid,
    Edited(Vec<AccountEdit>),
}

#[derive(Clone, Debug)]
enum Jump {
    Stay,
    Secs(u16),
    /// To the commit deadline of request i (never backwards).
    CommitDeadline(usize),
    /// To the deadline of request i (never backwards).
    Deadline(usize),
    PastUnbonding,
}

#[derive(Clone, Debug)]
struct Step {
    jump: Jump,
    pick: Pick,
    data: Data,
    accounts: Accounts,
    /// Fee payer: index into the keys we hold.
    payer: u8,
}

/// (worker, request) pairs that hold a seat in the world as built, so request instructions get past the
/// seat checks often enough to reach the later ones.
const SEATS: [(usize, usize); 9] = [(5, 0), (1, 1), (0, 2), (0, 3), (1, 3), (2, 3), (3, 4), (4, 4), (6, 5)];

fn pick() -> impl Strategy<Value = Pick> {
    let any_pick =
        (0..INSTRUCTIONS.len(), 0..=WORKERS, 0..8usize).prop_map(|(ix, worker, request)| (ix, worker, request));
    // join (the fresh request takes anyone), commit, reveal, finalize, expire for a seated worker.
    let seated = (15..=19usize, 0..SEATS.len()).prop_map(|(ix, s)| (ix, SEATS[s].0, SEATS[s].1));
    (prop_oneof![any_pick, seated], 0..AMOUNTS.len(), 0..NONCES.len(), any::<bool>())
        .prop_map(|((ix, worker, request), amount, nonce, flag)| Pick { ix, worker, request, amount, nonce, flag })
}

fn meta() -> impl Strategy<Value = MetaGen> {
    let slot = prop_oneof![9 => any::<u8>().prop_map(Slot::Pool), 1 => any::<[u8; 32]>().prop_map(Slot::Fresh)];
    (slot, any::<bool>(), any::<bool>()).prop_map(|(slot, signer, writable)| MetaGen { slot, signer, writable })
}

fn edit() -> impl Strategy<Value = AccountEdit> {
    prop_oneof![
        3 => (any::<u8>(), meta()).prop_map(|(i, m)| AccountEdit::Replace(i, m)),
        1 => any::<u8>().prop_map(AccountEdit::FlipSigner),
        1 => any::<u8>().prop_map(AccountEdit::FlipWritable),
        1 => any::<u8>().prop_map(AccountEdit::Remove),
        1 => meta().prop_map(AccountEdit::Push),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| AccountEdit::Duplicate(a, b)),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| AccountEdit::Swap(a, b)),
    ]
}

fn jump() -> impl Strategy<Value = Jump> {
    prop_oneof![
        12 => Just(Jump::Stay),
        1 => (1..120u16).prop_map(Jump::Secs),
        2 => (0..8usize).prop_map(Jump::CommitDeadline),
        2 => (0..8usize).prop_map(Jump::Deadline),
        1 => Just(Jump::PastUnbonding),
    ]
}

fn random_bytes() -> impl Strategy<Value = Vec<u8>> {
    // Up to 200 bytes keeps the transaction under the packet size with many signers.
    vec(any::<u8>(), 0..200)
}

fn step(
    data: BoxedStrategy<Data>,
    accounts: BoxedStrategy<Accounts>,
    jump: BoxedStrategy<Jump>,
) -> impl Strategy<Value = Step> {
    (jump, pick(), data, accounts, any::<u8>()).prop_map(|(jump, pick, data, accounts, payer)| Step {
        jump,
        pick,
        data,
        accounts,
        payer,
    })
}

fn random_accounts() -> BoxedStrategy<Accounts> {
    vec(meta(), 0..10).prop_map(Accounts::Random).boxed()
}

// ---- running a step ----------------------------------------------------------------------------

/// What the cases reached, printed at the end of each property (visible with `--nocapture`).
#[derive(Default)]
struct Stats(BTreeMap<String, usize>);

impl Stats {
    fn record(&mut self, name: &str, outcome: String) {
        *self.0.entry(format!("{name}: {outcome}")).or_default() += 1;
    }

    fn print(&self, property: &str) {
        let ok: usize = self.0.iter().filter(|(k, _)| k.ends_with(": ok")).map(|(_, v)| v).sum();
        let total: usize = self.0.values().sum();
        println!("--- {property}: {total} transactions, {ok} succeeded");
        for (k, v) in &self.0 {
            println!("{v:6}  {k}");
        }
    }
}

/// Running state of one case.
struct Case {
    /// Every account that was in the world or in a transaction of this case.
    tracked: BTreeSet<Address>,
    /// Accounts that received lamports from a treasury withdrawal.
    donated: BTreeSet<Address>,
}

impl World {
    fn apply_jump(&mut self, jump: &Jump) {
        let field = |w: &World, i: usize, f: &str| {
            w.env().decode("Request", &w.requests[i % w.requests.len()]).map(|r| r[f].as_i64().unwrap())
        };
        let target = match jump {
            Jump::Stay => None,
            Jump::Secs(s) => Some(self.env().now() + *s as i64),
            Jump::CommitDeadline(i) => field(self, *i, "commit_deadline"),
            Jump::Deadline(i) => field(self, *i, "deadline"),
            Jump::PastUnbonding => Some(self.env().now() + self.env().params.unbonding_secs + 1),
        };
        if let Some(t) = target.filter(|t| *t > self.env().now()) {
            self.net.env.set_time(t);
        }
    }

    fn resolve(&self, m: &MetaGen) -> AccountMeta {
        let address = match &m.slot {
            Slot::Pool(i) => self.pool[*i as usize % self.pool.len()].address,
            Slot::Fresh(bytes) => Address::new_from_array(*bytes),
        };
        AccountMeta { pubkey: address, is_signer: m.signer, is_writable: m.writable }
    }

    fn build(&self, step: &Step) -> Instruction {
        let valid = self.valid_ix(&step.pick);
        let data = match &step.data {
            Data::Random(bytes) => bytes.clone(),
            Data::DiscTail(i, tail) => {
                let mut d = self.env().idl.instruction_discriminator(INSTRUCTIONS[i % INSTRUCTIONS.len()]).to_vec();
                d.extend(tail);
                d
            }
            Data::Valid => valid.data.clone(),
            Data::Truncated(cut) => valid.data[..cut % valid.data.len()].to_vec(),
            Data::Extended(extra) => [valid.data.clone(), extra.clone()].concat(),
            Data::Flipped(flips) => {
                let mut d = valid.data.clone();
                for (pos, mask) in flips {
                    let n = d.len();
                    d[pos % n] ^= mask;
                }
                d
            }
        };
        let mut metas = match &step.accounts {
            Accounts::Random(list) => list.iter().map(|m| self.resolve(m)).collect(),
            Accounts::Valid => valid.accounts.clone(),
            Accounts::Edited(edits) => {
                let mut metas = valid.accounts.clone();
                for e in edits {
                    let n = metas.len();
                    let at = |i: &u8| *i as usize % n.max(1);
                    match e {
                        AccountEdit::Push(m) => metas.push(self.resolve(m)),
                        _ if n == 0 => {}
                        AccountEdit::Replace(i, m) => metas[at(i)] = self.resolve(m),
                        AccountEdit::FlipSigner(i) => metas[at(i)].is_signer ^= true,
                        AccountEdit::FlipWritable(i) => metas[at(i)].is_writable ^= true,
                        AccountEdit::Remove(i) => {
                            metas.remove(at(i));
                        }
                        AccountEdit::Duplicate(from, to) => metas[at(to)] = metas[at(from)].clone(),
                        AccountEdit::Swap(a, b) => metas.swap(at(a), at(b)),
                    }
                }
                metas
            }
        };
        // Only keypairs we hold can sign.
        for m in &mut metas {
            m.is_signer &= self.key_of(&m.pubkey).is_some();
        }
        Instruction { program_id: self.env().program_id, accounts: metas, data }
    }

    fn describe(&self, ix: &Instruction, payer: &Address) -> String {
        let name = self.instruction_name(&ix.data);
        let accounts: Vec<String> = ix
            .accounts
            .iter()
            .map(|m| {
                format!(
                    "{}{}{}",
                    self.label(&m.pubkey),
                    if m.is_signer { " [signer]" } else { "" },
                    if m.is_writable { " [writable]" } else { "" }
                )
            })
            .collect();
        let hex: String = ix.data.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{name} paid by {}\n  accounts: {accounts:?}\n  data ({} bytes): {hex}",
            self.label(payer),
            ix.data.len()
        )
    }

    fn instruction_name(&self, data: &[u8]) -> String {
        let idl = &self.env().idl;
        INSTRUCTIONS
            .iter()
            .find(|n| data.len() >= 8 && data[..8] == idl.instruction_discriminator(n))
            .map(|n| n.to_string())
            .unwrap_or_else(|| "<no discriminator>".into())
    }

    /// Send one step and check every property; `Err` explains a violation.
    fn run_step(&mut self, step: &Step, case: &mut Case, stats: &mut Stats) -> Result<(), String> {
        self.apply_jump(&step.jump);
        let ix = self.build(step);
        let payer = self.keys[step.payer as usize % self.keys.len()].insecure_clone();
        let env = &mut self.net.env;
        env.svm.expire_blockhash();
        let blockhash = env.svm.latest_blockhash();
        let message = Message::new_with_blockhash(std::slice::from_ref(&ix), Some(&payer.pubkey()), &blockhash);
        let signer_keys = &message.account_keys[..message.header.num_required_signatures as usize];
        let signers: Vec<&Keypair> =
            signer_keys.iter().map(|k| self.keys.iter().find(|h| h.pubkey() == *k).expect("held key")).collect();
        let tx = Transaction::new(&signers, message.clone(), blockhash);

        case.tracked.extend(message.account_keys.iter().copied());
        let involved: Vec<Address> = case.tracked.iter().copied().collect();
        let before = self.net.env.snapshot(&involved);
        let result = self.net.env.svm.send_transaction(tx);
        let after = self.net.env.snapshot(&involved);

        let name = self.instruction_name(&ix.data);
        let context = || format!("{}\n  logs: {}", self.describe(&ix, &payer.pubkey()), logs(&result));
        let sum = |s: &[Option<Account>]| s.iter().map(|a| a.as_ref().map_or(0, |a| a.lamports as u128)).sum::<u128>();
        let spent = sum(&before) as i128 - sum(&after) as i128;

        for line in logs_of(&result) {
            let l = line.to_lowercase();
            if l.contains("panicked") || l.contains("access violation") {
                return Err(format!("suspicious log line {line:?}\n{}", context()));
            }
        }
        match &result {
            Ok(meta) => {
                stats.record(&name, "ok".into());
                if spent != meta.fee as i128 {
                    return Err(format!(
                        "lamports not conserved: {spent} left the accounts, fee was {}\n{}",
                        meta.fee,
                        context()
                    ));
                }
                if name == "withdraw_treasury" {
                    case.donated.insert(ix.accounts[3].pubkey);
                }
                self.check_books(&case.tracked, &case.donated)
                    .map_err(|e| format!("books broken: {e}\n{}", context()))?;
            }
            Err(failed) => {
                stats.record(&name, short_error(&failed.err));
                allowed_failure(&failed.err).map_err(|e| format!("{e}\n{}", context()))?;
                // Executed and failed: only the fee left, from the payer. Rejected before execution: nothing moved.
                if spent != failed.meta.fee as i128 && spent != 0 {
                    return Err(format!(
                        "failed transaction moved {spent} lamports, fee {}\n{}",
                        failed.meta.fee,
                        context()
                    ));
                }
                for ((address, b), a) in involved.iter().zip(&before).zip(&after) {
                    let same = match (b, a) {
                        (Some(b), Some(a)) if *address == payer.pubkey() => b.data == a.data && b.owner == a.owner,
                        (b, a) => b == a,
                    };
                    if !same {
                        return Err(format!("failed transaction changed {}\n{}", self.label(address), context()));
                    }
                }
            }
        }
        Ok(())
    }
}

fn logs_of(result: &TxResult) -> &[String] {
    match result {
        Ok(m) => &m.logs,
        Err(f) => &f.meta.logs,
    }
}

fn logs(result: &TxResult) -> String {
    let l = logs_of(result);
    let shown: Vec<&String> = l.iter().rev().take(8).rev().collect();
    format!("{:?} => {:?}", shown, result.as_ref().err().map(|f| &f.err))
}

fn short_error(err: &TransactionError) -> String {
    match err {
        TransactionError::InstructionError(_, InstructionError::Custom(c)) => format!("Custom({c})"),
        TransactionError::InstructionError(_, e) => format!("{e:?}"),
        other => format!("tx:{other:?}"),
    }
}

/// The program's error codes, from the IDL (6000 and up, one per `DfpnError` variant).
fn program_error_codes() -> &'static BTreeSet<u32> {
    static CODES: std::sync::OnceLock<BTreeSet<u32>> = std::sync::OnceLock::new();
    CODES.get_or_init(|| {
        let idl = Idl::load();
        idl.0["errors"].as_array().expect("IDL errors").iter().map(|e| e["code"].as_u64().unwrap() as u32).collect()
    })
}

/// Property 1: the ways an instruction may fail.
#[allow(deprecated)] // NotEnoughAccountKeys: what pinocchio's `ProgramError::NotEnoughAccountKeys` maps to
fn allowed_failure(err: &TransactionError) -> Result<(), String> {
    use InstructionError::*;
    match err {
        TransactionError::InstructionError(_, e) => match e {
            Custom(c) if program_error_codes().contains(c) => Ok(()),
            // Builtin `ProgramError`s a program (or the entrypoint's account parsing) may return.
            InvalidArgument
            | InvalidInstructionData
            | InvalidAccountData
            | AccountDataTooSmall
            | InsufficientFunds
            | IncorrectProgramId
            | MissingRequiredSignature
            | AccountAlreadyInitialized
            | UninitializedAccount
            | NotEnoughAccountKeys
            | MissingAccount
            | AccountBorrowFailed
            | MaxSeedLengthExceeded
            | InvalidSeeds
            | BorshIoError
            | AccountNotRentExempt
            | UnsupportedSysvar
            | IllegalOwner
            | InvalidAccountOwner
            | ArithmeticOverflow
            | Immutable
            | IncorrectAuthority
            | InvalidRealloc => Ok(()),
            other => Err(format!("instruction failed with {other:?}: not a program error")),
        },
        // The runtime's rent-state check after execution (e.g. a payout to an empty wallet below the
        // rent-exempt minimum): not the program's doing, and nothing moves.
        TransactionError::InsufficientFundsForRent { .. } => Ok(()),
        other => Err(format!("transaction rejected with {other:?}")),
    }
}

// ---- the properties ----------------------------------------------------------------------------

/// Run `cases` of `strategy` (each a sequence of steps) on fresh copies of one world.
fn check_property(property: &str, strategy: impl Strategy<Value = Vec<Step>>) {
    let world = RefCell::new(World::new());
    let stats = RefCell::new(Stats::default());
    // No regression files in the source tree: a failure prints its (shrunk) input instead.
    let config = Config { failure_persistence: None, max_shrink_time: 60_000, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |steps| {
        let mut world = world.borrow_mut();
        world.reset();
        let mut case = Case { tracked: world.pool.iter().map(|p| p.address).collect(), donated: BTreeSet::new() };
        for (i, s) in steps.iter().enumerate() {
            world
                .run_step(s, &mut case, &mut stats.borrow_mut())
                .map_err(|e| TestCaseError::fail(format!("step {i}: {e}")))?;
        }
        Ok(())
    });
    stats.borrow().print(property);
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, steps)) => panic!("{property}: {reason}\nminimal input: {steps:#?}"),
        Err(e) => panic!("{property}: {e}"),
    }
}

/// (a) fully random data or a valid discriminator with a random tail, (b) random account lists.
#[test]
fn random_instructions_fail_cleanly() {
    let data = prop_oneof![
        random_bytes().prop_map(Data::Random),
        (0..INSTRUCTIONS.len(), random_bytes()).prop_map(|(i, t)| Data::DiscTail(i, t))
    ]
    .boxed();
    check_property("random data, random accounts", vec(step(data, random_accounts(), jump().boxed()), 1..=3));
}

/// Valid payloads cut short, extended or with bytes flipped, under valid, edited or random accounts.
#[test]
fn malformed_payloads_fail_cleanly() {
    let data = prop_oneof![
        (0..INSTRUCTIONS.len(), random_bytes()).prop_map(|(i, t)| Data::DiscTail(i, t)),
        any::<usize>().prop_map(Data::Truncated),
        vec(any::<u8>(), 1..16).prop_map(Data::Extended),
        vec((any::<usize>(), 1..=255u8), 1..4).prop_map(Data::Flipped),
    ]
    .boxed();
    let accounts = prop_oneof![2 => Just(Accounts::Valid), 2 => vec(edit(), 1..3).prop_map(Accounts::Edited), 1 => random_accounts()].boxed();
    check_property("malformed payloads", vec(step(data, accounts, jump().boxed()), 1..=3));
}

/// Sequences of mostly valid instructions, some with edited accounts or data, across clock jumps: many
/// succeed, so this is where conservation and the books are exercised.
#[test]
fn valid_and_edited_sequences_keep_the_books() {
    let data = prop_oneof![8 => Just(Data::Valid), 1 => vec((any::<usize>(), 1..=255u8), 1..3).prop_map(Data::Flipped), 1 => any::<usize>().prop_map(Data::Truncated)].boxed();
    let accounts = prop_oneof![3 => Just(Accounts::Valid), 2 => vec(edit(), 1..3).prop_map(Accounts::Edited)].boxed();
    check_property("valid and edited sequences", vec(step(data, accounts, jump().boxed()), 1..=6));
}

/// Deterministic sweep: every account of every valid instruction replaced by every pool account (flags
/// kept), and every flag flipped, each on a fresh world. Catches the aliasing cases (the same account in
/// two roles) that random lists hit rarely.
#[test]
fn every_account_substitution_fails_cleanly_or_keeps_the_books() {
    let mut world = World::new();
    let mut stats = Stats::default();
    // One pick per instruction that succeeds (or fails late) in the world as built.
    let picks: Vec<Pick> = [
        (0, 0, 0, 0, false),
        (1, 0, 0, 0, false),
        (2, 0, 0, 0, true),
        (3, 0, 0, 2, false), // withdraw 1000 to the authority
        (4, 0, 0, 0, false), // stranger registers fuzz-model
        (5, 0, 0, 0, false),
        (6, 0, 0, 0, false),
        (7, 0, 0, 0, true),  // model 2 (nothing to claim)
        (8, 7, 0, 5, false), // stranger registers with 1 SOL
        (9, 0, 0, 2, false),
        (10, 0, 0, 0, false),
        (11, 6, 0, 2, false), // worker 6 unstakes more
        (12, 6, 0, 0, false),
        (13, 1, 0, 0, false), // worker 1 claims its rewards
        (14, 0, 0, 0, false), // nonce 16
        (15, 5, 5, 0, false), // worker 5 joins the fresh request
        (16, 3, 4, 0, false), // worker 3 commits in the commit phase
        (17, 1, 3, 0, false), // worker 1 reveals
        (18, 0, 2, 0, false), // finalize the finalizable request
        (19, 0, 0, 0, false), // expire the expirable request
        (20, 0, 1, 0, false), // close the finalized request
    ]
    .iter()
    .map(|&(ix, worker, request, amount, flag)| Pick { ix, worker, request, amount, nonce: 6, flag })
    .collect();
    let mut steps = vec![];
    let mut violations = vec![];
    for p in &picks {
        let n = world.valid_ix(p).accounts.len() as u8;
        for pos in 0..n {
            for slot in 0..world.pool.len() as u8 {
                let original = &world.valid_ix(p).accounts[pos as usize];
                let meta =
                    MetaGen { slot: Slot::Pool(slot), signer: original.is_signer, writable: original.is_writable };
                steps.push(Accounts::Edited(vec![AccountEdit::Replace(pos, meta)]));
            }
            steps.push(Accounts::Edited(vec![AccountEdit::FlipSigner(pos)]));
            steps.push(Accounts::Edited(vec![AccountEdit::FlipWritable(pos)]));
        }
        steps.push(Accounts::Valid);
        for accounts in steps.drain(..) {
            world.reset();
            let mut case = Case { tracked: world.pool.iter().map(|q| q.address).collect(), donated: BTreeSet::new() };
            let step = Step { jump: Jump::Stay, pick: p.clone(), data: Data::Valid, accounts, payer: 0 };
            if let Err(e) = world.run_step(&step, &mut case, &mut stats) {
                violations.push(format!("{e}\ninput: {step:?}"));
            }
        }
    }
    stats.print("account substitution sweep");
    assert!(violations.is_empty(), "{} violations:\n{}", violations.len(), violations.join("\n\n"));
}

// ---- bugs the fuzzing found, as regression tests ----------------------------------------------------
//
// Each asserts the behaviour the program has since the fix.

/// A successful instruction, or one that failed with a program error.
#[track_caller]
fn assert_clean(result: &TxResult) {
    if let Err(f) = result {
        allowed_failure(&f.err).unwrap_or_else(|e| panic!("{e}\n{}", f.meta.pretty_logs()));
    }
}

/// A network with one finalized one-worker request: the treasury and insurance hold their shares, worker 0
/// its reward, the model its share.
fn after_one_request() -> Network {
    let mut net = Network::new(1);
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let spec = RequestSpec { min_workers: 1, max_workers: 1, ..Default::default() };
    let request = net.submit_join_commit(&spec, &[Some(a.clone())]);
    let worker = net.workers[0].insecure_clone();
    net.env.reveal(&worker, &request, &a).expect("reveal");
    net.env.finalize(&request).expect("finalize");
    net
}

/// `withdraw_treasury` with the treasury itself as recipient. Found by the account substitution sweep:
/// `utils::move_lamports(treasury, treasury, n)` set the balance to `b − n`, then to `b + n` (both views
/// are the same account), minting `n` lamports, and the runtime aborted the instruction with
/// `UnbalancedInstruction`. Now `move_lamports` refuses `from == to` (DuplicateAccount).
#[test]
fn withdraw_treasury_to_the_treasury_itself_fails_cleanly() {
    let mut net = after_one_request();
    let authority = net.env.authority.insecure_clone();
    let treasury = net.env.treasury();
    let ix = net.env.ix_withdraw_treasury(&authority.pubkey(), &treasury, 1_000);
    assert_clean(&net.env.send(&[ix], &[&authority]));
}

/// Same root cause through `claim_model_fees`: a developer may set the model PDA as its own payout wallet
/// (`register_model`/`update_model` accept any address), after which every claim aborted with
/// `UnbalancedInstruction`.
#[test]
fn claim_model_fees_to_the_model_itself_fails_cleanly() {
    let mut net = Network::new(1);
    // Our own model, whose developer key we keep, used by the worker.
    let developer = developer_of("self-paying-model");
    net.env.fund(&developer.pubkey(), 10 * LAMPORTS_PER_SOL);
    let id = model_address(Network::MODEL).to_bytes();
    // A model whose payout wallet is its own PDA, declared by the worker and used for its answer.
    let own = model_id("self-paying-model");
    let own_pda = net.env.model_pda(&own);
    let ix = net.env.ix_register_model(&developer.pubkey(), &own, &own_pda, modality::ALL);
    net.env.send(&[ix], &[&developer]).expect("register_model with itself as payout wallet");
    let worker = net.workers[0].insecure_clone();
    let ix = net.env.ix_update_worker(&worker.pubkey(), modality::ALL, &[id, own_pda.to_bytes()]);
    net.env.send(&[ix], &[&worker]).expect("update_worker");
    let a = Answer::new(MANIPULATED, 90, "self-paying-model");
    let spec = RequestSpec { min_workers: 1, max_workers: 1, ..Default::default() };
    let request = net.submit_join_commit(&spec, &[Some(a.clone())]);
    net.env.reveal(&worker, &request, &a).expect("reveal");
    net.env.finalize(&request).expect("finalize");
    assert!(net.env.decode("Model", &own_pda).unwrap()["unclaimed"].as_u64().unwrap() > 0);
    let ix = net.env.ix_claim_model_fees(&own_pda, &own_pda);
    let payer = net.env.keypair(LAMPORTS_PER_SOL);
    assert_clean(&net.env.send(&[ix], &[&payer]));
}

/// A client can stall its own request after the workers have done the work: submit with
/// `max_fee = fee + 1`, then empty its wallet (the account disappears). `finalize_request` must refund
/// 1 lamport to the client, which would leave it with less than the rent-exempt minimum, so the runtime
/// rejects every finalization with `InsufficientFundsForRent`. Until someone funds the client's address,
/// the request stays open: workers are not paid, their seats stay active (`request_unstake` fails with
/// `WorkerHasActiveCommitments`) and the client's rent stays locked. Any dust refund (0 < refund < rent
/// minimum) to an empty client does this; `expire_request` has the same exposure when fees are configured
/// below the rent minimum. Fixed: such a refund stays in the request (its `escrow`) and `close_request`
/// returns it.
#[test]
fn a_client_cannot_block_finalization_by_emptying_its_wallet() {
    let mut net = Network::new(1);
    let spec = RequestSpec {
        min_workers: 1,
        max_workers: 1,
        max_fee: net.env.params.fee(modality::FACE_MANIPULATION, 1) + 1,
        ..Default::default()
    };
    let a = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(&spec, &[Some(a.clone())]);
    let worker = net.workers[0].insecure_clone();
    net.env.reveal(&worker, &request, &a).expect("reveal");
    // The client moves everything but the fee of this transfer elsewhere (system transfer, index 2).
    let client = net.client.insecure_clone();
    let balance = net.env.lamports(&client.pubkey());
    let mut data = 2u32.to_le_bytes().to_vec();
    data.extend((balance - 5_000).to_le_bytes());
    let sink = Keypair::new().pubkey();
    let transfer = Instruction {
        program_id: SYSTEM_PROGRAM,
        accounts: vec![AccountMeta::new(client.pubkey(), true), AccountMeta::new(sink, false)],
        data,
    };
    net.env.send(&[transfer], &[&client]).expect("empty the client");
    assert_eq!(net.env.lamports(&client.pubkey()), 0);

    let result = net.env.finalize(&request);
    assert!(result.is_ok(), "finalize blocked: {:?}", result.err().map(|f| f.err));
    // The 1-lamport refund waits in the request for `close_request`.
    assert_eq!(net.env.decode("Request", &request).unwrap()["escrow"], 1);
    assert_eq!(net.env.decode("Worker", &net.env.worker_pda(&worker.pubkey())).unwrap()["active_seats"], 0);
}
