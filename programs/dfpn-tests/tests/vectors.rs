//! The shared test vectors (`tests/vectors.json`, also read by the Python SDK's tests): PDAs, salts,
//! commitments and fees computed here, and the fees also charged by the real program.
use dfpn_tests::{idl::address, *};
use serde_json::Value;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("tests/vectors.json")).expect("JSON")
}

fn hex32(v: &Value) -> [u8; 32] {
    let s = v.as_str().expect("hex string");
    let bytes: Vec<u8> = (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect();
    bytes.try_into().expect("32 bytes")
}

fn keypair(v: &Value, name: &str) -> Keypair {
    let k = v["keypairs"].as_array().unwrap().iter().find(|k| k["name"] == name).expect(name);
    Keypair::new_from_array(hex32(&k["seed"]))
}

#[test]
fn program_id_and_pdas_match() {
    // Given the vectors and the program in LiteSVM
    let v = vectors();
    let env = Env::bare();
    // Then every PDA derives to the recorded address and bump
    assert_eq!(env.program_id, address(v["program_id"].as_str().unwrap()));
    let pdas = &v["pdas"];
    for (name, seed) in [("config", &b"config"[..]), ("treasury", b"treasury"), ("insurance", b"insurance")] {
        let (pda, bump) = solana_address::Address::find_program_address(&[seed], &env.program_id);
        assert_eq!(pda, address(pdas[name]["address"].as_str().unwrap()), "{name}");
        assert_eq!(bump as u64, pdas[name]["bump"].as_u64().unwrap(), "{name}");
    }
    for m in pdas["models"].as_array().unwrap() {
        let developer = address(m["developer"].as_str().unwrap());
        let model = env.model_pda_by(&developer, &model_id(m["model_id"].as_str().unwrap()));
        assert_eq!(model, address(m["address"].as_str().unwrap()));
    }
    for w in pdas["workers"].as_array().unwrap() {
        assert_eq!(env.worker_pda(&address(w["authority"].as_str().unwrap())), address(w["address"].as_str().unwrap()));
    }
    for r in pdas["requests"].as_array().unwrap() {
        let (client, nonce) = (address(r["client"].as_str().unwrap()), r["nonce"].as_u64().unwrap());
        assert_eq!(env.request_pda(&client, nonce), address(r["address"].as_str().unwrap()), "nonce {nonce}");
        assert_eq!(env.request_bump(&client, nonce) as u64, r["bump"].as_u64().unwrap(), "nonce {nonce}");
    }
}

#[test]
fn salts_are_the_workers_signature_hashed() {
    // Given each worker key and request in the vectors
    let v = vectors();
    for s in v["salts"].as_array().unwrap() {
        let worker = keypair(&v, s["worker"].as_str().unwrap());
        let request = address(s["request"].as_str().unwrap());
        // When the worker signs the request address
        let signature = worker.sign_message(request.as_ref());
        // Then the signature and its SHA-256 (the salt) are the recorded ones
        let recorded: Vec<u8> = (0..128)
            .step_by(2)
            .map(|i| u8::from_str_radix(&s["signature"].as_str().unwrap()[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(signature.as_ref(), &recorded[..]);
        assert_eq!(sha256(signature.as_ref()), hex32(&s["salt"]));
    }
}

#[test]
fn commitments_match() {
    let v = vectors();
    for c in v["commitments"].as_array().unwrap() {
        let got = commitment(
            &address(c["request"].as_str().unwrap()),
            &address(c["worker"].as_str().unwrap()),
            c["verdict"].as_u64().unwrap() as u8,
            c["confidence"].as_u64().unwrap() as u8,
            &{
                let developer = address(c["model_developer"].as_str().unwrap());
                let model = model_address_by(&developer, &model_id(c["model_id"].as_str().unwrap()));
                assert_eq!(model, address(c["model"].as_str().unwrap()));
                model.to_bytes()
            },
            &hex32(&c["report_hash"]),
            &hex32(&c["salt"]),
        );
        assert_eq!(got, hex32(&c["commitment"]));
    }
}

#[test]
fn the_program_charges_the_recorded_fees() {
    // Given the reference configuration the vectors were computed with
    let v = vectors();
    let mut env = Env::new();
    let fees = &v["fees"];
    let base: Vec<u64> = fees["base_fees"].as_array().unwrap().iter().map(|f| f.as_u64().unwrap()).collect();
    assert_eq!(base, env.params.base_fees.to_vec());
    assert_eq!(fees["worker_surcharge_bps"].as_u64().unwrap(), env.params.worker_surcharge_bps as u64);
    let client = env.keypair(100 * LAMPORTS_PER_SOL);
    for (nonce, case) in fees["cases"].as_array().unwrap().iter().enumerate() {
        let (modalities, min_workers) =
            (case["modalities"].as_u64().unwrap() as u8, case["min_workers"].as_u64().unwrap() as u8);
        // When a request with these modalities and workers is submitted to the program
        let spec = RequestSpec {
            nonce: nonce as u64,
            modalities,
            min_workers,
            max_workers: min_workers,
            max_fee: LAMPORTS_PER_SOL,
            ..Default::default()
        };
        let request = env.submit(&client, &spec);
        // Then the fee it records is the vector's
        let recorded = env.decode("Request", &request).unwrap()["fee"].as_u64().unwrap();
        assert_eq!(recorded, case["fee"].as_u64().unwrap(), "modalities {modalities}, {min_workers} workers");
    }
}
