/**
 * Seat draws (`draw_seats`): the seed, the candidates and the worker pool, restated from the program
 * (`programs/dfpn/src/instructions/draw_seats/draw.rs`) so a client can name the accounts the program will check.
 *
 * A request's seats are drawn, not taken: `submit_request` records the pool size (`poolCount`, workers registered
 * so far) and a draw slot (the submission slot + 1). The first `draw_seats` fixes the seed
 * `sha256(DRAW_DOMAIN ‖ request ‖ hash of the first slot at or after the draw slot)`, read from the SlotHashes
 * sysvar. Candidate `k` (from the request's `drawCursor` on) is `h = sha256(seed ‖ k as u32 LE)`: the worker whose
 * `poolIndex` is `u64_le(h[0..8]) % poolCount`, with the stake lottery number `u64_le(h[8..16]) % drawStakeCap`.
 * The transaction must pass, for each candidate tried, that worker's PDA (`DRAW_ACCOUNT_MISMATCH` otherwise); the
 * program seats the eligible ones (stake, modalities, free stake for the bond, not the client, not seated, eligible
 * before the draw slot, lottery below `min(stake, drawStakeCap)` scaled by its reputation's voting weight, at least
 * `DRAW_WEIGHT_FLOOR`: docs/protocol.md "Seat draws") and skips the others. A seat not committed half a
 * commit window after its own draw (`protocol.answerBy`), only drawn or accepted and silent, is replaced first
 * ({@link replacedSeats}).
 *
 * Nothing here talks to a network except {@link WorkerPool}, which maps pool indices to worker PDAs with one
 * `getProgramAccounts` (a `dataSize` filter and a 4-byte `dataSlice` of `poolIndex`), cached.
 * @module
 */
import { address as toAddress, getAddressEncoder, type Address, type ReadonlyUint8Array } from '@solana/kit';
import { ACCOUNT_SIZES } from './constants.js';
import { DFPNError, ErrorCode } from './errors.js';
import { DRAW_DOMAIN, SEAT_STATE_DRAWN, SEAT_STATE_JOINED } from './generated/constants.js';
import { getWorkerEncoder, WORKER_DISCRIMINATOR, type Request, type WorkerArgs } from './generated/index.js';
import { sha256 } from './hash.js';
import { answerBy } from './protocol.js';
import type { Transport } from './transport.js';

/** The SlotHashes sysvar: `draw_seats`' third account, the source of a draw's seed. */
export const SLOT_HASHES_SYSVAR = toAddress('SysvarS1otHashes111111111111111111111111111');
/** Most entries the SlotHashes sysvar holds (the newest slots, about 3.4 minutes of a cluster). */
export const SLOT_HASHES_MAX_ENTRIES = 512;
/** Candidates a draw transaction tries by default. */
export const DEFAULT_DRAW_BATCH = 16;
/**
 * Most worker accounts (replaced seats plus candidates) one legacy `draw_seats` transaction carries: 1,232 bytes
 * hold a fee payer, the program, the 4 fixed accounts, 8 bytes of data and 27 more distinct 32-byte keys.
 */
export const MAX_DRAW_WORKER_ACCOUNTS = 27;

/** Byte offset of `poolIndex` (u32 LE) in a Worker account, from the generated codec. */
export const WORKER_POOL_INDEX_OFFSET: number = (() => {
  const zero = '11111111111111111111111111111111' as Address;
  const base: WorkerArgs = {
    authority: zero,
    stake: 0n,
    unbondingAmount: 0n,
    unbondingEndsAt: 0n,
    rewards: 0n,
    reputation: 0,
    activeSeats: 0,
    modalities: 0,
    modelCount: 0,
    bump: 0,
    reserved0: 0,
    models: [zero, zero, zero, zero],
    jobsDone: 0n,
    jobsAgreed: 0n,
    slashedTotal: 0n,
    registeredAt: 0n,
    bonded: 0n,
    poolIndex: 0,
    eligibleSinceSlot: 0n,
    reserved: new Uint8Array(12),
  };
  const a = getWorkerEncoder().encode(base);
  const b = getWorkerEncoder().encode({ ...base, poolIndex: 1 });
  return a.findIndex((byte, i) => byte !== b[i]);
})();

function u64le(bytes: ReadonlyUint8Array, at: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, true);
}

function u32le(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

/** A request's draw seed: `sha256(DRAW_DOMAIN ‖ request ‖ slotHash)`. */
export function drawSeed(request: Address, slotHash: ReadonlyUint8Array): Uint8Array {
  if (slotHash.length !== 32) throw new RangeError('a slot hash is 32 bytes');
  return sha256(DRAW_DOMAIN, getAddressEncoder().encode(request), slotHash);
}

/** Candidate `k` of a draw: the pool index it names and its stake lottery number. */
export interface DrawCandidate {
  /** The candidate's number (`drawCursor` when it is the next one tried). */
  k: number;
  /** The `poolIndex` of the worker whose PDA the transaction must pass. */
  poolIndex: number;
  /** Lamports: the candidate is seated only if this is below `min(stake, drawStakeCap)` (and it is eligible). */
  lottery: bigint;
}

/**
 * Candidate `k` (u32) of the draw with `seed`: `h = sha256(seed ‖ k as u32 LE)`, pool index
 * `u64_le(h[0..8]) % max(poolCount, 1)`, lottery `u64_le(h[8..16]) % max(stakeCap, 1)`, as the program computes
 * them.
 */
export function drawCandidate(seed: ReadonlyUint8Array, k: number, poolCount: number, stakeCap: bigint): DrawCandidate {
  if (!Number.isInteger(k) || k < 0 || k > 0xffff_ffff) throw new RangeError(`candidate number ${k} is not a u32`);
  const h = sha256(seed, u32le(k));
  const count = BigInt(Math.max(poolCount, 1));
  const cap = stakeCap > 0n ? stakeCap : 1n;
  return { k, poolIndex: Number(u64le(h, 0) % count), lottery: u64le(h, 8) % cap };
}

/** Candidates `from`, `from + 1`, … (`count` of them) of the draw with `seed`. */
export function drawCandidates(
  seed: ReadonlyUint8Array,
  from: number,
  count: number,
  poolCount: number,
  stakeCap: bigint,
): DrawCandidate[] {
  const out: DrawCandidate[] = [];
  for (let i = 0; i < count && from + i <= 0xffff_ffff; i++) out.push(drawCandidate(seed, from + i, poolCount, stakeCap));
  return out;
}

/** One entry of the SlotHashes sysvar. */
export interface SlotHashEntry {
  slot: bigint;
  hash: Uint8Array;
}

/** The SlotHashes sysvar's entries (newest first, as stored: u64 count, then (u64 slot, 32-byte hash) each). */
export function parseSlotHashes(data: ReadonlyUint8Array): SlotHashEntry[] {
  if (data.length < 8) throw new RangeError('SlotHashes data is shorter than its entry count');
  const count = Number(u64le(data, 0));
  if (count > SLOT_HASHES_MAX_ENTRIES || data.length < 8 + 40 * count) throw new RangeError('SlotHashes data is truncated');
  const out: SlotHashEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + 40 * i;
    out.push({ slot: u64le(data, at), hash: Uint8Array.from(data.subarray(at + 8, at + 40)) });
  }
  return out;
}

/** The SlotHashes sysvar's account data for `entries` (sorted newest first, at most 512), padded to its full size. */
export function encodeSlotHashes(entries: readonly SlotHashEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.slot < b.slot ? 1 : a.slot > b.slot ? -1 : 0)).slice(0, SLOT_HASHES_MAX_ENTRIES);
  const data = new Uint8Array(8 + 40 * SLOT_HASHES_MAX_ENTRIES);
  const view = new DataView(data.buffer);
  view.setBigUint64(0, BigInt(sorted.length), true);
  sorted.forEach((e, i) => {
    view.setBigUint64(8 + 40 * i, e.slot, true);
    data.set(e.hash.subarray(0, 32), 16 + 40 * i);
  });
  return data;
}

/** Where a draw slot stands in the SlotHashes window. */
export type SlotHashLookup =
  /** The hash of the first slot produced at or after the draw slot. */
  | { kind: 'ready'; slot: bigint; hash: Uint8Array }
  /** No slot at or after the draw slot has a hash yet (`DRAW_TOO_EARLY`: try a slot later). */
  | { kind: 'too-early' }
  /** The window no longer reaches back to the draw slot: the next `draw_seats` re-arms it (`DrawRearmed`). */
  | { kind: 'expired' };

/**
 * The program's lookup: oldest first, the first entry at or after `drawSlot` is the one, unless it is the oldest
 * entry and later than `drawSlot` (an earlier produced slot may have rolled out of the window).
 */
export function lookupSlotHash(entries: readonly SlotHashEntry[], drawSlot: bigint): SlotHashLookup {
  for (let position = 0; position < entries.length; position++) {
    const e = entries[entries.length - 1 - position]!;
    if (e.slot >= drawSlot) {
      return position === 0 && e.slot > drawSlot ? { kind: 'expired' } : { kind: 'ready', slot: e.slot, hash: e.hash };
    }
  }
  return { kind: 'too-early' };
}

/** Whether the request's seed is fixed (the first draw sets it; all zero before). */
export function isSeeded(r: Pick<Request, 'drawSeed'>): boolean {
  return r.drawSeed.some((b) => b !== 0);
}

/**
 * The operators of the seats a `draw_seats` sent at `now` replaces, in seat order: every seat that has not committed
 * by its own answer time, half a commit window after its draw (`protocol.answerBy`:
 * `drawnAt + ⌊(commitDeadline − createdAt) / 2⌋`) — still only drawn (`SEAT_STATE_DRAWN`), or accepted with
 * `join_request` and silent since (`SEAT_STATE_JOINED`: a squatter holding a seat without answering). Each seat has
 * its own window, so a seat drawn late (a redraw after a seat was given back or replaced) is not replaced with the
 * older ones, and a seat drawn in the second half of the commit window never is. A seat that committed (or revealed)
 * stays. Their worker PDAs go first among the remaining accounts, writable; they forfeit their bond (an accepted
 * seat's bond is released first: the worker's `bonded` and `activeSeats` fall with it).
 */
export function replacedSeats(
  r: Pick<Request, 'createdAt' | 'commitDeadline' | 'joined' | 'seats'>,
  now: bigint,
): Address[] {
  return r.seats
    .slice(0, r.joined)
    .filter((s) => (s.state === SEAT_STATE_DRAWN || s.state === SEAT_STATE_JOINED) && now >= answerBy(r, s))
    .map((s) => s.authority);
}

/**
 * Pool index → worker PDA, for building draws. One `getProgramAccounts` over Worker accounts (a `dataSize` filter
 * and a `dataSlice` of the 4-byte `poolIndex`: 4 bytes per worker on the wire), cached; fetched again only when an
 * index is missing (a worker registered since). Pool indices never change: `register_worker` gives the next one and
 * worker accounts are never closed.
 */
export class WorkerPool {
  private readonly byIndex = new Map<number, Address>();
  private loads = 0;

  constructor(private readonly transport: Transport) {}

  /** How many `getProgramAccounts` calls this pool made (for tests and logs). */
  get fetches(): number {
    return this.loads;
  }

  /** Workers known so far. */
  get size(): number {
    return this.byIndex.size;
  }

  /** Fetch every worker's pool index. */
  async refresh(): Promise<void> {
    this.loads++;
    const accounts = await this.transport.programAccounts(WORKER_DISCRIMINATOR, {
      dataSize: ACCOUNT_SIZES.worker,
      dataSlice: { offset: WORKER_POOL_INDEX_OFFSET, length: 4 },
    });
    for (const a of accounts) {
      if (a.data.length < 4) continue;
      const index = new DataView(a.data.buffer, a.data.byteOffset, 4).getUint32(0, true);
      this.byIndex.set(index, a.address);
    }
  }

  /** The worker PDAs at `indices` (`DRAW_ACCOUNT_MISMATCH` when the network has no worker at one of them). */
  async addresses(indices: readonly number[]): Promise<Address[]> {
    if (indices.some((i) => !this.byIndex.has(i))) await this.refresh();
    return indices.map((i) => {
      const found = this.byIndex.get(i);
      if (found === undefined) {
        throw new DFPNError(
          ErrorCode.DRAW_ACCOUNT_MISMATCH,
          `no worker account with pool index ${i} on ${this.transport.name} (getProgramAccounts found ${this.byIndex.size}).`,
        );
      }
      return found;
    });
  }
}
