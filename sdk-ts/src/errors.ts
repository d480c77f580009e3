/**
 * `DFPNError` and `ErrorCode`: every failure the SDK reports, with a message that says what to do.
 *
 * Program errors (`Custom(6000..)`, names and messages from the IDL) map one-to-one onto `ErrorCode` members of the
 * same name in UPPER_SNAKE case; the SDK adds its own codes (`NO_WORKERS_AVAILABLE`, `CONTENT_HASH_MISMATCH`,
 * `TIMEOUT`, ...). The codes, the SDK's messages and every hint are generated (`generated/errorCodes.ts`) from the
 * IDL and idl/errors.catalogue.json, the table the Python SDK is generated from too; this module holds the error
 * class and the mapping of failures onto it.
 * Failed LiteSVM transactions and JSON-RPC error payloads are both mapped by {@link fromTransactionError} and
 * {@link fromRpcError}.
 * @module
 */
import {
  ALL_ERROR_CODES,
  ERROR_HINTS,
  ErrorCode,
  SDK_ERROR_CODES,
  SDK_ERROR_MESSAGES,
  type SdkErrorCode,
} from './generated/errorCodes.js';
import { PROGRAM_ERRORS, type ProgramErrorInfo } from './generated/programErrors.js';

export { ALL_ERROR_CODES, ErrorCode, SDK_ERROR_CODES };
/** What to do about each failure, appended to the message of a `DFPNError`: the generated `ERROR_HINTS`. */
export { ERROR_HINTS as HINTS };

const BY_PROGRAM_CODE = new Map<number, ProgramErrorInfo>(PROGRAM_ERRORS.map((e) => [e.code, e]));
const BY_NAME = new Map<string, ProgramErrorInfo>(PROGRAM_ERRORS.map((e) => [e.errorCode, e]));
/** The first program error code (Anchor's `Custom` offset, 6000): a `Custom` code from it up is the program's own,
 * even one this SDK does not know (a newer program). */
const FIRST_PROGRAM_CODE = Math.min(...PROGRAM_ERRORS.map((e) => e.code));

/** The program's `Custom` code of a program error, undefined for the SDK's own codes. */
export function programCodeOf(code: ErrorCode): number | undefined {
  return BY_NAME.get(code)?.code;
}

/** The `ErrorCode` of a program `Custom` code (6000..), undefined for a code the program does not define. */
export function errorCodeFromProgramCode(code: number): ErrorCode | undefined {
  return BY_PROGRAM_CODE.get(code)?.errorCode;
}

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
  /** What to do, instead of the code's catalogue hint (when this failure's fix is another one, e.g. the embedded
   * network's `NO_WORKERS_AVAILABLE`: start workers, not a later deadline). */
  hint?: string | undefined;
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
    const base = message ?? programMessage(programCodeOf(code)) ?? SDK_ERROR_MESSAGES[code as SdkErrorCode] ?? code;
    const hint = options.hint ?? ERROR_HINTS[code];
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
    if (isDfpn && parsed.custom >= FIRST_PROGRAM_CODE) return fromProgramCode(parsed.custom, options);
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
    if (parsed?.custom !== undefined && parsed.custom >= FIRST_PROGRAM_CODE) return fromProgramCode(parsed.custom, options);
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
  if (parsed?.custom !== undefined && parsed.custom >= FIRST_PROGRAM_CODE) {
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
