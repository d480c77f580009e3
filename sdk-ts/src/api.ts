/**
 * Everything the package exports on every platform (the Node and browser entries both re-export this).
 * @module
 */
export {
  ATTESTATION_LEN,
  challengeAttestation,
  challengeLabelCode,
  randomAttestation,
  randomChallengeSalt,
  type ChallengeAttestationArgs,
  type ChallengeLabel,
  type ChallengeSecret,
} from './challenge.js';
export * from './analyze.js';
export * from './client.js';
export * from './commitment.js';
export * from './constants.js';
export * from './draw.js';
export * from './errors.js';
export * from './events.js';
export * from './fees.js';
export * from './hash.js';
export * as instructions from './instructions.js';
export * from './models.js';
export * from './pda.js';
export * as protocol from './protocol.js';
export { mediaFromBlob, mediaFromBytes, platform, setPlatform } from './platform.js';
export type { LocalNetworkLike, LocalNetworkOptions, MediaSource, Platform } from './platform.js';
export * from './rpc.js';
export * from './signers.js';
export * from './storage.js';
export * from './transport.js';
export * as generated from './generated/index.js';
export * from './generated/index.js';
