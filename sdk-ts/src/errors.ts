/**
 * `DFPNError` and `ErrorCode`: every failure the SDK reports, with a message that says what to do.
 *
 * Program errors (`Custom(6000..)`, names and messages from the IDL) map one-to-one onto `ErrorCode` members of the
 * same name in UPPER_SNAKE case; the SDK adds its own codes (`NO_WORKERS_AVAILABLE`, `CONTENT_HASH_MISMATCH`,
 * `TIMEOUT`, ...). The names and the set are the Python SDK's (`dfpn.errors.ErrorCode`), checked by a test.
 * Failed LiteSVM transactions and JSON-RPC error payloads are both mapped by {@link fromTransactionError} and
 * {@link fromRpcError}.
 * @module
 */
import { PROGRAM_ERRORS, type ProgramErrorCodeName, type ProgramErrorInfo } from './generated/programErrors.js';

/** The SDK's own codes (not program errors), as in the Python SDK. */
export const SDK_ERROR_CODES = [
  'NO_WORKERS_AVAILABLE',
  'CONTENT_HASH_MISMATCH',
  'REPORT_HASH_MISMATCH',
  'REPORT_UNAVAILABLE',
  'MEDIA_NOT_FOUND',
  'CONTENT_TOO_LARGE',
  'STORAGE_NOT_SUPPORTED',
  'STORAGE_UNAVAILABLE',
  'STORAGE_FAILED',
  'NETWORK_NOT_SUPPORTED',
  'PROGRAM_NOT_FOUND',
  'CONFIG_NOT_FOUND',
  'REQUEST_NOT_FOUND',
  'INVALID_ARGUMENT',
  'TIMEOUT',
  'RPC_ERROR',
  'TRANSACTION_FAILED',
] as const;

/** What went wrong: an SDK code or a program error's name in UPPER_SNAKE case. */
export type ErrorCode = (typeof SDK_ERROR_CODES)[number] | ProgramErrorCodeName;

/** Every error code as a constant: `ErrorCode.INSUFFICIENT_FUNDS === 'INSUFFICIENT_FUNDS'`. */
export const ErrorCode: { readonly [K in ErrorCode]: K } = Object.freeze(
  Object.fromEntries([...SDK_ERROR_CODES, ...PROGRAM_ERRORS.map((e) => e.errorCode)].map((c) => [c, c])),
) as { readonly [K in ErrorCode]: K };

/** Every error code, SDK codes first, then the program's in code order. */
export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.freeze(Object.keys(ErrorCode) as ErrorCode[]);

const BY_PROGRAM_CODE = new Map<number, ProgramErrorInfo>(PROGRAM_ERRORS.map((e) => [e.code, e]));
const BY_NAME = new Map<string, ProgramErrorInfo>(PROGRAM_ERRORS.map((e) => [e.errorCode, e]));

/** The program's `Custom` code of a program error, undefined for the SDK's own codes. */
export function programCodeOf(code: ErrorCode): number | undefined {
  return BY_NAME.get(code)?.code;
}

/** The `ErrorCode` of a program `Custom` code (6000..), undefined for a code the program does not define. */
export function errorCodeFromProgramCode(code: number): ErrorCode | undefined {
  return BY_PROGRAM_CODE.get(code)?.errorCode;
}

/** What to do about each failure; appended to the message of a `DFPNError`. */
export const HINTS: Readonly<Record<ErrorCode, string>> = Object.freeze({
  NO_WORKERS_AVAILABLE:
    'Fewer workers than minWorkers committed before the commit deadline; the escrow went back to the client. ' +
    'Submit again with a later deadline, fewer minWorkers or modalities more workers support.',
  CONTENT_HASH_MISMATCH:
    'The media bytes do not hash (SHA-256) to the recorded content hash: the file changed or the wrong file or ' +
    'URI was given. Do not analyse it; use the exact bytes that were submitted.',
  REPORT_HASH_MISMATCH:
    "A worker's report does not hash to the report hash it committed on-chain: the report was altered or " +
    "replaced after the reveal. Treat that worker's detections as untrustworthy.",
  REPORT_UNAVAILABLE: "A worker's report URI could not be read; check the path or URL and retry.",
  MEDIA_NOT_FOUND: 'The media file does not exist or cannot be read; check the path.',
  CONTENT_TOO_LARGE: 'The content is over the size limit for this read; it was not downloaded in full.',
  STORAGE_NOT_SUPPORTED:
    "Use a storage backend the SDK has: 'ipfs' (a Kubo daemon), 's3' (npm install @aws-sdk/client-s3), an " +
    "HttpStorage (HTTP PUT), or 'file' on the local network; or upload yourself and pass uri with contentHash " +
    '(or mediaPath).',
  STORAGE_UNAVAILABLE:
    'The storage service is unreachable. For IPFS start a Kubo daemon (`ipfs daemon`; scripts/install-kubo.sh ' +
    'builds Kubo) or point DFPN_IPFS_API at one; for S3 check the endpoint URL and credentials.',
  STORAGE_FAILED: 'The storage service refused the upload or read; see the message for its answer (bucket, CID, size).',
  NETWORK_NOT_SUPPORTED:
    "Use 'local' (LiteSVM, Node only), 'localnet', 'devnet', an http(s) RPC URL, or a Transport.",
  PROGRAM_NOT_FOUND:
    'The program binary dfpn.so was not found: run `make build` in the repository, or pass programPath or set ' +
    'DFPN_PROGRAM_SO.',
  CONFIG_NOT_FOUND:
    'The network has no DFPN configuration account: the program is not deployed or not initialised there.',
  REQUEST_NOT_FOUND: "No request account at this address: check the id (the request's address), or it was closed.",
  INVALID_ARGUMENT: 'Fix the argument named in the message.',
  TIMEOUT: 'The request did not finish in time; call waitForResult again with a longer timeout.',
  RPC_ERROR: 'The RPC endpoint failed or is unreachable; check the URL and retry later.',
  TRANSACTION_FAILED: 'The transaction failed outside the program; see the logs attached to the error.',
  INVALID_INSTRUCTION_DATA: 'The SDK and the deployed program disagree on the IDL; upgrade the SDK.',
  NOT_ENOUGH_ACCOUNTS: 'The SDK and the deployed program disagree on the IDL; upgrade the SDK.',
  MISSING_SIGNATURE: 'Sign with the account named in the IDL (wallet, worker or model authority).',
  ACCOUNT_NOT_WRITABLE: 'The SDK and the deployed program disagree on the IDL; upgrade the SDK.',
  INVALID_ACCOUNT_OWNER: 'An account passed is not a DFPN account (wrong address or wrong network).',
  INVALID_ACCOUNT_DATA: 'An account passed is not of the expected DFPN type; check the address.',
  INVALID_PDA: 'An address is not the expected PDA; derive it with the pda helpers for this program id.',
  ACCOUNT_ALREADY_INITIALIZED: 'It already exists: use another nonce, model id or worker key.',
  INVALID_SYSTEM_PROGRAM: 'Pass the system program (11111111111111111111111111111111).',
  UNAUTHORIZED: 'Only the configuration authority may do this; sign with its key.',
  PAUSED: 'New requests are paused by the network authority; try again later.',
  INVALID_CONFIG: 'A configuration value is out of the bounds listed in docs/protocol.md.',
  ARITHMETIC_OVERFLOW: 'A value is too large (fee, stake or deadline); use smaller numbers.',
  INVALID_MODALITIES: 'Name at least one known Modality.',
  INVALID_MODEL_ID: "Model ids are 1-32 printable ASCII characters, such as 'face-forensics-sbi'.",
  MODEL_INACTIVE: 'The model was deactivated by its developer; use another model.',
  TOO_MANY_MODELS: 'A worker declares at most 4 models.',
  INSUFFICIENT_STAKE: 'Stake at least the configured minStake.',
  INSUFFICIENT_FUNDS:
    'The paying wallet lacks the lamports this needs (for a request: max fee + the request account\'s rent + ' +
    'the transaction fee). Fund the wallet or lower maxFee.',
  WORKER_HAS_ACTIVE_COMMITMENTS: "Wait until the worker's open requests are finalized or expired.",
  UNBONDING_NOT_READY: 'Request an unstake first, then wait for the unbonding delay to pass.',
  WORKER_UNBONDING: 'A worker with unbonding stake cannot take work; withdraw it first.',
  DEADLINE_TOO_SHORT:
    'The deadline must be at least the configured minDeadlineSecs (60 s on the reference configuration) ahead ' +
    'of the cluster clock; pass a later deadline.',
  MAX_FEE_TOO_LOW: 'Raise maxFee to at least estimateFee(modalities, minWorkers).',
  INVALID_STORAGE_URI:
    'The storage URI must be ipfs://, s3://, https://, http:// or file://, printable ASCII without spaces, at ' +
    'most 200 bytes.',
  INVALID_WORKER_COUNT: 'Use 1 <= minWorkers <= maxWorkers <= 10.',
  REQUEST_NOT_OPEN: 'The request is already finalized or expired.',
  MODALITY_NOT_SUPPORTED: 'The worker must support every modality the request names.',
  REQUEST_FULL: 'Every seat of the request is taken.',
  ALREADY_JOINED: 'The worker already holds a seat in this request.',
  NOT_JOINED: 'Join the request before committing or revealing.',
  COMMIT_PHASE_CLOSED: 'The commit phase is over; commit earlier next time.',
  ALREADY_COMMITTED: 'This seat already committed.',
  REVEAL_PHASE_NOT_STARTED: 'Wait for the commit phase to close (all seats committed or commit deadline).',
  REVEAL_PHASE_CLOSED: 'The reveal phase is over.',
  NOT_COMMITTED: 'Commit before revealing.',
  ALREADY_REVEALED: 'This seat already revealed.',
  COMMITMENT_MISMATCH:
    'The revealed verdict, confidence, model, report hash or salt differ from what was committed; reveal the ' +
    'exact preimage (the salt is recoverable with deriveSalt).',
  INVALID_VERDICT: 'Verdict must be Inconclusive, Authentic or Manipulated, confidence 0-100.',
  MODEL_NOT_DECLARED: 'Reveal with one of the models the worker declared (update_worker).',
  INVALID_REPORT_URI: 'The report URI must be 1-128 bytes.',
  FINALIZE_TOO_EARLY: 'Wait until every committer revealed or the deadline passed.',
  CANNOT_EXPIRE: 'Only a request with too few commits after the commit deadline can be expired.',
  REQUEST_NOT_FINISHED: 'Finalize or expire the request before closing it.',
  SEAT_ACCOUNT_MISMATCH: 'Pass one worker PDA per seat, then one model PDA per revealed seat.',
  NOTHING_TO_CLAIM: 'There is nothing to withdraw or claim yet.',
  PAYOUT_WALLET_MISMATCH: "Pass the model's registered payout wallet.",
  INVALID_CONTENT_HASH: 'The content hash must be the SHA-256 of the media, not all zeroes.',
  CLIENT_MISMATCH: "Pass the request's own client account.",
  VAULT_MISMATCH: 'Pass the treasury and insurance vaults of the configuration.',
  DUPLICATE_ACCOUNT: 'Pass two different accounts where the instruction needs two.',
  INSUFFICIENT_COMMITMENTS: 'Too few workers committed: expire the request instead of finalizing it.',
} satisfies Record<ErrorCode, string>);

/** Options of a {@link DFPNError}. */
export interface DFPNErrorOptions {
  /** The program's `Custom` code when the program itself refused. */
  programCode?: number | undefined;
  /** Transaction logs, when a transaction failed. */
  logs?: readonly string[] | undefined;
  /** The failed transaction's signature. */
  signature?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

function programMessage(code: number | undefined): string | undefined {
  const info = code === undefined ? undefined : BY_PROGRAM_CODE.get(code);
  return info && `${info.name} (${info.code}): ${info.msg}`;
}

/** A DFPN failure. `code` says what; `message` says what happened and what to do. */
export class DFPNError extends Error {
  /** What went wrong. */
  readonly code: ErrorCode;
  /** The program's `Custom` code when the program itself refused; undefined for runtime and SDK failures. */
  readonly programCode: number | undefined;
  /** Transaction logs (empty when no transaction was involved). */
  readonly logs: readonly string[];
  /** The failed transaction's signature, when known. */
  readonly signature: string | undefined;
  /** The message without the `[CODE]` prefix: what happened, then what to do. */
  readonly detail: string;

  constructor(code: ErrorCode, message?: string, options: DFPNErrorOptions = {}) {
    const base =
      message ??
      programMessage(programCodeOf(code)) ??
      code.replaceAll('_', ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase());
    const hint = HINTS[code];
    const detail = hint && !base.includes(hint) ? `${base} ${hint}` : base;
    super(`[${code}] ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DFPNError';
    this.code = code;
    this.programCode = options.programCode;
    this.logs = Object.freeze([...(options.logs ?? [])]);
    this.signature = options.signature;
    this.detail = detail;
  }
}

/** True when `e` is a `DFPNError` (optionally with the given code). */
export function isDFPNError(e: unknown, code?: ErrorCode): e is DFPNError {
  return e instanceof DFPNError && (code === undefined || e.code === code);
}

interface MapOptions {
  logs?: readonly string[] | undefined;
  signature?: string | undefined;
  context?: string | undefined;
}

/** The `DFPNError` for a program `Custom(code)`. */
export function fromProgramCode(code: number, options: MapOptions = {}): DFPNError {
  const member = errorCodeFromProgramCode(code);
  const prefix = options.context ? `${options.context}: ` : '';
  if (member === undefined) {
    return new DFPNError(ErrorCode.TRANSACTION_FAILED, `${prefix}unknown custom error ${code}`, {
      programCode: code,
      logs: options.logs,
      signature: options.signature,
    });
  }
  return new DFPNError(member, `${prefix}${programMessage(code)}`, {
    programCode: code,
    logs: options.logs,
    signature: options.signature,
  });
}

/**
 * Runtime (not program) failures that mean "the payer does not have the lamports": `InsufficientFundsForFee`,
 * `InsufficientFundsForRent`, the instruction error `InsufficientFunds`, and `AccountNotFound` (an unfunded fee
 * payer) — as whole names, so `ProgramAccountNotFound` is not one of them.
 */
const FUNDS_RE = /(?:^|[^A-Za-z])(?:InsufficientFunds[A-Za-z]*|AccountNotFound)(?:[^A-Za-z]|$)/;
/** System program `Custom(1)` while transferring: ResultWithNegativeLamports. */
const SYSTEM_INSUFFICIENT = 1;
const CUSTOM_RE = /Custom\((\d+)\)|custom program error: 0x([0-9a-fA-F]+)/;

function asInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

/** (instruction index, custom code, text) of a transaction error in its JSON-RPC form or as a string. */
export function parseTransactionError(
  err: unknown,
): { index: number | undefined; custom: number | undefined; text: string } | undefined {
  if (err === null || err === undefined) return undefined;
  if (typeof err === 'object' && !Array.isArray(err)) {
    const ie = (err as Record<string, unknown>)['InstructionError'];
    if (Array.isArray(ie) && ie.length === 2) {
      const index = asInt(ie[0]);
      const detail: unknown = ie[1];
      const custom =
        detail && typeof detail === 'object' ? asInt((detail as Record<string, unknown>)['Custom']) : undefined;
      if (custom !== undefined) return { index, custom, text: `instruction ${index}: Custom(${custom})` };
      return { index, custom: undefined, text: `instruction ${index}: ${text(detail)}` };
    }
    return { index: undefined, custom: undefined, text: text(err) };
  }
  const s = String(err);
  const m = CUSTOM_RE.exec(s);
  if (m) {
    const custom = m[1] !== undefined ? Number(m[1]) : Number.parseInt(m[2] ?? '0', 16);
    return { index: undefined, custom, text: s };
  }
  return { index: undefined, custom: undefined, text: s };
}

/**
 * Map a failed transaction's `TransactionError` (JSON-RPC form: `"InsufficientFundsForFee"`,
 * `{"InstructionError": [0, {"Custom": 6022}]}`, ...) to a `DFPNError`.
 *
 * `programIndex` tells, per instruction index, whether that instruction calls the DFPN program: only then is a
 * `Custom(code)` a DFPN error code (a system program `Custom(1)` is "insufficient lamports").
 */
export function fromTransactionError(
  err: unknown,
  options: MapOptions & { programIndex?: ReadonlyMap<number, boolean> | readonly boolean[] | undefined } = {},
): DFPNError {
  const parsed = parseTransactionError(err);
  const prefix = options.context ? `${options.context}: ` : '';
  const extra = { logs: options.logs, signature: options.signature };
  if (parsed === undefined) {
    return new DFPNError(ErrorCode.TRANSACTION_FAILED, `${prefix}${String(err)}`, extra);
  }
  if (parsed.custom !== undefined) {
    const pi = options.programIndex;
    let isDfpn = true;
    if (pi !== undefined && parsed.index !== undefined) {
      isDfpn = (Array.isArray(pi) ? pi[parsed.index] : (pi as ReadonlyMap<number, boolean>).get(parsed.index)) ?? true;
    }
    if (isDfpn && parsed.custom >= 6000) return fromProgramCode(parsed.custom, options);
    if (!isDfpn && parsed.custom === SYSTEM_INSUFFICIENT) {
      return new DFPNError(
        ErrorCode.INSUFFICIENT_FUNDS,
        `${prefix}a transfer would leave an account with negative lamports.`,
        extra,
      );
    }
  }
  if (FUNDS_RE.test(parsed.text)) {
    return new DFPNError(
      ErrorCode.INSUFFICIENT_FUNDS,
      `${prefix}the fee payer cannot pay the transaction (${parsed.text}).`,
      extra,
    );
  }
  return new DFPNError(ErrorCode.TRANSACTION_FAILED, `${prefix}${parsed.text}`, extra);
}

/** A JSON-RPC error object: `{"code": ..., "message": ..., "data": {"err": ..., "logs": [...]}}`. */
export interface JsonRpcErrorPayload {
  code?: number | bigint;
  message?: string;
  data?: unknown;
}

/** Map a JSON-RPC error object (or an error text) to a `DFPNError`. */
export function fromRpcError(
  payload: JsonRpcErrorPayload | string,
  options: { context?: string | undefined; programIndex?: ReadonlyMap<number, boolean> | readonly boolean[] } = {},
): DFPNError {
  const prefix = options.context ? `${options.context}: ` : '';
  if (typeof payload === 'string') {
    const parsed = parseTransactionError(payload);
    if (parsed?.custom !== undefined && parsed.custom >= 6000) return fromProgramCode(parsed.custom, options);
    return new DFPNError(ErrorCode.RPC_ERROR, `${prefix}${payload}`);
  }
  const data = payload.data;
  let logs: string[] = [];
  if (data && typeof data === 'object') {
    const d = data as Record<string, unknown>;
    if (Array.isArray(d['logs'])) logs = d['logs'].map(String);
    if (d['err'] !== null && d['err'] !== undefined) {
      return fromTransactionError(d['err'], { ...options, logs });
    }
  }
  const message = String(payload.message ?? text(payload));
  const parsed = parseTransactionError(message);
  if (parsed?.custom !== undefined && parsed.custom >= 6000) {
    return fromProgramCode(parsed.custom, { ...options, logs });
  }
  if (FUNDS_RE.test(message) || /insufficient (funds|lamports)|no record of a prior credit/i.test(message)) {
    return new DFPNError(ErrorCode.INSUFFICIENT_FUNDS, `${prefix}${message}`, { logs });
  }
  const code = payload.code === undefined ? '' : ` ${String(payload.code)}`;
  return new DFPNError(ErrorCode.RPC_ERROR, `${prefix}RPC error${code}: ${message}`, { logs });
}

export type { ProgramErrorInfo };
export { PROGRAM_ERRORS };
