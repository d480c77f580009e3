//! The shared vectors (tests/vectors.json) are the program's truth: every phase, fee, aggregation, payout,
//! reputation, slashing and weight case is evaluated with the program's own functions. The Python and TypeScript SDKs check
//! their single copy of each rule against the same cases, so a rule change fails here and there alike.
use dfpn::{
    aggregation::{self, FeeSplit, SeatOutcome, Vote},
    state::{ConfigParams, Request},
    utils::{AccountState, I64, U16, U32, U64},
};
use serde_json::Value;

fn vectors_root() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("tests/vectors.json")).unwrap()
}

fn vectors(section: &str) -> Vec<Value> {
    let cases = vectors_root()[section]["cases"].as_array().unwrap_or_else(|| panic!("no {section} cases")).clone();
    assert!(!cases.is_empty(), "{section}: no cases");
    cases
}

fn int(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

/// A zeroed request account with the phase fields of a vector case set.
fn request_from(case: &Value) -> Vec<u8> {
    let mut bytes = vec![0u8; Request::LEN];
    // SAFETY: `Request` is `#[repr(C)]` with alignment 1 (only byte arrays and u8 fields), `bytes` holds exactly
    // `Request::LEN` initialised bytes, and every bit pattern is a valid `Request`.
    let r = unsafe { &mut *(bytes.as_mut_ptr() as *mut Request) };
    r.status = int(&case["status"]) as u8;
    r.commits = int(&case["commits"]) as u8;
    r.reveals = int(&case["reveals"]) as u8;
    r.min_workers = int(&case["min_workers"]) as u8;
    r.max_workers = int(&case["max_workers"]) as u8;
    r.commit_deadline.set(case["commit_deadline"].as_i64().unwrap());
    r.deadline.set(case["deadline"].as_i64().unwrap());
    bytes
}

#[test]
fn phases() {
    for case in vectors("phases") {
        let mut bytes = request_from(&case["request"]);
        // SAFETY: as in `request_from`.
        let r = unsafe { &*(bytes.as_mut_ptr() as *const Request) };
        let now = case["now"].as_i64().unwrap();
        let got = [r.commit_open(now), r.reveal_open(now), r.finalizable(now), r.expirable(now)];
        let want = ["commit_open", "reveal_open", "finalizable", "expirable"].map(|k| case[k].as_bool().unwrap());
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn payouts() {
    for case in vectors("payouts") {
        let s = aggregation::split_fee(int(&case["fee"]), int(&case["paid"])).unwrap();
        let want = FeeSplit {
            per_worker: int(&case["per_worker"]),
            per_model: int(&case["per_model"]),
            treasury: int(&case["treasury"]),
            insurance: int(&case["insurance"]),
        };
        assert_eq!(s, want, "{case}");
    }
}

#[test]
fn aggregation() {
    for case in vectors("aggregation") {
        let votes: Vec<Vote> = case["votes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| Vote {
                verdict: int(&v["verdict"]) as u8,
                confidence: int(&v["confidence"]) as u8,
                weight: int(&v["weight"]),
            })
            .collect();
        let o = aggregation::aggregate(&votes, int(&case["min_consensus_weight"]));
        let got = [o.verdict, o.confidence, o.consensus].map(u64::from);
        assert_eq!(got, ["verdict", "confidence", "consensus"].map(|k| int(&case[k])), "{case}");
    }
}

#[test]
fn reputation() {
    let outcomes = [
        ("challenge_passed", SeatOutcome::ChallengePassed),
        ("challenge_failed", SeatOutcome::ChallengeFailed),
        ("agreed", SeatOutcome::Agreed),
        ("disagreed", SeatOutcome::Disagreed),
        ("no_consensus", SeatOutcome::NoConsensus),
        ("non_reveal", SeatOutcome::NonReveal),
        ("uncommitted", SeatOutcome::Uncommitted),
    ];
    for case in vectors("reputation") {
        let (rep, alpha) = (int(&case["reputation"]) as u16, int(&case["alpha_bps"]) as u16);
        for (key, outcome) in outcomes {
            let got = aggregation::reputation_step(rep, outcome, alpha) as u64;
            assert_eq!(got, int(&case[key]), "{key}: {case}");
        }
    }
}

#[test]
fn fees() {
    let section = &vectors_root()["fees"];
    let base_fees: Vec<u64> = section["base_fees"].as_array().unwrap().iter().map(int).collect();
    let params = ConfigParams {
        base_fees: <[u64; 5]>::try_from(base_fees).expect("five base fees").map(U64::new),
        worker_surcharge_bps: U16::new(int(&section["worker_surcharge_bps"]) as u16),
        non_reveal_slash_bps: U16::new(0),
        max_weight_bps: U16::new(0),
        reputation_alpha_bps: U16::new(0),
        min_stake: U64::new(0),
        unbonding_secs: I64::new(0),
        min_deadline_secs: I64::new(0),
        reveal_window_secs: I64::new(0),
        min_consensus_weight: U32::new(0),
        max_deadline_secs: I64::new(0),
        no_consensus_fee_bps: U16::new(0),
        seat_bond_multiplier: U16::new(0),
        challenge_slash_bps: U16::new(0),
        min_workers_floor: 0,
        draw_stake_cap: U64::new(0),
    };
    for case in vectors("fees") {
        let got = aggregation::request_fee(&params, int(&case["modalities"]) as u8, int(&case["min_workers"]) as u8);
        assert_eq!(got, Some(int(&case["fee"])), "{case}");
    }
}

#[test]
fn slashing_and_weights() {
    for case in vectors("slashing") {
        let got = aggregation::non_reveal_slash(
            int(&case["stake"]),
            int(&case["fee"]),
            int(&case["min_workers"]) as u8,
            int(&case["non_reveal_slash_bps"]) as u16,
        );
        assert_eq!(got, int(&case["slashed"]), "{case}");
    }
    for case in vectors("weights") {
        let got = aggregation::weight(int(&case["reputation"]) as u16, int(&case["max_weight_bps"]) as u16);
        assert_eq!(got, int(&case["weight"]), "{case}");
    }
}

#[test]
fn charges_and_seat_bonds() {
    for case in vectors("charges") {
        let got = aggregation::charged_fee(
            int(&case["fee"]),
            int(&case["paid"]),
            case["consensus"].as_bool().unwrap(),
            int(&case["no_consensus_fee_bps"]) as u16,
        );
        assert_eq!(got, Some(int(&case["charged"])), "{case}");
    }
    for case in vectors("seat_bonds") {
        let got =
            aggregation::seat_bond(int(&case["fee"]), int(&case["min_workers"]) as u8, int(&case["multiplier"]) as u16);
        assert_eq!(got, Some(int(&case["bond"])), "{case}");
    }
}

#[test]
fn draws() {
    use dfpn::instructions::draw_seats::draw;
    fn hex32(v: &Value) -> [u8; 32] {
        let s = v.as_str().expect("hex string");
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex");
        }
        out
    }
    let big = |v: &Value| v.as_str().expect("decimal string").parse::<u64>().expect("u64");
    for case in vectors("draws") {
        let request: solana_address::Address = case["request"].as_str().unwrap().parse().expect("base58 address");
        let seed = draw::seed(request.as_array(), &hex32(&case["slot_hash"]));
        assert_eq!(seed, hex32(&case["seed"]), "{case}");
        let (pool, cap) = (int(&case["pool_count"]) as u32, big(&case["draw_stake_cap"]));
        for c in case["candidates"].as_array().unwrap() {
            let got = draw::candidate(&seed, int(&c["k"]) as u32, pool, cap);
            assert_eq!(got, (int(&c["index"]) as u32, big(&c["lottery"])), "{c}");
        }
    }
}

#[test]
fn draw_odds() {
    use dfpn::instructions::draw_seats::draw;
    let big = |v: &Value| v.as_str().expect("decimal string").parse::<u64>().expect("u64");
    for case in vectors("draw_odds") {
        let got = draw::odds(big(&case["stake"]), big(&case["draw_stake_cap"]), int(&case["reputation"]) as u16);
        assert_eq!(got, big(&case["odds"]), "{case}");
    }
}
