/**
 * The request fee, computed from the on-chain configuration exactly as the program does (docs/protocol.md, "Fees"):
 * `base = Σ base_fees[m]` over the requested modalities;
 * `fee = base + ⌊base × (min_workers − 1) × worker_surcharge_bps / 10 000⌋` (the rule is `protocol.requestFee`);
 * and SOL amounts.
 * @module
 */
import { LAMPORTS_PER_SOL } from './constants.js';
import type { Config, ConfigParams, ConfigParamsArgs } from './generated/index.js';
import { modalityMask, type Modality } from './models.js';
import { requestFee } from './protocol.js';

/** The fee in lamports the program records for a request with these modalities and `minWorkers`. */
export function feeFromParams(
  params: ConfigParams | ConfigParamsArgs,
  modalities: Iterable<Modality | number> | number,
  minWorkers: number,
): bigint {
  return requestFee(params, modalityMask(modalities), minWorkers);
}

/** {@link feeFromParams} over a decoded `Config` account: the fee in lamports (`bigint`). */
export function estimateFee(
  config: Pick<Config, 'params'>,
  modalities: Iterable<Modality | number> | number,
  minWorkers: number,
): bigint {
  return feeFromParams(config.params, modalities, minWorkers);
}

/**
 * SOL to lamports, exactly for decimal inputs such as `0.01` or `"1.000000001"` (no binary float rounding).
 * A `bigint` is taken as lamports already. Sub-lamport or negative amounts throw `RangeError`.
 */
export function solToLamports(sol: number | string | bigint): bigint {
  if (typeof sol === 'bigint') {
    if (sol < 0n) throw new RangeError(`${sol} lamports is negative`);
    return sol;
  }
  const s = typeof sol === 'number' ? numberText(sol) : sol.trim();
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) {
    throw new RangeError(`${JSON.stringify(String(sol))} is not a whole, non-negative number of lamports (SOL amount)`);
  }
  const whole = m[1] || '0';
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > 9) throw new RangeError(`${String(sol)} SOL is not a whole, non-negative number of lamports`);
  return BigInt(whole) * LAMPORTS_PER_SOL + BigInt(frac.padEnd(9, '0') || '0');
}

function numberText(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${n} SOL is not a whole, non-negative number of lamports`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // 1e-7 and the like: expand the exponent exactly.
  const [mant = '0', expText = '0'] = s.toLowerCase().split('e');
  const exp = Number(expText);
  const [int = '0', frac = ''] = mant.split('.');
  const digits = int + frac;
  const point = int.length + exp;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Lamports (`bigint`) to SOL (a float, for display; exact amounts stay in lamports). */
export function lamportsToSol(lamports: bigint): number {
  return Number(lamports) / Number(LAMPORTS_PER_SOL);
}
