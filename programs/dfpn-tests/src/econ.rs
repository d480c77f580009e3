//! Agent-based economic simulation of DFPN on the real program (issue #15, part 4).
//!
//! Workers are registered, staked keys of a LiteSVM network running `target/deploy/dfpn.so`; each follows a
//! strategy (`agents`). The simulation decides only what a worker answers and in which order workers arrive;
//! fees, payouts, reputation, slashing, seat bonds and expiry are whatever the program does, read back from the
//! chain. `run` plays every scenario and `summary` condenses them into the numbers the issue asks for.
//! `src/bin/econ.rs` prints the tables and writes `target/econ/summary.json`; docs/economics.md has the method
//! and the results.
pub mod agents;
pub mod report;
pub mod rng;
pub mod sim;

use std::{sync::Mutex, time::Instant};

use serde_json::{json, Map, Value};

use agents::Strategy;
use report::ScenarioResult;
use rng::Rng;
use sim::{Sim, Workload};

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
}

impl Config {
    pub fn full() -> Self {
        Self { requests: 3_000, ..Self::quick() }
    }

    pub fn quick() -> Self {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        Self { requests: 300, workers: 30, seed: 15, threads, workload: Workload::default() }
    }

    pub fn to_json(&self) -> Value {
        let w = &self.workload;
        json!({
            "requests_per_scenario": self.requests,
            "workers": self.workers,
            "seed": self.seed,
            "fake_share": w.fake_share,
            "resubmit_share": w.resubmit_share,
            "modalities": w.modalities,
            "workers_per_request": w.workers_per_request,
            "deadline_secs": w.deadline_secs,
            "crash_rate": agents::CRASH_RATE,
            "self_certifier_requests_share": SELF_CERT_SHARE,
            "params": crate::Params::default().to_json(),
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
pub struct Scenario {
    pub name: String,
    pub roster: Vec<Strategy>,
    pub operator_share: f64,
    /// Workers registered after a warm-up (the newcomer), measured from their registration.
    pub newcomers: Vec<Strategy>,
}

impl Scenario {
    fn new(name: impl Into<String>, roster: Vec<Strategy>) -> Self {
        Self { name: name.into(), roster, operator_share: 0.0, newcomers: vec![] }
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

pub fn scenarios(c: &Config) -> Vec<Scenario> {
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
    let start = Instant::now();
    let workload = Workload { operator_share: s.operator_share, ..c.workload.clone() };
    let mut sim = Sim::new(&s.roster, workload, Rng::for_name(c.seed, &s.name));
    if !s.newcomers.is_empty() {
        // The incumbents have been running for a while (reputation built up) when the newcomer arrives.
        sim.run(c.requests / 4);
        for &strategy in &s.newcomers {
            sim.add_worker(strategy);
        }
        sim.start_measuring();
    }
    sim.run(c.requests);
    ScenarioResult::collect(&s.name, &sim, start.elapsed().as_secs_f64())
}

/// Play every scenario, `c.threads` at a time; results in scenario order.
pub fn run(c: &Config) -> Vec<ScenarioResult> {
    let list = scenarios(c);
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
                let r = play(c, s);
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

/// Honest .85's net per seat minus each deviant's, per deviant share; the headline takes the best deviant.
fn honest_margins(results: &[ScenarioResult]) -> (Value, Value) {
    let mut headline = Map::new();
    let mut by_type = Map::new();
    for share in SHARES {
        let mut margins = Map::new();
        let mut worst = f64::INFINITY;
        for d in DEVIANTS {
            let r = find(results, &format!("deviant_{}_{share}", d.label()));
            let m = per_seat(r, HONEST_85) - per_seat(r, d);
            worst = worst.min(m);
            margins.insert(d.label(), json!(m.round() as i64));
        }
        headline.insert(share.into(), json!(worst.round() as i64));
        by_type.insert(share.into(), Value::Object(margins));
    }
    (Value::Object(headline), Value::Object(by_type))
}

/// The summary the issue asks for, plus the configuration and every scenario's rows.
pub fn summary(c: &Config, results: &[ScenarioResult]) -> Value {
    let (margins, margins_by_type) = honest_margins(results);
    let newcomer = find(results, "newcomer_all_lazy");
    let self_cert = find(results, "self_certification");
    let crash = find(results, "crash_1pct");
    let squat = find(results, "squatter");
    let squat_loss = -per_seat(squat, Strategy::Squatter);
    let certified = self_cert.operator_certified.max(1) as f64;
    json!({
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
        "false_authentic_rate": find(results, "lazy_30pct").false_authentic_rate(),
        "false_authentic_rate_all_strategies": find(results, "all_strategies").false_authentic_rate(),
        "false_authentic_rate_honest_only": find(results, "honest_only").false_authentic_rate(),
        "false_authentic_rate_all_lazy": newcomer.false_authentic_rate(),
        "net_lamports_are_per_seat": true,
        "requests_simulated": results.iter().map(|r| r.requests).sum::<usize>(),
        "max_lamport_drift": results.iter().map(|r| r.lamport_drift.abs()).max().unwrap_or(0) as i64,
        "config": c.to_json(),
        "scenarios": results.iter().map(|r| (r.name.clone(), r.to_json())).collect::<Map<_, _>>(),
    })
}
