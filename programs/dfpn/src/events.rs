//! Events, emitted the way Anchor's `emit!` does: one `sol_log_data` entry holding
//! `sha256("event:<Name>")[..8] ‖ borsh(fields)`, so clients follow the network from logs.
use crate::{discriminator::anchor, wire::Writer};

/// Log one event (the writer already starts with the event discriminator).
#[inline(always)]
fn emit<const N: usize>(w: &Writer<N>) {
    solana_program_log::log_data(&[w.as_slice()]);
}

#[inline(always)]
fn start<const N: usize>(discriminator: [u8; 8]) -> Writer<N> {
    let mut w = Writer::new();
    w.put(&discriminator);
    w
}

pub const CONFIG_INITIALIZED: [u8; 8] = anchor("event:ConfigInitialized");
pub const CONFIG_UPDATED: [u8; 8] = anchor("event:ConfigUpdated");
pub const PAUSE_SET: [u8; 8] = anchor("event:PauseSet");
pub const TREASURY_WITHDRAWN: [u8; 8] = anchor("event:TreasuryWithdrawn");
pub const MODEL_REGISTERED: [u8; 8] = anchor("event:ModelRegistered");
pub const MODEL_UPDATED: [u8; 8] = anchor("event:ModelUpdated");
pub const MODEL_DEACTIVATED: [u8; 8] = anchor("event:ModelDeactivated");
pub const MODEL_FEES_CLAIMED: [u8; 8] = anchor("event:ModelFeesClaimed");
pub const WORKER_REGISTERED: [u8; 8] = anchor("event:WorkerRegistered");
pub const STAKE_ADDED: [u8; 8] = anchor("event:StakeAdded");
pub const WORKER_UPDATED: [u8; 8] = anchor("event:WorkerUpdated");
pub const UNSTAKE_REQUESTED: [u8; 8] = anchor("event:UnstakeRequested");
pub const STAKE_WITHDRAWN: [u8; 8] = anchor("event:StakeWithdrawn");
pub const WORKER_REWARDS_CLAIMED: [u8; 8] = anchor("event:WorkerRewardsClaimed");
pub const REQUEST_SUBMITTED: [u8; 8] = anchor("event:RequestSubmitted");
pub const WORKER_JOINED: [u8; 8] = anchor("event:WorkerJoined");
pub const RESULT_COMMITTED: [u8; 8] = anchor("event:ResultCommitted");
pub const RESULT_REVEALED: [u8; 8] = anchor("event:ResultRevealed");
pub const REQUEST_FINALIZED: [u8; 8] = anchor("event:RequestFinalized");
pub const WORKER_PAID: [u8; 8] = anchor("event:WorkerPaid");
pub const WORKER_SLASHED: [u8; 8] = anchor("event:WorkerSlashed");
pub const REQUEST_EXPIRED: [u8; 8] = anchor("event:RequestExpired");
pub const REQUEST_CLOSED: [u8; 8] = anchor("event:RequestClosed");
pub const AUTHORITY_PROPOSED: [u8; 8] = anchor("event:AuthorityProposed");
pub const AUTHORITY_TRANSFERRED: [u8; 8] = anchor("event:AuthorityTransferred");
pub const INSURANCE_WITHDRAWN: [u8; 8] = anchor("event:InsuranceWithdrawn");
pub const MODEL_TRANSFER_PROPOSED: [u8; 8] = anchor("event:ModelTransferProposed");
pub const MODEL_TRANSFERRED: [u8; 8] = anchor("event:ModelTransferred");
pub const WORKER_LEFT: [u8; 8] = anchor("event:WorkerLeft");
pub const CHALLENGER_REGISTERED: [u8; 8] = anchor("event:ChallengerRegistered");
pub const CHALLENGER_REMOVED: [u8; 8] = anchor("event:ChallengerRemoved");
pub const CHALLENGE_REVEALED: [u8; 8] = anchor("event:ChallengeRevealed");
pub const SEAT_DRAWN: [u8; 8] = anchor("event:SeatDrawn");
pub const DRAW_REARMED: [u8; 8] = anchor("event:DrawRearmed");

/// Event with one address field.
#[inline(always)]
pub fn address_event(discriminator: [u8; 8], address: &[u8; 32]) {
    let mut w = start::<40>(discriminator);
    w.put(address);
    emit(&w);
}

/// Event with two address fields (a model and a developer).
#[inline(always)]
pub fn address_pair_event(discriminator: [u8; 8], first: &[u8; 32], second: &[u8; 32]) {
    let mut w = start::<72>(discriminator);
    w.put(first).put(second);
    emit(&w);
}

/// Event with an address and an amount (treasury withdrawn, stake withdrawn, rewards claimed).
#[inline(always)]
pub fn amount_event(discriminator: [u8; 8], address: &[u8; 32], amount: u64) {
    let mut w = start::<48>(discriminator);
    w.put(address).u64(amount);
    emit(&w);
}

#[inline(always)]
pub fn challenge_revealed(request: &[u8; 32], label: u8) {
    let mut w = start::<41>(CHALLENGE_REVEALED);
    w.put(request).u8(label);
    emit(&w);
}

#[inline(always)]
pub fn pause_set(paused: bool) {
    let mut w = start::<9>(PAUSE_SET);
    w.u8(paused as u8);
    emit(&w);
}

#[inline(always)]
pub fn model_registered(
    model: &[u8; 32],
    model_id: &[u8; 32],
    developer: &[u8; 32],
    payout: &[u8; 32],
    modalities: u8,
) {
    let mut w = start::<137>(MODEL_REGISTERED);
    w.put(model).put(model_id).put(developer).put(payout).u8(modalities);
    emit(&w);
}

#[inline(always)]
pub fn model_updated(model: &[u8; 32], payout: &[u8; 32], modalities: u8) {
    let mut w = start::<73>(MODEL_UPDATED);
    w.put(model).put(payout).u8(modalities);
    emit(&w);
}

#[inline(always)]
pub fn model_fees_claimed(model: &[u8; 32], payout: &[u8; 32], amount: u64) {
    let mut w = start::<80>(MODEL_FEES_CLAIMED);
    w.put(model).put(payout).u64(amount);
    emit(&w);
}

#[inline(always)]
pub fn worker_registered(worker: &[u8; 32], authority: &[u8; 32], stake: u64, modalities: u8) {
    let mut w = start::<81>(WORKER_REGISTERED);
    w.put(worker).put(authority).u64(stake).u8(modalities);
    emit(&w);
}

#[inline(always)]
pub fn stake_added(worker: &[u8; 32], amount: u64, stake: u64) {
    let mut w = start::<56>(STAKE_ADDED);
    w.put(worker).u64(amount).u64(stake);
    emit(&w);
}

#[inline(always)]
pub fn worker_updated(worker: &[u8; 32], modalities: u8, model_count: u8) {
    let mut w = start::<42>(WORKER_UPDATED);
    w.put(worker).u8(modalities).u8(model_count);
    emit(&w);
}

#[inline(always)]
pub fn unstake_requested(worker: &[u8; 32], amount: u64, available_at: i64) {
    let mut w = start::<56>(UNSTAKE_REQUESTED);
    w.put(worker).u64(amount).i64(available_at);
    emit(&w);
}

pub struct Submitted<'a> {
    pub request: &'a [u8; 32],
    pub client: &'a [u8; 32],
    pub nonce: u64,
    pub content_hash: &'a [u8; 32],
    pub storage_uri: &'a [u8],
    pub modalities: u8,
    pub min_workers: u8,
    pub max_workers: u8,
    pub fee: u64,
    pub escrow: u64,
    pub commit_deadline: i64,
    pub deadline: i64,
}

#[inline(always)]
pub fn request_submitted(e: &Submitted) {
    let mut w = start::<{ 8 + 96 + 8 + 4 + 200 + 3 + 32 }>(REQUEST_SUBMITTED);
    w.put(e.request).put(e.client).u64(e.nonce).put(e.content_hash).string(e.storage_uri);
    w.u8(e.modalities).u8(e.min_workers).u8(e.max_workers).u64(e.fee).u64(e.escrow);
    w.i64(e.commit_deadline).i64(e.deadline);
    emit(&w);
}

#[inline(always)]
pub fn worker_joined(request: &[u8; 32], worker: &[u8; 32], seat: u8) {
    let mut w = start::<73>(WORKER_JOINED);
    w.put(request).put(worker).u8(seat);
    emit(&w);
}

#[inline(always)]
pub fn worker_left(request: &[u8; 32], worker: &[u8; 32]) {
    let mut w = start::<72>(WORKER_LEFT);
    w.put(request).put(worker);
    emit(&w);
}

#[inline(always)]
pub fn result_committed(request: &[u8; 32], worker: &[u8; 32], commitment: &[u8; 32]) {
    let mut w = start::<104>(RESULT_COMMITTED);
    w.put(request).put(worker).put(commitment);
    emit(&w);
}

pub struct Revealed<'a> {
    pub request: &'a [u8; 32],
    pub worker: &'a [u8; 32],
    pub verdict: u8,
    pub confidence: u8,
    pub model: &'a [u8; 32],
    pub report_hash: &'a [u8; 32],
    pub report_uri: &'a [u8],
}

#[inline(always)]
pub fn result_revealed(e: &Revealed) {
    let mut w = start::<{ 8 + 64 + 2 + 64 + 4 + 128 }>(RESULT_REVEALED);
    w.put(e.request).put(e.worker).u8(e.verdict).u8(e.confidence).put(e.model).put(e.report_hash);
    w.string(e.report_uri);
    emit(&w);
}

pub struct Finalized<'a> {
    pub request: &'a [u8; 32],
    pub verdict: u8,
    pub confidence: u8,
    pub consensus: u8,
    pub commits: u8,
    pub reveals: u8,
    pub fee_charged: u64,
    pub refund: u64,
}

#[inline(always)]
pub fn request_finalized(e: &Finalized) {
    let mut w = start::<61>(REQUEST_FINALIZED);
    w.put(e.request).u8(e.verdict).u8(e.confidence).u8(e.consensus).u8(e.commits).u8(e.reveals);
    w.u64(e.fee_charged).u64(e.refund);
    emit(&w);
}

#[inline(always)]
pub fn worker_paid(request: &[u8; 32], worker: &[u8; 32], amount: u64, model: &[u8; 32], model_amount: u64) {
    let mut w = start::<{ 8 + 64 + 8 + 32 + 8 }>(WORKER_PAID);
    w.put(request).put(worker).u64(amount).put(model).u64(model_amount);
    emit(&w);
}

#[inline(always)]
pub fn worker_slashed(request: &[u8; 32], worker: &[u8; 32], amount: u64, reputation: u16) {
    let mut w = start::<82>(WORKER_SLASHED);
    w.put(request).put(worker).u64(amount).u16(reputation);
    emit(&w);
}

/// `SeatDrawn`: `worker` (an operator key) was drawn for seat `seat` of `request`. The draw transaction also
/// names the worker's PDA, so a worker finds its seats with a log subscription that mentions its PDA.
#[inline(always)]
pub fn seat_drawn(request: &[u8; 32], worker: &[u8; 32], seat: u8) {
    let mut w = start::<73>(SEAT_DRAWN);
    w.put(request).put(worker).u8(seat);
    emit(&w);
}
