//! Test harness: runs the built `target/deploy/dfpn.so` in LiteSVM and talks to it only through
//! `idl/dfpn.json` (discriminators, argument and account layouts), like any other client.
#![allow(clippy::too_many_arguments)]
// `TxResult` is LiteSVM's own `Result`, whose error carries the transaction metadata.
#![allow(clippy::result_large_err)]

pub mod assertions;
pub mod econ;
pub mod idl;

use std::{collections::HashMap, path::PathBuf};

use litesvm::{
    types::{FailedTransactionMetadata, TransactionMetadata},
    LiteSVM,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use solana_account::Account;
use solana_address::Address;
use solana_clock::Clock;
use solana_instruction::{AccountMeta, Instruction};
use solana_keypair::Keypair;
use solana_message::Message;
use solana_signer::Signer;
use solana_transaction::Transaction;

pub use assertions::*;
pub use idl::Idl;

pub const LAMPORTS_PER_SOL: u64 = 1_000_000_000;
pub const START_TIME: i64 = 1_700_000_000;
pub const SYSTEM_PROGRAM: Address = Address::new_from_array([0u8; 32]);
/// The BPF upgradeable loader, which LiteSVM deploys programs with.
pub const LOADER_V3: Address = Address::from_str_const("BPFLoaderUpgradeab1e11111111111111111111111");
/// The SlotHashes sysvar.
pub const SLOT_HASHES: Address = Address::from_str_const("SysvarS1otHashes111111111111111111111111111");

fn solana_hash_of(bytes: &[u8; 32]) -> solana_hash::Hash {
    solana_hash::Hash::new_from_array(*bytes)
}

/// Modality bits.
pub mod modality {
    pub const IMAGE_AUTHENTICITY: u8 = 1;
    pub const FACE_MANIPULATION: u8 = 2;
    pub const AI_GENERATED_IMAGE: u8 = 4;
    pub const VIDEO_AUTHENTICITY: u8 = 8;
    pub const VOICE_CLONING: u8 = 16;
    pub const ALL: u8 = 31;
}

/// Verdicts.
pub const INCONCLUSIVE: u8 = 0;
pub const AUTHENTIC: u8 = 1;
pub const MANIPULATED: u8 = 2;

/// The reference configuration (docs/protocol.md): fees in lamports per modality, etc.
#[derive(Clone, Debug)]
pub struct Params {
    pub base_fees: [u64; 5],
    pub worker_surcharge_bps: u16,
    pub non_reveal_slash_bps: u16,
    pub max_weight_bps: u16,
    pub reputation_alpha_bps: u16,
    pub min_stake: u64,
    pub unbonding_secs: i64,
    pub min_deadline_secs: i64,
    pub reveal_window_secs: i64,
    pub min_consensus_weight: u32,
    pub max_deadline_secs: i64,
    pub no_consensus_fee_bps: u16,
    pub seat_bond_multiplier: u16,
    pub challenge_slash_bps: u16,
    pub min_workers_floor: u8,
    pub draw_stake_cap: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            base_fees: [2_000_000, 3_000_000, 3_000_000, 8_000_000, 4_000_000],
            worker_surcharge_bps: 2_500,
            non_reveal_slash_bps: 30_000,
            max_weight_bps: 8_000,
            reputation_alpha_bps: 1_000,
            min_stake: LAMPORTS_PER_SOL,
            unbonding_secs: 86_400,
            min_deadline_secs: 60,
            reveal_window_secs: 20,
            min_consensus_weight: 5_000,
            max_deadline_secs: 86_400,
            no_consensus_fee_bps: 2_000,
            seat_bond_multiplier: 10,
            challenge_slash_bps: 200,
            // Instruction tests use small requests and min-stake workers: no floor, every candidate's stake
            // lottery wins. `Params::reference()` has the reference floor and cap.
            min_workers_floor: 1,
            draw_stake_cap: LAMPORTS_PER_SOL,
        }
    }
}

impl Params {
    pub fn encode(&self) -> Vec<u8> {
        let mut b = Vec::new();
        for f in self.base_fees {
            b.extend(f.to_le_bytes());
        }
        b.extend(self.worker_surcharge_bps.to_le_bytes());
        b.extend(self.non_reveal_slash_bps.to_le_bytes());
        b.extend(self.max_weight_bps.to_le_bytes());
        b.extend(self.reputation_alpha_bps.to_le_bytes());
        b.extend(self.min_stake.to_le_bytes());
        b.extend(self.unbonding_secs.to_le_bytes());
        b.extend(self.min_deadline_secs.to_le_bytes());
        b.extend(self.reveal_window_secs.to_le_bytes());
        b.extend(self.min_consensus_weight.to_le_bytes());
        b.extend(self.max_deadline_secs.to_le_bytes());
        b.extend(self.no_consensus_fee_bps.to_le_bytes());
        b.extend(self.seat_bond_multiplier.to_le_bytes());
        b.extend(self.challenge_slash_bps.to_le_bytes());
        b.push(self.min_workers_floor);
        b.extend(self.draw_stake_cap.to_le_bytes());
        b
    }

    /// The reference configuration of docs/protocol.md: the default with the floor of 5 workers per request
    /// and a draw stake cap of 10 SOL.
    pub fn reference() -> Params {
        Self::with(|p| {
            p.min_workers_floor = 5;
            p.draw_stake_cap = 10 * LAMPORTS_PER_SOL;
        })
    }

    /// The reference parameters with one change.
    pub fn with(change: impl FnOnce(&mut Params)) -> Params {
        let mut p = Params::default();
        change(&mut p);
        p
    }

    /// One parameter set just outside each bound of `ConfigParams::validate`, each with a name to print.
    pub fn out_of_range() -> Vec<(&'static str, Params)> {
        vec![
            ("zero first base fee", Self::with(|p| p.base_fees[0] = 0)),
            ("first base fee below the minimum", Self::with(|p| p.base_fees[0] = 9_999)),
            ("zero last base fee", Self::with(|p| p.base_fees[4] = 0)),
            ("base fee above 1000 SOL", Self::with(|p| p.base_fees[2] = 1_000_000_000_001)),
            ("worker surcharge above 100%", Self::with(|p| p.worker_surcharge_bps = 10_001)),
            ("non-reveal slash below 1x the reward", Self::with(|p| p.non_reveal_slash_bps = 9_999)),
            ("non-reveal slash above 6x the reward", Self::with(|p| p.non_reveal_slash_bps = 60_001)),
            ("zero max weight", Self::with(|p| p.max_weight_bps = 0)),
            ("max weight above 100%", Self::with(|p| p.max_weight_bps = 10_001)),
            ("zero reputation alpha", Self::with(|p| p.reputation_alpha_bps = 0)),
            ("reputation alpha above 50%", Self::with(|p| p.reputation_alpha_bps = 5_001)),
            ("zero min stake", Self::with(|p| p.min_stake = 0)),
            ("negative unbonding", Self::with(|p| p.unbonding_secs = -1)),
            ("unbonding above a year", Self::with(|p| p.unbonding_secs = 365 * 86_400 + 1)),
            ("min deadline below a minute", Self::with(|p| p.min_deadline_secs = 59)),
            ("min deadline above 30 days", Self::with(|p| p.min_deadline_secs = 30 * 86_400 + 1)),
            ("zero reveal window", Self::with(|p| p.reveal_window_secs = 0)),
            ("reveal window as long as the min deadline", Self::with(|p| p.reveal_window_secs = p.min_deadline_secs)),
            ("consensus weight above 100000", Self::with(|p| p.min_consensus_weight = 100_001)),
            ("max deadline below the min deadline", Self::with(|p| p.max_deadline_secs = p.min_deadline_secs - 1)),
            ("max deadline above 30 days", Self::with(|p| p.max_deadline_secs = 30 * 86_400 + 1)),
            ("no-consensus fee above 50%", Self::with(|p| p.no_consensus_fee_bps = 5_001)),
            ("seat bond below 10x the reward", Self::with(|p| p.seat_bond_multiplier = 9)),
            ("seat bond above 100x the reward", Self::with(|p| p.seat_bond_multiplier = 101)),
            ("challenge slash above 5%", Self::with(|p| p.challenge_slash_bps = 501)),
            ("zero min workers floor", Self::with(|p| p.min_workers_floor = 0)),
            ("min workers floor above 10", Self::with(|p| p.min_workers_floor = 11)),
            ("draw stake cap below the min stake", Self::with(|p| p.draw_stake_cap = p.min_stake - 1)),
        ]
    }

    /// The parameters as `Env::decode` shows them (the `params` field of a decoded `Config`).
    pub fn to_json(&self) -> Value {
        json!({
            "base_fees": self.base_fees,
            "worker_surcharge_bps": self.worker_surcharge_bps,
            "non_reveal_slash_bps": self.non_reveal_slash_bps,
            "max_weight_bps": self.max_weight_bps,
            "reputation_alpha_bps": self.reputation_alpha_bps,
            "min_stake": self.min_stake,
            "unbonding_secs": self.unbonding_secs,
            "min_deadline_secs": self.min_deadline_secs,
            "reveal_window_secs": self.reveal_window_secs,
            "min_consensus_weight": self.min_consensus_weight,
            "max_deadline_secs": self.max_deadline_secs,
            "no_consensus_fee_bps": self.no_consensus_fee_bps,
            "seat_bond_multiplier": self.seat_bond_multiplier,
            "challenge_slash_bps": self.challenge_slash_bps,
            "min_workers_floor": self.min_workers_floor,
            "draw_stake_cap": self.draw_stake_cap,
        })
    }

    /// The program's fee rule, restated for tests: base + base × (workers − 1) × surcharge / 10000.
    pub fn fee(&self, modalities: u8, min_workers: u8) -> u64 {
        let base: u64 = (0..5).filter(|b| modalities & (1 << b) != 0).map(|b| self.base_fees[b]).sum();
        base + base * (min_workers as u64 - 1) * self.worker_surcharge_bps as u64 / 10_000
    }

    /// The seat bond of a request: `seat_bond_multiplier × ⌊⌊fee × 65 %⌋ / min_workers⌋`, restated for tests.
    /// What a committed seat that does not reveal loses: `non_reveal_slash_bps` of the per-seat reward.
    pub fn non_reveal_slash(&self, fee: u64, min_workers: u8) -> u64 {
        fee * 6_500 / 10_000 / min_workers as u64 * self.non_reveal_slash_bps as u64 / 10_000
    }
    pub fn seat_bond(&self, fee: u64, min_workers: u8) -> u64 {
        fee * 6_500 / 10_000 / min_workers as u64 * self.seat_bond_multiplier as u64
    }
}

/// A model id as the program stores it: ASCII, zero-padded to 32 bytes.
pub fn model_id(name: &str) -> [u8; 32] {
    let mut id = [0u8; 32];
    id[..name.len()].copy_from_slice(name.as_bytes());
    id
}

/// The deterministic developer key the scenario helpers register model `name` with (so a test can name a
/// model's address without carrying its developer around).
pub fn developer_of(name: &str) -> Keypair {
    Keypair::new_from_array(sha256(format!("developer of {name}").as_bytes()))
}

/// The IDL's program id, read once.
pub fn program_id() -> Address {
    static ID: std::sync::OnceLock<Address> = std::sync::OnceLock::new();
    *ID.get_or_init(|| Idl::load().address())
}

/// The model PDA `["model", developer, model_id]`.
pub fn model_address_by(developer: &Address, id: &[u8; 32]) -> Address {
    Address::find_program_address(&[b"model", developer.as_ref(), id], &program_id()).0
}

/// The address of model `name` as `Env::register_model` registers it (developer `developer_of(name)`).
pub fn model_address(name: &str) -> Address {
    model_address_by(&developer_of(name).pubkey(), &model_id(name))
}

/// A challenge's attestation: `sha256("dfpn-challenge-v1" ‖ request ‖ label ‖ salt)`.
pub fn challenge_attestation(request: &Address, label: u8, salt: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"dfpn-challenge-v1");
    h.update(request.as_ref());
    h.update([label]);
    h.update(salt);
    h.finalize().into()
}

/// `sha256("dfpn-commit-v2" ‖ request ‖ worker ‖ verdict ‖ confidence ‖ model ‖ report_hash ‖ salt)`, `model`
/// being the model PDA's address.
pub fn commitment(
    request: &Address,
    worker: &Address,
    verdict: u8,
    confidence: u8,
    model_id: &[u8; 32],
    report_hash: &[u8; 32],
    salt: &[u8; 32],
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"dfpn-commit-v2");
    h.update(request.as_ref());
    h.update(worker.as_ref());
    h.update([verdict, confidence]);
    h.update(model_id);
    h.update(report_hash);
    h.update(salt);
    h.finalize().into()
}

/// A request's draw seed: `sha256("dfpn-draw-v1" ‖ request ‖ slot hash)`, restated for tests.
pub fn draw_seed(request: &Address, slot_hash: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"dfpn-draw-v1");
    h.update(request.as_ref());
    h.update(slot_hash);
    h.finalize().into()
}

/// Candidate `k` of a draw: `(pool index, stake lottery)` from `sha256(seed ‖ k as u32 LE)`, restated for tests.
pub fn draw_candidate(seed: &[u8; 32], k: u32, pool_count: u32, stake_cap: u64) -> (u32, u64) {
    let mut h = Sha256::new();
    h.update(seed);
    h.update(k.to_le_bytes());
    let h: [u8; 32] = h.finalize().into();
    let first = u64::from_le_bytes(h[..8].try_into().unwrap());
    let second = u64::from_le_bytes(h[8..16].try_into().unwrap());
    ((first % pool_count.max(1) as u64) as u32, second % stake_cap.max(1))
}

/// A candidate's winning range of the lottery, restated for tests: `⌊min(stake, cap) × share / 10 000⌋` with
/// `share = clamp(w × 2, 1 000, 10 000)` and `w = min(max(reputation − 5 000, 0) × 4, 10 000)`, its uncapped
/// voting weight (5 000, a newcomer's, wins the whole lottery).
pub fn draw_odds(stake: u64, stake_cap: u64, reputation: u64) -> u64 {
    let weight = (reputation.min(10_000).saturating_sub(5_000) * 4).min(10_000);
    let share = (weight * 2).clamp(1_000, 10_000) as u128;
    (stake.min(stake_cap) as u128 * share / 10_000) as u64
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Borsh argument encoder.
#[derive(Default)]
pub struct Args(pub Vec<u8>);

impl Args {
    pub fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    pub fn u64(mut self, v: u64) -> Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    pub fn i64(mut self, v: i64) -> Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    pub fn bytes(mut self, v: &[u8]) -> Self {
        self.0.extend(v);
        self
    }
    pub fn string(mut self, v: &str) -> Self {
        self.0.extend((v.len() as u32).to_le_bytes());
        self.0.extend(v.as_bytes());
        self
    }
    pub fn vec32(mut self, items: &[[u8; 32]]) -> Self {
        self.0.extend((items.len() as u32).to_le_bytes());
        for i in items {
            self.0.extend(i);
        }
        self
    }
}

/// A request as a client submits it.
#[derive(Clone, Debug)]
pub struct RequestSpec {
    pub nonce: u64,
    pub content_hash: [u8; 32],
    pub storage_uri: String,
    pub modalities: u8,
    pub min_workers: u8,
    pub max_workers: u8,
    pub max_fee: u64,
    /// Seconds after the current time.
    pub deadline_in: i64,
    /// Random bytes for an ordinary request; `challenge_attestation(..)` for a known-answer challenge.
    pub attestation: [u8; 32],
}

impl Default for RequestSpec {
    fn default() -> Self {
        Self {
            nonce: 1,
            content_hash: sha256(b"media bytes"),
            storage_uri: "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy".into(),
            modalities: modality::FACE_MANIPULATION,
            min_workers: 3,
            max_workers: 3,
            max_fee: 50_000_000,
            deadline_in: 300,
            attestation: sha256(b"an ordinary request's random attestation"),
        }
    }
}

/// A worker's revealed answer.
#[derive(Clone, Debug)]
pub struct Answer {
    pub verdict: u8,
    pub confidence: u8,
    pub model: [u8; 32],
    pub report_hash: [u8; 32],
    pub salt: [u8; 32],
    pub report_uri: String,
}

impl Answer {
    pub fn new(verdict: u8, confidence: u8, model: &str) -> Self {
        Self {
            verdict,
            confidence,
            model: model_address(model).to_bytes(),
            report_hash: sha256(format!("report {verdict} {confidence}").as_bytes()),
            salt: sha256(format!("salt {verdict} {confidence} {model}").as_bytes()),
            report_uri: "ipfs://bafkreireport".into(),
        }
    }
}

/// The program in LiteSVM plus the accounts every test needs.
pub struct Env {
    pub svm: LiteSVM,
    pub idl: Idl,
    pub program_id: Address,
    pub authority: Keypair,
    pub params: Params,
    /// Every signer a test created (for lamport conservation over all of them).
    pub known: Vec<Address>,
    /// Clients of the requests submitted through `submit`, so `finalize` can sign as the client.
    pub clients: HashMap<Address, Keypair>,
    /// Operators of registered workers, by pool index (recorded from successful `register_worker`s).
    pub pool: Vec<Address>,
    /// The SlotHashes sysvar as the harness last set it (newest first).
    pub slot_hashes: Vec<(u64, [u8; 32])>,
    /// Workers a test wants drawn into a request (`expect_seats`): the harness picks a slot hash that draws
    /// them, as a test would wait for a lucky slot.
    pub wanted_seats: HashMap<Address, Vec<Address>>,
}

pub type TxResult = Result<TransactionMetadata, FailedTransactionMetadata>;

fn so_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/deploy/dfpn.so")
}

impl Env {
    /// LiteSVM with `dfpn.so` loaded at the IDL's address and the clock at `START_TIME`. No config yet.
    pub fn bare() -> Self {
        let idl = Idl::load();
        let program_id = idl.address();
        let mut svm = LiteSVM::new();
        let path = so_path();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (run `make build` first)", path.display()));
        svm.add_program(program_id, &bytes).expect("load dfpn.so");
        let mut env = Self {
            svm,
            idl,
            program_id,
            authority: Keypair::new(),
            params: Params::default(),
            known: vec![],
            clients: HashMap::new(),
            pool: Vec::new(),
            slot_hashes: Vec::new(),
            wanted_seats: HashMap::new(),
        };
        env.set_time(START_TIME);
        let authority = env.authority.pubkey();
        env.fund(&authority, 100 * LAMPORTS_PER_SOL);
        env.set_upgrade_authority(Some(&authority));
        env
    }

    /// Rewrite the upgrade authority in the program's ProgramData header (LiteSVM deploys without one), as
    /// `solana program deploy` records the deployer.
    pub fn set_upgrade_authority(&mut self, authority: Option<&Address>) {
        let program_data = self.program_data();
        self.edit_account(&program_data, |account| {
            // UpgradeableLoaderState::ProgramData: u32 tag, u64 slot, Option<Pubkey> at byte 12.
            account.data[12] = authority.is_some() as u8;
            account.data[13..45].copy_from_slice(authority.map_or(&[0u8; 32][..], |a| a.as_ref()));
        });
    }

    /// `bare()` plus `initialize_config` with the reference parameters.
    pub fn new() -> Self {
        Self::with_params(Params::default())
    }

    /// `new` with the configuration initialized to `params`.
    pub fn with_params(params: Params) -> Self {
        let mut env = Self::bare();
        env.params = params;
        let params = env.params.clone();
        let ix = env.ix_initialize_config(&env.authority.pubkey(), &params);
        let authority = env.authority.insecure_clone();
        env.send(&[ix], &[&authority]).expect("initialize_config");
        env
    }

    pub fn fund(&mut self, who: &Address, lamports: u64) {
        self.svm.airdrop(who, lamports).expect("airdrop");
        if !self.known.contains(who) {
            self.known.push(*who);
        }
    }

    /// A new funded keypair.
    pub fn keypair(&mut self, lamports: u64) -> Keypair {
        let k = Keypair::new();
        self.fund(&k.pubkey(), lamports);
        k
    }

    pub fn now(&self) -> i64 {
        self.svm.get_sysvar::<Clock>().unix_timestamp
    }

    pub fn set_time(&mut self, unix: i64) {
        let mut clock = self.svm.get_sysvar::<Clock>();
        clock.unix_timestamp = unix;
        clock.slot += 1;
        self.svm.set_sysvar(&clock);
    }

    pub fn advance(&mut self, secs: i64) {
        let t = self.now() + secs;
        self.set_time(t);
    }

    /// Send instructions signed by `signers` (the first pays the fee).
    pub fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        self.svm.expire_blockhash();
        let payer = signers[0].pubkey();
        let msg = Message::new_with_blockhash(ixs, Some(&payer), &self.svm.latest_blockhash());
        let tx = Transaction::new(signers, msg, self.svm.latest_blockhash());
        let result = self.svm.send_transaction(tx);
        if result.is_ok() {
            let register = self.idl.instruction_discriminator("register_worker");
            for ix in ixs.iter().filter(|ix| ix.program_id == self.program_id && ix.data.starts_with(&register)) {
                self.pool.push(ix.accounts[0].pubkey);
            }
        }
        result
    }

    /// Send instructions signed by `signers`, with a fresh funded keypair paying the fee in front of them, so
    /// the signers' balances move only by what the program does.
    pub fn send_paid(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        let payer = self.keypair(LAMPORTS_PER_SOL);
        let all: Vec<&Keypair> = std::iter::once(&payer).chain(signers.iter().copied()).collect();
        self.send(ixs, &all)
    }

    pub fn account(&self, address: &Address) -> Option<Account> {
        self.svm.get_account(address)
    }

    pub fn lamports(&self, address: &Address) -> u64 {
        self.account(address).map(|a| a.lamports).unwrap_or(0)
    }

    pub fn rent(&self, len: usize) -> u64 {
        self.svm.minimum_balance_for_rent_exemption(len)
    }

    /// Decode a program account through the IDL: `None` when it does not exist.
    pub fn decode(&self, type_name: &str, address: &Address) -> Option<Value> {
        let account = self.account(address)?;
        if account.data.is_empty() {
            return None;
        }
        Some(self.idl.decode_account(type_name, &account.data))
    }

    pub fn snapshot(&self, addresses: &[Address]) -> Vec<Option<Account>> {
        addresses.iter().map(|a| self.account(a)).collect()
    }

    /// Rewrite a stored account with `change` applied (tests forge owners, data and states the program would
    /// never produce).
    pub fn edit_account(&mut self, address: &Address, change: impl FnOnce(&mut Account)) {
        let mut account = self.account(address).expect("account exists");
        change(&mut account);
        self.svm.set_account(*address, account).unwrap();
    }

    /// Overwrite one field of the `type_name` account at `address` with `bytes`, at its offset in the IDL layout.
    pub fn set_field(&mut self, address: &Address, type_name: &str, field: &str, bytes: &[u8]) {
        let offset = self.idl.field_offset(type_name, field);
        self.edit_account(address, |a| a.data[offset..offset + bytes.len()].copy_from_slice(bytes));
    }

    // ---- PDAs --------------------------------------------------------------------------------
    pub fn pda(&self, seeds: &[&[u8]]) -> Address {
        Address::find_program_address(seeds, &self.program_id).0
    }
    pub fn config(&self) -> Address {
        self.pda(&[b"config"])
    }
    pub fn treasury(&self) -> Address {
        self.pda(&[b"treasury"])
    }
    pub fn insurance(&self) -> Address {
        self.pda(&[b"insurance"])
    }
    /// The model with this id registered by its scenario developer (`developer_of`).
    pub fn model_pda(&self, id: &[u8; 32]) -> Address {
        let len = id.iter().position(|b| *b == 0).unwrap_or(32);
        let name = std::str::from_utf8(&id[..len]).expect("ASCII model id");
        model_address_by(&developer_of(name).pubkey(), id)
    }
    /// The model PDA `["model", developer, id]`.
    pub fn model_pda_by(&self, developer: &Address, id: &[u8; 32]) -> Address {
        self.pda(&[b"model", developer.as_ref(), id])
    }
    /// This program's ProgramData account (upgradeable loader).
    pub fn program_data(&self) -> Address {
        Address::find_program_address(&[self.program_id.as_ref()], &LOADER_V3).0
    }
    pub fn worker_pda(&self, authority: &Address) -> Address {
        self.pda(&[b"worker", authority.as_ref()])
    }
    pub fn request_pda(&self, client: &Address, nonce: u64) -> Address {
        self.pda(&[b"request", client.as_ref(), &nonce.to_le_bytes()])
    }
    /// The canonical bump of a request PDA (an argument of `submit_request`).
    pub fn request_bump(&self, client: &Address, nonce: u64) -> u8 {
        Address::find_program_address(&[b"request", client.as_ref(), &nonce.to_le_bytes()], &self.program_id).1
    }

    // ---- instruction builders (discriminators from the IDL) ----------------------------------
    pub fn ix(&self, name: &str, metas: Vec<AccountMeta>, args: Args) -> Instruction {
        let mut data = self.idl.instruction_discriminator(name).to_vec();
        data.extend(args.0);
        Instruction { program_id: self.program_id, accounts: metas, data }
    }

    pub fn ix_initialize_config(&self, authority: &Address, params: &Params) -> Instruction {
        self.ix(
            "initialize_config",
            vec![
                AccountMeta::new(*authority, true),
                AccountMeta::new(self.config(), false),
                AccountMeta::new(self.treasury(), false),
                AccountMeta::new(self.insurance(), false),
                AccountMeta::new_readonly(SYSTEM_PROGRAM, false),
                AccountMeta::new_readonly(self.program_data(), false),
                AccountMeta::new_readonly(self.program_id, false),
            ],
            Args(params.encode()),
        )
    }

    pub fn ix_update_config(&self, authority: &Address, params: &Params) -> Instruction {
        self.ix(
            "update_config",
            vec![AccountMeta::new_readonly(*authority, true), AccountMeta::new(self.config(), false)],
            Args(params.encode()),
        )
    }

    pub fn ix_propose_authority(&self, authority: &Address, new_authority: &Address) -> Instruction {
        self.ix(
            "propose_authority",
            vec![AccountMeta::new_readonly(*authority, true), AccountMeta::new(self.config(), false)],
            Args::default().bytes(new_authority.as_ref()),
        )
    }

    pub fn ix_accept_authority(&self, new_authority: &Address) -> Instruction {
        self.ix(
            "accept_authority",
            vec![AccountMeta::new_readonly(*new_authority, true), AccountMeta::new(self.config(), false)],
            Args::default(),
        )
    }

    pub fn ix_set_paused(&self, authority: &Address, paused: bool) -> Instruction {
        self.ix(
            "set_paused",
            vec![AccountMeta::new_readonly(*authority, true), AccountMeta::new(self.config(), false)],
            Args::default().u8(paused as u8),
        )
    }

    pub fn ix_withdraw_treasury(&self, authority: &Address, recipient: &Address, amount: u64) -> Instruction {
        self.ix(
            "withdraw_treasury",
            vec![
                AccountMeta::new_readonly(*authority, true),
                AccountMeta::new_readonly(self.config(), false),
                AccountMeta::new(self.treasury(), false),
                AccountMeta::new(*recipient, false),
            ],
            Args::default().u64(amount),
        )
    }

    pub fn ix_register_model(
        &self,
        developer: &Address,
        id: &[u8; 32],
        payout: &Address,
        modalities: u8,
    ) -> Instruction {
        self.ix(
            "register_model",
            vec![
                AccountMeta::new(*developer, true),
                AccountMeta::new(self.model_pda_by(developer, id), false),
                AccountMeta::new_readonly(*payout, false),
                AccountMeta::new_readonly(SYSTEM_PROGRAM, false),
            ],
            Args::default().bytes(id).u8(modalities),
        )
    }

    pub fn ix_update_model(
        &self,
        developer: &Address,
        model: &Address,
        payout: &Address,
        modalities: u8,
    ) -> Instruction {
        self.ix(
            "update_model",
            vec![
                AccountMeta::new_readonly(*developer, true),
                AccountMeta::new(*model, false),
                AccountMeta::new_readonly(*payout, false),
            ],
            Args::default().u8(modalities),
        )
    }

    pub fn ix_deactivate_model(&self, developer: &Address, model: &Address) -> Instruction {
        self.ix(
            "deactivate_model",
            vec![AccountMeta::new_readonly(*developer, true), AccountMeta::new(*model, false)],
            Args::default(),
        )
    }

    pub fn ix_propose_model_transfer(
        &self,
        developer: &Address,
        model: &Address,
        new_developer: &Address,
    ) -> Instruction {
        self.ix(
            "propose_model_transfer",
            vec![AccountMeta::new_readonly(*developer, true), AccountMeta::new(*model, false)],
            Args::default().bytes(new_developer.as_ref()),
        )
    }

    pub fn ix_accept_model_transfer(&self, new_developer: &Address, model: &Address) -> Instruction {
        self.ix(
            "accept_model_transfer",
            vec![AccountMeta::new_readonly(*new_developer, true), AccountMeta::new(*model, false)],
            Args::default(),
        )
    }

    pub fn ix_claim_model_fees(&self, model: &Address, payout: &Address) -> Instruction {
        self.ix(
            "claim_model_fees",
            vec![AccountMeta::new(*model, false), AccountMeta::new(*payout, false)],
            Args::default(),
        )
    }

    pub fn ix_withdraw_insurance(&self, authority: &Address, recipient: &Address, amount: u64) -> Instruction {
        self.ix(
            "withdraw_insurance",
            vec![
                AccountMeta::new_readonly(*authority, true),
                AccountMeta::new(self.config(), false),
                AccountMeta::new(self.insurance(), false),
                AccountMeta::new(*recipient, false),
            ],
            Args::default().u64(amount),
        )
    }

    pub fn ix_register_worker(
        &self,
        authority: &Address,
        stake: u64,
        modalities: u8,
        models: &[[u8; 32]],
    ) -> Instruction {
        self.ix(
            "register_worker",
            vec![
                AccountMeta::new(*authority, true),
                AccountMeta::new(self.worker_pda(authority), false),
                AccountMeta::new(self.config(), false),
                AccountMeta::new_readonly(SYSTEM_PROGRAM, false),
            ],
            Args::default().u64(stake).u8(modalities).vec32(models),
        )
    }

    pub fn ix_add_stake(&self, authority: &Address, amount: u64) -> Instruction {
        self.ix(
            "add_stake",
            vec![
                AccountMeta::new(*authority, true),
                AccountMeta::new(self.worker_pda(authority), false),
                AccountMeta::new_readonly(SYSTEM_PROGRAM, false),
            ],
            Args::default().u64(amount),
        )
    }

    pub fn ix_update_worker(&self, authority: &Address, modalities: u8, models: &[[u8; 32]]) -> Instruction {
        self.ix(
            "update_worker",
            vec![AccountMeta::new_readonly(*authority, true), AccountMeta::new(self.worker_pda(authority), false)],
            Args::default().u8(modalities).vec32(models),
        )
    }

    pub fn ix_request_unstake(&self, authority: &Address, amount: u64) -> Instruction {
        self.ix(
            "request_unstake",
            vec![
                AccountMeta::new_readonly(*authority, true),
                AccountMeta::new(self.worker_pda(authority), false),
                AccountMeta::new_readonly(self.config(), false),
            ],
            Args::default().u64(amount),
        )
    }

    pub fn ix_withdraw_stake(&self, authority: &Address) -> Instruction {
        self.ix(
            "withdraw_stake",
            vec![AccountMeta::new(*authority, true), AccountMeta::new(self.worker_pda(authority), false)],
            Args::default(),
        )
    }

    pub fn ix_claim_worker_rewards(&self, authority: &Address) -> Instruction {
        self.ix(
            "claim_worker_rewards",
            vec![AccountMeta::new(*authority, true), AccountMeta::new(self.worker_pda(authority), false)],
            Args::default(),
        )
    }

    pub fn ix_submit_request(&self, client: &Address, spec: &RequestSpec) -> Instruction {
        self.ix(
            "submit_request",
            vec![
                AccountMeta::new(*client, true),
                AccountMeta::new(self.request_pda(client, spec.nonce), false),
                AccountMeta::new(self.config(), false),
                AccountMeta::new_readonly(SYSTEM_PROGRAM, false),
            ],
            Args::default()
                .u64(spec.nonce)
                .bytes(&spec.content_hash)
                .string(&spec.storage_uri)
                .u8(spec.modalities)
                .u8(spec.min_workers)
                .u8(spec.max_workers)
                .u64(spec.max_fee)
                .i64(self.now() + spec.deadline_in)
                .u8(self.request_bump(client, spec.nonce))
                .bytes(&spec.attestation),
        )
    }

    pub fn ix_join_request(&self, authority: &Address, request: &Address) -> Instruction {
        self.ix(
            "join_request",
            vec![
                AccountMeta::new_readonly(*authority, true),
                AccountMeta::new(self.worker_pda(authority), false),
                AccountMeta::new(*request, false),
                AccountMeta::new_readonly(self.config(), false),
            ],
            Args::default(),
        )
    }

    /// `commit_result` declaring `model` (a model PDA's address) as the answer's model.
    pub fn ix_commit_result(
        &self,
        authority: &Address,
        request: &Address,
        commitment: &[u8; 32],
        model: &[u8; 32],
    ) -> Instruction {
        self.ix(
            "commit_result",
            vec![
                AccountMeta::new_readonly(*authority, true),
                AccountMeta::new(*request, false),
                AccountMeta::new_readonly(self.worker_pda(authority), false),
                AccountMeta::new_readonly(Address::from(*model), false),
            ],
            Args::default().bytes(commitment),
        )
    }

    pub fn ix_leave_request(&self, authority: &Address, request: &Address) -> Instruction {
        self.ix(
            "leave_request",
            vec![
                AccountMeta::new_readonly(*authority, true),
                AccountMeta::new(self.worker_pda(authority), false),
                AccountMeta::new(*request, false),
            ],
            Args::default(),
        )
    }

    pub fn ix_reveal_result(&self, authority: &Address, request: &Address, a: &Answer) -> Instruction {
        self.ix(
            "reveal_result",
            vec![AccountMeta::new_readonly(*authority, true), AccountMeta::new(*request, false)],
            Args::default().u8(a.verdict).u8(a.confidence).bytes(&a.report_hash).bytes(&a.salt).string(&a.report_uri),
        )
    }

    /// Move the clock to where anyone may finalize `request`: `FINALIZE_GRACE_SECS` after its deadline.
    pub fn to_grace_end(&mut self, request: &Address) {
        let r = self.decode("Request", request).expect("request exists");
        let t = r["deadline"].as_i64().unwrap() + self.idl.constant_u64("FINALIZE_GRACE_SECS") as i64;
        if self.now() < t {
            self.set_time(t);
        }
    }

    /// `finalize_request` signed by the request's client (allowed before the grace period ends).
    pub fn ix_finalize_request_by_client(&self, request: &Address) -> Instruction {
        let mut ix = self.ix_finalize_request(request);
        ix.accounts[1].is_signer = true;
        ix
    }

    /// `finalize_request` with the remaining accounts read from the request's seats, by anyone (the client does
    /// not sign: allowed from `FINALIZE_GRACE_SECS` after the deadline).
    pub fn ix_finalize_request(&self, request: &Address) -> Instruction {
        let r = self.decode("Request", request).expect("request exists");
        let client = idl::pubkey(&r["client"]);
        let mut metas = vec![
            AccountMeta::new(*request, false),
            AccountMeta::new(client, false),
            AccountMeta::new_readonly(self.config(), false),
            AccountMeta::new(self.treasury(), false),
            AccountMeta::new(self.insurance(), false),
        ];
        let seats = self.seats(&r);
        for seat in &seats {
            metas.push(AccountMeta::new(self.worker_pda(&idl::pubkey(&seat["authority"])), false));
        }
        for seat in seats.iter().filter(|s| s["state"] == 2) {
            metas.push(AccountMeta::new(idl::pubkey(&seat["model"]), false));
        }
        self.ix("finalize_request", metas, Args::default())
    }

    pub fn challenger_pda(&self, key: &Address) -> Address {
        self.pda(&[b"challenger", key.as_ref()])
    }

    pub fn ix_register_challenger(&self, authority: &Address, challenger: &Address) -> Instruction {
        self.ix(
            "register_challenger",
            vec![
                AccountMeta::new(*authority, true),
                AccountMeta::new_readonly(self.config(), false),
                AccountMeta::new(self.challenger_pda(challenger), false),
                AccountMeta::new_readonly(SYSTEM_PROGRAM, false),
            ],
            Args::default().bytes(challenger.as_ref()),
        )
    }

    pub fn ix_remove_challenger(&self, authority: &Address, challenger: &Address) -> Instruction {
        self.ix(
            "remove_challenger",
            vec![
                AccountMeta::new(*authority, true),
                AccountMeta::new_readonly(self.config(), false),
                AccountMeta::new(self.challenger_pda(challenger), false),
            ],
            Args::default(),
        )
    }

    pub fn ix_reveal_challenge(&self, client: &Address, request: &Address, label: u8, salt: &[u8; 32]) -> Instruction {
        self.ix(
            "reveal_challenge",
            vec![
                AccountMeta::new_readonly(*client, true),
                AccountMeta::new(self.challenger_pda(client), false),
                AccountMeta::new(*request, false),
            ],
            Args::default().u8(label).bytes(salt),
        )
    }

    pub fn ix_expire_request(&self, request: &Address) -> Instruction {
        let r = self.decode("Request", request).expect("request exists");
        let mut metas = vec![
            AccountMeta::new(*request, false),
            AccountMeta::new(idl::pubkey(&r["client"]), false),
            AccountMeta::new(self.insurance(), false),
        ];
        for seat in self.seats(&r) {
            metas.push(AccountMeta::new(self.worker_pda(&idl::pubkey(&seat["authority"])), false));
        }
        self.ix("expire_request", metas, Args::default())
    }

    pub fn ix_close_request(&self, client: &Address, request: &Address) -> Instruction {
        self.ix(
            "close_request",
            vec![AccountMeta::new(*client, true), AccountMeta::new(*request, false)],
            Args::default(),
        )
    }

    /// The seat `worker` (an operator) holds in a decoded request.
    pub fn seat_of(&self, request: &Value, worker: &Address) -> Value {
        self.seats(request).into_iter().find(|s| idl::pubkey(&s["authority"]) == *worker).expect("worker holds a seat")
    }

    /// The occupied seats of a decoded request.
    pub fn seats(&self, request: &Value) -> Vec<Value> {
        let joined = request["joined"].as_u64().unwrap() as usize;
        request["seats"].as_array().unwrap()[..joined].to_vec()
    }

    // ---- scenario helpers ---------------------------------------------------------------------
    /// Register a model (developer pays, payout to a fresh wallet); returns (developer, payout wallet).
    /// The developer is `developer_of(name)`, so `model_pda(&model_id(name))` names the model.
    pub fn register_model(&mut self, name: &str, modalities: u8) -> (Keypair, Address) {
        let developer = developer_of(name);
        self.fund(&developer.pubkey(), 10 * LAMPORTS_PER_SOL);
        self.known.push(developer.pubkey());
        let payout = Keypair::new().pubkey();
        self.known.push(payout);
        let ix = self.ix_register_model(&developer.pubkey(), &model_id(name), &payout, modalities);
        self.send(&[ix], &[&developer]).expect("register_model");
        (developer, payout)
    }

    /// Register a worker with `stake` supporting `modalities` and `models`.
    pub fn register_worker(&mut self, stake: u64, modalities: u8, models: &[&str]) -> Keypair {
        let operator = self.keypair(stake + 10 * LAMPORTS_PER_SOL);
        let ids: Vec<[u8; 32]> = models.iter().map(|m| model_address(m).to_bytes()).collect();
        let ix = self.ix_register_worker(&operator.pubkey(), stake, modalities, &ids);
        self.send(&[ix], &[&operator]).expect("register_worker");
        operator
    }

    /// Submit a request from `client`; returns its address. The clock moves two slots first, so no two
    /// requests submitted this way share a draw slot.
    pub fn submit(&mut self, client: &Keypair, spec: &RequestSpec) -> Address {
        let mut clock = self.svm.get_sysvar::<Clock>();
        clock.slot += 2;
        self.svm.set_sysvar(&clock);
        let ix = self.ix_submit_request(&client.pubkey(), spec);
        self.send(&[ix], &[client]).expect("submit_request");
        self.clients.insert(client.pubkey(), client.insecure_clone());
        self.request_pda(&client.pubkey(), spec.nonce)
    }

    /// Accept the worker's drawn seat, drawing the request's seats first if nobody has.
    pub fn join(&mut self, worker: &Keypair, request: &Address) -> TxResult {
        if let Some(r) = self.decode("Request", request) {
            let unseeded = idl::bytes32(&r["draw_seed"]) == [0; 32];
            if unseeded && r["status"] == 0 && r["pool_count"].as_u64() != Some(0) {
                // Unless the test named the seats it wants, it wants this worker seated.
                self.wanted_seats.entry(*request).or_insert_with(|| vec![worker.pubkey()]);
                let _ = self.draw(request);
            }
        }
        let ix = self.ix_join_request(&worker.pubkey(), request);
        self.send(&[ix], &[worker])
    }

    // ---- seat draws ---------------------------------------------------------------------------
    /// `draw_seats` replacing the seats of `replaced` (operators) and trying `candidates` (operators), in order.
    pub fn ix_draw_seats(&self, request: &Address, replaced: &[Address], candidates: &[Address]) -> Instruction {
        let mut metas = vec![
            AccountMeta::new(*request, false),
            AccountMeta::new_readonly(self.config(), false),
            AccountMeta::new_readonly(SLOT_HASHES, false),
            AccountMeta::new(self.insurance(), false),
        ];
        metas.extend(replaced.iter().map(|a| AccountMeta::new(self.worker_pda(a), false)));
        metas.extend(candidates.iter().map(|a| AccountMeta::new_readonly(self.worker_pda(a), false)));
        self.ix("draw_seats", metas, Args::default())
    }

    /// Give `slot` the hash `hash` in the SlotHashes sysvar (LiteSVM does not produce slot hashes itself);
    /// the clock moves past `slot` if it is not already.
    pub fn set_slot_hash(&mut self, slot: u64, hash: [u8; 32]) {
        self.slot_hashes.retain(|(s, _)| *s != slot);
        self.slot_hashes.push((slot, hash));
        self.slot_hashes.sort_by_key(|e| std::cmp::Reverse(e.0));
        self.slot_hashes.truncate(512);
        let entries: Vec<_> = self.slot_hashes.iter().map(|(s, h)| (*s, solana_hash_of(h))).collect();
        self.svm.set_sysvar(&solana_slot_hashes::SlotHashes::new(&entries));
        let mut clock = self.svm.get_sysvar::<Clock>();
        if clock.slot <= slot {
            clock.slot = slot + 1;
            self.svm.set_sysvar(&clock);
        }
    }

    /// Ask the harness to draw `workers` (operators) into `request`: it picks the draw slot's hash among
    /// candidates until the draw seats them (a test standing in for waiting on a lucky slot).
    pub fn expect_seats(&mut self, request: &Address, workers: &[Address]) {
        self.wanted_seats.insert(*request, workers.to_vec());
    }

    /// Operators drawn into `request` so far (any seat state), in seat order.
    pub fn drawn(&self, request: &Address) -> Vec<Address> {
        let r = self.decode("Request", request).expect("request exists");
        self.seats(&r).iter().map(|s| idl::pubkey(&s["authority"])).collect()
    }

    /// Draw `request`'s seats the way a client or worker would: fix the draw slot's hash if the request has
    /// no seed yet (chosen to seat `expect_seats`' workers when a test asked for them), then send
    /// `draw_seats` with the replaced seats and the candidates that fill the free seats, until they are full or
    /// the pool gives no more. Returns the last transaction's result.
    pub fn draw(&mut self, request: &Address) -> TxResult {
        let r = self.decode("Request", request).expect("request exists");
        if idl::bytes32(&r["draw_seed"]) == [0; 32] {
            let draw_slot = r["draw_slot"].as_u64().unwrap();
            let hash = match self.slot_hashes.iter().find(|(s, _)| *s == draw_slot) {
                Some((_, h)) => *h,
                None => self.pick_slot_hash(request, &r),
            };
            self.set_slot_hash(draw_slot, hash);
        }
        let mut last = None;
        for _ in 0..32 {
            let r = self.decode("Request", request).expect("request exists");
            let replaced = self.unanswered_seats(&r);
            let seed = match idl::bytes32(&r["draw_seed"]) {
                s if s == [0; 32] => draw_seed(request, &self.slot_hash_for(&r)),
                s => s,
            };
            let free = r["max_workers"].as_u64().unwrap() as usize - self.seats(&r).len() + replaced.len();
            let mut seated: Vec<Address> = self.seats(&r).iter().map(|s| idl::pubkey(&s["authority"])).collect();
            seated.retain(|a| !replaced.contains(a));
            let pool = self.pool_workers();
            let (candidates, drawn) = self.predict_draw(&r, &pool, &seed, &seated, free, 16);
            let ix = self.ix_draw_seats(request, &replaced, &candidates);
            // The cranker is nobody the test counts: a draw moves no lamports but a replaced seat's bond.
            let cranker = Keypair::new();
            self.svm.airdrop(&cranker.pubkey(), LAMPORTS_PER_SOL).expect("airdrop");
            let result = self.send(&[ix], &[&cranker]);
            // The prediction cannot see this transaction's own forfeits: judge by the seats it left.
            let after = self.decode("Request", request).expect("request exists");
            let full = after["joined"] == after["max_workers"];
            let progress = after["joined"] != r["joined"] || !replaced.is_empty();
            // A round that seats nobody ends the draw only when nobody is drawable further on either (a worker at
            // the draw weight floor wins a tenth of its lottery; the last free seat of a small pool can take many
            // candidates): tests then get every seat the rule can give.
            let exhausted = !progress && drawn.is_empty() && self.nothing_drawable(&after);
            let done = result.is_err() || full || candidates.is_empty() || exhausted;
            last = Some(result);
            if done {
                break;
            }
        }
        last.expect("one draw sent")
    }

    /// Nobody the next 256 candidates of `r`'s seeded draw name would take a free seat.
    fn nothing_drawable(&self, r: &Value) -> bool {
        let seed = idl::bytes32(&r["draw_seed"]);
        let free = r["max_workers"].as_u64().unwrap() as usize - self.seats(r).len();
        let seated: Vec<Address> = self.seats(r).iter().map(|s| idl::pubkey(&s["authority"])).collect();
        seed == [0; 32] || self.predict_draw(r, &self.pool_workers(), &seed, &seated, free, 256).1.is_empty()
    }

    /// Seats not committed half a commit window after their draw (drawn, or accepted and silent): the next
    /// draw replaces them.
    pub fn unanswered_seats(&self, r: &Value) -> Vec<Address> {
        let window = r["commit_deadline"].as_i64().unwrap() - r["created_at"].as_i64().unwrap();
        let uncommitted =
            [self.idl.constant_u64("SEAT_STATE_DRAWN"), self.idl.constant_u64("SEAT_STATE_JOINED")].map(Some);
        self.seats(r)
            .iter()
            .filter(|s| {
                uncommitted.contains(&s["state"].as_u64()) && self.now() >= s["drawn_at"].as_i64().unwrap() + window / 2
            })
            .map(|s| idl::pubkey(&s["authority"]))
            .collect()
    }

    fn slot_hash_for(&self, r: &Value) -> [u8; 32] {
        let draw_slot = r["draw_slot"].as_u64().unwrap();
        self.slot_hashes.iter().rev().find(|(s, _)| *s >= draw_slot).map(|(_, h)| *h).unwrap_or_default()
    }

    /// A slot hash whose draw seats the workers `expect_seats` named for this request in the first seats, in
    /// that order (the first of a deterministic sequence if none was named, or none works).
    fn pick_slot_hash(&self, request: &Address, r: &Value) -> [u8; 32] {
        let wanted = self.wanted_seats.get(request).cloned().unwrap_or_default();
        let max = r["max_workers"].as_u64().unwrap() as usize;
        let pool = self.pool_workers();
        let hash_at = |i: u32| sha256(&[request.as_ref(), &i.to_le_bytes()].concat());
        (0..50_000u32)
            .map(hash_at)
            .find(|h| {
                let (_, drawn) = self.predict_draw(r, &pool, &draw_seed(request, h), &[], max, 64);
                drawn.len() >= wanted.len() && drawn[..wanted.len()] == wanted[..]
            })
            .unwrap_or_else(|| hash_at(0))
    }

    /// Every registered worker account, decoded, by pool index.
    pub fn pool_workers(&self) -> Vec<Value> {
        self.pool.iter().map(|op| self.decode("Worker", &self.worker_pda(op)).expect("pool worker")).collect()
    }

    /// The program's draw, restated: from the request's cursor, the candidates tried (up to `max_candidates`,
    /// stopping once `free` seats are filled) and the operators they seat.
    pub fn predict_draw(
        &self,
        r: &Value,
        pool: &[Value],
        seed: &[u8; 32],
        seated: &[Address],
        free: usize,
        max_candidates: usize,
    ) -> (Vec<Address>, Vec<Address>) {
        let config = self.decode("Config", &self.config()).expect("config");
        let (min_stake, cap) =
            (config["params"]["min_stake"].as_u64().unwrap(), config["params"]["draw_stake_cap"].as_u64().unwrap());
        let pool_count = r["pool_count"].as_u64().unwrap() as u32;
        let cursor = r["draw_cursor"].as_u64().unwrap() as u32;
        let (mut candidates, mut drawn) = (vec![], vec![]);
        if pool_count == 0 {
            return (candidates, drawn);
        }
        let mut k = cursor;
        while drawn.len() < free && candidates.len() < max_candidates {
            let (index, lottery) = draw_candidate(seed, k, pool_count, cap);
            k += 1;
            let (Some(operator), Some(w)) = (self.pool.get(index as usize).copied(), pool.get(index as usize)) else {
                break;
            };
            candidates.push(operator);
            let stake = w["stake"].as_u64().unwrap();
            let modalities = r["modalities"].as_u64().unwrap();
            let eligible = w["unbonding_amount"].as_u64() == Some(0)
                && stake >= min_stake
                && w["modalities"].as_u64().unwrap() & modalities == modalities
                && w["eligible_since_slot"].as_u64().unwrap() < r["draw_slot"].as_u64().unwrap()
                && operator != idl::pubkey(&r["client"])
                && stake.saturating_sub(w["bonded"].as_u64().unwrap()) >= r["seat_bond"].as_u64().unwrap()
                && lottery < draw_odds(stake, cap, w["reputation"].as_u64().unwrap())
                && !seated.contains(&operator)
                && !drawn.contains(&operator);
            if eligible {
                drawn.push(operator);
            }
        }
        (candidates, drawn)
    }

    pub fn commit(&mut self, worker: &Keypair, request: &Address, a: &Answer) -> TxResult {
        let c = commitment(request, &worker.pubkey(), a.verdict, a.confidence, &a.model, &a.report_hash, &a.salt);
        let ix = self.ix_commit_result(&worker.pubkey(), request, &c, &a.model);
        self.send(&[ix], &[worker])
    }

    pub fn reveal(&mut self, worker: &Keypair, request: &Address, a: &Answer) -> TxResult {
        let ix = self.ix_reveal_result(&worker.pubkey(), request, a);
        self.send(&[ix], &[worker])
    }

    /// Finalize, paid by a fresh cranker; the client co-signs while only it may (before `FINALIZE_GRACE_SECS`
    /// after the deadline, when `submit` knows the client).
    pub fn finalize(&mut self, request: &Address) -> TxResult {
        let r = self.decode("Request", request).expect("request exists");
        let grace_ends = r["deadline"].as_i64().unwrap() + self.idl.constant_u64("FINALIZE_GRACE_SECS") as i64;
        let client = self.clients.get(&idl::pubkey(&r["client"])).map(|k| k.insecure_clone());
        let cranker = self.keypair(LAMPORTS_PER_SOL);
        match client {
            Some(client) if self.now() < grace_ends => {
                let ix = self.ix_finalize_request_by_client(request);
                self.send(&[ix], &[&cranker, &client])
            }
            _ => {
                let ix = self.ix_finalize_request(request);
                self.send(&[ix], &[&cranker])
            }
        }
    }

    /// Sum of lamports over every account the test knows plus the program's PDAs it touched.
    pub fn total_lamports(&self, extra: &[Address]) -> u64 {
        let mut all: Vec<Address> = self.known.clone();
        all.extend([self.config(), self.treasury(), self.insurance()]);
        all.extend(extra);
        all.sort();
        all.dedup();
        all.iter().map(|a| self.lamports(a)).sum()
    }
}

impl Default for Env {
    fn default() -> Self {
        Self::new()
    }
}

/// Parsed `Program data:` events of a transaction, by IDL name.
pub fn events(env: &Env, meta: &TransactionMetadata) -> Vec<(String, Value)> {
    use base64::Engine as _;
    let mut out = vec![];
    for line in &meta.logs {
        if let Some(b64) = line.strip_prefix("Program data: ") {
            let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).expect("base64");
            if let Some(e) = env.idl.decode_event(&bytes) {
                out.push(e);
            }
        }
    }
    out
}

/// Compute units per instruction name, filled by benchmarks.
pub type CuTable = HashMap<String, u64>;

/// A network with one model (`face-forensics-sbi`) and `n` staked workers supporting every modality.
pub struct Network {
    pub env: Env,
    pub model: String,
    pub model_payout: Address,
    /// The developer of `MODEL`.
    pub model_developer: Keypair,
    pub workers: Vec<Keypair>,
    pub client: Keypair,
}

impl Network {
    pub const MODEL: &'static str = "face-forensics-sbi";

    pub fn new(n: usize) -> Self {
        let mut env = Env::new();
        let (model_developer, model_payout) = env.register_model(Self::MODEL, modality::ALL);
        let stake = env.params.min_stake;
        let workers = (0..n).map(|_| env.register_worker(stake, modality::ALL, &[Self::MODEL])).collect();
        let client = env.keypair(10 * LAMPORTS_PER_SOL);
        Self { env, model: Self::MODEL.to_string(), model_payout, model_developer, workers, client }
    }

    /// Submit `spec`, let the first `answers.len()` workers join and commit; `None` answers join without
    /// committing. Returns the request address.
    pub fn submit_join_commit(&mut self, spec: &RequestSpec, answers: &[Option<Answer>]) -> Address {
        let request = self.env.submit(&self.client.insecure_clone(), spec);
        let wanted: Vec<Address> = self.workers.iter().take(answers.len()).map(|w| w.pubkey()).collect();
        self.env.expect_seats(&request, &wanted);
        for (worker, answer) in self.workers.iter().zip(answers) {
            let worker = worker.insecure_clone();
            self.env.join(&worker, &request).expect("join");
            if let Some(a) = answer {
                self.env.commit(&worker, &request, a).expect("commit");
            }
        }
        request
    }

    /// Move the clock past the commit deadline of `request` (into the reveal window).
    pub fn to_reveal_phase(&mut self, request: &Address) {
        let r = self.env.decode("Request", request).unwrap();
        let t = r["commit_deadline"].as_i64().unwrap();
        if self.env.now() < t {
            self.env.set_time(t);
        }
    }

    /// Move the clock to the deadline of `request`.
    pub fn to_deadline(&mut self, request: &Address) {
        let r = self.env.decode("Request", request).unwrap();
        self.env.set_time(r["deadline"].as_i64().unwrap());
    }

    /// Every account whose lamports a request can move.
    pub fn accounts(&self, request: &Address) -> Vec<Address> {
        let mut all =
            vec![*request, self.client.pubkey(), self.model_payout, self.env.model_pda(&model_id(&self.model))];
        for w in &self.workers {
            all.push(w.pubkey());
            all.push(self.env.worker_pda(&w.pubkey()));
        }
        all
    }
}

impl Network {
    /// Copies of the worker keypairs (Keypair is not Clone).
    pub fn worker_keys(&self) -> Vec<Keypair> {
        self.workers.iter().map(|w| w.insecure_clone()).collect()
    }
}
