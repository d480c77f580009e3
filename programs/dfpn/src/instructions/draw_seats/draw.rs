//! The draw itself, shared with host-side clients (tests and simulations call these functions; the SDKs
//! generate the same hashes from the IDL's `DRAW_DOMAIN`).
use crate::{
    aggregation,
    constants::{DRAW_DOMAIN, DRAW_FULL_ODDS_WEIGHT, DRAW_WEIGHT_FLOOR, REPUTATION_MAX},
};

/// Seed of a request's draw: `sha256(DRAW_DOMAIN ‖ request ‖ slot hash)`.
#[inline(always)]
pub fn seed(request: &[u8; 32], slot_hash: &[u8; 32]) -> [u8; 32] {
    solana_sha256_hasher::hashv(&[DRAW_DOMAIN, request, slot_hash]).to_bytes()
}

/// Candidate `k` of a draw: the pool index it names and its stake lottery number, below `stake_cap`.
#[inline(always)]
pub fn candidate(seed: &[u8; 32], k: u32, pool_count: u32, stake_cap: u64) -> (u32, u64) {
    let h = solana_sha256_hasher::hashv(&[seed, &k.to_le_bytes()]).to_bytes();
    let mut first = [0u8; 8];
    let mut second = [0u8; 8];
    first.copy_from_slice(&h[..8]);
    second.copy_from_slice(&h[8..16]);
    // u64 modulo a count below 2^32 or a stake cap: the bias is below 2^-32 (or cap / 2^64).
    let index = (u64::from_le_bytes(first) % pool_count.max(1) as u64) as u32;
    (index, u64::from_le_bytes(second) % stake_cap.max(1))
}

/// A candidate's winning range of the lottery: its stake up to the cap, scaled by its voting weight (uncapped)
/// relative to a newcomer's: `⌊min(stake, cap) × share / 10 000⌋` with `share = clamp(weight × 10 000 /
/// DRAW_FULL_ODDS_WEIGHT, DRAW_WEIGHT_FLOOR, 10 000)`. Newcomers and better win their whole stake lottery (a draw
/// costs what it did by stake alone); a worker no better than a coin flip on known answers wins a tenth of it,
/// still often enough to meet the challenges that would let it climb back.
#[inline(always)]
pub fn odds(stake: u64, stake_cap: u64, reputation: u16) -> u64 {
    let weight = aggregation::weight(reputation, REPUTATION_MAX);
    let share = (weight * REPUTATION_MAX as u64 / DRAW_FULL_ODDS_WEIGHT as u64)
        .clamp(DRAW_WEIGHT_FLOOR as u64, REPUTATION_MAX as u64);
    // share ≤ 10 000 bps, so `mul_bps` is exact and never overflows (nor returns None).
    aggregation::mul_bps(stake.min(stake_cap), share).unwrap_or(0)
}

/// Where a draw slot stands in the `SlotHashes` window (newest first, as the sysvar stores it).
pub enum SlotHashLookup {
    /// The first slot produced at or after the draw slot, with its hash.
    Ready([u8; 32]),
    /// No slot at or after the draw slot has a hash yet.
    TooEarly,
    /// The window no longer reaches back to the draw slot: which slot came first after it is unknowable.
    Expired,
}

/// Find the hash of the first slot at or after `draw_slot` in `(slot, hash)` entries sorted newest first.
#[inline(always)]
pub fn lookup<'a>(entries: impl DoubleEndedIterator<Item = (u64, &'a [u8; 32])>, draw_slot: u64) -> SlotHashLookup {
    let mut found = SlotHashLookup::TooEarly;
    // Oldest first: the first entry at or after the draw slot is the answer, unless the oldest entry is
    // already past it (then an earlier produced slot may have rolled out of the window).
    for (position, (slot, hash)) in entries.rev().enumerate() {
        if slot >= draw_slot {
            if position == 0 && slot > draw_slot {
                found = SlotHashLookup::Expired;
            } else {
                found = SlotHashLookup::Ready(*hash);
            }
            break;
        }
    }
    found
}
