/** Error codes (the same set and names as the Python SDK), and their mapping from program codes, LiteSVM failures
 * and JSON-RPC error payloads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  ALL_ERROR_CODES,
  DFPNError,
  ErrorCode,
  errorCodeFromProgramCode,
  fromProgramCode,
  fromRpcError,
  fromTransactionError,
  HINTS,
  isDFPNError,
  PROGRAM_ERRORS,
  programCodeOf,
  SDK_ERROR_CODES,
} from '../src/index.js';
import { liteSvmErrorToJson } from '../src/local.js';
import { loadIdl, REPO, SDK_DIR } from './helpers.js';

const IDL_ERRORS: Array<{ code: number; name: string; msg: string }> = loadIdl().errors;

function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The Python SDK's `ErrorCode` members, read from its source (sdk-python/src/dfpn/errors.py, or the generated
 * table it imports from sdk-python/src/dfpn/generated/errors.py). */
function pythonErrorCodes(): string[] {
  const files = [['errors.py'], ['generated', 'errors.py']].map((p) => join(REPO, 'sdk-python', 'src', 'dfpn', ...p));
  const text = files.map((f) => readFileSync(f, 'utf8')).find((t) => t.includes('class ErrorCode(StrEnum):'))!;
  const body = text.split('class ErrorCode(StrEnum):')[1]!.split('\n    @property')[0]!;
  return [...body.matchAll(/^ {4}([A-Z_]+) = "([A-Z_]+)"$/gm)].map((m) => {
    expect(m[1]).toBe(m[2]);
    return m[1]!;
  });
}

describe('ErrorCode', () => {
  test('the issue codes exist', () => {
    for (const name of ['INSUFFICIENT_FUNDS', 'NO_WORKERS_AVAILABLE', 'DEADLINE_TOO_SHORT', 'CONTENT_HASH_MISMATCH'] as const) {
      expect(ErrorCode[name]).toBe(name);
    }
  });

  test('is the same set, with the same names and order, as the Python SDK', () => {
    const python = pythonErrorCodes();
    expect(python.length).toBeGreaterThan(60);
    expect([...ALL_ERROR_CODES]).toEqual(python);
  });

  test.each(IDL_ERRORS.map((e) => [e.name, e.code] as const))('program error %s (%i) has a member, a hint and its message', (name, code) => {
    const err = IDL_ERRORS.find((e) => e.code === code)!;
    const member = upperSnake(name) as ErrorCode;
    expect(ErrorCode[member]).toBe(member);
    expect(programCodeOf(member)).toBe(code);
    expect(errorCodeFromProgramCode(code)).toBe(member);
    expect(HINTS[member]).toBeTruthy();
    const mapped = fromProgramCode(code);
    expect([mapped.code, mapped.programCode]).toEqual([member, code]);
    expect(mapped.message).toContain(err.msg);
    expect(mapped.message).toContain(HINTS[member]);
    expect(mapped.message.startsWith(`[${member}] `)).toBe(true);
  });

  test('the generated program error table is the IDL', () => {
    expect(PROGRAM_ERRORS.map((e) => [e.code, e.name, e.msg])).toEqual(IDL_ERRORS.map((e) => [e.code, e.name, e.msg]));
  });

  test("codes, the SDK's messages and every hint are the catalogue's (its TypeScript wording where it has one)", () => {
    const catalogue = JSON.parse(readFileSync(join(REPO, 'idl', 'errors.catalogue.json'), 'utf8'));
    const entries: Array<{ code: string; hint: string; hint_ts?: string }> = [
      ...catalogue.sdk_errors,
      ...catalogue.program_errors,
    ];
    expect([...ALL_ERROR_CODES]).toEqual(entries.map((e) => e.code));
    expect([...SDK_ERROR_CODES]).toEqual(catalogue.sdk_errors.map((e: { code: string }) => e.code));
    for (const e of entries) expect(HINTS[e.code as ErrorCode], e.code).toBe(e.hint_ts ?? e.hint);
    for (const e of catalogue.sdk_errors) expect(new DFPNError(e.code).detail).toBe(`${e.message} ${HINTS[e.code as ErrorCode]}`);
  });

  test('every code has a hint; SDK codes have no program code', () => {
    expect(Object.keys(HINTS).sort()).toEqual([...ALL_ERROR_CODES].sort());
    for (const c of SDK_ERROR_CODES) expect(programCodeOf(c)).toBeUndefined();
    expect(errorCodeFromProgramCode(7000)).toBeUndefined();
    expect(fromProgramCode(7000).code).toBe(ErrorCode.TRANSACTION_FAILED);
  });
});

describe('mapping failures', () => {
  test('LiteSVM transaction errors (via their JSON-RPC form)', () => {
    // InstructionError(0, Custom(6022)) from the DFPN instruction: DEADLINE_TOO_SHORT with logs and signature
    const custom = { index: 0, err: () => ({ code: 6022 }) };
    expect(liteSvmErrorToJson(custom)).toEqual({ InstructionError: [0, { Custom: 6022 }] });
    const mapped = fromTransactionError(liteSvmErrorToJson(custom), { programIndex: [true], logs: ['log'], signature: 'sig' });
    expect([mapped.code, mapped.programCode, mapped.logs, mapped.signature]).toEqual([ErrorCode.DEADLINE_TOO_SHORT, 6022, ['log'], 'sig']);
    // A system program Custom(1) (a transfer with too few lamports): INSUFFICIENT_FUNDS
    const sys = liteSvmErrorToJson({ index: 1, err: () => ({ code: 1 }) });
    expect(fromTransactionError(sys, { programIndex: [true, false] }).code).toBe(ErrorCode.INSUFFICIENT_FUNDS);
    // The runtime's fee-payer failures (fieldless enum values 4 and 2): INSUFFICIENT_FUNDS without a program code
    for (const fieldless of [4, 2]) {
      const m = fromTransactionError(liteSvmErrorToJson(fieldless));
      expect([m.code, m.programCode]).toEqual([ErrorCode.INSUFFICIENT_FUNDS, undefined]);
    }
    expect(liteSvmErrorToJson(4)).toBe('InsufficientFundsForFee');
    // Another instruction error (MissingAccount = 31): TRANSACTION_FAILED naming it
    const other = fromTransactionError(liteSvmErrorToJson({ index: 0, err: () => 31 }));
    expect(other.code).toBe(ErrorCode.TRANSACTION_FAILED);
    expect(other.message).toContain('MissingAccount');
  });

  test('JSON-RPC error payloads', () => {
    // A preflight failure as JSON-RPC returns it (bigint numbers, as kit parses them)
    const payload = {
      code: -32002,
      message: 'Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1772',
      data: { err: { InstructionError: [0n, { Custom: 6002n }] }, logs: ['Program log: x'] },
    };
    const mapped = fromRpcError(payload);
    expect([mapped.code, mapped.programCode, mapped.logs]).toEqual([ErrorCode.MISSING_SIGNATURE, 6002, ['Program log: x']]);
    // Only the message: the hex custom code is read from it
    expect(fromRpcError({ code: -32002, message: payload.message }).code).toBe(ErrorCode.MISSING_SIGNATURE);
    // A fee payer without lamports
    expect(fromRpcError({ code: -32002, message: 'x', data: { err: 'InsufficientFundsForFee', logs: [] } }).code).toBe(
      ErrorCode.INSUFFICIENT_FUNDS,
    );
    expect(fromRpcError({ code: -32002, message: 'x', data: { err: { InsufficientFundsForRent: { account_index: 1 } } } }).code).toBe(
      ErrorCode.INSUFFICIENT_FUNDS,
    );
    expect(fromRpcError({ code: -32003, message: 'Transaction signature verification failure' }).code).toBe(ErrorCode.RPC_ERROR);
    // An outage: RPC_ERROR
    expect(fromRpcError({ code: -32005, message: 'Node is behind' }).code).toBe(ErrorCode.RPC_ERROR);
    expect(fromRpcError('connection refused').code).toBe(ErrorCode.RPC_ERROR);
  });

  test('DFPNError is an Error with a code, a detail and a cause', () => {
    const cause = new Error('inner');
    const err = new DFPNError(ErrorCode.TIMEOUT, 'request X not finalized after 5 s', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('DFPNError');
    expect(err.message.startsWith('[TIMEOUT] request X not finalized after 5 s')).toBe(true);
    expect(err.detail).toContain('longer timeout');
    expect(err.cause).toBe(cause);
    expect(isDFPNError(err, ErrorCode.TIMEOUT)).toBe(true);
    expect(isDFPNError(err, ErrorCode.RPC_ERROR)).toBe(false);
    expect(new DFPNError(ErrorCode.PAUSED).message).toContain('Paused (6010)');
  });
});
