/**
 * What SDK users see: modalities, verdicts and the result format of the protocol sheet
 * (`verdict, confidence, consensusType, workerResults[{worker, model, modelId, verdict, confidence, detections[{type,
 * region{x,y,w,h}, confidence}]}], audit{requestTx, finalizeTx, workerCount, commitCount, revealCount}`), the same
 * camelCase JSON as the Python SDK's `model_dump_json(by_alias=True)`.
 *
 * Lamport amounts, nonces and unix timestamps are `bigint` (u64/i64 on-chain).
 * @module
 */

import {
  CONSENSUS_NAMES,
  MODALITY_ALL,
  MODALITY_BITS,
  REQUEST_STATUS_NAMES,
  SEAT_STATE_NAMES,
  VERDICT_NAMES,
} from './generated/constants.js';

/** `{ A: 'A', B: 'B' }` from the names `['A', 'B']`. */
function nameConstants<const T extends string>(names: readonly T[]): { readonly [K in T]: K } {
  return Object.fromEntries(names.map((n) => [n, n])) as { readonly [K in T]: K };
}

/** A kind of analysis; the value is the modality's bit in the program's `u8` mask (generated from the IDL). */
export const Modality = MODALITY_BITS;
/** One modality bit (see {@link Modality}). */
export type Modality = (typeof Modality)[keyof typeof Modality];

/** Every modality's bit, in bit order. */
export const ALL_MODALITY_LIST: readonly Modality[] = Object.freeze(Object.values(Modality));
/** The mask of every modality (a worker that accepts any request). */
export const ALL_MODALITIES = MODALITY_ALL;

/** The program's bitmask for a set of modalities (a number is taken as a mask already). */
export function modalityMask(modalities: Iterable<Modality | number> | number): number {
  if (typeof modalities === 'number') return modalities;
  let mask = 0;
  for (const m of modalities) mask |= m;
  return mask;
}

/** The modalities named by a bitmask, in bit order (unknown bits are ignored). */
export function modalitiesFromMask(mask: number): Modality[] {
  return ALL_MODALITY_LIST.filter((m) => (mask & m) !== 0);
}

/** The name of a modality bit ("FaceManipulation"). */
export function modalityName(m: Modality): keyof typeof Modality {
  const entry = Object.entries(Modality).find(([, v]) => v === m);
  if (!entry) throw new RangeError(`unknown modality ${m}`);
  return entry[0] as keyof typeof Modality;
}

/** A verdict as the SDK reports it. */
export type Verdict = (typeof VERDICT_NAMES)[number];
/** Verdict names by their on-chain byte. */
export const VERDICTS: readonly Verdict[] = Object.freeze([...VERDICT_NAMES]);
/** Verdict constants (`Verdict.Manipulated === 'Manipulated'`). */
export const Verdict = nameConstants(VERDICT_NAMES);

/** The verdict for the program's byte. */
export function verdictFromCode(code: number): Verdict {
  const v = VERDICTS[code];
  if (v === undefined) throw new RangeError(`unknown verdict code ${code}`);
  return v;
}
/** The program's byte for a verdict. */
export function verdictCode(v: Verdict | number): number {
  if (typeof v === 'number') return v;
  const code = VERDICTS.indexOf(v);
  if (code < 0) throw new RangeError(`unknown verdict ${String(v)}`);
  return code;
}

/** How strongly the revealed, reputation-weighted verdicts agreed. */
export type ConsensusType = (typeof CONSENSUS_NAMES)[number];
/** Consensus names by their on-chain byte. */
export const CONSENSUS_TYPES: readonly ConsensusType[] = Object.freeze([...CONSENSUS_NAMES]);
/** Consensus constants (`ConsensusType.Majority === 'Majority'`). */
export const ConsensusType = nameConstants(CONSENSUS_NAMES);

/** The consensus type for the program's byte. */
export function consensusFromCode(code: number): ConsensusType {
  const v = CONSENSUS_TYPES[code];
  if (v === undefined) throw new RangeError(`unknown consensus code ${code}`);
  return v;
}

/** A request's status. */
export type RequestStatus = (typeof REQUEST_STATUS_NAMES)[number];
/** Request statuses by their on-chain byte. */
export const REQUEST_STATUSES: readonly RequestStatus[] = Object.freeze([...REQUEST_STATUS_NAMES]);
/** A seat's state. */
export type SeatState = (typeof SEAT_STATE_NAMES)[number];
/** Seat states by their on-chain byte. */
export const SEAT_STATES: readonly SeatState[] = Object.freeze([...SEAT_STATE_NAMES]);

/** A rectangle in the media (pixels, or the report's own unit). */
export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One finding in a worker's report. */
export interface Detection {
  type: string;
  region: Region | null;
  confidence: number;
}

/** One revealed worker's answer, with the detections from its report. */
export interface WorkerResult {
  /** The worker's authority (base58). */
  worker: string;
  /** The model the seat committed with: its PDA address (base58), `["model", developer, model_id]`. */
  model: string;
  /** That model's id (read from its account; null when the account could not be read). Ids are unique per
   * developer only: `model` identifies the model. */
  modelId: string | null;
  verdict: Verdict;
  confidence: number;
  detections: Detection[];
  reportUri: string;
  /** The report hash the worker committed (hex). */
  reportHash: string;
  /** True when the report was fetched and its SHA-256 matched the committed report hash. */
  reportVerified: boolean;
}

/** Where to check the result on-chain. */
export interface Audit {
  /** Signature of the `submit_request` transaction. */
  requestTx: string | null;
  /** Signature of the `finalize_request` transaction. */
  finalizeTx: string | null;
  workerCount: number;
  commitCount: number;
  revealCount: number;
}

/** The finalized result of a request. */
export interface AnalysisResult {
  requestId: string;
  verdict: Verdict;
  confidence: number;
  consensusType: ConsensusType;
  workerResults: WorkerResult[];
  audit: Audit;
  /** The fee the program charged, lamports (`bigint`): all of it with a consensus, the no-consensus share without. */
  feeLamports: bigint;
}

/** A seat of a request as stored on-chain (fields after the commit/reveal that set them, else null). */
export interface SeatInfo {
  worker: string;
  state: SeatState;
  /** The model the seat committed with (its PDA address, base58), null before the commit. */
  model: string | null;
  verdict: Verdict | null;
  confidence: number | null;
  reportUri: string | null;
  reportHash: string | null;
  commitment: string | null;
  /** When the worker was drawn for the seat (cluster unix time, s): it may give the seat back until half a commit
   * window later (`protocol.answerBy`), when a seat not committed yet (drawn, or accepted and silent) may be
   * replaced (its bond forfeited). */
  drawnAt: bigint;
}

/** A request account, decoded. */
export interface RequestInfo {
  id: string;
  client: string;
  nonce: bigint;
  status: RequestStatus;
  /** SHA-256 of the media (hex). */
  contentHash: string;
  storageUri: string;
  modalities: Modality[];
  minWorkers: number;
  maxWorkers: number;
  joined: number;
  commits: number;
  reveals: number;
  verdict: Verdict;
  confidence: number;
  consensusType: ConsensusType;
  /** The request's fee, lamports (`bigint`), as the program recorded it at submission. */
  feeLamports: bigint;
  /** The escrow still held by the request, lamports (`bigint`): `maxFee` at submission. */
  escrowLamports: bigint;
  createdAt: bigint;
  commitDeadline: bigint;
  deadline: bigint;
  finalizedAt: bigint;
  /** The share of a worker's stake a failed challenge costs, bps (fixed at submission from the configuration). */
  challengeSlashBps: number;
  /** The known answer, once the request's challenger revealed it (`reveal_challenge`); null for an ordinary request
   * and a challenge not (yet) revealed. */
  challengeLabel: Verdict | null;
  /** The request's 32-byte attestation (hex): random bytes, or a challenger's `challengeAttestation`. */
  attestation: string;
  seats: SeatInfo[];
}

/** What `submitRequest` returns: the request id (its address) and what was recorded. */
export interface SubmittedRequest {
  /** The request account's address (base58): pass it to `waitForResult`. */
  id: string;
  nonce: bigint;
  /** Signature of the `submit_request` transaction. */
  signature: string;
  client: string;
  contentHash: string;
  storageUri: string;
  modalities: Modality[];
  minWorkers: number;
  maxWorkers: number;
  /** The fee the program recorded, lamports (`bigint`; `estimateFeeLamports` gives it before submitting). */
  feeLamports: bigint;
  /** The escrow, lamports (`bigint`): `maxFee` (SOL) converted, or `maxFeeLamports`, or the fee. */
  maxFeeLamports: bigint;
  /** Unix timestamps (cluster clock). */
  commitDeadline: bigint;
  deadline: bigint;
  /** The attestation sent (hex): random bytes, or the challenge's attestation. */
  attestation: string;
  /** For a challenge (`submitRequest({ challenge })`): the label and the salt (hex) to reveal with
   * `revealChallenge`; keep them secret until then. Null for an ordinary request. */
  challenge: { label: Verdict; salt: string } | null;
  /** The workers (operator keys) drawn into its seats right after the submission (`submitRequest`'s draw), in seat
   * order; empty when it was not drawn then (`draw: false`, or the draw failed: `waitForResult` draws again). */
  drawn: string[];
}

/**
 * JSON text of any SDK value, with `bigint`s written as exact JSON numbers (what the Python SDK's
 * `model_dump_json(by_alias=True)` writes for its ints), so `toJson(result)` is the protocol's result format.
 */
export function toJson(value: unknown, indent?: number): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') {
        marks.push(v.toString());
        return `\u0000bigint:${marks.length - 1}\u0000`;
      }
      return v;
    },
    indent,
  );
  return text.replace(/"\\u0000bigint:(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)] ?? '0');
}
