//! The engine: a `Network` (the real `dfpn.so` in LiteSVM) whose workers follow strategies. Requests run one
//! after another; every transaction goes through the harness helpers and pays its 5,000 lamports per
//! signature from the signer's own wallet, so an agent's net is simply the change of its wallet plus its
//! worker account, as the chain records it.
use std::collections::HashMap;

use serde_json::Value;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::agents::{self, Context, Media, Plan, Strategy};
use super::rng::Rng;
use crate::{
    challenge_attestation, idl::Idl, modality, Env, Network, RequestSpec, TxResult, AUTHENTIC, LAMPORTS_PER_SOL,
    MANIPULATED,
};

/// Request status values of the program (docs/protocol.md).
pub const FINALIZED: u64 = 1;
pub const EXPIRED: u64 = 2;

/// How requests are drawn.
#[derive(Clone, Debug)]
pub struct Workload {
    pub fake_share: f64,
    /// Share of requests that resubmit media seen before (same content hash, same truth).
    pub resubmit_share: f64,
    pub modalities: u8,
    pub workers_per_request: u8,
    pub deadline_secs: i64,
    /// Share of requests submitted by the self-certifying operator (0 unless the scenario has one).
    pub operator_share: f64,
    /// Share of the (non-operator) client's requests that are known-answer challenges (0: none).
    pub challenge_rate: f64,
    /// Share of fakes among challenge media (the challenger service's default `fake_share`, 0.5): a worker that
    /// answers "Authentic" without looking fails half the challenges, an honest detector only its error rate.
    pub challenge_fake_share: f64,
    /// The program's `challenge_slash_bps` for the run (set by governance through `update_config`).
    pub challenge_slash_bps: u16,
    /// The program's `min_workers_floor`: the self-certifying operator asks for this many seats.
    pub min_workers_floor: u8,
}

impl Default for Workload {
    fn default() -> Self {
        Self {
            fake_share: 0.30,
            resubmit_share: 0.30,
            modalities: modality::FACE_MANIPULATION,
            workers_per_request: 5,
            deadline_secs: 300,
            operator_share: 0.0,
            challenge_rate: 0.0,
            challenge_fake_share: 0.5,
            challenge_slash_bps: crate::Params::default().challenge_slash_bps,
            min_workers_floor: crate::Params::reference().min_workers_floor,
        }
    }
}

/// Rounds of replacement draws per request (each needs half a commit window of the remaining time).
const MAX_REPLACEMENT_ROUNDS: usize = 3;

/// The seats of one request as the simulation follows them: who sits, its plan, and its holdings before.
#[derive(Default)]
struct Seats {
    seated: Vec<usize>,
    plans: Vec<(usize, Plan)>,
    stakes_before: Vec<u64>,
    rewards_before: Vec<u64>,
}

/// One worker and what the simulation counted about it since measuring started.
pub struct Agent {
    pub key: Keypair,
    pub strategy: Strategy,
    /// Wallet + worker account lamports when measuring started.
    pub baseline: u64,
    pub seats: u64,
    pub reveals: u64,
    pub correct: u64,
    pub slashes: u64,
    pub slashed_lamports: u64,
    /// Seats held on revealed challenges, and those the program slashed there (a failed challenge).
    pub challenge_seats: u64,
    pub challenge_slashes: u64,
    pub challenge_slashed_lamports: u64,
}

/// What happened to one request.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub fake: bool,
    pub operator: bool,
    /// Submitted as a known-answer challenge.
    pub challenge: bool,
    /// The program recorded the challenge as revealed (an expired challenge never is), and its label.
    pub challenged: bool,
    pub challenge_label: u64,
    pub status: u64,
    pub verdict: u64,
    pub consensus: u64,
    pub seats: u64,
    /// Rewards the program credited to the seated workers.
    pub worker_rewards: u64,
    /// The revealed seats as the Request account holds them once finalized: (agent, verdict). What the
    /// counterfactual peer-prediction scoring (`peer`) reads.
    pub reveals: Vec<(usize, u8)>,
}

pub struct Sim {
    pub net: Network,
    pub agents: Vec<Agent>,
    pub workload: Workload,
    pub rng: Rng,
    /// The clients' own stream (attestations, salts, which requests are challenges): separate from `rng`, so a
    /// run with challenges draws the same media, arrivals and answers as one without.
    client_rng: Rng,
    /// The self-certifying client (a key of its own: a client may not sit in its own request).
    pub operator_client: Keypair,
    pub outcomes: Vec<Outcome>,
    media: Vec<Media>,
    /// Last finalized verdict per content hash: public on-chain, what a replaying worker copies.
    public_verdicts: HashMap<[u8; 32], u8>,
    nonce: u64,
    requests: Vec<Address>,
    /// Lamport bookkeeping since measuring started: every fee paid and every airdrop of a new cranker.
    fees: u64,
    total_at_start: u64,
    known_at_start: usize,
    /// What the operator (its client wallet and its workers) gained over its own requests only.
    pub operator_requests_net: i64,
    /// What the challenger (the client's wallet) gained over its challenge requests only (negative: a cost).
    pub challenger_net: i64,
}

impl Sim {
    /// A network of `strategies.len()` registered workers (1 SOL stake each) following `strategies`.
    pub fn new(strategies: &[Strategy], workload: Workload, rng: Rng) -> Self {
        Self::on(Network::new(strategies.len()), strategies, workload, rng)
    }

    /// The same on `net`, a fresh network of `strategies.len()` workers (a `copy_network` of a template).
    /// Governance sets `challenge_slash_bps` and, when the workload has challenges, registers the client as a
    /// challenger: the challenger is the client that submits every ordinary request, so its key tells a worker
    /// nothing about which requests are challenges.
    pub fn on(mut net: Network, strategies: &[Strategy], workload: Workload, rng: Rng) -> Self {
        assert_eq!(net.workers.len(), strategies.len(), "one strategy per worker");
        // Clients pay fees and rent for thousands of requests.
        let client = net.client.pubkey();
        net.env.fund(&client, 100_000 * LAMPORTS_PER_SOL);
        let operator_client = net.env.keypair(100_000 * LAMPORTS_PER_SOL);
        let authority = net.env.authority.insecure_clone();
        // Every agent stakes the same, so the draw stake cap (the minimum stake here) changes no odds; it only
        // spares the draw its rejected lotteries.
        let params = crate::Params {
            challenge_slash_bps: workload.challenge_slash_bps,
            min_workers_floor: workload.min_workers_floor,
            draw_stake_cap: net.env.params.min_stake,
            ..net.env.params.clone()
        };
        let ix = net.env.ix_update_config(&authority.pubkey(), &params);
        net.env.send(&[ix], &[&authority]).expect("update_config");
        net.env.params = params;
        if workload.challenge_rate > 0.0 {
            let ix = net.env.ix_register_challenger(&authority.pubkey(), &client);
            net.env.send(&[ix], &[&authority]).expect("register_challenger");
        }
        let agents = net.worker_keys().into_iter().zip(strategies).map(|(k, s)| Agent::new(k, *s)).collect();
        let mut sim = Self {
            net,
            agents,
            workload,
            client_rng: rng.derive("clients"),
            rng,
            operator_client,
            outcomes: vec![],
            media: vec![],
            public_verdicts: HashMap::new(),
            nonce: 0,
            requests: vec![],
            fees: 0,
            total_at_start: 0,
            known_at_start: 0,
            operator_requests_net: 0,
            challenger_net: 0,
        };
        sim.start_measuring();
        sim
    }

    /// Register one more worker mid-run (a newcomer); call `start_measuring` afterwards.
    pub fn add_worker(&mut self, strategy: Strategy) {
        let stake = self.net.env.params.min_stake;
        let key = self.net.env.register_worker(stake, modality::ALL, &[Network::MODEL]);
        self.net.workers.push(key.insecure_clone());
        self.agents.push(Agent::new(key, strategy));
    }

    /// Reset every counter and balance baseline: what follows is what the results report.
    pub fn start_measuring(&mut self) {
        for i in 0..self.agents.len() {
            let holdings = self.holdings(&self.agents[i].key.pubkey());
            let a = &mut self.agents[i];
            *a = Agent::new(a.key.insecure_clone(), a.strategy);
            a.baseline = holdings;
        }
        self.outcomes.clear();
        self.operator_requests_net = 0;
        self.challenger_net = 0;
        self.fees = 0;
        self.known_at_start = self.net.env.known.len();
        self.total_at_start = self.total_lamports();
    }

    /// Wallet plus worker account: stake, unclaimed rewards and rent.
    pub fn holdings(&self, authority: &Address) -> u64 {
        self.net.env.lamports(authority) + self.net.env.lamports(&self.net.env.worker_pda(authority))
    }

    pub fn net_of(&self, agent: &Agent) -> i64 {
        self.holdings(&agent.key.pubkey()) as i64 - agent.baseline as i64
    }

    /// Every lamport the simulation can move: known wallets, vaults, model, workers, requests.
    pub fn total_lamports(&self) -> u64 {
        // `Network::accounts` lists the client, model, workers and their accounts around one request; the
        // requests themselves are added from our own list.
        let mut extra = self.net.accounts(&self.net.client.pubkey());
        extra.extend(&self.requests);
        extra.push(self.operator_client.pubkey());
        self.net.env.total_lamports(&extra)
    }

    /// Lamports created or destroyed since measuring started beyond airdrops to new crankers and fees burnt
    /// (0 when the program conserves lamports).
    pub fn lamport_drift(&self) -> i128 {
        let airdrops = (self.net.env.known.len() - self.known_at_start) as u64 * LAMPORTS_PER_SOL;
        self.total_lamports() as i128 - (self.total_at_start as i128 + airdrops as i128 - self.fees as i128)
    }

    fn paid(&mut self, result: TxResult) -> TxResult {
        self.fees += match &result {
            Ok(meta) => meta.fee,
            Err(failed) => failed.meta.fee,
        };
        result
    }

    pub fn run(&mut self, requests: usize) {
        for _ in 0..requests {
            let operator = self.rng.chance(self.workload.operator_share);
            // Drawn for every request (from the clients' stream), so which requests are challenges does not
            // depend on the operator's.
            let challenge = self.client_rng.chance(self.workload.challenge_rate) && !operator;
            self.run_request(operator, challenge);
        }
    }

    /// One request from submission to finalization or expiry.
    fn run_request(&mut self, operator: bool, challenge: bool) {
        let before = if operator { self.operator_holdings() } else { 0 };
        let client_before = self.net.env.lamports(&self.net.client.pubkey());
        self.play_request(operator, challenge);
        if operator {
            self.operator_requests_net += self.operator_holdings() as i64 - before as i64;
        }
        if challenge {
            self.challenger_net += self.net.env.lamports(&self.net.client.pubkey()) as i64 - client_before as i64;
        }
    }

    /// The self-certifying operator's wallet and workers (stake top-ups only move lamports between them).
    fn operator_holdings(&self) -> u64 {
        let workers = self.agents.iter().filter(|a| a.strategy == Strategy::Operator);
        self.net.env.lamports(&self.operator_client.pubkey())
            + workers.map(|a| self.holdings(&a.key.pubkey())).sum::<u64>()
    }

    fn play_request(&mut self, operator: bool, challenge: bool) {
        let media = match (operator, challenge) {
            (true, _) => self.new_media(true),
            (false, true) => self.challenge_media(),
            (false, false) => self.draw_media(),
        };
        // The operator asks for as few seats as the configuration allows.
        let seats = if operator { self.workload.min_workers_floor } else { self.workload.workers_per_request };
        // A challenge commits to the truth of its media; the label and salt stay with the challenger until the
        // reveals are over. Workers see neither (`Context` has no attestation).
        let known_answer =
            challenge.then(|| (if media.fake { MANIPULATED } else { AUTHENTIC }, self.client_rng.bytes32()));
        let request = self.submit(&media, seats, operator, known_answer.as_ref());
        let ctx = Context {
            media: &media,
            earlier_verdict: self.public_verdicts.get(&media.content_hash).copied(),
            operator_request: operator,
        };
        let mut seats = Seats::default();
        for i in self.seat(&request) {
            self.take_seat(&mut seats, i, &ctx);
        }
        self.commit_all(&request, &seats.plans);
        self.replace_silent(&request, &ctx, &mut seats);
        let Seats { seated, plans, stakes_before, rewards_before } = seats;
        self.close_out(&request, &plans, media.fake, known_answer.as_ref());
        let mut outcome = self.record(&request, &media, operator, &plans);
        outcome.challenge = challenge;
        outcome.worker_rewards = self.settle_seats(&seated, &stakes_before, &rewards_before, outcome.challenged);
        // What a replaying worker can copy: the revealed label of a challenge (public on-chain, and the truth)
        // rather than its consensus, else the finalized verdict.
        let public = if outcome.challenged { outcome.challenge_label } else { outcome.verdict };
        if outcome.status == FINALIZED && public != 0 {
            self.public_verdicts.insert(media.content_hash, public as u8);
        }
        self.outcomes.push(outcome);
        self.close(&request, operator);
        self.net.env.advance(10);
    }

    /// Record agent `i`'s seat: its holdings before the request's outcome and its plan.
    fn take_seat(&mut self, seats: &mut Seats, i: usize, ctx: &Context) {
        let w = self.worker(i);
        seats.stakes_before.push(w["stake"].as_u64().unwrap());
        seats.rewards_before.push(w["rewards"].as_u64().unwrap());
        seats.plans.push((i, agents::plan(self.agents[i].strategy, ctx, &mut self.rng)));
        seats.seated.push(i);
    }

    /// Worker nodes crank `draw_seats`: a seat not committed half a commit window after its draw is replaced
    /// (its bond forfeited) and the newly drawn workers accept and commit, while a replacement can still commit.
    fn replace_silent(&mut self, request: &Address, ctx: &Context, seats: &mut Seats) {
        let drawn_state = self.net.env.idl.constant_u64("SEAT_STATE_DRAWN");
        let uncommitted = [self.net.env.idl.constant_u64("SEAT_STATE_JOINED"), drawn_state];
        for _ in 0..MAX_REPLACEMENT_ROUNDS {
            let r = self.net.env.decode("Request", request).expect("request");
            let (created, commit_deadline) =
                (r["created_at"].as_i64().unwrap(), r["commit_deadline"].as_i64().unwrap());
            let due = self
                .net
                .env
                .seats(&r)
                .iter()
                .filter(|s| uncommitted.contains(&s["state"].as_u64().unwrap()))
                .map(|s| s["drawn_at"].as_i64().unwrap() + (commit_deadline - created) / 2)
                .min();
            let Some(due) = due.filter(|t| *t < commit_deadline - 1) else { return };
            let now = self.net.env.now();
            self.net.env.set_time(due.max(now));
            if self.net.env.draw(request).is_err() {
                return;
            }
            // The seats still only drawn are the new ones: every older silent seat was just replaced.
            let r = self.net.env.decode("Request", request).expect("request");
            let newcomers: Vec<usize> = self
                .net
                .env
                .seats(&r)
                .iter()
                .filter(|s| s["state"].as_u64() == Some(drawn_state))
                .map(|s| {
                    let op = crate::idl::pubkey(&s["authority"]);
                    self.agents.iter().position(|a| a.key.pubkey() == op).expect("a drawn agent")
                })
                .collect();
            let first_new = seats.plans.len();
            for i in newcomers {
                let key = self.agents[i].key.insecure_clone();
                let joined = self.net.env.join(&key, request);
                if self.paid(joined).is_ok() {
                    self.agents[i].seats += 1;
                    self.take_seat(seats, i, ctx);
                }
            }
            let fresh = std::mem::take(&mut seats.plans);
            self.commit_all(request, &fresh[first_new..]);
            seats.plans = fresh;
        }
    }

    /// The client takes the request's rent back, so client costs are fees only.
    fn close(&mut self, request: &Address, operator: bool) {
        let client = if operator { self.operator_client.insecure_clone() } else { self.net.client.insecure_clone() };
        let ix = self.net.env.ix_close_request(&client.pubkey(), request);
        let r = self.net.env.send(&[ix], &[&client]);
        self.paid(r).expect("close_request");
    }

    /// A challenge's media: the challenger transforms each corpus item (re-encoded, cropped, resized), so its
    /// content hash is new and nobody has a verdict to replay. Drawn from the clients' stream.
    fn challenge_media(&mut self) -> Media {
        let fake = self.client_rng.chance(self.workload.challenge_fake_share);
        Media { content_hash: self.client_rng.bytes32(), fake }
    }

    fn draw_media(&mut self) -> Media {
        if !self.media.is_empty() && self.rng.chance(self.workload.resubmit_share) {
            return self.media[self.rng.below(self.media.len())];
        }
        let fake = self.rng.chance(self.workload.fake_share);
        let m = self.new_media(fake);
        self.media.push(m);
        m
    }

    fn new_media(&mut self, fake: bool) -> Media {
        let hash = crate::sha256(&self.rng.next_u64().to_le_bytes());
        Media { content_hash: hash, fake }
    }

    /// Submit a request: a challenge's attestation commits to `known_answer` (label, salt), any other request's
    /// is 32 random bytes, as the SDKs send.
    fn submit(&mut self, media: &Media, seats: u8, operator: bool, known_answer: Option<&(u8, [u8; 32])>) -> Address {
        self.nonce += 1;
        let client = if operator { self.operator_client.insecure_clone() } else { self.net.client.insecure_clone() };
        let attestation = match known_answer {
            Some((label, salt)) => {
                challenge_attestation(&self.net.env.request_pda(&client.pubkey(), self.nonce), *label, salt)
            }
            None => self.client_rng.bytes32(),
        };
        let spec = RequestSpec {
            nonce: self.nonce,
            content_hash: media.content_hash,
            modalities: self.workload.modalities,
            min_workers: seats,
            max_workers: seats,
            max_fee: LAMPORTS_PER_SOL,
            deadline_in: self.workload.deadline_secs,
            attestation,
            ..RequestSpec::default()
        };
        let request = self.net.env.submit(&client, &spec);
        self.fees += 5_000; // `Env::submit` returns only the address; one signature
        self.requests.push(request);
        request
    }

    /// Drawn seats: the draw slot's hash is the chain's (the simulation's randomness, which no agent controls);
    /// every drawn worker accepts its seat (a squatter too: it never commits). Returns the seated agents.
    fn seat(&mut self, request: &Address) -> Vec<usize> {
        let r = self.net.env.decode("Request", request).expect("request");
        let hash = self.rng.bytes32();
        self.net.env.set_slot_hash(r["draw_slot"].as_u64().unwrap(), hash);
        // The cranker is outside the books (its fee is one signature per draw, whoever sends it).
        self.net.env.draw(request).expect("draw_seats");
        let mut seated = vec![];
        for operator in self.net.env.drawn(request) {
            let i = self.agents.iter().position(|a| a.key.pubkey() == operator).expect("a drawn agent");
            let key = self.agents[i].key.insecure_clone();
            let joined = self.net.env.join(&key, request);
            if self.paid(joined).is_ok() {
                self.agents[i].seats += 1;
                seated.push(i);
            }
        }
        seated
    }

    fn commit_all(&mut self, request: &Address, plans: &[(usize, Plan)]) {
        for (i, plan) in plans {
            if let Plan::Serve { answer, .. } = plan {
                let key = self.agents[*i].key.insecure_clone();
                let r = self.net.env.commit(&key, request, answer);
                self.paid(r).expect("commit");
            }
        }
    }

    /// Reveal, then finalize (at once when everyone revealed, else at the deadline) or expire. On a challenge the
    /// challenger reveals its label and salt first, once the reveals are over, then finalizes as the client.
    fn close_out(
        &mut self,
        request: &Address,
        plans: &[(usize, Plan)],
        fake: bool,
        known_answer: Option<&(u8, [u8; 32])>,
    ) {
        let r = self.net.env.decode("Request", request).unwrap();
        let (commits, min) = (r["commits"].as_u64().unwrap(), r["min_workers"].as_u64().unwrap());
        if commits < r["max_workers"].as_u64().unwrap() {
            self.net.env.set_time(r["commit_deadline"].as_i64().unwrap());
        }
        if commits < min {
            let ix = self.net.env.ix_expire_request(request);
            let r = self.net.env.send_paid(&[ix], &[]);
            self.paid(r).expect("expire");
            return;
        }
        let mut all_revealed = true;
        for (i, plan) in plans {
            match plan {
                Plan::Serve { answer, crash: false } => {
                    let key = self.agents[*i].key.insecure_clone();
                    let r = self.net.env.reveal(&key, request, answer);
                    self.paid(r).expect("reveal");
                    self.agents[*i].reveals += 1;
                    self.agents[*i].correct += agents::correct(answer.verdict, fake) as u64;
                }
                _ => all_revealed = false,
            }
        }
        if !all_revealed {
            self.net.env.set_time(r["deadline"].as_i64().unwrap());
        }
        if let Some((label, salt)) = known_answer {
            let client = self.net.client.insecure_clone();
            let ix = self.net.env.ix_reveal_challenge(&client.pubkey(), request, *label, salt);
            let r = self.net.env.send(&[ix], &[&client]);
            self.paid(r).expect("reveal_challenge");
        }
        // `Env::finalize` co-signs as the client (only the client may finalize before the grace period ends).
        let r = self.net.env.finalize(request);
        self.paid(r).expect("finalize");
    }

    fn record(&self, request: &Address, media: &Media, operator: bool, plans: &[(usize, Plan)]) -> Outcome {
        let r = self.net.env.decode("Request", request).unwrap();
        let revealed = self.net.env.idl.constant_u64("SEAT_STATE_REVEALED");
        let reveals = self
            .net
            .env
            .seats(&r)
            .iter()
            .filter(|s| s["state"].as_u64() == Some(revealed))
            .map(|s| {
                let authority = crate::idl::pubkey(&s["authority"]);
                let agent = self.agents.iter().position(|a| a.key.pubkey() == authority).expect("a seated agent");
                (agent, s["verdict"].as_u64().unwrap() as u8)
            })
            .collect();
        Outcome {
            fake: media.fake,
            operator,
            challenge: false,
            challenged: r["challenged"].as_u64().unwrap() != 0,
            challenge_label: r["challenge_label"].as_u64().unwrap(),
            status: r["status"].as_u64().unwrap(),
            verdict: r["verdict"].as_u64().unwrap(),
            consensus: r["consensus"].as_u64().unwrap(),
            seats: plans.len() as u64,
            worker_rewards: 0,
            reveals,
        }
    }

    /// Count slashes and rewards as the chain booked them, then top stakes back up to the minimum (the
    /// operator re-stakes from its wallet: capital moves, only the transaction fee is a cost). Returns the
    /// rewards credited.
    fn settle_seats(
        &mut self,
        seated: &[usize],
        stakes_before: &[u64],
        rewards_before: &[u64],
        challenged: bool,
    ) -> u64 {
        let min_stake = self.net.env.params.min_stake;
        let mut credited = 0;
        for (k, &i) in seated.iter().enumerate() {
            let w = self.worker(i);
            let (stake, rewards) = (w["stake"].as_u64().unwrap(), w["rewards"].as_u64().unwrap());
            let a = &mut self.agents[i];
            if stake < stakes_before[k] {
                a.slashes += 1;
                a.slashed_lamports += stakes_before[k] - stake;
                if challenged {
                    a.challenge_slashes += 1;
                    a.challenge_slashed_lamports += stakes_before[k] - stake;
                }
            }
            a.challenge_seats += challenged as u64;
            credited += rewards.saturating_sub(rewards_before[k]);
            if stake < min_stake {
                self.add_stake(i, min_stake - stake);
            }
        }
        credited
    }

    fn add_stake(&mut self, i: usize, amount: u64) {
        let key = self.agents[i].key.insecure_clone();
        let ix = self.net.env.ix_add_stake(&key.pubkey(), amount);
        let r = self.net.env.send(&[ix], &[&key]);
        self.paid(r).expect("add_stake");
    }

    pub fn worker(&self, i: usize) -> Value {
        let pda = self.net.env.worker_pda(&self.agents[i].key.pubkey());
        self.net.env.decode("Worker", &pda).unwrap()
    }
}

impl Agent {
    fn new(key: Keypair, strategy: Strategy) -> Self {
        Self {
            key,
            strategy,
            baseline: 0,
            seats: 0,
            reveals: 0,
            correct: 0,
            slashes: 0,
            slashed_lamports: 0,
            challenge_seats: 0,
            challenge_slashes: 0,
            challenge_slashed_lamports: 0,
        }
    }
}

/// An independent copy of `net` (its own LiteSVM state, the same keys): every scenario with the same number of
/// workers starts from one template instead of registering its workers again (most of a short run's time).
pub fn copy_network(net: &Network) -> Network {
    let e = &net.env;
    Network {
        env: Env {
            svm: e.svm.clone(),
            idl: Idl(e.idl.0.clone()),
            program_id: e.program_id,
            authority: e.authority.insecure_clone(),
            params: e.params.clone(),
            known: e.known.clone(),
            clients: e.clients.iter().map(|(a, k)| (*a, k.insecure_clone())).collect(),
            pool: e.pool.clone(),
            slot_hashes: e.slot_hashes.clone(),
            wanted_seats: e.wanted_seats.clone(),
        },
        model: net.model.clone(),
        model_payout: net.model_payout,
        model_developer: net.model_developer.insecure_clone(),
        workers: net.worker_keys(),
        client: net.client.insecure_clone(),
    }
}
