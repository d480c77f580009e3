/**
 * Program-derived addresses of the DFPN program (seeds as in docs/protocol.md and the IDL), model ids, and the
 * program's ProgramData account (under the BPF upgradeable loader).
 * @module
 */
import {
  getAddressEncoder,
  getProgramDerivedAddress,
  getU64Encoder,
  type Address,
  type ProgramDerivedAddress,
  type ReadonlyUint8Array,
} from '@solana/kit';
import { PROGRAM_ID } from './constants.js';
import {
  MODEL_ID_LEN,
  SEEDS_CHALLENGER,
  SEEDS_CONFIG,
  SEEDS_INSURANCE,
  SEEDS_MODEL,
  SEEDS_REQUEST,
  SEEDS_TREASURY,
  SEEDS_WORKER,
} from './generated/constants.js';
import { BPF_LOADER_UPGRADEABLE_ADDRESS } from './generated/programData.js';

/** Length of a stored model id (generated from the IDL). */
export { MODEL_ID_LEN };
const enc = new TextEncoder();
const SEEDS = {
  config: SEEDS_CONFIG,
  treasury: SEEDS_TREASURY,
  insurance: SEEDS_INSURANCE,
  model: SEEDS_MODEL,
  worker: SEEDS_WORKER,
  request: SEEDS_REQUEST,
  challenger: SEEDS_CHALLENGER,
};

/** A model id as the program stores it: 1–32 printable ASCII bytes (no spaces), zero-padded to 32. */
export function encodeModelId(modelId: string | ReadonlyUint8Array): Uint8Array {
  const raw = typeof modelId === 'string' ? enc.encode(modelId) : Uint8Array.from(modelId);
  let end = raw.length;
  while (end > 0 && raw[end - 1] === 0) end--;
  const trimmed = raw.subarray(0, end);
  if (raw.length > MODEL_ID_LEN || trimmed.length === 0 || !trimmed.every((b) => b > 0x20 && b < 0x7f)) {
    throw new RangeError(`model id ${JSON.stringify(String(modelId))}: 1-${MODEL_ID_LEN} printable ASCII characters, no spaces`);
  }
  const out = new Uint8Array(MODEL_ID_LEN);
  out.set(trimmed);
  return out;
}

/** The text of a stored (zero-padded) model id. */
export function decodeModelId(raw: ReadonlyUint8Array): string {
  let end = raw.length;
  while (end > 0 && raw[end - 1] === 0) end--;
  return new TextDecoder('ascii').decode(raw.slice(0, end));
}

/** `find_program_address`: the PDA and its canonical bump. */
export async function findPda(
  seeds: ReadonlyArray<ReadonlyUint8Array>,
  programId: Address = PROGRAM_ID,
): Promise<ProgramDerivedAddress> {
  return getProgramDerivedAddress({ programAddress: programId, seeds: [...seeds] });
}

/** `["config"]` */
export async function configAddress(programId: Address = PROGRAM_ID): Promise<Address> {
  return (await findPda([SEEDS.config], programId))[0];
}
/** `["treasury"]` */
export async function treasuryAddress(programId: Address = PROGRAM_ID): Promise<Address> {
  return (await findPda([SEEDS.treasury], programId))[0];
}
/** `["insurance"]` */
export async function insuranceAddress(programId: Address = PROGRAM_ID): Promise<Address> {
  return (await findPda([SEEDS.insurance], programId))[0];
}
/**
 * `["model", developer, model_id (32, zero-padded)]`: model ids are scoped by the developer that registered them
 * (the model's `registrant`). A model's address never changes, not even when its control moves to another developer
 * (`propose_model_transfer` / `accept_model_transfer`); workers declare and commit with this address.
 */
export async function modelAddress(
  developer: Address,
  modelId: string | ReadonlyUint8Array,
  programId: Address = PROGRAM_ID,
): Promise<Address> {
  return (await modelAddressAndBump(developer, modelId, programId))[0];
}
/** {@link modelAddress} with its canonical bump. */
export async function modelAddressAndBump(
  developer: Address,
  modelId: string | ReadonlyUint8Array,
  programId: Address = PROGRAM_ID,
): Promise<ProgramDerivedAddress> {
  return findPda([SEEDS.model, getAddressEncoder().encode(developer), encodeModelId(modelId)], programId);
}
/**
 * The program's ProgramData account: the PDA of `[program id]` under the BPF upgradeable loader. Its header names the
 * upgrade authority, the only key `initialize_config` accepts as the configuration's first authority.
 */
export async function programDataAddress(programId: Address = PROGRAM_ID): Promise<Address> {
  return (await findPda([getAddressEncoder().encode(programId)], BPF_LOADER_UPGRADEABLE_ADDRESS))[0];
}
/** `["worker", authority]` */
export async function workerAddress(authority: Address, programId: Address = PROGRAM_ID): Promise<Address> {
  return (await findPda([SEEDS.worker, getAddressEncoder().encode(authority)], programId))[0];
}
/**
 * `["challenger", authority]`: the account `register_challenger` creates for a key governance lets reveal
 * known-answer challenges (`reveal_challenge` reads it for the signing client).
 */
export async function challengerAddress(authority: Address, programId: Address = PROGRAM_ID): Promise<Address> {
  return (await findPda([SEEDS.challenger, getAddressEncoder().encode(authority)], programId))[0];
}
/** `["request", client, nonce (u64 LE)]` with its canonical bump (`submit_request`'s last argument). */
export async function requestAddressAndBump(
  client: Address,
  nonce: bigint,
  programId: Address = PROGRAM_ID,
): Promise<ProgramDerivedAddress> {
  return findPda([SEEDS.request, getAddressEncoder().encode(client), getU64Encoder().encode(nonce)], programId);
}
/**
 * The highest bump. `submit_request` checks that no bump above the given one is valid (about 1,500 CU each), so a
 * request whose canonical bump is this one costs no extra compute; about half of all nonces have it.
 */
export const TOP_BUMP = 255;
/** Request nonces the SDK picks are random 63-bit numbers (as the Python SDK's). */
export const NONCE_BITS = 63;

function randomNonce(): bigint {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return new DataView(b.buffer).getBigUint64(0, true) >> BigInt(64 - NONCE_BITS);
}

/**
 * A random request nonce of `client` whose request PDA has the canonical bump {@link TOP_BUMP}: random nonces are
 * tried until one does (each has about even odds, so `attempts` failures in a row do not happen in practice).
 */
export async function randomRequestNonce(client: Address, programId: Address = PROGRAM_ID, attempts = 128): Promise<bigint> {
  for (let i = 0; i < attempts; i++) {
    const nonce = randomNonce();
    if ((await requestAddressAndBump(client, nonce, programId))[1] === TOP_BUMP) return nonce;
  }
  throw new Error(`no request nonce with bump ${TOP_BUMP} in ${attempts} random tries`);
}
/** The request PDA of `client` and `nonce`. */
export async function requestAddress(client: Address, nonce: bigint, programId: Address = PROGRAM_ID): Promise<Address> {
  return (await requestAddressAndBump(client, nonce, programId))[0];
}
