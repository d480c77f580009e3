/**
 * The commit-reveal commitment and the worker's recoverable salt (docs/protocol.md, "Commitment").
 *
 * `commitment = sha256("dfpn-commit-v1" ‖ request (32) ‖ worker authority (32) ‖ verdict (1) ‖ confidence (1) ‖
 * model_id (32) ‖ report_hash (32) ‖ salt (32))`; `salt = sha256(ed25519_sign(worker key, request address))`.
 * Ed25519 signatures are deterministic, so a worker that lost its disk derives the same salt from its key.
 * @module
 */
import {
  createSignableMessage,
  getAddressEncoder,
  type Address,
  type MessagePartialSigner,
  type ReadonlyUint8Array,
} from '@solana/kit';
import { COMMIT_DOMAIN } from './generated/constants.js';
import { sha256 } from './hash.js';
import { verdictCode, type Verdict } from './models.js';
import { encodeModelId } from './pda.js';

/** The domain separator at the start of every commitment preimage, as text (the generated `COMMIT_DOMAIN` bytes). */
export const COMMITMENT_DOMAIN: string = new TextDecoder().decode(COMMIT_DOMAIN);

function b32(name: string, value: ReadonlyUint8Array): ReadonlyUint8Array {
  if (value.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${value.length}`);
  return value;
}

/** The 32-byte commitment a worker submits with `commit_result` and the program recomputes at reveal. */
export function commitment(
  request: Address,
  worker: Address,
  verdict: Verdict | number,
  confidence: number,
  modelId: string | ReadonlyUint8Array,
  reportHash: ReadonlyUint8Array,
  salt: ReadonlyUint8Array,
): Uint8Array {
  const code = verdictCode(verdict);
  if (!Number.isInteger(code) || code < 0 || code > 255 || !Number.isInteger(confidence) || confidence < 0 || confidence > 255) {
    throw new RangeError('verdict and confidence are single bytes');
  }
  const addr = getAddressEncoder();
  return sha256(
    COMMIT_DOMAIN,
    addr.encode(request),
    addr.encode(worker),
    new Uint8Array([code, confidence]),
    encodeModelId(modelId),
    b32('reportHash', reportHash),
    b32('salt', salt),
  );
}

/** The worker's ed25519 signature over the request address bytes (deterministic). */
export async function saltSignature(worker: MessagePartialSigner, request: Address): Promise<Uint8Array> {
  const [dictionary] = await worker.signMessages([createSignableMessage(Uint8Array.from(getAddressEncoder().encode(request)))]);
  const signature = dictionary?.[worker.address];
  if (!signature) throw new Error(`signer ${worker.address} returned no signature`);
  return Uint8Array.from(signature as ArrayLike<number>);
}

/** `sha256(ed25519 signature of the worker's key over the request address bytes)`. */
export async function deriveSalt(worker: MessagePartialSigner, request: Address): Promise<Uint8Array> {
  return sha256(await saltSignature(worker, request));
}
