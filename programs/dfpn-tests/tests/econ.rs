//! A short run of the economic simulation (`make econ` is the real one; a debug build runs the program ~50x
//! slower than its release build, so this stays small): every scenario plays on the real program, with and
//! without known-answer challenges, the summary has the keys docs/economics.md promises, and lamports are
//! conserved; the counterfactual Correlated Agreement scoring (`econ::peer`) on hand-made reveals and on a run.
use dfpn_tests::{
    econ::{
        self,
        agents::Strategy,
        peer::{self, Reveals},
        report::{self, ScenarioResult},
        rng::Rng,
        Challenges, Config,
    },
    AUTHENTIC, MANIPULATED,
};

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
        "ca_honest_margin",
        "ca_honest_margin_lamports",
        "ca_newcomer_margin_all_lazy",
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
    for share in econ::SHARES {
        let m = s["ca_honest_margin"][share].as_f64().unwrap();
        assert!((-2.0..=2.0).contains(&m), "CA margin at {share}: {m}");
    }
    for name in econ::ca_scenarios() {
        assert!(s["correlated_agreement"][&name].is_object(), "CA scores of {name}");
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
    let sim = econ::simulate(&c, &scenario);
    let r = ScenarioResult::collect(&scenario.name, &sim, 0.0);
    assert!(r.fakes > 0, "the seed draws some fakes");
    assert!(r.false_authentic_rate() <= 0.25, "{} of {} fakes certified", r.fakes_certified, r.fakes);
    assert_eq!(r.lamport_drift, 0);
    assert!(r.challenges_revealed > 0 && r.challenges_revealed == r.challenges, "no challenge expires here");
    assert!(r.challenger_net < 0, "the challenger pays for its challenges");
    assert!(r.rows.iter().all(|row| row.slashes == row.challenge_slashes), "nobody honest is slashed elsewhere");
    let seats: u64 = r.rows.iter().map(|row| row.challenge_seats).sum();
    assert_eq!(seats, 5 * r.challenges as u64, "five drawn seats per challenge");

    // Positive control of the CA scoring: detectors among detectors agree on a request more than across
    // requests, but far less than always: in expectation about +0.25, +0.19 and +0.11 for .95, .85 and .70
    // among these peers with 30 % fakes (a score without its penalty term would be about +0.75).
    every_reveal_scored(&r);
    for row in &r.rows {
        let score = row.ca_score().unwrap();
        assert!((-0.2..0.6).contains(&score), "{}: CA score {score}", row.strategy.label());
    }
    let pooled = r.rows.iter().map(|row| row.ca_score_sum).sum::<f64>()
        / r.rows.iter().map(|row| row.ca_seats).sum::<u64>() as f64;
    let honest_85 = r.row(Strategy::Honest(85)).unwrap().ca_score().unwrap();
    assert!((0.08..0.4).contains(&pooled), "honest pooled CA score {pooled}");
    assert!((0.03..0.4).contains(&honest_85), "honest .85 CA score {honest_85}");
}

/// Every finalized request here has several reveals, so the seats scored from the Request accounts are exactly
/// the reveals the simulation sent.
fn every_reveal_scored(r: &ScenarioResult) {
    for row in &r.rows {
        assert_eq!(row.ca_seats, row.reveals, "{}: scored seats = reveals", row.strategy.label());
    }
}

#[test]
fn correlated_agreement_scores_a_lazy_worker_near_zero_among_honest_peers() {
    // Half the workers always answer Authentic, the rest are honest .85 detectors.
    let c = Config { requests: 30, workers: 9, ..Config::quick() };
    let scenario = econ::scenarios(&c).into_iter().find(|s| s.name == "deviant_lazy_0.5").unwrap();
    let sim = econ::simulate(&c, &scenario);
    let r = ScenarioResult::collect(&scenario.name, &sim, 0.0);
    every_reveal_scored(&r);
    let lazy = r.row(Strategy::Lazy).unwrap();
    assert!(lazy.ca_seats > 50, "lazy seats scored: {}", lazy.ca_seats);
    // About 0: its peers answer Authentic as often on its request as on others.
    let lazy = lazy.ca_score().unwrap();
    assert!(lazy.abs() < 0.15, "lazy CA score {lazy}");
    // The detectors' peers are half lazy (those pairs score 0 on average): about +0.1.
    let honest = r.row(Strategy::Honest(85)).unwrap().ca_score().unwrap();
    assert!(honest > lazy, "honest .85 {honest} vs lazy {lazy}");
    // The reported scores are the mean over several draws of peers of the one-draw score of `peer`.
    let reveals = report::finalized_reveals(&sim);
    let once = mean(&peer::score_seats(&reveals, &mut Rng::new(1)), |a| sim.agents[a].strategy == Strategy::Lazy);
    assert!(once.abs() < 0.3, "lazy CA score of one draw {once}");
}

/// `n` requests of five seats drawn from `agents` workers, the truth of each a coin flip at `fake`; `answer`
/// gives an agent's verdict on a request from its truth and the stream.
fn hand_made(n: usize, agents: usize, fake: f64, answer: impl Fn(usize, bool, &mut Rng) -> u8) -> Vec<Reveals> {
    let mut rng = Rng::new(7);
    (0..n)
        .map(|_| {
            let truth = rng.chance(fake);
            let mut pool: Vec<usize> = (0..agents).collect();
            rng.shuffle(&mut pool);
            pool[..5].iter().map(|&a| (a, answer(a, truth, &mut rng))).collect()
        })
        .collect()
}

fn verdict(fake: bool) -> u8 {
    if fake {
        MANIPULATED
    } else {
        AUTHENTIC
    }
}

#[test]
fn correlated_agreement_pays_nothing_for_answers_that_ignore_the_media() {
    let mut rng = Rng::new(15);
    // Everyone constant: every bonus equals its penalty, exactly.
    let constant = hand_made(50, 10, 0.3, |_, _, _| AUTHENTIC);
    let scores = peer::score_seats(&constant, &mut rng);
    assert_eq!(scores.len(), 250, "every seat has peers");
    assert!(scores.iter().all(|s| s.score == 0));
    assert!(peer::per_agent(&constant, 10, &mut rng, 16).iter().all(|&(n, sum)| n > 0 && sum == 0.0));

    // Perfectly correlated informative answers on two requests of different truths: agree with the peer on the
    // same request, never with one on the other: +1 each, exactly.
    let two = vec![vec![(0, AUTHENTIC), (1, AUTHENTIC), (2, AUTHENTIC)], vec![(3, MANIPULATED), (4, MANIPULATED)]];
    let scores = peer::score_seats(&two, &mut rng);
    assert_eq!(scores.len(), 5);
    assert!(scores.iter().all(|s| s.score == 1), "{scores:?}");
    assert_eq!(peer::per_agent(&two, 5, &mut rng, 16), vec![(1, 1.0); 5], "averaged over draws: +1 still");

    // Many requests, everyone truthful: agreement on a request 1, across requests 0.5^2 + 0.5^2.
    let truthful = hand_made(2_000, 10, 0.5, |_, truth, _| verdict(truth));
    let truthful = mean(&peer::score_seats(&truthful, &mut rng), |_| true);
    assert!((truthful - 0.5).abs() < 0.05, "truthful mean {truthful}");

    // Mixed: agents 0-5 detectors at .85, 6-7 always Authentic, 8-9 coin flips. The uninformative answers score
    // about 0, the detectors clearly more.
    let mixed = hand_made(4_000, 10, 0.3, |a, truth, rng| match a {
        0..=5 => verdict(truth == rng.chance(0.85)),
        6 | 7 => AUTHENTIC,
        _ => verdict(rng.chance(0.5)),
    });
    let scores = peer::score_seats(&mixed, &mut rng);
    let (detector, constant, coin) =
        (mean(&scores, |a| a <= 5), mean(&scores, |a| a == 6 || a == 7), mean(&scores, |a| a >= 8));
    assert!(constant.abs() < 0.03 && coin.abs() < 0.03, "constant {constant}, coin {coin}");
    assert!(detector > 0.08, "detector {detector}");

    // A lone reveal has no peer on its request; a request answered only by the seat's own worker gives no
    // penalty peer.
    let lone = vec![vec![(0, AUTHENTIC)], vec![(1, AUTHENTIC), (2, MANIPULATED)]];
    let scores = peer::score_seats(&lone, &mut rng);
    assert_eq!(scores.iter().map(|s| (s.request, s.agent)).collect::<Vec<_>>(), vec![(1, 1), (1, 2)]);
    let own = vec![vec![(0, AUTHENTIC)], vec![(0, AUTHENTIC), (1, AUTHENTIC)]];
    let scores = peer::score_seats(&own, &mut rng);
    assert_eq!(scores.iter().map(|s| s.agent).collect::<Vec<_>>(), vec![1], "agent 0 has no penalty peer");
}

fn mean(scores: &[peer::SeatScore], agent: impl Fn(usize) -> bool) -> f64 {
    let picked: Vec<_> = scores.iter().filter(|s| agent(s.agent)).collect();
    picked.iter().map(|s| s.score as f64).sum::<f64>() / picked.len() as f64
}
