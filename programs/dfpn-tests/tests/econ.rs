//! A seconds-long run of the economic simulation (`make econ` is the real one): every scenario plays on the
//! real program, the summary has the keys docs/economics.md promises, and the program conserved lamports.
use dfpn_tests::econ::{self, Config};

#[test]
fn a_short_simulation_produces_a_sane_summary() {
    let c = Config { requests: 6, workers: 15, ..Config::quick() };
    let results = econ::run(&c);
    let s = econ::summary(&c, &results);

    for key in [
        "honest_margin_lamports",
        "newcomer_margin_all_lazy_lamports",
        "self_certification_rate",
        "honest_crash_1pct_net_lamports",
        "squat_cost_over_reward",
        "false_authentic_rate",
        "false_authentic_rate_honest_only",
        "config",
        "requests_simulated",
    ] {
        assert!(!s[key].is_null(), "summary lacks {key}: {s:#}");
    }
    for share in econ::SHARES {
        assert!(s["honest_margin_lamports"][share].is_i64(), "margin at {share}");
    }
    assert_eq!(s["max_lamport_drift"], 0, "lamports conserved beyond fees and cranker airdrops");
    assert_eq!(s["requests_simulated"].as_u64().unwrap() as usize, results.len() * c.requests);
    for key in ["self_certification_rate", "false_authentic_rate", "false_authentic_rate_honest_only"] {
        let rate = s[key].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&rate), "{key} = {rate}");
    }
    // A squatted seat forfeits its bond, ten times the per-seat reward (attacks.rs checks the bond itself).
    let squatter = &s["scenarios"]["squatter"]["rows"].as_array().unwrap().iter().find(|r| r["strategy"] == "squatter");
    if squatter.is_some_and(|r| r["seats"].as_u64().unwrap() > 0) {
        assert!(s["squat_cost_over_reward"].as_f64().unwrap() > 1.0, "{s:#}");
    }
}
