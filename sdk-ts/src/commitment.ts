/**
 * The commit-reveal commitment and the worker's recoverable salt (docs/protocol.md, "Commitment").
 *
 * `commitment = sha256(COMMIT_DOMAIN ‖ request (32) ‖ worker authority (32) ‖ verdict (1) ‖ confidence (1) ‖
 * model (32: the model PDA address) ‖ report_hash (32) ‖ salt (32))` with `COMMIT_DOMAIN` the IDL's
 * (`"dfpn-commit-v2"`); `salt = sha256(ed25519_sign(worker key, request address))`.
 * Ed25519 signatures are deterministic, so a worker that lost its disk derives the same salt from its key.
 * @module
 */
import {
  createSignableMessage,
  getAddressEncoder,
  isAddress,
  type Address,
  type MessagePartialSigner,
  type ReadonlyUint8Array,
} from '@solana/kit';
import { DFPNError, ErrorCode } from './errors.js';
import { COMMIT_DOMAIN, MAX_CONFIDENCE } from './generated/constants.js';
import { sha256 } from './hash.js';
import { VERDICTS, type Verdict } from './models.js';

/** The domain separator at the start of every commitment preimage, as text (the generated `COMMIT_DOMAIN` bytes). */
export const COMMITMENT_DOMAIN: string = new TextDecoder().decode(COMMIT_DOMAIN);

function b32(name: string, value: ReadonlyUint8Array): ReadonlyUint8Array {
  if (value.length !== 32) throw new RangeError(`${name} must be 32 bytes, got ${value.length}`);
  return value;
}

/**
 * The verdict byte and confidence of an answer the program accepts. `INVALID_ARGUMENT` naming the field for an
 * unknown verdict (name or code) or a confidence that is not an integer 0..`MAX_CONFIDENCE`: the program would
 * refuse the reveal, and the worker that committed it would be slashed.
 */
export function answerCodes(verdict: Verdict | number, confidence: number): { verdict: number; confidence: number } {
  const code = typeof verdict === 'number' ? verdict : VERDICTS.indexOf(verdict);
  if (!Number.isInteger(code) || code < 0 || code >= VERDICTS.length) {
    const known = VERDICTS.map((v, i) => `${i} ${v}`).join(', ');
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `verdict ${JSON.stringify(verdict)} is not a known verdict (${known}).`);
  }
  if (typeof confidence !== 'number' || !Number.isInteger(confidence) || confidence < 0 || confidence > MAX_CONFIDENCE) {
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `confidence ${String(confidence)} must be an integer 0..${MAX_CONFIDENCE}.`);
  }
  return { verdict: code, confidence };
}

/**
 * The 32-byte commitment a worker submits with `commit_result` and the program recomputes at reveal with the seat's
 * model. `model` is the model's PDA address (`modelAddress(developer, modelId)`), the account `commit_result` is
 * given, not its id. An answer the program cannot accept is refused with `INVALID_ARGUMENT` (see {@link answerCodes}).
 */
export function commitment(
  request: Address,
  worker: Address,
  verdict: Verdict | number,
  confidence: number,
  model: Address,
  reportHash: ReadonlyUint8Array,
  salt: ReadonlyUint8Array,
): Uint8Array {
  const answer = answerCodes(verdict, confidence);
  if (typeof model !== 'string' || !isAddress(model)) {
    throw new DFPNError(
      ErrorCode.INVALID_ARGUMENT,
      `model ${JSON.stringify(model)} is not an address: give the model's PDA (modelAddress(developer, modelId)), not its id.`,
    );
  }
  const addr = getAddressEncoder();
  return sha256(
    COMMIT_DOMAIN,
    addr.encode(request),
    addr.encode(worker),
    new Uint8Array([answer.verdict, answer.confidence]),
    addr.encode(model),
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
