//! The economic simulation of issue #15 on `target/deploy/dfpn.so`: prints a table per scenario and writes
//! `target/econ/summary.json` (or the path given as the first argument).
//!
//! ```text
//! cargo run --ignore-rust-version --release --bin econ -- [summary.json]   # ECON_QUICK=1 for the short run
//! ```
//! `ECON_REQUESTS=n` overrides the requests per scenario, `ECON_SEED=n` the seed.
use std::path::PathBuf;

use dfpn_tests::econ::{self, Config, SWEEP_SLASH_BPS};
use serde_json::Value;

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
    print_comparison(&summary);
    print_sweep(&summary);
    print_correlated_agreement(&summary);
    println!("\n{}", serde_json::to_string_pretty(&without_scenarios(&summary)).unwrap());
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, serde_json::to_string_pretty(&summary).unwrap() + "\n").unwrap();
    println!("\nwrote {}", out.display());
}

/// The headline numbers without challenges next to those with them.
fn print_comparison(summary: &Value) {
    let Some(base) = summary["baseline_no_challenges"].as_object() else { return };
    println!(
        "\n## Without challenges -> with challenges (rate {}, slash {} bps)",
        summary["challenge_rate"], summary["challenge_slash_bps"]
    );
    for (key, before) in base {
        if key.contains("by_deviant") {
            continue;
        }
        println!("{key:<45} {before} -> {}", summary[key]);
    }
}

/// Honest .85's margin at the sweep's deviant share, rates by rows and slashes by columns.
fn print_sweep(summary: &Value) {
    let sweep = &summary["challenge_sweep"];
    let Some(grid) = sweep["honest_margin_lamports"].as_object() else { return };
    println!(
        "\n## Challenge sweep: honest .85 margin at deviant share {} (no challenges: {})",
        sweep["deviant_share"].as_str().unwrap_or("?"),
        sweep["no_challenges_honest_margin_lamports"]
    );
    print!("{:<8}", "rate");
    for slash in SWEEP_SLASH_BPS {
        print!(" {:>12}", format!("{slash} bps"));
    }
    println!();
    for (rate, row) in grid {
        print!("{rate:<8}");
        for slash in SWEEP_SLASH_BPS {
            print!(" {:>12}", row.get(slash.to_string()).map(|v| v.to_string()).unwrap_or_else(|| "-".into()));
        }
        println!();
    }
}

/// Counterfactual Correlated Agreement: per scenario and strategy, the mean score, what a CA-scaled worker share
/// would pay per revealed seat, and the net per seat the program actually produced.
fn print_correlated_agreement(summary: &Value) {
    let Some(scenarios) = summary["correlated_agreement"].as_object() else { return };
    println!("\n## Correlated agreement (counterfactual: score x reward per seat; the program pays by consensus)");
    println!("{:<24} {:<22} {:>9} {:>12} {:>14}", "scenario", "strategy", "CA score", "CA pay/seat", "net/seat");
    for name in scenarios.keys() {
        let Some(rows) = summary["scenarios"][name]["rows"].as_array() else { continue };
        for row in rows {
            let score = row["ca_score"].as_f64().map(|s| format!("{s:.3}")).unwrap_or_else(|| "-".into());
            println!(
                "{:<24} {:<22} {:>9} {:>12} {:>14}",
                name,
                row["strategy"].as_str().unwrap_or("?"),
                score,
                row["ca_pay_per_seat_lamports"],
                row["net_per_seat_lamports"]
            );
        }
    }
}

/// The headline numbers (the per-scenario rows are already printed as tables).
fn without_scenarios(summary: &serde_json::Value) -> serde_json::Value {
    let mut s = summary.clone();
    s.as_object_mut().unwrap().remove("scenarios");
    s.as_object_mut().unwrap().remove("config");
    s
}
