//! Per-strategy statistics of a finished scenario, the printed table and the JSON rows.
use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::agents::Strategy;
use super::peer;
use super::sim::{Sim, FINALIZED};
use crate::AUTHENTIC;

/// One strategy's numbers in one scenario.
#[derive(Clone, Debug)]
pub struct Row {
    pub strategy: Strategy,
    pub workers: usize,
    pub seats: u64,
    pub net_lamports: i64,
    pub slashes: u64,
    pub slashed_lamports: u64,
    pub reveals: u64,
    pub correct: u64,
    pub mean_reputation: f64,
    /// Seats held on revealed challenges, and the program's slashes there (failed challenges).
    pub challenge_seats: u64,
    pub challenge_slashes: u64,
    /// Stake the program took on revealed challenges (any non-reveal slash there included).
    pub challenge_slashed_lamports: u64,
    /// Counterfactual Correlated Agreement scoring (`peer`): revealed seats scored and the sum of their scores
    /// (each the mean over `peer::DRAWS` draws of peers).
    pub ca_seats: u64,
    pub ca_score_sum: f64,
}

impl Row {
    /// Net per seat held; a strategy that never got a seat earned nothing per seat.
    pub fn net_per_seat(&self) -> f64 {
        if self.seats == 0 {
            0.0
        } else {
            self.net_lamports as f64 / self.seats as f64
        }
    }

    /// Mean Correlated Agreement score per scored (revealed) seat, in [-1, 1].
    pub fn ca_score(&self) -> Option<f64> {
        (self.ca_seats > 0).then(|| self.ca_score_sum / self.ca_seats as f64)
    }

    /// What a revealed seat would be paid if the worker share of the fee (`reward_per_seat`) were scaled by its
    /// CA score.
    pub fn ca_pay_per_seat(&self, reward_per_seat: f64) -> Option<f64> {
        self.ca_score().map(|s| s * reward_per_seat)
    }

    pub fn accuracy(&self) -> Option<f64> {
        (self.reveals > 0).then(|| self.correct as f64 / self.reveals as f64)
    }

    pub fn to_json(&self, reward_per_seat: f64) -> Value {
        json!({
            "strategy": self.strategy.label(),
            "workers": self.workers,
            "seats": self.seats,
            "net_lamports": self.net_lamports,
            "net_per_seat_lamports": self.net_per_seat().round() as i64,
            "slashes": self.slashes,
            "slashed_lamports": self.slashed_lamports,
            "accuracy": self.accuracy(),
            "mean_reputation": self.mean_reputation.round() as i64,
            "challenge_seats": self.challenge_seats,
            "challenge_slashes": self.challenge_slashes,
            "challenge_slashed_lamports": self.challenge_slashed_lamports,
            "ca_scored_seats": self.ca_seats,
            "ca_score": self.ca_score().map(round4),
            "ca_pay_per_seat_lamports": self.ca_pay_per_seat(reward_per_seat).map(|p| p.round() as i64),
        })
    }
}

/// `x` to four decimals (the JSON's scores).
pub fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// What a scenario produced.
#[derive(Clone, Debug)]
pub struct ScenarioResult {
    pub name: String,
    pub requests: usize,
    pub rows: Vec<Row>,
    /// Known-answer challenges: share of requests and slash configured, issued, revealed (not expired), and what
    /// the challenger gained over them (negative: the fees it paid).
    pub challenge_rate: f64,
    pub challenge_slash_bps: u16,
    pub challenges: usize,
    pub challenges_revealed: usize,
    pub challenger_net: i64,
    /// Ordinary requests (neither the operator's nor challenges) on fake media, and those finalized Authentic.
    pub fakes: usize,
    pub fakes_certified: usize,
    /// The same after the first third of the requests (the warm-up, while every worker is new and reputations
    /// have not yet met enough known answers to separate).
    pub fakes_steady: usize,
    pub fakes_certified_steady: usize,
    pub expired: usize,
    pub operator_requests: usize,
    pub operator_certified: usize,
    /// What the self-certifying operator (client wallet and workers) gained over its own requests.
    pub operator_requests_net: i64,
    /// The reward of one seat of a unanimous request, as the program credited it.
    pub reward_per_seat: f64,
    pub lamport_drift: i128,
    pub seconds: f64,
}

impl ScenarioResult {
    pub fn collect(name: &str, sim: &Sim, seconds: f64) -> Self {
        let ordinary = sim.outcomes.iter().filter(|o| !o.operator && !o.challenge);
        let fakes: Vec<_> = ordinary.clone().filter(|o| o.fake).collect();
        let certified = |o: &&&super::sim::Outcome| o.status == FINALIZED && o.verdict == AUTHENTIC as u64;
        let steady = sim.outcomes[sim.outcomes.len() / 3..].iter().filter(|o| !o.operator && !o.challenge && o.fake);
        let fakes_steady: Vec<_> = steady.collect();
        let operator: Vec<_> = sim.outcomes.iter().filter(|o| o.operator).collect();
        Self {
            name: name.into(),
            requests: sim.outcomes.len(),
            rows: rows(sim),
            challenge_rate: sim.workload.challenge_rate,
            challenge_slash_bps: sim.workload.challenge_slash_bps,
            challenges: sim.outcomes.iter().filter(|o| o.challenge).count(),
            challenges_revealed: sim.outcomes.iter().filter(|o| o.challenged).count(),
            challenger_net: sim.challenger_net,
            fakes: fakes.len(),
            fakes_certified: fakes.iter().filter(certified).count(),
            fakes_steady: fakes_steady.len(),
            fakes_certified_steady: fakes_steady.iter().filter(certified).count(),
            expired: sim.outcomes.iter().filter(|o| o.status == super::sim::EXPIRED).count(),
            operator_requests: operator.len(),
            operator_certified: operator.iter().filter(certified).count(),
            operator_requests_net: sim.operator_requests_net,
            reward_per_seat: reward_per_seat(sim),
            lamport_drift: sim.lamport_drift(),
            seconds,
        }
    }

    pub fn row(&self, strategy: Strategy) -> Option<&Row> {
        self.rows.iter().find(|r| r.strategy == strategy)
    }

    pub fn false_authentic_rate(&self) -> f64 {
        ratio(self.fakes_certified, self.fakes)
    }

    /// The false-authentic rate after the warm-up (the last two thirds of the requests).
    pub fn false_authentic_rate_steady(&self) -> f64 {
        ratio(self.fakes_certified_steady, self.fakes_steady)
    }

    pub fn expiry_rate(&self) -> f64 {
        ratio(self.expired, self.requests)
    }

    /// Stake slashed on revealed challenges (to the insurance vault), all strategies.
    pub fn challenge_slashed_lamports(&self) -> u64 {
        self.rows.iter().map(|r| r.challenge_slashed_lamports).sum()
    }

    pub fn self_certification_rate(&self) -> f64 {
        ratio(self.operator_certified, self.operator_requests)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "requests": self.requests,
            "challenge_rate": self.challenge_rate,
            "challenge_slash_bps": self.challenge_slash_bps,
            "challenges": self.challenges,
            "challenges_revealed": self.challenges_revealed,
            "challenger_net_lamports": self.challenger_net,
            "challenge_slashed_lamports": self.challenge_slashed_lamports(),
            "rows": self.rows.iter().map(|r| r.to_json(self.reward_per_seat)).collect::<Vec<_>>(),
            "false_authentic_rate": self.false_authentic_rate(),
            "false_authentic_rate_steady": self.false_authentic_rate_steady(),
            "expiry_rate": self.expiry_rate(),
            "reward_per_seat_lamports": self.reward_per_seat.round() as i64,
            "operator_requests": self.operator_requests,
            "self_certification_rate": (self.operator_requests > 0).then(|| self.self_certification_rate()),
            "lamport_drift": self.lamport_drift as i64,
            "seconds": (self.seconds * 10.0).round() / 10.0,
        })
    }

    pub fn print(&self) {
        println!(
            "\n## {} — {} requests, fakes certified Authentic {:.1} %, expired {:.1} %{}{}",
            self.name,
            self.requests,
            100.0 * self.false_authentic_rate(),
            100.0 * self.expiry_rate(),
            if self.operator_requests > 0 {
                format!(", operator fakes certified {:.1} %", 100.0 * self.self_certification_rate())
            } else {
                String::new()
            },
            if self.challenges > 0 {
                format!(
                    ", {} challenges ({} revealed, slash {} bps, challenger net {})",
                    self.challenges, self.challenges_revealed, self.challenge_slash_bps, self.challenger_net
                )
            } else {
                String::new()
            }
        );
        println!(
            "{:<22} {:>7} {:>7} {:>14} {:>9} {:>12} {:>8} {:>9} {:>10} {:>12}",
            "strategy",
            "workers",
            "seats",
            "net/seat",
            "CA score",
            "CA pay/seat",
            "slashes",
            "accuracy",
            "reputation",
            "chal. failed"
        );
        for r in &self.rows {
            let acc = r.accuracy().map(|a| format!("{:.3}", a)).unwrap_or_else(|| "-".into());
            let ca = r.ca_score().map(|s| format!("{s:.3}")).unwrap_or_else(|| "-".into());
            let ca_pay =
                r.ca_pay_per_seat(self.reward_per_seat).map(|p| format!("{p:.0}")).unwrap_or_else(|| "-".into());
            println!(
                "{:<22} {:>7} {:>7} {:>14.0} {:>9} {:>12} {:>8} {:>9} {:>10.0} {:>12}",
                r.strategy.label(),
                r.workers,
                r.seats,
                r.net_per_seat(),
                ca,
                ca_pay,
                r.slashes,
                acc,
                r.mean_reputation,
                format!("{}/{}", r.challenge_slashes, r.challenge_seats)
            );
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Rewards per seat over unanimous ordinary requests: every seat is paid there, so this is the per-seat reward
/// the fee buys (split requests pay the same pool to fewer seats; a challenge pays only the right answers).
fn reward_per_seat(sim: &Sim) -> f64 {
    let unanimous =
        sim.outcomes.iter().filter(|o| !o.operator && !o.challenge && o.status == FINALIZED && o.consensus == 1);
    let (rewards, seats) = unanimous.fold((0, 0), |(r, s), o| (r + o.worker_rewards, s + o.seats));
    if seats == 0 {
        0.0
    } else {
        rewards as f64 / seats as f64
    }
}

/// Correlated Agreement scores of the finalized requests' revealed seats, per agent: (seats scored, sum). The
/// peers are drawn from a stream derived from the scenario's own (deterministic, and drawing nothing from it).
fn ca_per_agent(sim: &Sim) -> Vec<(u64, f64)> {
    let mut rng = sim.rng.derive("correlated_agreement");
    peer::per_agent(&finalized_reveals(sim), sim.agents.len(), &mut rng, peer::DRAWS)
}

/// The revealed seats of every finalized request measured, as the Request accounts recorded them.
pub fn finalized_reveals(sim: &Sim) -> Vec<peer::Reveals> {
    sim.outcomes.iter().filter(|o| o.status == FINALIZED).map(|o| o.reveals.clone()).collect()
}

fn rows(sim: &Sim) -> Vec<Row> {
    let ca = ca_per_agent(sim);
    let mut by: BTreeMap<Strategy, Row> = BTreeMap::new();
    for (i, a) in sim.agents.iter().enumerate() {
        let rep = sim.worker(i)["reputation"].as_u64().unwrap() as f64;
        let row = by.entry(a.strategy).or_insert(Row {
            strategy: a.strategy,
            workers: 0,
            seats: 0,
            net_lamports: 0,
            slashes: 0,
            slashed_lamports: 0,
            reveals: 0,
            correct: 0,
            mean_reputation: 0.0,
            challenge_seats: 0,
            challenge_slashes: 0,
            challenge_slashed_lamports: 0,
            ca_seats: 0,
            ca_score_sum: 0.0,
        });
        row.workers += 1;
        row.seats += a.seats;
        row.net_lamports += sim.net_of(a);
        row.slashes += a.slashes;
        row.slashed_lamports += a.slashed_lamports;
        row.reveals += a.reveals;
        row.correct += a.correct;
        row.challenge_seats += a.challenge_seats;
        row.challenge_slashes += a.challenge_slashes;
        row.challenge_slashed_lamports += a.challenge_slashed_lamports;
        row.mean_reputation += rep;
        row.ca_seats += ca[i].0;
        row.ca_score_sum += ca[i].1;
    }
    by.into_values()
        .map(|mut r| {
            r.mean_reputation /= r.workers as f64;
            r
        })
        .collect()
}
