//! The main job on one machine: the real `dfpn.so` in an embedded LiteSVM, the config initialised, a model
//! registered, N staked workers, a client request for a media file, and each worker downloading the media,
//! checking its SHA-256, analysing it, committing, revealing; then finalization and the printed verdict.
//!
//! The analysis here is the metadata-rules check (generator tags in PNG text chunks and JPEG/XMP metadata):
//! it can say "AI-generated" when a generator left its signature and otherwise honestly says Inconclusive.
//! The full detector set and the Python worker arrive with issues #4 and #6.
use std::{path::PathBuf, time::Instant};

use dfpn_tests::*;
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

const MODEL: &str = "dfpn-metadata-rules";

/// Generator names and text-chunk keys that image generators write into the files they produce.
const GENERATOR_MARKERS: [&str; 9] = [
    "Stable Diffusion",
    "Midjourney",
    "DALL-E",
    "DALL·E",
    "Adobe Firefly",
    "NovelAI",
    "ComfyUI",
    "trainedAlgorithmicMedia",
    "Imagen",
];
const PNG_AI_KEYS: [&str; 4] = ["parameters", "prompt", "workflow", "Dream"];

struct Finding {
    verdict: u8,
    confidence: u8,
    detections: Vec<serde_json::Value>,
}

/// PNG text chunks (tEXt/iTXt/zTXt keys) and raw metadata strings that name an image generator.
fn metadata_rules(media: &[u8]) -> Finding {
    let mut evidence = vec![];
    if media.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut at = 8;
        while at + 8 <= media.len() {
            let len = u32::from_be_bytes(media[at..at + 4].try_into().unwrap()) as usize;
            let kind = &media[at + 4..at + 8];
            let Some(body) = media.get(at + 8..at + 8 + len) else { break };
            if kind == b"tEXt" || kind == b"iTXt" || kind == b"zTXt" {
                let key = body.split(|b| *b == 0).next().unwrap_or_default();
                let key = String::from_utf8_lossy(key);
                if PNG_AI_KEYS.iter().any(|k| key == *k) {
                    evidence.push(format!("PNG text chunk '{key}'"));
                }
            }
            at += 12 + len;
        }
    }
    let text = String::from_utf8_lossy(media);
    for marker in GENERATOR_MARKERS {
        if text.contains(marker) {
            evidence.push(format!("metadata names '{marker}'"));
        }
    }
    if evidence.is_empty() {
        // No generator signature proves nothing either way.
        return Finding { verdict: INCONCLUSIVE, confidence: 0, detections: vec![] };
    }
    let detections = evidence
        .iter()
        .map(|e| json!({"type": "ai_generated_metadata", "region": null, "confidence": 90, "evidence": e}))
        .collect();
    Finding { verdict: MANIPULATED, confidence: 90, detections }
}

/// A small PNG whose text chunk carries Stable Diffusion generation parameters.
fn sample_png() -> Vec<u8> {
    fn chunk(kind: &[u8], body: &[u8]) -> Vec<u8> {
        let mut c = (body.len() as u32).to_be_bytes().to_vec();
        c.extend(kind);
        c.extend(body);
        let mut crc_in = kind.to_vec();
        crc_in.extend(body);
        c.extend(crc32(&crc_in).to_be_bytes());
        c
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    png.extend(chunk(
        b"tEXt",
        b"parameters\0a portrait photo, Steps: 30, Sampler: Euler a, Model: Stable Diffusion XL",
    ));
    png.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]));
    png.extend(chunk(b"IEND", &[]));
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for b in data {
        crc ^= *b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn step(started: Instant, text: &str) {
    println!("[{:>6.2}s] {text}", started.elapsed().as_secs_f64());
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut media_path, mut workers) = (None, 3usize);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--media" => media_path = args.next().map(PathBuf::from),
            "--workers" => workers = args.next().and_then(|n| n.parse().ok()).expect("--workers N (1-10)"),
            other => panic!("unknown argument {other}; usage: localnet_demo [--media FILE] [--workers N]"),
        }
    }
    assert!((1..=10).contains(&workers), "--workers must be 1..=10");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/demo");
    std::fs::create_dir_all(out.join("reports")).unwrap();
    // Report URIs are stored on-chain (at most 128 bytes): keep the path short.
    let out = out.canonicalize().unwrap();
    let media_path = media_path.unwrap_or_else(|| {
        let p = out.join("sample-sd.png");
        std::fs::write(&p, sample_png()).unwrap();
        p
    });
    let media_path = media_path.canonicalize().expect("media file");
    let started = Instant::now();

    let mut env = Env::new();
    step(started, &format!("program {} deployed in LiteSVM, config initialised", env.program_id));
    env.register_model(MODEL, modality::ALL);
    let operators: Vec<Keypair> =
        (0..workers).map(|_| env.register_worker(env.params.min_stake, modality::ALL, &[MODEL])).collect();
    step(
        started,
        &format!(
            "model '{MODEL}' registered; {workers} workers staked {} SOL each",
            env.params.min_stake / LAMPORTS_PER_SOL
        ),
    );

    // Client: hash, point at the file, submit with escrow.
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let media = std::fs::read(&media_path).expect("read media");
    let spec = RequestSpec {
        content_hash: sha256(&media),
        storage_uri: format!("file://{}", media_path.display()),
        modalities: modality::AI_GENERATED_IMAGE,
        min_workers: workers as u8,
        max_workers: workers as u8,
        ..Default::default()
    };
    let fee = env.params.fee(spec.modalities, spec.min_workers);
    let ix = env.ix_submit_request(&client.pubkey(), &spec);
    let submit = env.send(&[ix], &[&client]).expect("submit_request");
    let request = env.request_pda(&client.pubkey(), spec.nonce);
    step(
        started,
        &format!(
            "request {request} submitted: {} bytes, fee {fee} lamports escrowed (max {})",
            media.len(),
            spec.max_fee
        ),
    );

    // Workers: fetch, verify, analyse, commit.
    let mut answers = vec![];
    for (i, op) in operators.iter().enumerate() {
        env.join(op, &request).expect("join");
        let r = env.decode("Request", &request).unwrap();
        let uri = idl::text(&r["storage_uri"], &r["storage_uri_len"]);
        let bytes = std::fs::read(uri.strip_prefix("file://").unwrap()).expect("download");
        assert_eq!(sha256(&bytes), idl::bytes32(&r["content_hash"]), "CONTENT_HASH_MISMATCH");
        let finding = metadata_rules(&bytes);
        let report = serde_json::to_vec_pretty(&json!({
            "request": request.to_string(), "worker": op.pubkey().to_string(), "modelId": MODEL,
            "verdict": finding.verdict, "confidence": finding.confidence, "detections": finding.detections,
        }))
        .unwrap();
        let report_path = out.join(format!("reports/{}-{}.json", request, i));
        std::fs::write(&report_path, &report).unwrap();
        // Salt from the worker's own deterministic signature over the request id: recoverable after disk loss.
        let salt = sha256(op.sign_message(request.as_ref()).as_ref());
        let answer = Answer {
            verdict: finding.verdict,
            confidence: finding.confidence,
            model: model_id(MODEL),
            report_hash: sha256(&report),
            salt,
            report_uri: format!("file://{}", report_path.display()),
        };
        env.commit(op, &request, &answer).expect("commit");
        step(started, &format!("worker {} verified the hash, analysed, committed", i + 1));
        answers.push((answer, finding.detections));
    }
    for (i, (op, (answer, _))) in operators.iter().zip(&answers).enumerate() {
        env.reveal(op, &request, answer).expect("reveal");
        step(started, &format!("worker {} revealed", i + 1));
    }
    let finalize = env.finalize(&request).expect("finalize");
    let r = env.decode("Request", &request).unwrap();
    step(started, "finalized");

    let verdicts = ["Inconclusive", "Authentic", "Manipulated"];
    let consensus = ["None", "Unanimous", "Supermajority", "Majority"];
    let result = json!({
        "verdict": verdicts[r["verdict"].as_u64().unwrap() as usize],
        "confidence": r["confidence"],
        "consensusType": consensus[r["consensus"].as_u64().unwrap() as usize],
        "workerResults": operators.iter().zip(&answers).map(|(op, (a, detections))| json!({
            "worker": op.pubkey().to_string(), "modelId": MODEL,
            "verdict": verdicts[a.verdict as usize], "confidence": a.confidence, "detections": detections,
        })).collect::<Vec<_>>(),
        "audit": {
            "requestTx": submit.signature.to_string(), "finalizeTx": finalize.signature.to_string(),
            "workerCount": r["joined"], "commitCount": r["commits"], "revealCount": r["reveals"],
        },
        "fee": {"charged": r["fee"], "escrowRefunded": spec.max_fee - fee},
    });
    println!("{}", serde_json::to_string_pretty(&result).unwrap());
}
