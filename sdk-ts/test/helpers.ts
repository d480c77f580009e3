/** Shared test helpers: repository paths, the IDL and the shared vectors, fixtures on the local network. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { getAddressEncoder, type Address } from '@solana/kit';
import {
  ACCOUNT_SIZES,
  configAddress,
  DFPNClient,
  getConfigDecoder,
  getRequestDecoder,
  getWorkerDecoder,
  WORKER_DISCRIMINATOR,
  type ConfigParams,
  type DrawSeatsResult,
  type Request,
  type SubmitRequestParams,
  type SubmittedRequest,
  type Worker,
} from '../src/index.js';
import { DRAW_FULL_ODDS_WEIGHT, DRAW_WEIGHT_FLOOR, REPUTATION_MAX } from '../src/generated/constants.js';
import { LiteSvmTransport } from '../src/local.js';
import * as protocol from '../src/protocol.js';
import { registerTestModel, TestWorker } from '../src/testing.js';

export const SDK_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(SDK_DIR, '..');
export const IDL_PATH = join(REPO, 'idl', 'dfpn.json');
/** Shared with the Rust tests (programs/dfpn-tests/tests/vectors.rs) and the Python SDK (sdk-python/tests). */
export const VECTORS_PATH = join(REPO, 'tests', 'vectors.json');
export const PROGRAM_SO = process.env['DFPN_PROGRAM_SO'] ?? join(REPO, 'target', 'deploy', 'dfpn.so');

/** JSON with every integer of 16+ digits kept exact as a bigint (nonce 2^64-1 in the vectors). */
export function parseJsonExact(text: string): any {
  const marked = text.replace(/(?<=[:\[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '"#bigint:$1"');
  return JSON.parse(marked, (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith('#bigint:') ? BigInt(v.slice(8)) : v,
  );
}

export function loadIdl(): any {
  return JSON.parse(readFileSync(IDL_PATH, 'utf8'));
}

export function loadVectors(): any {
  return parseJsonExact(readFileSync(VECTORS_PATH, 'utf8'));
}

const made: string[] = [];

/** Remove the folders `tempDir` made (test/setup.ts runs it after each test file). */
export function cleanupTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A temporary folder, removed after the test file. */
export function tempDir(prefix = 'dfpn-ts-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A media file whose name has a space (the file:// URI must be percent-encoded). */
export function mediaFile(dir = tempDir()): string {
  const path = join(dir, 'photo one.png');
  writeFileSync(path, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.from('not really an image'.repeat(10))]));
  return path;
}

/** The real dfpn.so in LiteSVM (the local network's `LOCAL_PARAMS` unless `params` is given: no `minWorkers` floor,
 * every drawn minimum-stake newcomer wins its lottery; a worker below a newcomer's reputation less), and a client on
 * it with a funded wallet. */
export async function localSetup(
  options: { params?: ConfigParams; slotHashes?: 'auto' | 'manual' } = {},
): Promise<{ net: LiteSvmTransport; client: DFPNClient; dir: string; media: string }> {
  const net = await LiteSvmTransport.create({
    programPath: PROGRAM_SO,
    ...(options.params ? { params: options.params } : {}),
    ...(options.slotHashes ? { slotHashes: options.slotHashes } : {}),
  });
  const client = await DFPNClient.create({ network: net });
  const dir = tempDir();
  return { net, client, dir, media: mediaFile(dir) };
}

/** Every worker account by pool index (full accounts: what the test's prediction of a draw reads). */
export function poolWorkers(net: LiteSvmTransport): Map<number, { pda: Address; worker: Worker }> {
  const out = new Map<number, { pda: Address; worker: Worker }>();
  for (const a of net.svm.getProgramAccounts(net.programId)) {
    if (a.data.length !== ACCOUNT_SIZES.worker || !WORKER_DISCRIMINATOR.every((b, i) => a.data[i] === b)) continue;
    const worker = getWorkerDecoder().decode(a.data);
    out.set(worker.poolIndex, { pda: a.address, worker });
  }
  return out;
}

/**
 * The program's draw, restated for tests from the full worker accounts (`drawable` in
 * programs/dfpn/src/instructions/draw_seats/processor.rs): from the request's cursor, the candidates (worker PDAs)
 * `count` candidate numbers name, and the operators they seat (at most the free seats). The candidate indices come
 * from an independent implementation (node:crypto) of `sha256(seed ‖ k as u32 LE)`. `pool`: {@link poolWorkers}, `params`: {@link configParams}.
 */
export function predictDraw(
  pool: Map<number, { pda: Address; worker: Worker }>,
  params: Pick<ConfigParams, 'minStake' | 'drawStakeCap'>,
  r: Request,
  seed: Uint8Array,
  count = 16,
  replaced: readonly Address[] = [],
): { candidates: Address[]; seated: Address[]; poolIndices: number[] } {
  const { minStake, drawStakeCap } = params;
  const seated = r.seats.slice(0, r.joined).map((s) => s.authority).filter((a) => !replaced.includes(a));
  const free = r.maxWorkers - seated.length;
  const out = { candidates: [] as Address[], seated: [] as Address[], poolIndices: [] as number[] };
  for (let k = r.drawCursor; k < r.drawCursor + count && out.seated.length < free; k++) {
    const h = createHash('sha256').update(seed).update(Buffer.from(new Uint32Array([k]).buffer)).digest();
    const index = Number(h.readBigUInt64LE(0) % BigInt(Math.max(r.poolCount, 1)));
    const lottery = h.readBigUInt64LE(8) % (drawStakeCap > 0n ? drawStakeCap : 1n);
    const entry = pool.get(index);
    if (!entry) throw new Error(`no worker at pool index ${index}`);
    out.candidates.push(entry.pda);
    out.poolIndices.push(index);
    const w = entry.worker;
    const odds = drawOdds(w.stake, drawStakeCap, w.reputation);
    const drawable =
      w.unbondingAmount === 0n &&
      w.stake >= minStake &&
      (w.modalities & r.modalities) === r.modalities &&
      w.eligibleSinceSlot < r.drawSlot &&
      w.authority !== r.client &&
      w.stake - w.bonded >= r.seatBond &&
      lottery < odds &&
      !seated.includes(w.authority) &&
      !out.seated.includes(w.authority);
    if (drawable) out.seated.push(w.authority);
  }
  return out;
}

/**
 * A candidate's winning range of the lottery (the program's `draw::odds`, restated for tests): its stake up to the
 * cap, scaled by its uncapped voting weight relative to `DRAW_FULL_ODDS_WEIGHT` (a newcomer's), between
 * `DRAW_WEIGHT_FLOOR` and all of it.
 */
export function drawOdds(stake: bigint, drawStakeCap: bigint, reputation: number): bigint {
  const capped = stake < drawStakeCap ? stake : drawStakeCap;
  const weight = protocol.weight(reputation, REPUTATION_MAX);
  const share = Math.min(Math.max(Math.floor((weight * REPUTATION_MAX) / DRAW_FULL_ODDS_WEIGHT), DRAW_WEIGHT_FLOOR), REPUTATION_MAX);
  return (capped * BigInt(share)) / BigInt(REPUTATION_MAX);
}

/** The configuration parameters on the network. */
export async function configParams(net: LiteSvmTransport): Promise<ConfigParams> {
  return getConfigDecoder().decode(net.account(await configAddress(net.programId))!.data).params;
}

/** The seed `draw_seats` will fix for `request` with `slotHash` (independently: node:crypto). */
export function expectedSeed(request: Address, slotHash: Uint8Array): Uint8Array {
  return createHash('sha256').update('dfpn-draw-v1').update(Uint8Array.from(getAddressEncoder().encode(request))).update(slotHash).digest();
}

/**
 * Draw `wanted` (operators) into `request`, standing in for a lucky slot: pick a hash for the request's draw slot
 * whose first batch of candidates seats them in the next seats, in the order given (and nobody else when they fill
 * every free seat), write it into the SlotHashes sysvar, and let the client draw. Throws when no hash of 20 000
 * tried works. The request must not be seeded yet.
 */
export async function drawWorkers(
  net: LiteSvmTransport,
  client: DFPNClient,
  request: Address,
  wanted: ReadonlyArray<Address | { address: Address }>,
): Promise<DrawSeatsResult> {
  const params = await configParams(net);
  const pool = poolWorkers(net);
  const want = wanted.map((w) => (typeof w === 'string' ? w : w.address));
  const r = requestAccount(net, request);
  if (!r.drawSeed.some((b) => b !== 0)) {
    const free = r.maxWorkers - r.joined;
    let found: Uint8Array | undefined;
    for (let i = 0; i < 20_000 && !found; i++) {
      const hash = createHash('sha256').update(request).update(String(i)).digest();
      const { seated } = predictDraw(pool, params, r, expectedSeed(request, hash), 16);
      // The wanted operators take the next seats in the order given (the tests' seat order), and nobody else does
      // when they fill every free seat.
      const ok = want.every((w, i) => seated[i] === w) && (want.length < free || seated.length === want.length);
      if (ok) found = hash;
    }
    if (!found) throw new Error(`no slot hash draws ${want.join(', ')} into ${request}`);
    net.setSlotHash(r.drawSlot, found);
  }
  const result = await client.drawSeats(request);
  const seated = requestAccount(net, request).seats.map((s) => s.authority);
  for (const w of want) if (!seated.includes(w)) throw new Error(`${w} was not drawn into ${request}`);
  return result;
}

/** Submit through the client without its automatic draw, then draw `wanted` into the first seats, in order
 * ({@link drawWorkers}). */
export async function submitDrawing(
  net: LiteSvmTransport,
  client: DFPNClient,
  params: SubmitRequestParams,
  wanted: ReadonlyArray<Address | { address: Address }>,
): Promise<SubmittedRequest> {
  const sub = await client.submitRequest({ ...params, draw: false });
  await drawWorkers(net, client, sub.id as Address, wanted);
  return sub;
}

/** A registered model and `n` staked workers that support every modality and declare it. */
export async function testWorkers(net: LiteSvmTransport, dir: string, n = 3): Promise<TestWorker[]> {
  const { model } = await registerTestModel(net);
  const workers: TestWorker[] = [];
  for (let i = 0; i < n; i++) workers.push(await TestWorker.register(net, dir, { model }));
  return workers;
}

export function requestAccount(net: LiteSvmTransport, address: Address): Request {
  const acc = net.account(address);
  if (!acc) throw new Error(`no account at ${address}`);
  return getRequestDecoder().decode(acc.data);
}

/** The DFPNError thrown by `fn` (fails the test when nothing or something else is thrown). */
export async function rejection(fn: () => Promise<unknown>): Promise<import('../src/index.js').DFPNError> {
  const { DFPNError } = await import('../src/index.js');
  try {
    await fn();
  } catch (e) {
    if (e instanceof DFPNError) return e;
    throw e;
  }
  throw new Error('expected a DFPNError, nothing was thrown');
}
