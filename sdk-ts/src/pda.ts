/**
 * Program-derived addresses of the DFPN program (seeds as in docs/protocol.md and the IDL) and model ids.
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
  SEEDS_CONFIG,
  SEEDS_INSURANCE,
  SEEDS_MODEL,
  SEEDS_REQUEST,
  SEEDS_TREASURY,
  SEEDS_WORKER,
} from './generated/constants.js';

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
/** `["model", model_id (32, zero-padded)]` */
export async function modelAddress(
  modelId: string | ReadonlyUint8Array,
  programId: Address = PROGRAM_ID,
): Promise<Address> {
  return (await findPda([SEEDS.model, encodeModelId(modelId)], programId))[0];
}
/** `["worker", authority]` */
export async function workerAddress(authority: Address, programId: Address = PROGRAM_ID): Promise<Address> {
  return (await findPda([SEEDS.worker, getAddressEncoder().encode(authority)], programId))[0];
}
/** `["request", client, nonce (u64 LE)]` with its canonical bump (`submit_request`'s last argument). */
export async function requestAddressAndBump(
  client: Address,
  nonce: bigint,
  programId: Address = PROGRAM_ID,
): Promise<ProgramDerivedAddress> {
  return findPda([SEEDS.request, getAddressEncoder().encode(client), getU64Encoder().encode(nonce)], programId);
}
/** The request PDA of `client` and `nonce`. */
export async function requestAddress(client: Address, nonce: bigint, programId: Address = PROGRAM_ID): Promise<Address> {
  return (await requestAddressAndBump(client, nonce, programId))[0];
}
