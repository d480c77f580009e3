/**
 * Known-answer challenges (docs/protocol.md): every request carries a 32-byte attestation. An ordinary client sends
 * 32 random bytes ({@link randomAttestation}, the default of `submitRequest`); a challenger — a key governance
 * registered with `register_challenger` — submits media whose verdict it knows and sends
 * {@link challengeAttestation}, `sha256(CHALLENGE_DOMAIN ‖ request (32) ‖ label (1) ‖ salt (32))`. Both look like
 * random bytes, so workers cannot tell a challenge from an ordinary request. After the reveals the challenger
 * reveals the label and salt (`reveal_challenge`); finalization then pays the revealers whose verdict is the label
 * and slashes the others `challengeSlashBps` of their stake.
 * @module
 */
import { getAddressEncoder, isAddress, type Address, type ReadonlyUint8Array } from '@solana/kit';
import { DFPNError, ErrorCode } from './errors.js';
import { CHALLENGE_DOMAIN, VERDICT_AUTHENTIC, VERDICT_MANIPULATED } from './generated/constants.js';
import { sha256 } from './hash.js';
import { VERDICTS, type Verdict } from './models.js';

/** Length of an attestation and of a challenge salt, bytes. */
export const ATTESTATION_LEN = 32;

/** The known answer of a challenge: Authentic (1) or Manipulated (2); Inconclusive cannot be one. */
export type ChallengeLabel = Extract<Verdict, 'Authentic' | 'Manipulated'> | typeof VERDICT_AUTHENTIC | typeof VERDICT_MANIPULATED;

/** What a challenger keeps secret until `reveal_challenge`: the label and the salt of its attestation. */
export interface ChallengeSecret {
  /** The verdict the challenger knows the media has. */
  label: ChallengeLabel | Verdict | number;
  /** 32 bytes, random (see {@link randomChallengeSalt}); without it the attestation could be guessed. */
  salt: ReadonlyUint8Array;
}

/** Fields of {@link challengeAttestation}. */
export interface ChallengeAttestationArgs extends ChallengeSecret {
  /** The request account's address (`requestAddress(client, nonce)`): an attestation is bound to one request. */
  request: Address;
}

/** `n` bytes from `crypto.getRandomValues` (the platform's CSPRNG, in Node and browsers). */
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  crypto.getRandomValues(out);
  return out;
}

/** 32 random bytes: the attestation of an ordinary (not challenge) request, the default of `submitRequest`. */
export function randomAttestation(): Uint8Array {
  return randomBytes(ATTESTATION_LEN);
}

/** 32 random bytes for a challenge's salt. */
export function randomChallengeSalt(): Uint8Array {
  return randomBytes(ATTESTATION_LEN);
}

/**
 * The label byte of a challenge: Authentic → 1, Manipulated → 2. `INVALID_ARGUMENT` for anything else (the program
 * refuses any other label at `reveal_challenge` with `INVALID_VERDICT`, so such a challenge could never be revealed).
 */
export function challengeLabelCode(label: ChallengeLabel | Verdict | number): number {
  const code = typeof label === 'number' ? label : VERDICTS.indexOf(label);
  if (code !== VERDICT_AUTHENTIC && code !== VERDICT_MANIPULATED) {
    throw new DFPNError(
      ErrorCode.INVALID_ARGUMENT,
      `label ${JSON.stringify(label)}: a challenge's label is Authentic (${VERDICT_AUTHENTIC}) or Manipulated (${VERDICT_MANIPULATED}).`,
    );
  }
  return code;
}

/** A 32-byte value (`INVALID_ARGUMENT` naming `name` otherwise). */
export function check32(name: string, value: ReadonlyUint8Array): ReadonlyUint8Array {
  if (!ArrayBuffer.isView(value) || value.length !== ATTESTATION_LEN) {
    const got = ArrayBuffer.isView(value) ? `${value.length} bytes` : typeof value;
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `${name} must be ${ATTESTATION_LEN} bytes, got ${got}.`);
  }
  return value;
}

/**
 * A challenge's attestation, `sha256(CHALLENGE_DOMAIN ‖ request (32) ‖ label (1) ‖ salt (32))` with the IDL's
 * `CHALLENGE_DOMAIN` (`"dfpn-challenge-v1"`): what a challenger passes as `attestation` to `submitRequest`, and what
 * `reveal_challenge` recomputes from the revealed label and salt (`CHALLENGE_MISMATCH` when they differ).
 * `INVALID_ARGUMENT` for a label that is not Authentic or Manipulated, a salt that is not 32 bytes or a request that
 * is not an address.
 */
export function challengeAttestation({ request, label, salt }: ChallengeAttestationArgs): Uint8Array {
  if (typeof request !== 'string' || !isAddress(request)) {
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `request ${JSON.stringify(request)} is not an address.`);
  }
  return sha256(CHALLENGE_DOMAIN, getAddressEncoder().encode(request), new Uint8Array([challengeLabelCode(label)]), check32('salt', salt));
}
