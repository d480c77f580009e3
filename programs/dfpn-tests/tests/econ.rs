//! A short run of the economic simulation (`make econ` is the real one; a debug build runs the program ~50x
//! slower than its release build, so this stays small): every scenario plays on the real program, the summary
//! has the keys docs/economics.md promises, and lamports are conserved.
use dfpn_tests::econ::{self, Config};

#[test]
fn a_short_simulation_produces_a_sane_summary() {
    let c = Config { requests: 3, workers: 9, ..Config::quick() };
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
}

#[test]
fn honest_workers_alone_rarely_certify_a_fake() {
    // Majorities of three independent detectors at .95/.85/.70 are wrong on a few percent of fakes.
    let c = Config { requests: 40, workers: 9, ..Config::quick() };
    let scenario = econ::scenarios(&c).into_iter().find(|s| s.name == "honest_only").unwrap();
    let r = econ::play(&c, &scenario);
    assert!(r.fakes > 0, "the seed draws some fakes");
    assert!(r.false_authentic_rate() <= 0.25, "{} of {} fakes certified", r.fakes_certified, r.fakes);
    assert_eq!(r.lamport_drift, 0);
    assert!(r.rows.iter().all(|row| row.slashes == 0), "nobody honest is slashed without a crash");
}
