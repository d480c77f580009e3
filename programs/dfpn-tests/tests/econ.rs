//! A short run of the economic simulation (`make econ` is the real one; a debug build runs the program ~50x
//! slower than its release build, so this stays small): every scenario plays on the real program, with and
//! without known-answer challenges, the summary has the keys docs/economics.md promises, and lamports are
//! conserved.
use dfpn_tests::econ::{self, Challenges, Config};

#[test]
fn a_short_simulation_produces_a_sane_summary() {
    // Half the requests are challenges so that a 3-request run has some; one sweep point besides the headline.
    let challenges = Challenges { rate: 0.5, slash_bps: 200 };
    let sweep = vec![challenges, Challenges { rate: 0.2, slash_bps: 500 }];
    let c = Config { requests: 3, workers: 9, challenges, sweep, ..Config::quick() };
    let results = econ::run(&c);
    let s = econ::summary(&c, &results);

    let headline = [
        "honest_margin_lamports",
        "newcomer_margin_all_lazy_lamports",
        "self_certification_rate",
        "honest_crash_1pct_net_lamports",
        "squat_cost_over_reward",
        "false_authentic_rate",
        "false_authentic_rate_honest_only",
    ];
    for key in headline.iter().chain(&["config", "requests_simulated", "challenge_rate", "challenge_slash_bps"]) {
        assert!(!s[key].is_null(), "summary lacks {key}: {s:#}");
    }
    for key in headline {
        assert!(!s["baseline_no_challenges"][key].is_null(), "baseline lacks {key}");
    }
    for share in econ::SHARES {
        assert!(s["honest_margin_lamports"][share].is_i64(), "margin at {share}");
        assert!(s["baseline_no_challenges"]["honest_margin_lamports"][share].is_i64(), "baseline margin at {share}");
    }
    let sweep = &s["challenge_sweep"]["honest_margin_lamports"];
    assert!(sweep["0.50"]["200"].is_i64() && sweep["0.20"]["500"].is_i64(), "sweep points: {sweep:#}");
    assert!(s["challenges_revealed"].as_u64().unwrap() > 0, "the challenger revealed some challenges");
    assert_eq!(s["max_lamport_drift"], 0, "lamports conserved beyond fees and cranker airdrops");
    // Every base scenario twice (with and without challenges) plus the share-0.5 deviants at the other point.
    assert_eq!(results.len(), 2 * 19 + 4);
    assert_eq!(s["requests_simulated"].as_u64().unwrap() as usize, results.len() * c.requests);
    for key in ["self_certification_rate", "false_authentic_rate", "false_authentic_rate_honest_only"] {
        let rate = s[key].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&rate), "{key} = {rate}");
    }
}

#[test]
fn honest_workers_alone_rarely_certify_a_fake_and_are_slashed_only_by_failed_challenges() {
    // Majorities of five independent detectors at .95/.85/.70 are wrong on a few percent of fakes; a quarter of
    // the requests are challenges, where a wrong detector answer costs stake.
    let c = Config { requests: 40, workers: 9, ..Config::quick() };
    let mut scenario = econ::scenarios(&c).into_iter().find(|s| s.name == "honest_only").unwrap();
    scenario.challenges = Challenges { rate: 0.25, slash_bps: 200 };
    let r = econ::play(&c, &scenario);
    assert!(r.fakes > 0, "the seed draws some fakes");
    assert!(r.false_authentic_rate() <= 0.25, "{} of {} fakes certified", r.fakes_certified, r.fakes);
    assert_eq!(r.lamport_drift, 0);
    assert!(r.challenges_revealed > 0 && r.challenges_revealed == r.challenges, "no challenge expires here");
    assert!(r.challenger_net < 0, "the challenger pays for its challenges");
    assert!(r.rows.iter().all(|row| row.slashes == row.challenge_slashes), "nobody honest is slashed elsewhere");
    let seats: u64 = r.rows.iter().map(|row| row.challenge_seats).sum();
    assert_eq!(seats, 5 * r.challenges as u64, "five drawn seats per challenge");
}
