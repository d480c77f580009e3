//! The economic simulation of issue #15 on `target/deploy/dfpn.so`: prints a table per scenario and writes
//! `target/econ/summary.json` (or the path given as the first argument).
//!
//! ```text
//! cargo run --ignore-rust-version --release --bin econ -- [summary.json]   # ECON_QUICK=1 for the short run
//! ```
//! `ECON_REQUESTS=n` overrides the requests per scenario, `ECON_SEED=n` the seed.
use std::path::PathBuf;

use dfpn_tests::econ::{self, Config};

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).map(|v| v.parse().unwrap_or_else(|_| panic!("{name}={v}")))
}

fn config() -> Config {
    let quick = std::env::var("ECON_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let mut c = if quick { Config::quick() } else { Config::full() };
    if let Some(n) = env_number("ECON_REQUESTS") {
        c.requests = n as usize;
    }
    if let Some(s) = env_number("ECON_SEED") {
        c.seed = s;
    }
    c
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/econ/summary.json"));
    let c = config();
    let started = std::time::Instant::now();
    println!(
        "# DFPN economic simulation: {} requests per scenario, {} workers, seed {}",
        c.requests, c.workers, c.seed
    );
    let results = econ::run(&c);
    for r in &results {
        r.print();
    }
    let mut summary = econ::summary(&c, &results);
    summary["seconds"] = serde_json::json!(started.elapsed().as_secs());
    println!("\n{}", serde_json::to_string_pretty(&without_scenarios(&summary)).unwrap());
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, serde_json::to_string_pretty(&summary).unwrap() + "\n").unwrap();
    println!("\nwrote {}", out.display());
}

/// The headline numbers (the per-scenario rows are already printed as tables).
fn without_scenarios(summary: &serde_json::Value) -> serde_json::Value {
    let mut s = summary.clone();
    s.as_object_mut().unwrap().remove("scenarios");
    s.as_object_mut().unwrap().remove("config");
    s
}
