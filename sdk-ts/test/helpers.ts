/** Shared test helpers: repository paths, the IDL and the shared vectors, fixtures on the local network. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Address } from '@solana/kit';
import { DFPNClient, getRequestDecoder, type Request } from '../src/index.js';
import { LiteSvmTransport } from '../src/local.js';
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

/** The real dfpn.so in LiteSVM with the reference configuration, and a client on it with a funded wallet. */
export async function localSetup(): Promise<{ net: LiteSvmTransport; client: DFPNClient; dir: string; media: string }> {
  const net = await LiteSvmTransport.create({ programPath: PROGRAM_SO });
  const client = await DFPNClient.create({ network: net });
  const dir = tempDir();
  return { net, client, dir, media: mediaFile(dir) };
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
