/** estimateFee from a Config, against docs/protocol.md and the shared vectors; SOL amounts. */
import { describe, expect, test } from 'vitest';
import { estimateFee, feeFromParams, lamportsToSol, Modality, modalitiesFromMask, REFERENCE_PARAMS, solToLamports } from '../src/index.js';
import { loadVectors } from './helpers.js';

const V = loadVectors();

describe('fees', () => {
  test('the docs example: FaceManipulation + ImageAuthenticity with 3 workers is 7 500 000 lamports', () => {
    expect(feeFromParams(REFERENCE_PARAMS, [Modality.FaceManipulation, Modality.ImageAuthenticity], 3)).toBe(7_500_000n);
  });

  test.each<any>(V.fees.cases)('vector case %o, from a mask and from a list', (c: { modalities: number; min_workers: number; fee: number }) => {
    const config = { params: REFERENCE_PARAMS };
    expect(estimateFee(config, c.modalities, c.min_workers)).toBe(BigInt(c.fee));
    expect(estimateFee(config, modalitiesFromMask(c.modalities), c.min_workers)).toBe(BigInt(c.fee));
  });

  test.each<any>([
    [[], 1],
    [32, 1],
    [[Modality.VoiceCloning], 0],
    [1, 11],
    [1, 1.5],
  ])('out-of-range inputs are refused: %j with %s workers', (modalities, workers) => {
    expect(() => feeFromParams(REFERENCE_PARAMS, modalities, workers)).toThrow(/modalit|min_workers/);
  });

  test('the largest base fees do not lose precision (bigint all the way)', () => {
    const params = { ...REFERENCE_PARAMS, baseFees: Array(5).fill(10n ** 12n), workerSurchargeBps: 10_000 };
    expect(feeFromParams(params, 31, 10)).toBe(5n * 10n ** 12n * 10n);
  });

  test('solToLamports is exact for decimal amounts and refuses sub-lamport ones', () => {
    expect(solToLamports(0.01)).toBe(10_000_000n);
    expect(solToLamports('1.000000001')).toBe(1_000_000_001n);
    expect(solToLamports(1e-9)).toBe(1n);
    expect(solToLamports(12)).toBe(12_000_000_000n);
    expect(solToLamports('.5')).toBe(500_000_000n);
    expect(solToLamports(7n)).toBe(7n); // a bigint is lamports already
    for (const bad of ['0.0000000001', 0.1 + 0.2, -1, 'abc', '', '1e3', Number.NaN]) {
      expect(() => solToLamports(bad as number | string)).toThrow(/lamports/);
    }
    expect(lamportsToSol(1_500_000_000n)).toBe(1.5);
  });
});
