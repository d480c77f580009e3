//! The committed IDL is the contract: check it against the program's own discriminators, sizes and errors.
use dfpn::{
    error::DfpnError,
    events,
    processor::INSTRUCTIONS,
    state::{Challenger, Config, Model, Request, Vault, Worker},
    utils::AccountState,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn idl() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../idl/dfpn.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("idl/dfpn.json")).expect("valid JSON")
}

fn disc(v: &Value) -> [u8; 8] {
    let bytes: Vec<u8> = v["discriminator"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect();
    bytes.try_into().unwrap()
}

fn sha8(preimage: &str) -> [u8; 8] {
    Sha256::digest(preimage.as_bytes())[..8].try_into().unwrap()
}

/// Borsh size of a fixed-size IDL type.
fn size_of(idl: &Value, ty: &Value) -> usize {
    match ty {
        Value::String(s) => match s.as_str() {
            "u8" | "i8" | "bool" => 1,
            "u16" | "i16" => 2,
            "u32" | "i32" => 4,
            "u64" | "i64" => 8,
            "u128" | "i128" => 16,
            "pubkey" => 32,
            other => panic!("not fixed size: {other}"),
        },
        Value::Object(o) if o.contains_key("array") => {
            let a = o["array"].as_array().unwrap();
            size_of(idl, &a[0]) * a[1].as_u64().unwrap() as usize
        }
        Value::Object(o) if o.contains_key("defined") => {
            let name = o["defined"]["name"].as_str().unwrap();
            struct_size(idl, name)
        }
        other => panic!("unsupported type {other}"),
    }
}

fn struct_size(idl: &Value, name: &str) -> usize {
    let ty = idl["types"].as_array().unwrap().iter().find(|t| t["name"] == name).expect(name);
    ty["type"]["fields"].as_array().unwrap().iter().map(|f| size_of(idl, &f["type"])).sum()
}

#[test]
fn instructions_match_the_program() {
    let idl = idl();
    let listed: Vec<&Value> = idl["instructions"].as_array().unwrap().iter().collect();
    assert_eq!(listed.len(), INSTRUCTIONS.len());
    for (name, discriminator) in INSTRUCTIONS {
        let ix = listed.iter().find(|i| i["name"] == name).unwrap_or_else(|| panic!("{name} missing from IDL"));
        assert_eq!(disc(ix), discriminator, "{name}");
        assert_eq!(discriminator, sha8(&format!("global:{name}")), "{name}");
    }
}

#[test]
fn accounts_match_discriminators_and_sizes() {
    let idl = idl();
    let cases: [(&str, [u8; 8], usize); 6] = [
        ("Config", Config::DISCRIMINATOR, Config::LEN),
        ("Vault", Vault::DISCRIMINATOR, Vault::LEN),
        ("Model", Model::DISCRIMINATOR, Model::LEN),
        ("Worker", Worker::DISCRIMINATOR, Worker::LEN),
        ("Challenger", Challenger::DISCRIMINATOR, Challenger::LEN),
        ("Request", Request::DISCRIMINATOR, Request::LEN),
    ];
    assert_eq!(idl["accounts"].as_array().unwrap().len(), cases.len());
    for (name, discriminator, len) in cases {
        let account = idl["accounts"].as_array().unwrap().iter().find(|a| a["name"] == name).expect(name);
        assert_eq!(disc(account), discriminator, "{name}");
        assert_eq!(discriminator, sha8(&format!("account:{name}")));
        assert_eq!(8 + struct_size(&idl, name), len, "{name} size");
    }
}

#[test]
fn errors_match_codes_and_names() {
    let idl = idl();
    let listed = idl["errors"].as_array().unwrap();
    assert_eq!(listed.len(), DfpnError::ALL.len());
    for (entry, error) in listed.iter().zip(DfpnError::ALL) {
        assert_eq!(entry["code"].as_u64().unwrap(), error as u64);
        assert_eq!(entry["name"].as_str().unwrap(), format!("{error:?}"));
    }
}

#[test]
fn error_codes_are_pinned() {
    // Never renumber: clients map these codes. Append new errors at the end.
    assert_eq!(DfpnError::InvalidInstructionData as u32, 6000);
    assert_eq!(DfpnError::InsufficientFunds as u32, 6018);
    assert_eq!(DfpnError::DeadlineTooShort as u32, 6022);
    assert_eq!(DfpnError::CommitmentMismatch as u32, 6037);
    assert_eq!(DfpnError::VaultMismatch as u32, 6049);
    for (i, e) in DfpnError::ALL.iter().enumerate() {
        assert_eq!(*e as u32, 6000 + i as u32);
    }
}

#[test]
fn events_match_discriminators() {
    let idl = idl();
    let program: [(&str, [u8; 8]); 34] = [
        ("ConfigInitialized", events::CONFIG_INITIALIZED),
        ("ConfigUpdated", events::CONFIG_UPDATED),
        ("PauseSet", events::PAUSE_SET),
        ("TreasuryWithdrawn", events::TREASURY_WITHDRAWN),
        ("ModelRegistered", events::MODEL_REGISTERED),
        ("ModelUpdated", events::MODEL_UPDATED),
        ("ModelDeactivated", events::MODEL_DEACTIVATED),
        ("ModelFeesClaimed", events::MODEL_FEES_CLAIMED),
        ("WorkerRegistered", events::WORKER_REGISTERED),
        ("StakeAdded", events::STAKE_ADDED),
        ("WorkerUpdated", events::WORKER_UPDATED),
        ("UnstakeRequested", events::UNSTAKE_REQUESTED),
        ("StakeWithdrawn", events::STAKE_WITHDRAWN),
        ("WorkerRewardsClaimed", events::WORKER_REWARDS_CLAIMED),
        ("RequestSubmitted", events::REQUEST_SUBMITTED),
        ("WorkerJoined", events::WORKER_JOINED),
        ("ResultCommitted", events::RESULT_COMMITTED),
        ("ResultRevealed", events::RESULT_REVEALED),
        ("RequestFinalized", events::REQUEST_FINALIZED),
        ("WorkerPaid", events::WORKER_PAID),
        ("WorkerSlashed", events::WORKER_SLASHED),
        ("RequestExpired", events::REQUEST_EXPIRED),
        ("RequestClosed", events::REQUEST_CLOSED),
        ("AuthorityProposed", events::AUTHORITY_PROPOSED),
        ("AuthorityTransferred", events::AUTHORITY_TRANSFERRED),
        ("WorkerLeft", events::WORKER_LEFT),
        ("InsuranceWithdrawn", events::INSURANCE_WITHDRAWN),
        ("ModelTransferProposed", events::MODEL_TRANSFER_PROPOSED),
        ("ModelTransferred", events::MODEL_TRANSFERRED),
        ("ChallengerRegistered", events::CHALLENGER_REGISTERED),
        ("ChallengerRemoved", events::CHALLENGER_REMOVED),
        ("ChallengeRevealed", events::CHALLENGE_REVEALED),
        ("SeatDrawn", events::SEAT_DRAWN),
        ("DrawRearmed", events::DRAW_REARMED),
    ];
    let listed = idl["events"].as_array().unwrap();
    assert_eq!(listed.len(), program.len());
    for (name, discriminator) in program {
        let event = listed.iter().find(|e| e["name"] == name).expect(name);
        assert_eq!(disc(event), discriminator, "{name}");
    }
}

/// Every IDL constant equals the program's own value (the generator reads constants.rs as text; this reads the
/// compiled values), and the IDL lists no constant the program lacks.
#[test]
fn constants_match_the_program() {
    use dfpn::constants::{self as c, consensus, modality, request_status, seat_state, seeds, verdict};
    fn bytes(v: &[u8]) -> String {
        format!("[{}]", v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(", "))
    }
    macro_rules! table {
        ($($name:literal => $value:expr),* $(,)?) => { vec![$(($name, $value.to_string())),*] };
    }
    let expected: Vec<(&str, String)> = table![
        "BPS" => c::BPS, "WORKERS_BPS" => c::WORKERS_BPS, "MODELS_BPS" => c::MODELS_BPS,
        "TREASURY_BPS" => c::TREASURY_BPS, "SUPERMAJORITY_BPS" => c::SUPERMAJORITY_BPS,
        "MAJORITY_ABOVE_BPS" => c::MAJORITY_ABOVE_BPS, "MAX_SEATS" => c::MAX_SEATS, "MAX_URI_LEN" => c::MAX_URI_LEN,
        "MAX_REPORT_URI_LEN" => c::MAX_REPORT_URI_LEN, "MAX_WORKER_MODELS" => c::MAX_WORKER_MODELS,
        "MODEL_ID_LEN" => c::MODEL_ID_LEN, "REPUTATION_MAX" => c::REPUTATION_MAX,
        "REPUTATION_START" => c::REPUTATION_START, "REPUTATION_COIN_FLIP" => c::REPUTATION_COIN_FLIP,
        "REPUTATION_FULL_WEIGHT" => c::REPUTATION_FULL_WEIGHT,
        "AGREEMENT_STEP_DIVISOR" => c::AGREEMENT_STEP_DIVISOR, "DRAW_WEIGHT_FLOOR" => c::DRAW_WEIGHT_FLOOR,
        "DRAW_FULL_ODDS_WEIGHT" => c::DRAW_FULL_ODDS_WEIGHT,
        "MAX_CONFIDENCE" => c::MAX_CONFIDENCE,
        "NON_REVEAL_PENALTY_FACTOR" => c::NON_REVEAL_PENALTY_FACTOR, "MAX_BASE_FEE" => c::MAX_BASE_FEE,
        "MAX_REPUTATION_ALPHA_BPS" => c::MAX_REPUTATION_ALPHA_BPS, "MAX_UNBONDING_SECS" => c::MAX_UNBONDING_SECS,
        "MIN_DEADLINE_SECS_FLOOR" => c::MIN_DEADLINE_SECS_FLOOR,
        "MIN_DEADLINE_SECS_CEILING" => c::MIN_DEADLINE_SECS_CEILING,
        "MAX_MIN_CONSENSUS_WEIGHT" => c::MAX_MIN_CONSENSUS_WEIGHT, "MIN_BASE_FEE" => c::MIN_BASE_FEE,
        "MIN_NON_REVEAL_SLASH_BPS" => c::MIN_NON_REVEAL_SLASH_BPS, "MAX_NON_REVEAL_SLASH_BPS" => c::MAX_NON_REVEAL_SLASH_BPS, "MAX_NO_CONSENSUS_FEE_BPS" => c::MAX_NO_CONSENSUS_FEE_BPS,
        "MAX_INSURANCE_WITHDRAWAL_BPS" => c::MAX_INSURANCE_WITHDRAWAL_BPS,
        "MAX_CHALLENGE_SLASH_BPS" => c::MAX_CHALLENGE_SLASH_BPS, "FINALIZE_GRACE_SECS" => c::FINALIZE_GRACE_SECS,
        "CHALLENGE_DOMAIN" => bytes(c::CHALLENGE_DOMAIN), "SEEDS_CHALLENGER" => bytes(seeds::CHALLENGER),
        "INSURANCE_WITHDRAWAL_INTERVAL_SECS" => c::INSURANCE_WITHDRAWAL_INTERVAL_SECS,
        "MAX_DEADLINE_SECS_CEILING" => c::MAX_DEADLINE_SECS_CEILING,
        "MIN_SEAT_BOND_MULTIPLIER" => c::MIN_SEAT_BOND_MULTIPLIER,
        "MAX_SEAT_BOND_MULTIPLIER" => c::MAX_SEAT_BOND_MULTIPLIER,
        "MIN_REVEALS_FOR_REPUTATION" => c::MIN_REVEALS_FOR_REPUTATION, "COMMIT_DOMAIN" => bytes(c::COMMIT_DOMAIN),
        "MODALITY_IMAGE_AUTHENTICITY" => modality::IMAGE_AUTHENTICITY,
        "MODALITY_FACE_MANIPULATION" => modality::FACE_MANIPULATION,
        "MODALITY_AI_GENERATED_IMAGE" => modality::AI_GENERATED_IMAGE,
        "MODALITY_VIDEO_AUTHENTICITY" => modality::VIDEO_AUTHENTICITY,
        "MODALITY_VOICE_CLONING" => modality::VOICE_CLONING, "MODALITY_COUNT" => modality::COUNT,
        "MODALITY_ALL" => modality::ALL,
        "VERDICT_INCONCLUSIVE" => verdict::INCONCLUSIVE, "VERDICT_AUTHENTIC" => verdict::AUTHENTIC,
        "VERDICT_MANIPULATED" => verdict::MANIPULATED, "VERDICT_COUNT" => verdict::COUNT,
        "CONSENSUS_NONE" => consensus::NONE, "CONSENSUS_UNANIMOUS" => consensus::UNANIMOUS,
        "CONSENSUS_SUPERMAJORITY" => consensus::SUPERMAJORITY, "CONSENSUS_MAJORITY" => consensus::MAJORITY,
        "REQUEST_STATUS_OPEN" => request_status::OPEN, "REQUEST_STATUS_FINALIZED" => request_status::FINALIZED,
        "REQUEST_STATUS_EXPIRED" => request_status::EXPIRED,
        "SEAT_STATE_JOINED" => seat_state::JOINED, "SEAT_STATE_COMMITTED" => seat_state::COMMITTED,
        "SEAT_STATE_REVEALED" => seat_state::REVEALED, "SEAT_STATE_DRAWN" => seat_state::DRAWN,
        "DRAW_DOMAIN" => bytes(c::DRAW_DOMAIN), "DRAW_DELAY_SLOTS" => c::DRAW_DELAY_SLOTS,
        "MAX_MIN_WORKERS_FLOOR" => c::MAX_MIN_WORKERS_FLOOR,
        "SEEDS_CONFIG" => bytes(seeds::CONFIG), "SEEDS_TREASURY" => bytes(seeds::TREASURY),
        "SEEDS_INSURANCE" => bytes(seeds::INSURANCE), "SEEDS_MODEL" => bytes(seeds::MODEL),
        "SEEDS_WORKER" => bytes(seeds::WORKER), "SEEDS_REQUEST" => bytes(seeds::REQUEST),
    ];
    let idl = idl();
    let listed = idl["constants"].as_array().expect("IDL constants");
    assert_eq!(listed.len(), expected.len(), "constants in the IDL vs in this table");
    for (name, value) in expected {
        let constant = listed.iter().find(|k| k["name"] == name).unwrap_or_else(|| panic!("{name} missing from IDL"));
        assert_eq!(constant["value"].as_str().unwrap(), value, "{name}");
    }
    // The fee split adds up to 100 % with insurance's 5 %.
    assert_eq!(c::WORKERS_BPS + c::MODELS_BPS + c::TREASURY_BPS + 500, c::BPS);
}
