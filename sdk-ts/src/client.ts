/**
 * `DFPNClient`: submit media, follow a request to its verified result, read accounts and events.
 *
 * ```ts
 * import { DFPNClient, Modality } from '@dfpn/sdk';
 * const client = new DFPNClient({ network: 'devnet', wallet });          // also 'local', 'localnet' or an RPC URL
 * const request = await client.submitRequest({ mediaPath: './photo.jpg',   // then draws the request's seats
 *   modalities: [Modality.FaceManipulation, Modality.ImageAuthenticity],     // minWorkers: max(3, the network's floor)
 *   maxFee: 0.01, deadline: Date.now() + 300_000 });
 * const result = await client.waitForResult(request.id, { timeout: 360_000 });
 * ```
 * @module
 */
import type { Address, Instruction, ReadonlyUint8Array, TransactionSigner } from '@solana/kit';
import {
  challengeAttestation,
  challengeLabelCode,
  check32,
  randomChallengeSalt,
  type ChallengeLabel,
  type ChallengeSecret,
} from './challenge.js';
import { ACCOUNT_SIZES, LAMPORTS_PER_SIGNATURE, PROGRAM_ID } from './constants.js';
import {
  DEFAULT_DRAW_BATCH,
  drawCandidates,
  drawSeed,
  isSeeded,
  lookupSlotHash,
  MAX_DRAW_WORKER_ACCOUNTS,
  parseSlotHashes,
  replacedSeats,
  SLOT_HASHES_SYSVAR,
  WorkerPool,
} from './draw.js';
import { DFPNError, ErrorCode } from './errors.js';
import { parseLogs, type DfpnEvent } from './events.js';
import { feeFromParams, solToLamports } from './fees.js';
import {
  CHALLENGER_DISCRIMINATOR,
  CONFIG_DISCRIMINATOR,
  getChallengerDecoder,
  getConfigDecoder,
  getModelDecoder,
  getRequestDecoder,
  getVaultDecoder,
  getWorkerDecoder,
  MODEL_DISCRIMINATOR,
  REQUEST_DISCRIMINATOR,
  WORKER_DISCRIMINATOR,
  type Challenger,
  type Config,
  type Model,
  type Request,
  type Seat,
  type Vault,
  type Worker,
} from './generated/index.js';
import {
  CONSENSUS_NONE,
  FINALIZE_GRACE_SECS,
  REQUEST_STATUS_EXPIRED,
  REQUEST_STATUS_FINALIZED,
  SEAT_STATE_DRAWN,
  SEAT_STATE_REVEALED,
} from './generated/constants.js';
import { bytesEqual, fromHex, toHex } from './hash.js';
import * as ix from './instructions.js';
import {
  consensusFromCode,
  modalitiesFromMask,
  modalityMask,
  modalityName,
  REQUEST_STATUSES,
  SEAT_STATES,
  verdictFromCode,
  type AnalysisResult,
  type Detection,
  type Verdict,
  type Modality,
  type RequestInfo,
  type SeatInfo,
  type SubmittedRequest,
  type WorkerResult,
} from './models.js';
import {
  challengerAddress,
  configAddress,
  decodeModelId,
  insuranceAddress,
  modelAddress,
  randomRequestNonce,
  requestAddress,
  treasuryAddress,
  workerAddress,
} from './pda.js';
import { mediaFromBlob, mediaFromBytes, platform, type LocalNetworkLike, type MediaSource } from './platform.js';
import {
  chargedFee,
  commitOpen,
  finalizableByAnyone,
  finalizeOpenToAnyoneAt,
  isExpirable,
  isFinalizable,
  isPaid,
} from './protocol.js';
import { parseAddress, RpcTransport, type RpcTransportOptions } from './rpc.js';
import { resolveWallet, walletStandardChain, type WalletInput } from './signers.js';
import {
  analysisProgress,
  DEFAULT_MODALITIES,
  mediaKind,
  progressChanged,
  requestProgress,
  SNIFF_BYTES,
  type AnalysisProgress,
} from './analyze.js';
import {
  checkHash,
  DEFAULT_MAX_MEDIA_BYTES,
  IpfsStorage,
  readUri,
  S3Storage,
  sha256Source,
  upload,
  type ProgressCallback,
  type Storage,
} from './storage.js';
import type { TransactionRecord, Transport } from './transport.js';

/** Lamports a wallet created by the client on the local network starts with (10 SOL). */
export const LOCAL_WALLET_LAMPORTS = 10_000_000_000n;
/** Workers a request asks for when `minWorkers` is not given (raised to the configuration's `minWorkersFloor`). */
export const DEFAULT_MIN_WORKERS = 3;
/** Default deadline of a request, seconds after the cluster clock. */
export const DEFAULT_DEADLINE_SECONDS = 300;

/** A request id: the request account's address (base58). */
export type RequestId = string | Address;

/** Where log lines go (default: nowhere). `console` works. */
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
}

/** Options of {@link DFPNClient}. */
export interface DFPNClientOptions {
  /**
   * `'local'` (default: the program in an embedded LiteSVM, Node only), `'localnet'`, `'devnet'`, `'mainnet'`, an
   * http(s) RPC URL, or a {@link Transport}.
   */
  network?: string | Transport;
  /**
   * Pays and signs: a @solana/kit `TransactionSigner` (`await generateKeyPairSigner()`, `await loadKeypair(path)`), a
   * @solana/web3.js `Keypair` (`Keypair.fromSecretKey(bytes)`, recognised by its shape), or a wallet-standard wallet
   * with the `solana:signTransaction` feature (`{ wallet, account }`, or the wallet: its first account); see
   * `signers.ts`. Anything else is `INVALID_ARGUMENT` at once. On the local network a funded wallet is created when
   * none is given; elsewhere the client is read-only without one (signing calls throw `WALLET_REQUIRED`).
   */
  wallet?: WalletInput;
  /** dfpn.so for the local network (default: the copy the package ships, `program/dfpn.so`; else `DFPN_PROGRAM_SO`,
   * else `target/deploy/dfpn.so` upwards: `findProgram`). */
  programPath?: string;
  /** The program's address (default: the IDL's). */
  programId?: Address;
  /** RPC options (timeouts, retries, websocket URL, commitment) for RPC networks. */
  rpc?: RpcTransportOptions;
  /** How often `waitForResult` polls, ms (default 50 on the local network, 2 000 elsewhere). */
  pollInterval?: number;
  /**
   * While waiting for a result, finalize a request that is finalizable and expire one that can only expire (the
   * client pays only the transaction fee, and an expiry returns its escrow). The request's own client finalizes (as a
   * signer) as soon as it is finalizable, first revealing a challenge it submitted with `submitRequest({ challenge })`;
   * any other wallet only from `deadline + FINALIZE_GRACE_SECS` on (before, the program reserves finalization for the
   * client). Default true.
   */
  autoCrank?: boolean;
  /**
   * Draw seats for requests (`draw_seats`, any wallet may send it): `submitRequest` draws right after submitting
   * (unless `submitRequest({ draw: false })`), and `waitForResult` draws again while seats are free and replaces a
   * seat not committed (drawn, or accepted and silent) half a commit window after its own draw (`protocol.answerBy`).
   * Default true.
   */
  autoDraw?: boolean;
  /** Where `submitRequest({ mediaPath | media })` stores media: 'file' (default on the local network), 'ipfs'
   * (default elsewhere), 's3', or a configured backend. */
  storage?: Storage;
  /** Largest media hashed, uploaded or fetched, bytes (default 2 GiB). */
  maxMediaBytes?: number;
  /** Receives the client's log lines. */
  logger?: Logger;
}

/** Parameters of {@link DFPNClient.submitRequest}. */
export interface SubmitRequestParams {
  /** A media file to hash and store (Node). */
  mediaPath?: string;
  /** Media bytes or a Blob/File to hash and store (browsers and Node). */
  media?: Uint8Array | Blob;
  /** The media's name when `media` is given (file name for uploads). */
  mediaName?: string;
  /** An already stored media URI (ipfs://, s3://, https://, ...); give `contentHash` (or `mediaPath`/`media`). */
  uri?: string;
  /** SHA-256 of the media: 32 bytes or 64 hex characters. Checked against the media when both are given. */
  contentHash?: ReadonlyUint8Array | string;
  /** At least one modality. */
  modalities: ReadonlyArray<Modality | number>;
  /** Workers that must commit (default: 3, or the configuration's `minWorkersFloor` when higher). */
  minWorkers?: number;
  /** Seats (default `minWorkers`). */
  maxWorkers?: number;
  /** Most the client pays (the escrow), in SOL: a number such as `0.01` or a decimal string, converted exactly to
   * lamports. Default: exactly the fee. Give this or `maxFeeLamports`, not both (`INVALID_ARGUMENT`). */
  maxFee?: number | string;
  /** Most the client pays (the escrow), in lamports (a `bigint`, e.g. `client.estimateFeeLamports(...)`'s).
   * Instead of `maxFee`. */
  maxFeeLamports?: bigint;
  /**
   * The deadline as a wall-clock time (ms since the epoch, e.g. `Date.now() + 300_000`, or a `Date`). The SDK
   * applies the remaining time to the cluster clock (`clusterNow + round((deadline − Date.now()) / 1000)`), so a
   * clock difference between this machine and the cluster does not shorten it.
   */
  deadline?: number | Date;
  /** The deadline in seconds after the cluster clock (instead of `deadline`; default 300). */
  deadlineSeconds?: number;
  /** Storage for this request (overrides the client's). */
  storage?: Storage;
  /** The request nonce (default: random, unused, with the request address's canonical bump 255: see
   * `randomRequestNonce`). */
  nonce?: bigint;
  /** Called with (sent, total) bytes while uploading. */
  uploadProgress?: ProgressCallback;
  /**
   * The request's 32-byte attestation. Default: 32 random bytes (`crypto.getRandomValues`), so that a challenge
   * cannot be told from an ordinary request; give `challenge` rather than computing a challenge's attestation.
   */
  attestation?: ReadonlyUint8Array;
  /**
   * Submit a known-answer challenge (the wallet must be a registered challenger to reveal it): the media's known
   * verdict (`label`, Authentic or Manipulated) and a 32-byte `salt` (default random). The attestation is then
   * `challengeAttestation({ request, label, salt })`; the label and salt are returned (`SubmittedRequest.challenge`)
   * and remembered by this client, which reveals them before it finalizes (`finalize`, `waitForResult`).
   */
  challenge?: { label: ChallengeLabel | Verdict | number; salt?: ReadonlyUint8Array };
  /**
   * Draw the request's seats right after submitting (`drawSeats`, default: the client's `autoDraw`, true). A draw
   * that fails is logged, not thrown: the request is submitted, and `waitForResult` draws again.
   */
  draw?: boolean | DrawSeatsOptions;
}

/** Options of {@link DFPNClient.drawSeats}. */
export interface DrawSeatsOptions {
  /** Candidates tried per transaction (default 16; at most 27 minus the seats replaced, what a transaction holds). */
  batchSize?: number;
  /** Most `draw_seats` transactions (default 8). */
  maxTransactions?: number;
  /** Stop after this many transactions in a row that seated nobody (default 2). */
  maxIdleTransactions?: number;
  /** Give up after this many ms of waiting for the draw slot's hash (`DRAW_TOO_EARLY`; default 20 000). */
  timeout?: number;
  /** How long to wait between tries while the draw slot's hash does not exist yet, ms (default 400, a slot). */
  retryInterval?: number;
  /** Abort (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** What {@link DFPNClient.drawSeats} did. */
export interface DrawSeatsResult {
  /** The request. */
  request: Address;
  /** Seats drawn by these transactions (`SeatDrawn` events): the operator and its seat index. */
  drawn: Array<{ worker: Address; seat: number }>;
  /** Operators whose drawn seats were replaced (they forfeited their bond), in the order replaced. */
  replaced: Address[];
  /** Signatures of the `draw_seats` transactions sent. */
  signatures: string[];
  /** Seats held after the draw (drawn or accepted) and the request's `maxWorkers`. */
  seats: number;
  maxWorkers: number;
  /** Candidates tried so far (the request's `drawCursor`). */
  cursor: number;
  /** The draw slot's hash had rolled out of the SlotHashes window: the program re-armed the draw on a later slot. */
  rearmed: boolean;
}

/** Options of {@link DFPNClient.waitForResult}. */
export interface WaitOptions {
  /** Give up after this many ms of wall-clock time (`TIMEOUT`; default 360 000). */
  timeout?: number;
  /** Poll interval, ms (default: the client's). */
  pollInterval?: number;
  /** Abort waiting (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Called with a new {@link AnalysisProgress} whenever the request's stage or counts change, the last time with
   * stage 'finalized'. An exception it throws is logged, not thrown. */
  onProgress?: (progress: AnalysisProgress) => void;
}

/** What {@link DFPNClient.analyze} takes: media as a file path, a stored media URL, or bytes. */
export type AnalyzeSource = string | URL | Uint8Array | Blob;

/** Options of {@link DFPNClient.analyze} and {@link DFPNClient.analyzeStream}. */
export interface AnalyzeOptions {
  /** Default: from the kind of media (its magic bytes, else its extension): an image is AiGeneratedImage +
   * ImageAuthenticity, a video VideoAuthenticity, audio VoiceCloning. */
  modalities?: ReadonlyArray<Modality | number>;
  /** Workers that must commit (default: 3, or the configuration's `minWorkersFloor` when higher). */
  minWorkers?: number;
  /** Seats (default `minWorkers`). */
  maxWorkers?: number;
  /** Most the client pays, SOL (number or decimal string); default exactly the fee. Not with `maxFeeLamports`. */
  maxFee?: number | string;
  /** Most the client pays, lamports. Not with `maxFee`. */
  maxFeeLamports?: bigint;
  /** Wall-clock deadline (ms since the epoch or a `Date`), or `deadlineSeconds` after the cluster clock (default 300). */
  deadline?: number | Date;
  deadlineSeconds?: number;
  /** SHA-256 of the media (32 bytes or hex); for a URL it saves downloading the media to hash it (its kind then comes
   * from the URL's extension, or give `modalities`). */
  contentHash?: ReadonlyUint8Array | string;
  /** Name of the media when bytes are given (uploads, extension fallback). */
  mediaName?: string;
  /** Storage for bytes and files (default: the client's). */
  storage?: Storage;
  /** How long to wait for the verdict, ms (default 360 000; `TIMEOUT` after). */
  timeout?: number;
  /** Poll interval while waiting, ms (default: the client's). */
  pollInterval?: number;
  /** Abort (rejects with the signal's reason; a request already submitted stays on-chain). */
  signal?: AbortSignal;
  /** Called with each {@link AnalysisProgress}: 'uploading' (bytes), 'submitted', 'drawn', 'committed', 'revealed',
   * 'finalized'. */
  onProgress?: (progress: AnalysisProgress) => void;
}

/** What {@link DFPNClient.analyzeStream} yields: progress reports, then the result. */
export type AnalysisEvent = { type: 'progress'; progress: AnalysisProgress } | { type: 'result'; result: AnalysisResult };

function text(raw: ReadonlyUint8Array, length: number): string {
  return new TextDecoder().decode(raw.slice(0, length));
}

function seatInfo(seat: Seat): SeatInfo {
  const state = SEAT_STATES[seat.state] ?? 'Joined';
  const revealed = state === 'Revealed';
  const committed = state === 'Committed' || revealed;
  return {
    worker: seat.authority,
    state,
    // The commit fixes the seat's model (its PDA address); the reveal its answer.
    model: committed ? seat.model : null,
    verdict: revealed ? verdictFromCode(seat.verdict) : null,
    confidence: revealed ? seat.confidence : null,
    reportUri: revealed ? text(seat.reportUri, seat.reportUriLen) : null,
    reportHash: revealed ? toHex(seat.reportHash) : null,
    commitment: committed ? toHex(seat.commitment) : null,
    drawnAt: seat.drawnAt,
  };
}

/** A decoded request account as the user-facing {@link RequestInfo}. */
export function requestInfo(address: Address, r: Request): RequestInfo {
  return {
    id: address,
    client: r.client,
    nonce: r.nonce,
    status: REQUEST_STATUSES[r.status] ?? 'Open',
    contentHash: toHex(r.contentHash),
    storageUri: text(r.storageUri, r.storageUriLen),
    modalities: modalitiesFromMask(r.modalities),
    minWorkers: r.minWorkers,
    maxWorkers: r.maxWorkers,
    joined: r.joined,
    commits: r.commits,
    reveals: r.reveals,
    verdict: verdictFromCode(r.verdict),
    confidence: r.confidence,
    consensusType: consensusFromCode(r.consensus),
    feeLamports: r.fee,
    escrowLamports: r.escrow,
    createdAt: r.createdAt,
    commitDeadline: r.commitDeadline,
    deadline: r.deadline,
    finalizedAt: r.finalizedAt,
    challengeSlashBps: r.challengeSlashBps,
    challengeLabel: r.challenged !== 0 ? verdictFromCode(r.challengeLabel) : null,
    attestation: toHex(r.attestation),
    seats: r.seats.slice(0, r.joined).map(seatInfo),
  };
}

/**
 * The fee a finalized request charged, lamports (`protocol.chargedFee`): all of it when its revealers reached a consensus (the
 * agreeing ones are paid), the request's `noConsensusFeeBps` share of it without one, nothing without revealers.
 * With a revealed challenge the revealers whose verdict is the label are paid (all the fee), whatever the consensus;
 * none matching charges nothing.
 */
export function feeCharged(
  r: Pick<Request, 'fee' | 'consensus' | 'verdict' | 'joined' | 'seats' | 'noConsensusFeeBps' | 'challenged' | 'challengeLabel'>,
): bigint {
  const challenged = r.challenged !== 0;
  const consensus = r.consensus !== CONSENSUS_NONE;
  const rule = { consensusVerdict: consensus ? r.verdict : null, challengeLabel: challenged ? r.challengeLabel : null };
  const revealed = r.seats.slice(0, r.joined).filter((s) => s.state === SEAT_STATE_REVEALED);
  const paid = revealed.filter((s) => isPaid(s.verdict, rule)).length;
  return chargedFee(r.fee, paid, consensus || challenged, r.noConsensusFeeBps);
}

/** docs/protocol.md "Finalizable" and "Expirable" for an open request (the rules are in `protocol.ts`). */
export { isExpirable, isFinalizable };

/** Detections from a report's JSON (`{"detections": [{type, region?, confidence}]}`); invalid reports give []. */
export function parseDetections(data: Uint8Array): Detection[] {
  const report: unknown = JSON.parse(new TextDecoder().decode(data));
  const items = report && typeof report === 'object' && !Array.isArray(report) ? (report as { detections?: unknown }).detections : [];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw new TypeError('detections is not a list');
  return items.map((d: unknown): Detection => {
    const o = d as { type?: unknown; region?: unknown; confidence?: unknown };
    if (!o || typeof o !== 'object' || typeof o.type !== 'string' || typeof o.confidence !== 'number') {
      throw new TypeError(`invalid detection ${JSON.stringify(d)}`);
    }
    let region: Detection['region'] = null;
    if (o.region !== undefined && o.region !== null) {
      const r = o.region as Record<string, unknown>;
      if (!['x', 'y', 'w', 'h'].every((k) => typeof r[k] === 'number')) throw new TypeError(`invalid region ${JSON.stringify(o.region)}`);
      region = { x: r['x'] as number, y: r['y'] as number, w: r['w'] as number, h: r['h'] as number };
    }
    return { type: o.type, region, confidence: o.confidence };
  });
}

function parseHash(value: ReadonlyUint8Array | string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = typeof value === 'string' ? fromHex(value) : Uint8Array.from(value);
  } catch (e) {
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `contentHash ${JSON.stringify(value)} is not hex.`, { cause: e });
  }
  if (raw.length !== 32) throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'contentHash must be 32 bytes (SHA-256), bytes or hex.');
  return raw;
}

/** `maxFee` (SOL) and `maxFeeLamports` (lamports): at most one, each of its own type. */
function checkMaxFee(params: Pick<SubmitRequestParams, 'maxFee' | 'maxFeeLamports'>): void {
  if (params.maxFee !== undefined && params.maxFeeLamports !== undefined) {
    throw new DFPNError(
      ErrorCode.INVALID_ARGUMENT,
      `give maxFee (SOL, ${String(params.maxFee)}) or maxFeeLamports (lamports, ${String(params.maxFeeLamports)}), not both.`,
    );
  }
  if (params.maxFeeLamports !== undefined && typeof params.maxFeeLamports !== 'bigint') {
    throw new DFPNError(
      ErrorCode.INVALID_ARGUMENT,
      `maxFeeLamports must be a bigint number of lamports (e.g. 10_000_000n), not a ${typeof params.maxFeeLamports}; for SOL use maxFee.`,
    );
  }
  if (params.maxFee !== undefined && typeof params.maxFee !== 'number' && typeof params.maxFee !== 'string') {
    throw new DFPNError(
      ErrorCode.INVALID_ARGUMENT,
      `maxFee is SOL, a number or decimal string (e.g. 0.01), not a ${typeof params.maxFee}; for lamports use maxFeeLamports.`,
    );
  }
}

/** Argument checks of `submitRequest` that need no network. */
function checkSubmitParams(params: SubmitRequestParams): void {
  checkMaxFee(params);
  if (!params.modalities || params.modalities.length === 0) {
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'modalities: name at least one Modality.');
  }
  if (params.mediaPath === undefined && params.media === undefined && params.uri === undefined) {
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'give mediaPath, media or uri (with contentHash).');
  }
  if (params.mediaPath !== undefined && params.media !== undefined) {
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'give mediaPath or media, not both.');
  }
}

/** The media source of `mediaPath` or `media`, undefined when only a `uri` is given. */
async function openMedia(params: SubmitRequestParams): Promise<MediaSource | undefined> {
  if (params.mediaPath !== undefined) return platform().openFile(params.mediaPath);
  if (params.media instanceof Uint8Array) return mediaFromBytes(params.media, params.mediaName);
  if (params.media !== undefined) return mediaFromBlob(params.media, params.mediaName);
  return undefined;
}

/** Seconds from the cluster clock to the request's deadline: `deadlineSeconds`, the remaining time to the
 * wall-clock `deadline`, or the default. */
function deadlineSeconds(params: SubmitRequestParams): number {
  let seconds: number;
  if (params.deadlineSeconds !== undefined) seconds = params.deadlineSeconds;
  else if (params.deadline !== undefined) {
    const at = params.deadline instanceof Date ? params.deadline.getTime() : params.deadline;
    seconds = Math.round((at - Date.now()) / 1000);
  } else seconds = DEFAULT_DEADLINE_SECONDS;
  if (!Number.isFinite(seconds)) throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'deadline is not a time.');
  return seconds;
}

/** The embedded network's request that nobody can be drawn for: no worker was registered when it was submitted. */
function noLocalWorkers(address: Address | null, what?: string): DFPNError {
  return new DFPNError(
    ErrorCode.LOCAL_WORKERS_MISSING,
    what ??
      `request ${address} was submitted on the embedded network ('local') while no worker was registered there (it runs ` +
        'no workers of its own): nobody can ever be drawn for it.',
  );
}

/** `analyze`'s modalities for media of the kind its first bytes or name tell ({@link DEFAULT_MODALITIES}). */
function defaultModalities(media: { head?: Uint8Array; name?: string }): readonly Modality[] {
  const kind = mediaKind(media.head, media.name);
  if (kind === undefined) {
    throw new DFPNError(
      ErrorCode.INVALID_ARGUMENT,
      `analyze: cannot tell whether ${media.name ?? 'the media'} is an image, a video or audio (neither its first bytes nor its ` +
        'extension say): pass modalities, e.g. [Modality.ImageAuthenticity].',
    );
  }
  return DEFAULT_MODALITIES[kind];
}

function noWorkers(address: Address, r: Request): DFPNError {
  return new DFPNError(
    ErrorCode.NO_WORKERS_AVAILABLE,
    `request ${address} expired: ${r.commits} of the ${r.minWorkers} required workers committed.`,
  );
}

/** Seats whose drawn worker accepted them (`join_request`): every held seat not still only drawn. */
function accepted(r: Pick<Request, 'joined' | 'seats'>): number {
  return r.seats.slice(0, r.joined).filter((s) => s.state !== SEAT_STATE_DRAWN).length;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * When `waitForResult` draws: as soon as a seat not committed (drawn, or accepted and silent) reached its own answer
 * time (`protocol.answerBy`, half a commit window after its draw: the draw replaces it, and only the seats whose time
 * has come), and while seats are free (again after a draw that left some free only once a seat was given back or some
 * polls passed). After a draw that failed it waits as long before trying again.
 */
class DrawPolicy {
  /** Seats held after the last draw that left seats free (a draw again only below it, or after `retryAt`). */
  private idleSeats: number | undefined;
  private retryAt = 0;
  /** The last draw failed: none before `retryAt`, even for a replacement. */
  private failing = false;
  private blocked = false;

  constructor(private readonly interval: number) {}

  due(r: Request, now: bigint): boolean {
    if (this.blocked || !commitOpen(r, now)) return false;
    if (this.failing && Date.now() < this.retryAt) return false;
    if (replacedSeats(r, now).length > 0) return true;
    if (r.joined >= r.maxWorkers || (r.poolCount === 0 && !isSeeded(r))) return false;
    return this.idleSeats === undefined || r.joined < this.idleSeats || Date.now() >= this.retryAt;
  }

  done(_r: Request, result: DrawSeatsResult): void {
    this.failing = false;
    this.idleSeats = result.seats < result.maxWorkers ? result.seats : undefined;
    this.retryAt = Date.now() + 15 * this.interval;
  }

  failed(r: Request, code: ErrorCode): void {
    if (code === ErrorCode.NO_WORKERS_TO_DRAW) this.blocked = true;
    this.failing = true;
    this.idleSeats = r.joined;
    this.retryAt = Date.now() + 15 * this.interval;
  }
}

/** The DFPN client. Every method is async and throws `DFPNError`. */
export class DFPNClient {
  /** The network name given ("local", "devnet", a URL, or the transport's name). */
  readonly network: string;
  readonly autoCrank: boolean;
  readonly maxMediaBytes: number;
  private transportValue: Transport | undefined;
  private walletValue: TransactionSigner | undefined;
  /** A wallet still being made a kit signer (a web3.js Keypair: importing its key is async); `ready()` awaits it. */
  private walletPending: Promise<TransactionSigner> | undefined;
  private readonly ownsTransport: boolean;
  private readonly options: DFPNClientOptions;
  private init: Promise<void> | undefined;
  private pollIntervalValue: number | undefined;
  private storageValue: Storage | undefined;
  private readonly requestTxs = new Map<string, string>();
  /** Challenges this client submitted and has not revealed yet, by request address. */
  private readonly challenges = new Map<string, { label: number; salt: Uint8Array }>();
  readonly autoDraw: boolean;
  /** Pool index → worker PDA, for draws (created with the transport). */
  private poolValue: WorkerPool | undefined;
  /** Model ids by model address (a model's id never changes; only ids found are kept). */
  private readonly modelIds = new Map<Address, string>();
  private readonly log: Logger;

  constructor(options: DFPNClientOptions = {}) {
    this.options = options;
    this.autoCrank = options.autoCrank ?? true;
    this.autoDraw = options.autoDraw ?? true;
    this.maxMediaBytes = options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
    this.log = options.logger ?? {};
    const network = options.network ?? 'local';
    if (options.wallet !== undefined) {
      // INVALID_ARGUMENT at once for a wallet of another kind, or a public key that does not match.
      const wallet = resolveWallet(options.wallet, typeof network === 'string' ? walletStandardChain(network) : undefined);
      if (wallet instanceof Promise) {
        this.walletPending = wallet;
        wallet.catch(() => undefined); // awaited (and thrown) by ready()
      } else this.walletValue = wallet;
    }
    if (typeof network !== 'string') {
      this.transportValue = network;
      this.network = network.name;
      this.ownsTransport = false;
    } else {
      this.network = network;
      this.ownsTransport = true;
      if (network !== 'local') {
        // Validates the name or URL at once (NETWORK_NOT_SUPPORTED).
        this.transportValue = new RpcTransport(network, {
          ...options.rpc,
          ...(options.programId ? { programId: options.programId } : {}),
        });
      }
    }
    if (this.transportValue) this.configure(this.transportValue);
  }

  /** A client whose network is set up (the local network is created and a wallet funded). */
  static async create(options: DFPNClientOptions = {}): Promise<DFPNClient> {
    return new DFPNClient(options).ready();
  }

  private configure(t: Transport): void {
    this.pollIntervalValue = this.options.pollInterval ?? (t.isLocal ? 50 : 2_000);
    this.storageValue = this.options.storage ?? (t.isLocal ? 'file' : 'ipfs');
  }

  /** Set up the network (create the local LiteSVM and fund a wallet when needed). Called by every method. */
  async ready(): Promise<this> {
    this.init ??= (async () => {
      if (this.walletPending !== undefined) this.walletValue = await this.walletPending;
      if (this.transportValue === undefined) {
        const local: LocalNetworkLike = await platform().createLocalNetwork({
          programPath: this.options.programPath,
          programId: this.options.programId,
        });
        this.transportValue = local;
        this.configure(local);
        this.walletValue ??= await local.fundedSigner(LOCAL_WALLET_LAMPORTS);
      } else if (this.walletValue === undefined && this.transportValue.isLocal && 'fundedSigner' in this.transportValue) {
        this.walletValue = await (this.transportValue as LocalNetworkLike).fundedSigner(LOCAL_WALLET_LAMPORTS);
      }
    })();
    await this.init;
    return this;
  }

  /** The transport (after `ready()`; every method calls it). */
  get transport(): Transport {
    if (!this.transportValue) {
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, "the local network is created on first use: await client.ready() first.");
    }
    return this.transportValue;
  }

  /** The wallet that pays and signs, as a kit `TransactionSigner` (`WALLET_REQUIRED` on a read-only client). */
  get wallet(): TransactionSigner {
    if (!this.walletValue) {
      if (this.transportValue && this.walletPending === undefined) {
        throw new DFPNError(
          ErrorCode.WALLET_REQUIRED,
          `a wallet is required to send transactions on ${this.network}: new DFPNClient({ network, wallet }).`,
        );
      }
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'the wallet is set up on first use: await client.ready() first.');
    }
    return this.walletValue;
  }

  /** The DFPN program's address on this network. */
  get programId(): Address {
    return this.transportValue?.programId ?? this.options.programId ?? PROGRAM_ID;
  }

  /** The default storage of `submitRequest`. */
  get storage(): Storage {
    return this.storageValue ?? 'file';
  }

  /** Release the network connection (and the local network, when the client created it). */
  async close(): Promise<void> {
    if (this.ownsTransport && this.transportValue) await this.transportValue.close();
  }

  /** `await using client = ...` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private ipfsBackend(): IpfsStorage | undefined {
    return this.storageValue instanceof IpfsStorage ? this.storageValue : undefined;
  }

  private s3Backend(): S3Storage | undefined {
    return this.storageValue instanceof S3Storage ? this.storageValue : undefined;
  }

  // ---- accounts ------------------------------------------------------------------------------------------------

  private async load<T>(address: Address, discriminator: Uint8Array, decode: (d: Uint8Array) => T): Promise<T | null> {
    const account = await this.transport.getAccount(address);
    if (account === null || account.owner !== this.programId || !bytesEqual(account.data.subarray(0, 8), discriminator)) {
      return null;
    }
    return decode(account.data);
  }

  /** The on-chain configuration (`CONFIG_NOT_FOUND` when the program is not deployed or initialised). */
  async getConfig(): Promise<Config> {
    await this.ready();
    const address = await configAddress(this.programId);
    const config = await this.load(address, CONFIG_DISCRIMINATOR, (d) => getConfigDecoder().decode(d));
    if (config === null) throw new DFPNError(ErrorCode.CONFIG_NOT_FOUND, `no configuration at ${address} on ${this.transport.name}.`);
    return config;
  }

  /**
   * The fee the program will charge for these modalities and `minWorkers`, in lamports (a `bigint`), from the
   * on-chain config; the same as {@link DFPNClient.estimateFeeLamports}. Pass it to `submitRequest` as
   * `maxFeeLamports` (not `maxFee`, which is SOL); `lamportsToSol` converts it for display.
   */
  async estimateFee(modalities: Iterable<Modality | number> | number, minWorkers: number): Promise<bigint> {
    return this.estimateFeeLamports(modalities, minWorkers);
  }

  /** The fee the program will charge for these modalities and `minWorkers`, in lamports (a `bigint`), from the
   * on-chain config: exactly what `submit_request` records (`INVALID_ARGUMENT` for no or unknown modalities). */
  async estimateFeeLamports(modalities: Iterable<Modality | number> | number, minWorkers: number): Promise<bigint> {
    const config = await this.getConfig();
    try {
      return feeFromParams(config.params, modalities, minWorkers);
    } catch (e) {
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, (e as Error).message, { cause: e });
    }
  }

  /** The raw decoded request account (`REQUEST_NOT_FOUND` when there is none). */
  async getRequestAccount(requestId: RequestId): Promise<Request> {
    await this.ready();
    const address = parseAddress(requestId, 'request id');
    const r = await this.load(address, REQUEST_DISCRIMINATOR, (d) => getRequestDecoder().decode(d));
    if (r === null) throw new DFPNError(ErrorCode.REQUEST_NOT_FOUND, `no request at ${address} on ${this.transport.name}.`);
    return r;
  }

  /** The request account, decoded for users. */
  async getRequest(requestId: RequestId): Promise<RequestInfo> {
    const address = parseAddress(requestId, 'request id');
    return requestInfo(address, await this.getRequestAccount(address));
  }

  /** A worker account by its authority, or null. */
  async getWorker(authority: Address | string): Promise<Worker | null> {
    await this.ready();
    const address = await workerAddress(parseAddress(authority, 'worker authority'), this.programId);
    return this.load(address, WORKER_DISCRIMINATOR, (d) => getWorkerDecoder().decode(d));
  }

  /**
   * The challenger account of a key (default: this client's wallet), or null when it is not a registered challenger
   * (`register_challenger` creates it, `remove_challenger` closes it).
   */
  async getChallenger(authority?: Address | string): Promise<Challenger | null> {
    await this.ready();
    const key = authority === undefined ? this.wallet.address : parseAddress(authority, 'challenger');
    const address = await challengerAddress(key, this.programId);
    return this.load(address, CHALLENGER_DISCRIMINATOR, (d) => getChallengerDecoder().decode(d));
  }

  /**
   * A model account, or null: `getModel(model)` by its PDA address (what seats and workers name), or
   * `getModel(developer, modelId)` by the key that registered it and its id (`INVALID_ARGUMENT` for a malformed
   * address or id).
   */
  async getModel(modelOrDeveloper: Address | string, modelId?: string): Promise<Model | null> {
    await this.ready();
    let address: Address;
    try {
      address =
        modelId === undefined
          ? parseAddress(modelOrDeveloper, 'model')
          : await modelAddress(parseAddress(modelOrDeveloper, 'model developer'), modelId, this.programId);
    } catch (e) {
      if (e instanceof DFPNError) throw e;
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, (e as Error).message, { cause: e });
    }
    return this.load(address, MODEL_DISCRIMINATOR, (d) => getModelDecoder().decode(d));
  }

  /** The treasury or insurance vault and its lamports. */
  async getVault(kind: 'treasury' | 'insurance'): Promise<{ address: Address; vault: Vault; lamports: bigint } | null> {
    await this.ready();
    const address = kind === 'treasury' ? await treasuryAddress(this.programId) : await insuranceAddress(this.programId);
    const account = await this.transport.getAccount(address);
    if (account === null || account.owner !== this.programId) return null;
    return { address, vault: getVaultDecoder().decode(account.data), lamports: account.lamports };
  }

  /** Every request account (optionally only one client's, or one status's). */
  async listRequests(filter: { client?: Address | string; status?: RequestInfo['status'] } = {}): Promise<RequestInfo[]> {
    await this.ready();
    const accounts = await this.transport.programAccounts(REQUEST_DISCRIMINATOR);
    return accounts
      .filter((a) => a.data.length === ACCOUNT_SIZES.request)
      .map((a) => requestInfo(a.address, getRequestDecoder().decode(a.data)))
      .filter((r) => (filter.client === undefined || r.client === filter.client) && (filter.status === undefined || r.status === filter.status));
  }

  /** Every worker account. */
  async listWorkers(): Promise<Array<{ address: Address; worker: Worker }>> {
    await this.ready();
    return (await this.transport.programAccounts(WORKER_DISCRIMINATOR)).map((a) => ({
      address: a.address,
      worker: getWorkerDecoder().decode(a.data),
    }));
  }

  /** Every model account. */
  async listModels(): Promise<Array<{ address: Address; model: Model }>> {
    await this.ready();
    return (await this.transport.programAccounts(MODEL_DISCRIMINATOR)).map((a) => ({
      address: a.address,
      model: getModelDecoder().decode(a.data),
    }));
  }

  /** The DFPN events of a transaction (from its `Program data:` logs). */
  async getEvents(signature: string): Promise<DfpnEvent[]> {
    await this.ready();
    const record = await this.transport.getTransaction(signature);
    return record === null ? [] : parseLogs(record.logs, this.programId);
  }

  /**
   * DFPN events as transactions are processed (`for await (const { signature, event } of client.events({ signal }))`),
   * from the transport's push channel (LiteSVM: in-process; RPC: `logsSubscribe`). `NETWORK_NOT_SUPPORTED` on a
   * transport without one. Ends when `signal` aborts.
   */
  async *events(options: { signal: AbortSignal }): AsyncGenerator<{ signature: string; event: DfpnEvent }> {
    await this.ready();
    const t = this.transport;
    if (!t.programLogs) throw new DFPNError(ErrorCode.NETWORK_NOT_SUPPORTED, `${t.name} has no transaction log subscription.`);
    for await (const { signature, logs } of t.programLogs(options.signal)) {
      for (const event of parseLogs(logs, this.programId)) yield { signature, event };
    }
  }

  // ---- submitting ----------------------------------------------------------------------------------------------

  /**
   * Submit media for analysis and escrow `maxFee` (default: exactly the fee).
   *
   * Give `mediaPath` or `media` (hashed with SHA-256 and stored with `storage`), or `uri` with `contentHash` (or
   * with `mediaPath`/`media` to hash). The program is the judge of the request: `DEADLINE_TOO_SHORT`,
   * `MAX_FEE_TOO_LOW`, `INSUFFICIENT_FUNDS`, `INVALID_STORAGE_URI`, `PAUSED`, ... come from the program itself.
   */
  async submitRequest(params: SubmitRequestParams): Promise<SubmittedRequest> {
    await this.ready();
    const wallet = this.wallet;
    checkSubmitParams(params);
    const { contentHash, uri } = await this.storeMedia(params);
    const config = await this.getConfig();
    const minWorkers = params.minWorkers ?? Math.max(DEFAULT_MIN_WORKERS, config.params.minWorkersFloor);
    const maxWorkers = params.maxWorkers ?? minWorkers;
    const maxFee = this.maxFeeFor(params, config, minWorkers);
    const nonce = params.nonce ?? (await this.freshNonce(wallet.address));
    const now = await this.transport.unixTimestamp();
    const deadline = now + BigInt(Math.trunc(deadlineSeconds(params)));
    const challenge = await this.challengeFor(params, wallet.address, nonce);
    const attestation = challenge?.attestation ?? params.attestation;
    const { instruction, request, attestation: sentAttestation } = await ix.submitRequest(
      {
        client: wallet,
        nonce,
        contentHash,
        storageUri: uri,
        modalities: params.modalities,
        minWorkers,
        maxWorkers,
        maxFee,
        deadline,
        ...(attestation !== undefined ? { attestation } : {}),
      },
      this.programId,
    );
    const submitted = await this.sendSubmit(instruction, request, { nonce, contentHash, uri, attestation: sentAttestation });
    if (challenge !== undefined) this.challenges.set(request, { label: challenge.label, salt: challenge.salt });
    const draw = params.draw ?? this.autoDraw;
    if (draw !== false && (await this.drawQuietly(request, draw === true ? {} : draw)) !== null) {
      const r = await this.getRequestAccount(request);
      submitted.drawn = r.seats.slice(0, r.joined).map((s) => s.authority);
    }
    if (challenge === undefined) return submitted;
    return { ...submitted, challenge: { label: verdictFromCode(challenge.label), salt: toHex(challenge.salt) } };
  }

  /** `drawSeats`, logging instead of throwing a program's refusal or a timeout (the caller goes on; a later draw
   * may succeed). Returns null when it failed. */
  private async drawQuietly(request: Address, options: DrawSeatsOptions): Promise<DrawSeatsResult | null> {
    try {
      return await this.drawSeats(request, options);
    } catch (e) {
      if (!(e instanceof DFPNError) || e.code === ErrorCode.INVALID_ARGUMENT) throw e;
      this.log.warn?.(`draw of ${request} failed: ${e.message}`);
      return null;
    }
  }

  /** The challenge of `submitRequest({ challenge })`: its label code, salt and attestation (`INVALID_ARGUMENT` for
   * a bad label or salt, or for an attestation given too). */
  private async challengeFor(
    params: SubmitRequestParams,
    client: Address,
    nonce: bigint,
  ): Promise<{ label: number; salt: Uint8Array; attestation: Uint8Array } | undefined> {
    if (params.challenge === undefined) {
      if (params.attestation !== undefined) check32('attestation', params.attestation);
      return undefined;
    }
    if (params.attestation !== undefined) {
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'give attestation or challenge, not both.');
    }
    const label = challengeLabelCode(params.challenge.label);
    const salt = Uint8Array.from(check32('salt', params.challenge.salt ?? randomChallengeSalt()));
    const request = await requestAddress(client, nonce, this.programId);
    return { label, salt, attestation: challengeAttestation({ request, label, salt }) };
  }

  /**
   * Upload step of `submitRequest`: hash the media given (`mediaPath` or `media`), check it against `contentHash`,
   * and store it unless a `uri` is given. Returns the content hash and the storage URI to record.
   */
  private async storeMedia(params: SubmitRequestParams): Promise<{ contentHash: Uint8Array; uri: string }> {
    let digest = params.contentHash !== undefined ? parseHash(params.contentHash) : undefined;
    let uri = params.uri;
    const source = await openMedia(params);
    if (source !== undefined) {
      digest = await this.hashMedia(source, digest);
      if (uri === undefined) uri = await this.uploadMedia(source, digest, params);
    }
    if (digest === undefined || uri === undefined) {
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'with uri, give contentHash, mediaPath or media.');
    }
    return { contentHash: digest, uri };
  }

  /** SHA-256 of the media (size-checked), which must equal `expected` when one was given. */
  private async hashMedia(source: MediaSource, expected: Uint8Array | undefined): Promise<Uint8Array> {
    if (source.size > this.maxMediaBytes) {
      throw new DFPNError(
        ErrorCode.INVALID_ARGUMENT,
        `media ${source.name} is ${source.size} bytes, over the ${this.maxMediaBytes}-byte limit (maxMediaBytes).`,
      );
    }
    const actual = await sha256Source(source);
    if (expected !== undefined && !bytesEqual(expected, actual)) {
      throw new DFPNError(
        ErrorCode.CONTENT_HASH_MISMATCH,
        `${source.path ?? source.name} hashes to ${toHex(actual)}, not the given contentHash ${toHex(expected)}.`,
      );
    }
    return actual;
  }

  /** Store the media with the request's (or the client's) storage; returns its URI. */
  private async uploadMedia(source: MediaSource, contentHash: Uint8Array, params: SubmitRequestParams): Promise<string> {
    const backend = params.storage ?? this.storage;
    if (backend === 'file' && !this.transport.isLocal) {
      throw new DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, 'file:// URIs are only for the local network.');
    }
    const keep = platform().keepMedia;
    if (backend === 'file' && source.path === undefined && keep !== undefined) {
      // Bytes on the local network: kept in a file, whose file:// URI the request records.
      source = await platform().openFile(await keep(source, contentHash));
    }
    return upload(source, backend, {
      contentHash,
      ...(params.uploadProgress ? { progress: params.uploadProgress } : {}),
    });
  }

  /** Fee step of `submitRequest`: the escrow in lamports (`maxFeeLamports`, `maxFee` in SOL, or exactly the fee). */
  private maxFeeFor(params: SubmitRequestParams, config: Config, minWorkers: number): bigint {
    checkMaxFee(params);
    try {
      const fee = feeFromParams(config.params, params.modalities, minWorkers);
      return params.maxFeeLamports ?? (params.maxFee !== undefined ? solToLamports(params.maxFee) : fee);
    } catch (e) {
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, (e as Error).message, { cause: e });
    }
  }

  /** Send step of `submitRequest`: send the transaction and read back what the program recorded. */
  private async sendSubmit(
    instruction: Instruction,
    request: Address,
    sent: { nonce: bigint; contentHash: Uint8Array; uri: string; attestation: ReadonlyUint8Array },
  ): Promise<SubmittedRequest> {
    const wallet = this.wallet;
    const record = await this.transport.sendTransaction([instruction], wallet, { label: 'submit_request' });
    this.requestTxs.set(request, record.signature);
    const r = await this.getRequestAccount(request);
    this.log.info?.(`request ${request} submitted (fee ${r.fee} lamports, escrow ${r.escrow}): ${record.signature}`);
    return {
      id: request,
      nonce: sent.nonce,
      signature: record.signature,
      client: wallet.address,
      contentHash: toHex(sent.contentHash),
      storageUri: sent.uri,
      modalities: modalitiesFromMask(r.modalities),
      minWorkers: r.minWorkers,
      maxWorkers: r.maxWorkers,
      feeLamports: r.fee,
      maxFeeLamports: r.escrow,
      commitDeadline: r.commitDeadline,
      deadline: r.deadline,
      attestation: toHex(sent.attestation),
      challenge: null,
      drawn: [],
    };
  }

  /** An unused random nonce whose request PDA has the top canonical bump (`submit_request` then checks no higher
   * bump, which would cost ~1,500 CU each). */
  private async freshNonce(client: Address): Promise<bigint> {
    for (let i = 0; i < 8; i++) {
      const nonce = await randomRequestNonce(client, this.programId);
      if ((await this.transport.getAccount(await requestAddress(client, nonce, this.programId))) === null) return nonce;
    }
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'could not find an unused request nonce; pass nonce.');
  }

  /** The request's media, checked against its content hash (`CONTENT_HASH_MISMATCH` when it differs). */
  async fetchMedia(requestId: RequestId, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const r = await this.getRequestAccount(requestId);
    const uri = text(r.storageUri, r.storageUriLen);
    const data = await readUri(uri, {
      maxBytes: this.maxMediaBytes,
      timeoutMs: options.timeoutMs ?? 3_600_000,
      ipfs: this.ipfsBackend(),
      s3: this.s3Backend(),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    checkHash(data, Uint8Array.from(r.contentHash), ErrorCode.CONTENT_HASH_MISMATCH, `media of request ${String(requestId)}`);
    return data;
  }

  // ---- seat draws ----------------------------------------------------------------------------------------------

  /** Pool index → worker PDA (one `getProgramAccounts` with a 4-byte slice, cached). */
  get workerPool(): WorkerPool {
    this.poolValue ??= new WorkerPool(this.transport);
    return this.poolValue;
  }

  /**
   * Draw the request's free seats from the worker pool (`draw_seats`; any wallet may send it, paying the
   * transaction fee). Each transaction passes the worker PDAs of every seat not committed half a commit window after
   * its own draw, only drawn or accepted and silent (`draw.replacedSeats`, `protocol.answerBy`: the program replaces
   * them, their workers forfeit the bond; a seat this call draws gets its own window, so it is never replaced by the
   * same call), then a batch of
   * candidates: from the request's `drawCursor` on, the worker PDAs whose `poolIndex` the draw names
   * (`draw.drawCandidates`, with the request's seed, or the seed the SlotHashes sysvar gives when no draw has fixed
   * it yet; pool indices map to PDAs through {@link workerPool}). The program seats the eligible candidates; this
   * repeats until every seat is held, `maxTransactions` were sent, or `maxIdleTransactions` in a row seated nobody.
   *
   * While the draw slot's hash does not exist yet (`DRAW_TOO_EARLY`, the slot after submission still running) it
   * waits and retries until `timeout`, then throws `DRAW_TOO_EARLY`. When the hash rolled out of the SlotHashes
   * window, the first transaction re-arms the draw on a later slot (`rearmed`) and the draw goes on from there.
   * Throws `NO_WORKERS_TO_DRAW` without sending anything when no worker was registered at submission, and the
   * program's refusals (`COMMIT_PHASE_CLOSED`, `REQUEST_NOT_OPEN`, …); returns at once, sending nothing, when every
   * seat is held and none is due for replacement (the program would say `NOTHING_TO_DRAW`).
   */
  async drawSeats(requestId: RequestId, options: DrawSeatsOptions = {}): Promise<DrawSeatsResult> {
    await this.ready();
    const address = parseAddress(requestId, 'request id');
    const wallet = this.wallet;
    const batchSize = options.batchSize ?? DEFAULT_DRAW_BATCH;
    const maxTransactions = options.maxTransactions ?? 8;
    const maxIdle = options.maxIdleTransactions ?? 2;
    const timeout = options.timeout ?? 20_000;
    const retryInterval = options.retryInterval ?? 400;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'batchSize must be a positive integer.');
    const giveUp = Date.now() + timeout;
    const config = await this.getConfig();
    const stakeCap = config.params.drawStakeCap;
    const result: DrawSeatsResult = {
      request: address,
      drawn: [],
      replaced: [],
      signatures: [],
      seats: 0,
      maxWorkers: 0,
      cursor: 0,
      rearmed: false,
    };
    let idle = 0;
    let mismatches = 0;
    let r = await this.getRequestAccount(address);
    if (r.poolCount === 0) {
      // Nothing to send: the program would refuse (and a landed failure still pays its fee).
      throw new DFPNError(
        ErrorCode.NO_WORKERS_TO_DRAW,
        `request ${address} was submitted when no worker was registered: nobody can be drawn for it.`,
      );
    }
    while (result.signatures.length < maxTransactions) {
      if (options.signal?.aborted) throw options.signal.reason;
      const now = await this.transport.unixTimestamp();
      const replaced = replacedSeats(r, now);
      const free = r.maxWorkers - r.joined + replaced.length;
      // Every seat held and none due for replacement: nothing to send (the program would say NOTHING_TO_DRAW).
      if (free <= 0) break;
      let seed: ReadonlyUint8Array | undefined;
      let rearm = false;
      if (isSeeded(r)) seed = r.drawSeed;
      else {
        const sysvar = await this.transport.getAccount(SLOT_HASHES_SYSVAR);
        const found = lookupSlotHash(sysvar === null ? [] : parseSlotHashes(sysvar.data), r.drawSlot);
        if (found.kind === 'ready') seed = drawSeed(address, found.hash);
        else if (found.kind === 'expired') rearm = true;
        else {
          await this.waitForSlot(address, r.drawSlot, giveUp, retryInterval, options.signal);
          r = await this.getRequestAccount(address);
          continue;
        }
      }
      const room = Math.max(0, Math.min(batchSize, MAX_DRAW_WORKER_ACCOUNTS - replaced.length));
      const picks = seed === undefined || rearm ? [] : drawCandidates(seed, r.drawCursor, room, r.poolCount, stakeCap);
      const candidates = await this.workerPool.addresses(picks.map((c) => c.poolIndex));
      const instruction = await ix.drawSeats({ request: address, replaced, candidates }, this.programId);
      let record: TransactionRecord;
      try {
        record = await this.transport.sendTransaction([instruction], wallet, { label: 'draw_seats' });
      } catch (e) {
        if (!(e instanceof DFPNError)) throw e;
        if (e.code === ErrorCode.DRAW_TOO_EARLY) {
          await this.waitForSlot(address, r.drawSlot, giveUp, retryInterval, options.signal);
        } else if (
          (e.code === ErrorCode.DRAW_ACCOUNT_MISMATCH || e.code === ErrorCode.NOT_ENOUGH_ACCOUNTS) &&
          mismatches++ < 2
        ) {
          // The request or the clock moved between reading and sending (a seat accepted, a seat's answer time
          // came, a seed fixed by someone else): read again and rebuild.
          this.log.info?.(`draw of ${address}: ${e.code}, reading the request again`);
        } else throw e;
        r = await this.getRequestAccount(address);
        continue;
      }
      result.signatures.push(record.signature);
      let seated = 0;
      for (const event of parseLogs(record.logs, this.programId)) {
        if (event.name === 'SeatDrawn' && event.request === address) {
          result.drawn.push({ worker: event.worker, seat: event.seat });
          seated++;
        } else if (event.name === 'WorkerSlashed' && event.request === address) result.replaced.push(event.worker);
        else if (event.name === 'DrawRearmed') result.rearmed = true;
      }
      this.log.info?.(`draw of ${address}: ${seated} seated, ${replaced.length} replaced, ${picks.length} tried: ${record.signature}`);
      r = await this.getRequestAccount(address);
      if (rearm) continue;
      idle = seated === 0 ? idle + 1 : 0;
      if (r.joined >= r.maxWorkers || idle >= maxIdle) break;
    }
    result.seats = r.joined;
    result.maxWorkers = r.maxWorkers;
    result.cursor = r.drawCursor;
    return result;
  }

  /** Wait for the next slot while a draw's slot hash does not exist yet (`DRAW_TOO_EARLY` after `giveUp`). */
  private async waitForSlot(address: Address, drawSlot: bigint, giveUp: number, interval: number, signal?: AbortSignal): Promise<void> {
    if (Date.now() >= giveUp) {
      throw new DFPNError(
        ErrorCode.DRAW_TOO_EARLY,
        `draw of ${address}: no hash for slot ${drawSlot} or later in the SlotHashes sysvar on ${this.transport.name} yet.`,
      );
    }
    if (this.transport.advanceSlot) await this.transport.advanceSlot();
    else await sleep(Math.max(1, Math.min(interval, giveUp - Date.now())), signal);
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------------

  /**
   * Send `finalize_request`; returns the signature. When this client's wallet is the request's client it signs as
   * the client, which the program accepts as soon as the request is finalizable (and it first reveals, in the same
   * transaction, a challenge this client submitted and has not revealed). Any other wallet finalizes as a cranker,
   * which the program accepts only from `deadline + FINALIZE_GRACE_SECS` on: before, `FINALIZE_RESERVED_FOR_CLIENT`
   * naming the time it opens (`protocol.finalizeOpenToAnyoneAt`).
   */
  async finalize(requestId: RequestId): Promise<string> {
    const address = parseAddress(requestId, 'request id');
    const r = await this.getRequestAccount(address);
    const wallet = this.wallet;
    const asClient = wallet.address === r.client;
    const instructions: Instruction[] = [];
    const challenge = asClient && r.challenged === 0 ? this.challenges.get(address) : undefined;
    if (challenge !== undefined) {
      instructions.push(await ix.revealChallenge({ client: wallet, request: address, ...challenge }, this.programId));
    }
    instructions.push(
      await ix.finalizeRequest({ request: address, requestData: r, ...(asClient ? { client: wallet } : {}) }, this.programId),
    );
    try {
      const record = await this.transport.sendTransaction(instructions, wallet, {
        label: challenge ? 'reveal_challenge + finalize_request' : 'finalize_request',
      });
      this.challenges.delete(address);
      return record.signature;
    } catch (e) {
      if (e instanceof DFPNError && e.code === ErrorCode.FINALIZE_RESERVED_FOR_CLIENT) throw await this.reservedForClient(address, r, e);
      throw e;
    }
  }

  /** `FINALIZE_RESERVED_FOR_CLIENT` saying who may finalize and from when anyone may. */
  private async reservedForClient(address: Address, r: Request, cause: DFPNError): Promise<DFPNError> {
    const opens = finalizeOpenToAnyoneAt(r);
    const now = await this.transport.unixTimestamp().catch(() => undefined);
    const wait = now === undefined ? '' : ` (${opens - now > 0n ? opens - now : 0n} s from now)`;
    return new DFPNError(
      ErrorCode.FINALIZE_RESERVED_FOR_CLIENT,
      `finalize of ${address}: only its client ${r.client} may finalize until deadline + FINALIZE_GRACE_SECS ` +
        `(${r.deadline} + ${FINALIZE_GRACE_SECS} = ${opens}, cluster time)${wait}; this wallet is ${this.wallet.address}.`,
      { programCode: cause.programCode, logs: cause.logs, signature: cause.signature, cause },
    );
  }

  /**
   * The client reveals the label and salt of its challenge request (`reveal_challenge`), once the request is
   * finalizable and before it is finalized; returns the signature. Without `secret`, the one this client remembers
   * from `submitRequest({ challenge })`. The wallet must be the request's client and a registered challenger
   * (`NOT_CHALLENGER`); `CHALLENGE_MISMATCH` when the label and salt are not the attestation's, `CHALLENGE_TOO_EARLY`
   * before the reveals are over, `CHALLENGE_ALREADY_REVEALED` the second time.
   */
  async revealChallenge(requestId: RequestId, secret?: { label: ChallengeSecret['label']; salt: ReadonlyUint8Array | string }): Promise<string> {
    await this.ready();
    const address = parseAddress(requestId, 'request id');
    const known = secret ?? this.challenges.get(address);
    if (known === undefined) {
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `no challenge of ${address} is known to this client: give its label and salt.`);
    }
    let salt: ReadonlyUint8Array;
    try {
      salt = typeof known.salt === 'string' ? fromHex(known.salt) : known.salt;
    } catch (e) {
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `salt ${JSON.stringify(known.salt)} is not hex.`, { cause: e });
    }
    const instruction = await ix.revealChallenge({ client: this.wallet, request: address, label: challengeLabelCode(known.label), salt }, this.programId);
    const record = await this.transport.sendTransaction([instruction], this.wallet, { label: 'reveal_challenge' });
    this.challenges.delete(address);
    return record.signature;
  }

  /** Send `expire_request` (anyone may, after the commit deadline with too few commits). */
  async expire(requestId: RequestId): Promise<string> {
    const address = parseAddress(requestId, 'request id');
    const r = await this.getRequestAccount(address);
    const record = await this.transport.sendTransaction([await ix.expireRequest({ request: address, requestData: r }, this.programId)], this.wallet, {
      label: 'expire_request',
    });
    return record.signature;
  }

  /** The client closes its finished request and gets the rent (and any leftover escrow) back. */
  async closeRequest(requestId: RequestId): Promise<string> {
    await this.ready();
    const address = parseAddress(requestId, 'request id');
    const record = await this.transport.sendTransaction([ix.closeRequest({ client: this.wallet, request: address }, this.programId)], this.wallet, {
      label: 'close_request',
    });
    return record.signature;
  }

  /**
   * Follow the request until it is finalized and return the full result: per-worker verdicts from the request's
   * seats, detections read from each worker's report URI and checked against the committed report hash
   * (`REPORT_HASH_MISMATCH` when they differ; an unreadable report gives `reportVerified: false`), and the audit
   * block. On RPC networks an account subscription wakes the wait early; it polls regardless.
   *
   * With `autoDraw` (default) it draws seats while some are free and replaces each seat not committed (drawn, or
   * accepted and silent) once half a commit window passed since its own draw (`protocol.answerBy`; a seat drawn in
   * the second half of the commit window is never replaced; see {@link DFPNClient.drawSeats}).
   *
   * Throws `NO_WORKERS_AVAILABLE` when the request expired (or, with `autoCrank`, could only expire: it is expired
   * and the escrow returned), `TIMEOUT` after `timeout` ms. On the embedded network ('local', which runs no workers
   * of its own) a request submitted while no worker was registered can never be drawn for: `LOCAL_WORKERS_MISSING` at
   * once, naming the fix (`dfpn-localnet up` and network 'localnet', or test workers from `@dfpn/sdk/testing`).
   *
   * `onProgress` is called whenever the request's stage or counts change ({@link AnalysisProgress}).
   */
  async waitForResult(requestId: RequestId, options: WaitOptions = {}): Promise<AnalysisResult> {
    return this.follow(requestId, options, Date.now());
  }

  /** `waitForResult`, its progress timed from `startedAt` (`analyze` started earlier). */
  private async follow(requestId: RequestId, options: WaitOptions, startedAt: number): Promise<AnalysisResult> {
    await this.ready();
    const address = parseAddress(requestId, 'request id');
    let reported: AnalysisProgress | undefined;
    const report = (r: Request) => {
      if (!options.onProgress) return;
      const progress = requestProgress(address, r, (Date.now() - startedAt) / 1000);
      if (!progressChanged(reported, progress)) return;
      reported = progress;
      try {
        options.onProgress(progress);
      } catch (e) {
        this.log.warn?.(`onProgress threw: ${(e as Error).message}`);
      }
    };
    const timeout = options.timeout ?? 360_000;
    const interval = options.pollInterval ?? this.pollIntervalValue ?? 2_000;
    const giveUp = Date.now() + timeout;
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    let wake: (() => void) | undefined;
    this.transport.watchAccount?.(address, () => wake?.(), signal);
    const draws = new DrawPolicy(interval);
    try {
      for (;;) {
        if (options.signal?.aborted) throw options.signal.reason;
        const r = await this.getRequestAccount(address);
        report(r);
        if (r.status === REQUEST_STATUS_FINALIZED) return await this.assemble(address, r);
        if (r.status === REQUEST_STATUS_EXPIRED) throw noWorkers(address, r);
        if (this.autoDraw && this.walletValue !== undefined) {
          const now = await this.transport.unixTimestamp();
          if (draws.due(r, now)) {
            const timeout = Math.max(1, Math.min(20_000, giveUp - Date.now()));
            try {
              draws.done(r, await this.drawSeats(address, { timeout, ...(options.signal ? { signal: options.signal } : {}) }));
            } catch (e) {
              if (!(e instanceof DFPNError) || e.code === ErrorCode.INVALID_ARGUMENT) throw e;
              this.log.info?.(`draw of ${address} not possible now: ${e.code}`);
              draws.failed(r, e.code);
            }
            continue;
          }
        }
        if (this.autoCrank && this.walletValue !== undefined) {
          const now = await this.transport.unixTimestamp();
          if (isExpirable(r, now) && (await this.crank(() => this.expire(address), address, 'expire'))) throw noWorkers(address, r);
          // The client finalizes as soon as it may; a cranker waits for the grace period (the client's, and a
          // challenger's, time to act first).
          const mayFinalize = this.walletValue.address === r.client ? isFinalizable(r, now) : finalizableByAnyone(r, now);
          if (mayFinalize && (await this.crank(() => this.finalize(address), address, 'finalize'))) continue;
        }
        if (this.transport.isLocal && r.poolCount === 0 && !isSeeded(r) && r.joined === 0) throw noLocalWorkers(address);
        const remaining = giveUp - Date.now();
        if (remaining <= 0) {
          throw new DFPNError(
            ErrorCode.TIMEOUT,
            `request ${address} not finalized after ${timeout / 1000} s (${r.joined} of ${r.maxWorkers} seats drawn, ` +
              `${accepted(r)} accepted, ${r.commits} committed, ${r.reveals} revealed).`,
          );
        }
        await new Promise<void>((resolve, reject) => {
          wake = resolve;
          sleep(Math.min(interval, remaining), options.signal).then(resolve, reject);
        });
        wake = undefined;
      }
    } finally {
      stop.abort();
    }
  }

  /** Run `action`; false when the program says it is not (or no longer) possible. */
  private async crank(action: () => Promise<string>, address: Address, what: string): Promise<boolean> {
    try {
      const signature = await action();
      this.log.info?.(`${what} of ${address}: ${signature}`);
      return true;
    } catch (e) {
      // Someone else may have finalized or expired it first, or the cluster clock is behind ours (the grace period
      // not over yet): the next poll sees the new status.
      if (
        e instanceof DFPNError &&
        (e.code === ErrorCode.REQUEST_NOT_OPEN ||
          e.code === ErrorCode.FINALIZE_TOO_EARLY ||
          e.code === ErrorCode.FINALIZE_RESERVED_FOR_CLIENT ||
          e.code === ErrorCode.CANNOT_EXPIRE)
      ) {
        this.log.info?.(`${what} of ${address} not possible: ${e.code}`);
        return false;
      }
      throw e;
    }
  }

  // ---- one call ------------------------------------------------------------------------------------------------

  /**
   * Media in, verdict out: the media is read, its modalities chosen, the fee estimated, the media stored, the request
   * submitted (and its seats drawn), and the verdict awaited (`waitForResult`); returns the {@link AnalysisResult}.
   *
   * `source`: a file path (Node), a URL of media already stored (`https://`, `http://`, `ipfs://`, `s3://`; read once
   * to hash it unless `contentHash` is given), or the bytes (`Uint8Array` or `Blob`, stored with the client's storage;
   * on the local network in a file under the system's temporary folder). `modalities` default from the kind of media,
   * told by its magic bytes or else its extension ({@link DEFAULT_MODALITIES}: an image AiGeneratedImage +
   * ImageAuthenticity, a video VideoAuthenticity, audio VoiceCloning); `INVALID_ARGUMENT` when neither tells.
   *
   * Nothing is stored or sent when the wallet cannot pay the escrow and rent (`INSUFFICIENT_FUNDS`), nor on the
   * embedded network ('local', which runs no workers) when no registered worker serves the modalities
   * (`LOCAL_WORKERS_MISSING`, naming the fix). Progress: `onProgress`, or {@link DFPNClient.analyzeStream} as an async
   * iterator. The step-by-step calls (`estimateFeeLamports`, `submitRequest`, `waitForResult`) do the same in parts.
   */
  async analyze(source: AnalyzeSource, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    const startedAt = Date.now();
    await this.ready();
    const wallet = this.wallet;
    checkMaxFee(options);
    let last: AnalysisProgress | undefined;
    let upload = { bytesSent: 0, bytesTotal: 0 };
    const emit = (progress: AnalysisProgress) => {
      if (!options.onProgress || !progressChanged(last, progress)) return;
      last = progress;
      try {
        options.onProgress(progress);
      } catch (e) {
        this.log.warn?.(`onProgress threw: ${(e as Error).message}`);
      }
    };
    const elapsed = () => (Date.now() - startedAt) / 1000;
    const media = await this.analysisMedia(source, options);
    options.signal?.throwIfAborted();
    const modalities = options.modalities ?? defaultModalities(media);
    const config = await this.getConfig();
    const minWorkers = options.minWorkers ?? Math.max(DEFAULT_MIN_WORKERS, config.params.minWorkersFloor);
    // Estimate: the escrow (the fee, or the maximum given) must be payable before anything is stored or sent.
    const escrow = this.maxFeeFor({ ...options, modalities }, config, minWorkers);
    if (this.transport.isLocal) await this.requireLocalWorkers(modalities, config, wallet.address);
    await this.requireFunds(wallet.address, escrow);
    options.signal?.throwIfAborted();
    if (media.size !== undefined) {
      upload = { bytesSent: 0, bytesTotal: media.size };
      emit(analysisProgress({ stage: 'uploading', minWorkers, ...upload, elapsedSeconds: elapsed() }));
    }
    const { maxFee: _sol, maxFeeLamports: _lamports, onProgress: _onProgress, timeout, pollInterval, signal, ...rest } = options;
    void _sol, _lamports, _onProgress;
    const sub = await this.submitRequest({
      ...rest,
      ...media.params,
      modalities,
      minWorkers,
      maxFeeLamports: escrow,
      uploadProgress: (sent, total) => {
        upload = { bytesSent: sent, bytesTotal: total };
        emit(analysisProgress({ stage: 'uploading', minWorkers, ...upload, elapsedSeconds: elapsed() }));
      },
    });
    emit(analysisProgress({ stage: 'submitted', requestId: sub.id, minWorkers: sub.minWorkers, ...upload, elapsedSeconds: elapsed() }));
    return this.follow(
      sub.id,
      {
        ...(timeout !== undefined ? { timeout } : {}),
        ...(pollInterval !== undefined ? { pollInterval } : {}),
        ...(signal !== undefined ? { signal } : {}),
        onProgress: (p) => emit(Object.freeze({ ...p, ...upload })),
      },
      startedAt,
    );
  }

  /**
   * {@link DFPNClient.analyze} as an async iterator: `{ type: 'progress', progress }` for each
   * {@link AnalysisProgress}, then `{ type: 'result', result }`; a failure is thrown from the loop. Leaving the loop
   * early stops waiting (a request already submitted stays on-chain).
   *
   * ```ts
   * for await (const event of client.analyzeStream('./photo.jpg')) {
   *   if (event.type === 'progress') console.log(event.progress.stage, event.progress.commits);
   *   else console.log(event.result.verdict);
   * }
   * ```
   */
  async *analyzeStream(source: AnalyzeSource, options: AnalyzeOptions = {}): AsyncGenerator<AnalysisEvent, void, undefined> {
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const events: AnalysisEvent[] = [];
    let outcome: { result: AnalysisResult } | { error: unknown } | undefined;
    let wake: (() => void) | undefined;
    void this.analyze(source, {
      ...options,
      signal,
      onProgress: (progress) => {
        events.push({ type: 'progress', progress });
        wake?.();
        options.onProgress?.(progress);
      },
    }).then(
      (result) => {
        outcome = { result };
        wake?.();
      },
      (error: unknown) => {
        outcome = { error };
        wake?.();
      },
    );
    try {
      for (;;) {
        const next = events.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (outcome !== undefined) {
          if ('error' in outcome) throw outcome.error;
          yield { type: 'result', result: outcome.result };
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      stop.abort();
    }
  }

  /** What `analyze` submits for a source, and what it knows of the media: its first bytes, name and size. */
  private async analysisMedia(
    source: AnalyzeSource,
    options: AnalyzeOptions,
  ): Promise<{ params: Pick<SubmitRequestParams, 'mediaPath' | 'media' | 'mediaName' | 'uri' | 'contentHash'>; head?: Uint8Array; name?: string; size?: number }> {
    const name = options.mediaName;
    const named = name !== undefined ? { mediaName: name } : {};
    if (source instanceof Uint8Array) {
      if (source.length === 0) throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'analyze: the media bytes are empty.');
      return { params: { media: source, ...named }, head: source.subarray(0, SNIFF_BYTES), ...(name !== undefined ? { name } : {}), size: source.length };
    }
    if (typeof Blob !== 'undefined' && source instanceof Blob) {
      const blobName = name ?? ((source as { name?: unknown }).name as string | undefined);
      return {
        params: { media: source, ...named },
        head: new Uint8Array(await source.slice(0, SNIFF_BYTES).arrayBuffer()),
        ...(blobName !== undefined ? { name: blobName } : {}),
        size: source.size,
      };
    }
    const text = source instanceof URL ? source.href : source;
    if (typeof text !== 'string' || text === '') {
      throw new DFPNError(
        ErrorCode.INVALID_ARGUMENT,
        'analyze: source must be a file path, a stored media URL (https://, ipfs://, s3://) or the bytes (Uint8Array or Blob).',
      );
    }
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
    if (scheme !== undefined) {
      if (!['http', 'https', 'ipfs', 's3', 'file'].includes(scheme)) {
        throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `analyze: ${scheme}:// URLs are not media storage; use https://, ipfs:// or s3:// (or a file path).`);
      }
      if (options.contentHash !== undefined) return { params: { uri: text, contentHash: options.contentHash }, name: text };
      const bytes = await readUri(text, {
        maxBytes: this.maxMediaBytes,
        timeoutMs: 600_000,
        ipfs: this.ipfsBackend(),
        s3: this.s3Backend(),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { params: { uri: text, media: bytes }, head: bytes.subarray(0, SNIFF_BYTES), name: text };
    }
    const file = await platform().openFile(text);
    const reader = file.stream().getReader();
    let head = new Uint8Array(0);
    try {
      while (head.length < SNIFF_BYTES) {
        const { value, done } = await reader.read();
        if (done || value === undefined) break;
        const joined = new Uint8Array(head.length + value.length);
        joined.set(head);
        joined.set(value, head.length);
        head = joined;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    return { params: { mediaPath: text }, head: head.subarray(0, SNIFF_BYTES), name: file.path ?? file.name, size: file.size };
  }

  /** The embedded network runs no workers: refuse before anything is sent when no registered worker could be drawn. */
  private async requireLocalWorkers(modalities: ReadonlyArray<Modality | number>, config: Config, client: Address): Promise<void> {
    const mask = modalityMask(modalities);
    const workers = await this.listWorkers();
    const able = workers.filter(
      ({ worker }) => (worker.modalities & mask) === mask && worker.stake >= config.params.minStake && worker.authority !== client,
    );
    if (able.length > 0) return;
    const names = modalitiesFromMask(mask).map((m) => modalityName(m)).join(' + ');
    throw noLocalWorkers(
      null,
      workers.length === 0
        ? "no worker is registered on the embedded network ('local'), which runs no workers of its own: nothing was stored or submitted."
        : `none of the ${workers.length} workers registered on the embedded network ('local'), which runs no workers of its own, ` +
            `serves ${names} with the minimum stake: nothing was stored or submitted.`,
    );
  }

  /** `INSUFFICIENT_FUNDS` before anything is stored or sent when the wallet cannot pay the escrow, rent and fees. */
  private async requireFunds(wallet: Address, escrow: bigint): Promise<void> {
    const rent = await this.transport.minimumBalanceForRentExemption(ACCOUNT_SIZES.request);
    const needed = escrow + rent + 2n * LAMPORTS_PER_SIGNATURE;
    const balance = await this.transport.getBalance(wallet);
    if (balance < needed) {
      throw new DFPNError(
        ErrorCode.INSUFFICIENT_FUNDS,
        `wallet ${wallet} has ${balance} lamports; the request needs ${needed} (escrow ${escrow} + the request account's rent ` +
          `${rent} + transaction fees): nothing was stored or submitted.`,
      );
    }
  }

  // ---- result assembly -----------------------------------------------------------------------------------------

  private async assemble(address: Address, r: Request): Promise<AnalysisResult> {
    const workerResults: WorkerResult[] = [];
    for (const seat of r.seats.slice(0, r.joined)) {
      if (seat.state === SEAT_STATE_REVEALED) workerResults.push(await this.workerResult(seat, await this.modelIdOf(seat.model)));
    }
    const requestTx = this.requestTxs.get(address) ?? (await this.findTx(address, 'RequestSubmitted'));
    const finalizeTx = await this.findTx(address, 'RequestFinalized');
    return {
      requestId: address,
      verdict: verdictFromCode(r.verdict),
      confidence: r.confidence,
      consensusType: consensusFromCode(r.consensus),
      workerResults,
      audit: { requestTx, finalizeTx, workerCount: r.joined, commitCount: r.commits, revealCount: r.reveals },
      feeLamports: feeCharged(r),
    };
  }

  /** The id of the model at `model` (its account's `modelId`), null when there is no model account there. */
  private async modelIdOf(model: Address): Promise<string | null> {
    const known = this.modelIds.get(model);
    if (known !== undefined) return known;
    const account = await this.load(model, MODEL_DISCRIMINATOR, (d) => getModelDecoder().decode(d));
    if (account === null) {
      this.log.warn?.(`no model account at ${model}`);
      return null;
    }
    const id = decodeModelId(account.modelId);
    this.modelIds.set(model, id);
    return id;
  }

  private async workerResult(seat: Seat, modelId: string | null): Promise<WorkerResult> {
    const uri = text(seat.reportUri, seat.reportUriLen);
    let detections: Detection[] = [];
    let verified = false;
    let data: Uint8Array | undefined;
    try {
      data = await readUri(uri, { ipfs: this.ipfsBackend(), s3: this.s3Backend() });
    } catch (e) {
      if (!(e instanceof DFPNError)) throw e;
      this.log.warn?.(`report of worker ${seat.authority} not loaded: ${e.message}`);
    }
    if (data !== undefined) {
      checkHash(data, Uint8Array.from(seat.reportHash), ErrorCode.REPORT_HASH_MISMATCH, `report ${uri} of ${seat.authority}`);
      verified = true;
      try {
        detections = parseDetections(data);
      } catch (e) {
        this.log.warn?.(`report ${uri} has no readable detections: ${(e as Error).message}`);
      }
    }
    return {
      worker: seat.authority,
      model: seat.model,
      modelId,
      verdict: verdictFromCode(seat.verdict),
      confidence: seat.confidence,
      detections,
      reportUri: uri,
      reportHash: toHex(seat.reportHash),
      reportVerified: verified,
    };
  }

  private async findTx(address: Address, kind: DfpnEvent['name']): Promise<string | null> {
    for (const signature of await this.transport.signaturesForAddress(address)) {
      const record: TransactionRecord | null = await this.transport.getTransaction(signature);
      if (record === null) continue;
      for (const event of parseLogs(record.logs, this.programId)) {
        if (event.name === kind && 'request' in event && event.request === address) return signature;
      }
    }
    return null;
  }
}
