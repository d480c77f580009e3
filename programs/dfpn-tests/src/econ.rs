//! Agent-based economic simulation of DFPN on the real program (issue #15, part 4).
//!
//! Workers are registered, staked keys of a LiteSVM network running `target/deploy/dfpn.so`; each follows a
//! strategy (`agents`). The simulation decides only what a worker answers and in which order workers arrive;
//! fees, payouts, reputation, slashing, seat bonds and expiry are whatever the program does, read back from the
//! chain. `run` plays every scenario and `summary` condenses them into the numbers the issue asks for.
//!
//! Known-answer challenges: the client (the key that submits every ordinary request) is a registered challenger
//! and turns a share of its requests into challenges (`Challenges`). The headline numbers are measured with the
//! reference challenges; every scenario also runs without them (`/no_challenges`, the baseline) and the
//! share-0.5 deviant scenarios run over a grid of challenge rates and slashes (the sweep).
//! `src/bin/econ.rs` prints the tables and writes `target/econ/summary.json`; docs/economics.md has the method
//! and the results.
//!
//! Peer prediction (`peer`): every scenario's finalized reveals are also scored, after the fact, by the
//! Correlated Agreement mechanism, a payment the program does not make; the tables and the summary show what it
//! would pay each strategy next to what the program paid.
pub mod agents;
pub mod peer;
pub mod report;
pub mod rng;
pub mod sim;

use std::{collections::HashMap, sync::Mutex, time::Instant};

use serde_json::{json, Map, Value};

use agents::Strategy;
use report::ScenarioResult;
use rng::Rng;
use sim::{Sim, Workload};

use crate::Network;

/// Known-answer challenges of a run: the share of the client's requests that are challenges and the program's
/// `challenge_slash_bps` (share of a failing worker's stake).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Challenges {
    pub rate: f64,
    pub slash_bps: u16,
}

impl Challenges {
    /// No challenges (the program's reference slash stays configured; nobody reveals a label).
    pub const NONE: Self = Self { rate: 0.0, slash_bps: 200 };
    /// The reference: 10 % of requests, 2 % of stake.
    pub const REFERENCE: Self = Self { rate: 0.10, slash_bps: 200 };

    /// The grid of the sweep: rates × slashes.
    pub fn grid(rates: &[f64], slashes: &[u16]) -> Vec<Self> {
        rates.iter().flat_map(|&rate| slashes.iter().map(move |&slash_bps| Self { rate, slash_bps })).collect()
    }

    /// Scenario name suffix of a non-reference variant.
    pub fn suffix(&self) -> String {
        if self.rate == 0.0 {
            NO_CHALLENGES.into()
        } else {
            format!("/q{}_slash{}", rate_key(self.rate), self.slash_bps)
        }
    }
}

/// Suffix of the baseline scenarios.
pub const NO_CHALLENGES: &str = "/no_challenges";
/// The deviant share the challenge sweep runs at.
pub const SWEEP_SHARE: &str = "0.5";
pub const SWEEP_RATES: [f64; 3] = [0.05, 0.10, 0.20];
pub const SWEEP_SLASH_BPS: [u16; 3] = [100, 200, 500];

fn rate_key(rate: f64) -> String {
    format!("{rate:.2}")
}

/// How big a run is.
#[derive(Clone, Debug)]
pub struct Config {
    /// Requests measured per scenario.
    pub requests: usize,
    /// Workers in each network (the self-certification scenario adds the operator's three).
    pub workers: usize,
    pub seed: u64,
    /// Scenarios run side by side (each has its own LiteSVM).
    pub threads: usize,
    pub workload: Workload,
    /// Challenges of the headline run.
    pub challenges: Challenges,
    /// Also run every scenario without challenges (`baseline_no_challenges`).
    pub baseline: bool,
    /// Challenge settings of the sweep (the share-0.5 deviant scenarios; the headline setting is reused).
    pub sweep: Vec<Challenges>,
}

impl Config {
    /// 3,000 requests per scenario and the whole sweep (3 rates × 3 slashes).
    pub fn full() -> Self {
        Self { requests: 3_000, sweep: Challenges::grid(&SWEEP_RATES, &SWEEP_SLASH_BPS), ..Self::quick() }
    }

    /// 300 requests per scenario and a reduced sweep: each axis through the reference point.
    pub fn quick() -> Self {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let r = Challenges::REFERENCE;
        let mut sweep = Challenges::grid(&SWEEP_RATES, &[r.slash_bps]);
        sweep.extend(Challenges::grid(&[r.rate], &SWEEP_SLASH_BPS).into_iter().filter(|c| *c != r));
        Self {
            requests: 300,
            workers: 30,
            seed: 15,
            threads,
            workload: Workload::default(),
            challenges: r,
            baseline: true,
            sweep,
        }
    }

    pub fn to_json(&self) -> Value {
        let w = &self.workload;
        json!({
            "requests_per_scenario": self.requests,
            "workers": self.workers,
            "seed": self.seed,
            "fake_share": w.fake_share,
            "challenge_fake_share": w.challenge_fake_share,
            "resubmit_share": w.resubmit_share,
            "modalities": w.modalities,
            "workers_per_request": w.workers_per_request,
            "deadline_secs": w.deadline_secs,
            "crash_rate": agents::CRASH_RATE,
            "self_certifier_requests_share": SELF_CERT_SHARE,
            "challenge_rate": self.challenges.rate,
            "challenge_slash_bps": self.challenges.slash_bps,
            "baseline_no_challenges": self.baseline,
            "challenge_sweep": self.sweep.iter().map(|c| json!([c.rate, c.slash_bps])).collect::<Vec<_>>(),
            "params": crate::Params { challenge_slash_bps: self.challenges.slash_bps, ..crate::Params::default() }
                .to_json(),
        })
    }
}

/// Deviant strategies of the honest-margin scenarios, and the deviant shares they run at.
pub const DEVIANTS: [Strategy; 4] = [Strategy::Lazy, Strategy::Random, Strategy::Replay, Strategy::Cartel];
pub const SHARES: [&str; 3] = ["0.1", "0.5", "0.9"];
/// Share of requests the self-certifying operator submits in its scenario.
pub const SELF_CERT_SHARE: f64 = 0.2;
const HONEST_85: Strategy = Strategy::Honest(85);

/// A scenario: a roster of strategies and how it is played.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The base name plus the challenge variant's suffix (none for the headline setting).
    pub name: String,
    /// The base name: it seeds the scenario's random stream, so its variants draw the same media, arrivals and
    /// answers and differ only by the challenges and what the program made of them.
    pub base: String,
    pub roster: Vec<Strategy>,
    pub operator_share: f64,
    /// Workers registered after a warm-up (the newcomer), measured from their registration.
    pub newcomers: Vec<Strategy>,
    pub challenges: Challenges,
}

impl Scenario {
    fn new(name: impl Into<String>, roster: Vec<Strategy>) -> Self {
        let name = name.into();
        Self {
            base: name.clone(),
            name,
            roster,
            operator_share: 0.0,
            newcomers: vec![],
            challenges: Challenges::REFERENCE,
        }
    }

    fn variant(&self, challenges: Challenges, suffix: &str) -> Self {
        Self { name: format!("{}{suffix}", self.base), challenges, ..self.clone() }
    }
}

/// `n` workers: `k` of `deviant` and the rest `fill`.
fn mix(n: usize, deviant: Strategy, k: usize, fill: Strategy) -> Vec<Strategy> {
    (0..n).map(|i| if i < k { deviant } else { fill }).collect()
}

/// Thirds of honest .95, .85 and .70.
fn honest_thirds(n: usize) -> Vec<Strategy> {
    (0..n).map(|i| Strategy::Honest([95, 85, 70][i % 3])).collect()
}

/// Every scenario of a run: the base scenarios with the headline challenges, then without challenges (when
/// `c.baseline`), then the sweep's variants of the share-0.5 deviant scenarios.
pub fn scenarios(c: &Config) -> Vec<Scenario> {
    let base = base_scenarios(c);
    let mut out: Vec<Scenario> = base.iter().map(|s| s.variant(c.challenges, "")).collect();
    if c.baseline {
        out.extend(base.iter().map(|s| s.variant(Challenges::NONE, NO_CHALLENGES)));
    }
    for point in c.sweep.iter().filter(|p| **p != c.challenges) {
        let swept = base.iter().filter(|s| sweep_scenario(&s.base));
        out.extend(swept.map(|s| s.variant(*point, &point.suffix())));
    }
    out
}

fn sweep_scenario(base: &str) -> bool {
    base.starts_with("deviant_") && base.ends_with(&format!("_{SWEEP_SHARE}"))
}

fn base_scenarios(c: &Config) -> Vec<Scenario> {
    let n = c.workers;
    let mut out = vec![
        Scenario::new("honest_only", honest_thirds(n)),
        Scenario::new("lazy_30pct", {
            let lazy = (n as f64 * 0.3).round() as usize;
            let mut r = vec![Strategy::Lazy; lazy];
            r.extend(honest_thirds(n - lazy));
            r
        }),
        Scenario::new("all_strategies", all_strategies(n)),
        Scenario { newcomers: vec![HONEST_85], ..Scenario::new("newcomer_all_lazy", vec![Strategy::Lazy; n - 1]) },
        Scenario {
            operator_share: SELF_CERT_SHARE,
            ..Scenario::new("self_certification", mix(n + 3, Strategy::Operator, 3, HONEST_85))
        },
        Scenario::new("crash_1pct", mix(n, Strategy::CrashHonest, n * 2 / 3, HONEST_85)),
        Scenario::new("squatter", mix(n, Strategy::Squatter, 1, HONEST_85)),
    ];
    for share in SHARES {
        let k = (n as f64 * share.parse::<f64>().unwrap()).round() as usize;
        for d in DEVIANTS {
            out.push(Scenario::new(format!("deviant_{}_{share}", d.label()), mix(n, d, k, HONEST_85)));
        }
    }
    out
}

/// Every strategy side by side (the main table of docs/economics.md).
fn all_strategies(n: usize) -> Vec<Strategy> {
    use Strategy::*;
    let fixed = [Lazy, Lazy, Lazy, Random, Random, Replay, Replay, Replay, Cartel, Cartel, Cartel, Squatter];
    let crash = [CrashHonest, CrashHonest, CrashHonest];
    let mut r: Vec<Strategy> = fixed.iter().chain(&crash).copied().collect();
    r.extend(honest_thirds(n.saturating_sub(r.len())));
    r
}

/// Play one scenario on a fresh network.
pub fn play(c: &Config, s: &Scenario) -> ScenarioResult {
    play_on(c, s, Network::new(s.roster.len()))
}

/// Play one scenario on `net`, a fresh network with one worker per roster entry.
fn play_on(c: &Config, s: &Scenario, net: Network) -> ScenarioResult {
    let start = Instant::now();
    let sim = simulate_on(c, s, net);
    ScenarioResult::collect(&s.name, &sim, start.elapsed().as_secs_f64())
}

/// Play one scenario on a fresh network and return the simulation itself (its agents and outcomes).
pub fn simulate(c: &Config, s: &Scenario) -> Sim {
    simulate_on(c, s, Network::new(s.roster.len()))
}

fn simulate_on(c: &Config, s: &Scenario, net: Network) -> Sim {
    let workload = Workload {
        operator_share: s.operator_share,
        challenge_rate: s.challenges.rate,
        challenge_slash_bps: s.challenges.slash_bps,
        ..c.workload.clone()
    };
    let mut sim = Sim::on(net, &s.roster, workload, Rng::for_name(c.seed, &s.base));
    if !s.newcomers.is_empty() {
        // The incumbents have been running for a while (reputation built up) when the newcomer arrives.
        sim.run(c.requests / 4);
        for &strategy in &s.newcomers {
            sim.add_worker(strategy);
        }
        sim.start_measuring();
    }
    sim.run(c.requests);
    sim
}

/// Play every scenario, `c.threads` at a time; results in scenario order. Networks of the same size are copies
/// of one template (registering the workers once).
pub fn run(c: &Config) -> Vec<ScenarioResult> {
    let list = scenarios(c);
    let templates: Mutex<HashMap<usize, Network>> = Mutex::new(HashMap::new());
    let fresh = |n: usize| {
        if let Some(t) = templates.lock().unwrap().get(&n) {
            return sim::copy_network(t);
        }
        let t = Network::new(n);
        let copy = sim::copy_network(&t);
        templates.lock().unwrap().entry(n).or_insert(t);
        copy
    };
    let next = Mutex::new(0usize);
    let results = Mutex::new(vec![None; list.len()]);
    std::thread::scope(|scope| {
        for _ in 0..c.threads.max(1) {
            scope.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some(s) = list.get(i) else { break };
                let r = play_on(c, s, fresh(s.roster.len()));
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    results.into_inner().unwrap().into_iter().map(|r| r.expect("scenario ran")).collect()
}

fn find<'a>(results: &'a [ScenarioResult], name: &str) -> &'a ScenarioResult {
    results.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("scenario {name}"))
}

fn per_seat(r: &ScenarioResult, s: Strategy) -> f64 {
    r.row(s).map(|row| row.net_per_seat()).unwrap_or(0.0)
}

/// Mean Correlated Agreement score of a strategy (0 when none of its seats was scored).
fn ca_score(r: &ScenarioResult, s: Strategy) -> f64 {
    r.row(s).and_then(|row| row.ca_score()).unwrap_or(0.0)
}

/// Base scenarios whose per-strategy CA scores the summary lists (`correlated_agreement`).
pub fn ca_scenarios() -> Vec<String> {
    let mut out: Vec<String> =
        ["honest_only", "lazy_30pct", "all_strategies", "newcomer_all_lazy"].map(String::from).to_vec();
    for share in SHARES {
        out.extend(DEVIANTS.map(|d| format!("deviant_{}_{share}", d.label())));
    }
    out
}

/// `{scenario: {strategy: mean CA score}}` for `ca_scenarios` in the variant `suffix`.
fn correlated_agreement(results: &[ScenarioResult], suffix: &str) -> Value {
    let mut out = Map::new();
    for base in ca_scenarios() {
        let r = find(results, &format!("{base}{suffix}"));
        let scores: Map<String, Value> =
            r.rows.iter().map(|row| (row.strategy.label(), json!(row.ca_score().map(report::round4)))).collect();
        out.insert(base, Value::Object(scores));
    }
    Value::Object(out)
}

/// Like `honest_margins` from CA scores: per deviant share, the smallest (honest .85 − deviant) mean score, the
/// same per deviant, and the smallest in lamports (each score margin times its scenario's reward per seat: how
/// much more a CA-scaled worker share would pay honest .85 per revealed seat).
fn ca_honest_margins(results: &[ScenarioResult], suffix: &str) -> (Value, Value, Value) {
    let (mut headline, mut by_type, mut lamports) = (Map::new(), Map::new(), Map::new());
    for share in SHARES {
        let (mut worst, mut worst_lamports, mut margins) = (f64::INFINITY, f64::INFINITY, Map::new());
        for d in DEVIANTS {
            let r = find(results, &format!("deviant_{}_{share}{suffix}", d.label()));
            let m = ca_score(r, HONEST_85) - ca_score(r, d);
            worst = worst.min(m);
            worst_lamports = worst_lamports.min(m * r.reward_per_seat);
            margins.insert(d.label(), json!(report::round4(m)));
        }
        headline.insert(share.into(), json!(report::round4(worst)));
        by_type.insert(share.into(), Value::Object(margins));
        lamports.insert(share.into(), json!(worst_lamports.round() as i64));
    }
    (Value::Object(headline), Value::Object(by_type), Value::Object(lamports))
}

/// Honest .85's net per seat minus each deviant's at `share` in the variant `suffix`: the smallest (against the
/// best-paid deviant) and each.
fn margins_at(results: &[ScenarioResult], share: &str, suffix: &str) -> (i64, Value) {
    let mut margins = Map::new();
    let mut worst = f64::INFINITY;
    for d in DEVIANTS {
        let r = find(results, &format!("deviant_{}_{share}{suffix}", d.label()));
        let m = per_seat(r, HONEST_85) - per_seat(r, d);
        worst = worst.min(m);
        margins.insert(d.label(), json!(m.round() as i64));
    }
    (worst.round() as i64, Value::Object(margins))
}

/// Honest .85's margins per deviant share; the headline takes the best deviant.
fn honest_margins(results: &[ScenarioResult], suffix: &str) -> (Value, Value) {
    let mut headline = Map::new();
    let mut by_type = Map::new();
    for share in SHARES {
        let (worst, margins) = margins_at(results, share, suffix);
        headline.insert(share.into(), json!(worst));
        by_type.insert(share.into(), margins);
    }
    (Value::Object(headline), Value::Object(by_type))
}

/// The numbers the issue asks for, measured on the scenarios of one variant (`suffix`: "" for the headline
/// challenges, `NO_CHALLENGES` for the baseline).
fn headline(results: &[ScenarioResult], suffix: &str) -> Map<String, Value> {
    let find = |base: &str| find(results, &format!("{base}{suffix}"));
    let (margins, margins_by_type) = honest_margins(results, suffix);
    let (ca_margins, ca_margins_by_type, ca_margins_lamports) = ca_honest_margins(results, suffix);
    let newcomer = find("newcomer_all_lazy");
    let self_cert = find("self_certification");
    let crash = find("crash_1pct");
    let squat = find("squatter");
    let squat_loss = -per_seat(squat, Strategy::Squatter);
    let certified = self_cert.operator_certified.max(1) as f64;
    let value = json!({
        "honest_margin_lamports": margins,
        "honest_margin_by_deviant_lamports": margins_by_type,
        "newcomer_margin_all_lazy_lamports":
            (per_seat(newcomer, HONEST_85) - per_seat(newcomer, Strategy::Lazy)).round() as i64,
        "self_certification_rate": self_cert.self_certification_rate(),
        "self_certification_cost_per_fake_lamports": (-(self_cert.operator_requests_net as f64) / certified).round() as i64,
        "honest_crash_1pct_net_lamports": per_seat(crash, Strategy::CrashHonest).round() as i64,
        "honest_no_crash_net_lamports": per_seat(crash, HONEST_85).round() as i64,
        "squat_cost_over_reward": squat_loss / squat.reward_per_seat.max(1.0),
        "reward_per_seat_lamports": squat.reward_per_seat.round() as i64,
        "squatter_expiry_rate": squat.expiry_rate(),
        "false_authentic_rate": find("lazy_30pct").false_authentic_rate(),
        "false_authentic_rate_all_strategies": find("all_strategies").false_authentic_rate(),
        "false_authentic_rate_honest_only": find("honest_only").false_authentic_rate(),
        // After the warm-up (the last two thirds of the requests): where reputations have met enough challenges.
        "false_authentic_rate_steady": find("lazy_30pct").false_authentic_rate_steady(),
        "false_authentic_rate_honest_only_steady": find("honest_only").false_authentic_rate_steady(),
        "false_authentic_rate_all_lazy": newcomer.false_authentic_rate(),
        "ca_honest_margin": ca_margins,
        "ca_honest_margin_by_deviant": ca_margins_by_type,
        "ca_honest_margin_lamports": ca_margins_lamports,
        "ca_newcomer_margin_all_lazy":
            report::round4(ca_score(newcomer, HONEST_85) - ca_score(newcomer, Strategy::Lazy)),
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// Honest .85's margin at the sweep share for every (rate, slash) point of `c.sweep`, as
/// `{rate: {slash_bps: margin}}`, the same per deviant, and honest .85's own net per seat (mean over the four
/// deviant scenarios: whether honest work still pays at all).
fn challenge_sweep(c: &Config, results: &[ScenarioResult]) -> Value {
    let mut grid = Map::new();
    let mut by_deviant = Map::new();
    let mut honest = Map::new();
    for p in &c.sweep {
        let suffix = if *p == c.challenges { String::new() } else { p.suffix() };
        let (worst, margins) = margins_at(results, SWEEP_SHARE, &suffix);
        let slash = p.slash_bps.to_string();
        grid.entry(rate_key(p.rate)).or_insert_with(|| json!({}))[&slash] = json!(worst);
        by_deviant.entry(rate_key(p.rate)).or_insert_with(|| json!({}))[&slash] = margins;
        let nets = DEVIANTS
            .map(|d| per_seat(find(results, &format!("deviant_{}_{SWEEP_SHARE}{suffix}", d.label())), HONEST_85));
        let mean = nets.iter().sum::<f64>() / nets.len() as f64;
        honest.entry(rate_key(p.rate)).or_insert_with(|| json!({}))[&slash] = json!(mean.round() as i64);
    }
    let baseline = c.baseline.then(|| margins_at(results, SWEEP_SHARE, NO_CHALLENGES));
    json!({
        "deviant_share": SWEEP_SHARE,
        "honest_margin_lamports": grid,
        "honest_margin_by_deviant_lamports": by_deviant,
        "honest_net_per_seat_lamports": honest,
        "no_challenges_honest_margin_lamports": baseline.as_ref().map(|b| b.0),
        "no_challenges_honest_margin_by_deviant_lamports": baseline.map(|b| b.1),
    })
}

/// The summary the issue asks for (measured with the headline challenges), the same without challenges, the
/// sweep, the configuration and every scenario's rows.
pub fn summary(c: &Config, results: &[ScenarioResult]) -> Value {
    let mut s = headline(results, "");
    let measured: Vec<&ScenarioResult> = results.iter().filter(|r| !r.name.contains('/')).collect();
    let challenges = measured.iter().map(|r| r.challenges).sum::<usize>();
    let challenger_net = measured.iter().map(|r| r.challenger_net).sum::<i64>();
    let slashed = measured.iter().map(|r| r.challenge_slashed_lamports()).sum::<u64>();
    let revealed = measured.iter().map(|r| r.challenges_revealed).sum::<usize>();
    let extra = json!({
        "challenge_rate": c.challenges.rate,
        "challenge_slash_bps": c.challenges.slash_bps,
        "challenges": challenges,
        "challenges_revealed": revealed,
        "challenger_cost_per_challenge_lamports": (-(challenger_net as f64) / challenges.max(1) as f64).round() as i64,
        "challenge_slashed_per_revealed_challenge_lamports": (slashed as f64 / revealed.max(1) as f64).round() as i64,
        "baseline_no_challenges": c.baseline.then(|| Value::Object(headline(results, NO_CHALLENGES))),
        "challenge_sweep": challenge_sweep(c, results),
        "correlated_agreement": correlated_agreement(results, ""),
        "net_lamports_are_per_seat": true,
        "requests_simulated": results.iter().map(|r| r.requests).sum::<usize>(),
        "max_lamport_drift": results.iter().map(|r| r.lamport_drift.abs()).max().unwrap_or(0) as i64,
        "config": c.to_json(),
        "scenarios": results.iter().map(|r| (r.name.clone(), r.to_json())).collect::<Map<_, _>>(),
    });
    s.extend(extra.as_object().unwrap().clone());
    Value::Object(s)
}
