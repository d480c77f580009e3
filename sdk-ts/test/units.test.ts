/**
 * Fee units are explicit: `estimateFee` / `estimateFeeLamports` return lamports as a `bigint` (what the program
 * records), `submitRequest({ maxFee })` takes SOL (a number, as the specification shows) and
 * `submitRequest({ maxFeeLamports })` lamports; both at once, or either of the wrong type, is `INVALID_ARGUMENT`
 * before anything is stored or sent.
 */
import { describe, expect, test } from 'vitest';
import { ErrorCode, lamportsToSol, Modality, type SubmitRequestParams } from '../src/index.js';
import { join } from 'node:path';
import type { Address } from '@solana/kit';
import { localSetup, PROGRAM_SO, rejection, requestAccount, tempDir } from './helpers.js';

const MODALITIES = [Modality.FaceManipulation, Modality.ImageAuthenticity];

describe('fee units', () => {
  test('estimateFeeLamports is estimateFee: lamports, a bigint, what the program records', async () => {
    const { net, client, media } = await localSetup();
    const fee = await client.estimateFeeLamports(MODALITIES, 3);
    expect(typeof fee).toBe('bigint');
    expect(await client.estimateFee(MODALITIES, 3)).toBe(fee);
    const sub = await client.submitRequest({ mediaPath: media, modalities: MODALITIES, minWorkers: 3, draw: false });
    expect(requestAccount(net, sub.id as Address).fee).toBe(fee);
    expect([sub.feeLamports, sub.maxFeeLamports]).toEqual([fee, fee]); // maxFee defaults to exactly the fee
  });

  test('maxFee is SOL, maxFeeLamports lamports; each escrows exactly that', async () => {
    const { net, client, media } = await localSetup();
    const inSol = await client.submitRequest({ mediaPath: media, modalities: MODALITIES, minWorkers: 3, maxFee: 0.01, draw: false });
    expect(requestAccount(net, inSol.id as Address).escrow).toBe(10_000_000n);
    expect(lamportsToSol(inSol.maxFeeLamports)).toBe(0.01);
    const inLamports = await client.submitRequest({ mediaPath: media, modalities: MODALITIES, minWorkers: 3, maxFeeLamports: 12_345_678n, draw: false });
    expect(requestAccount(net, inLamports.id as Address).escrow).toBe(12_345_678n);
  });

  test('both, or the wrong type for either, is INVALID_ARGUMENT and nothing is sent', async () => {
    const { net, client, media } = await localSetup();
    const balance = await net.getBalance(client.wallet.address);
    const base = { mediaPath: media, modalities: MODALITIES, minWorkers: 3, draw: false } as const;
    const cases: Array<[Partial<SubmitRequestParams>, RegExp]> = [
      [{ maxFee: 0.01, maxFeeLamports: 10_000_000n }, /not both/],
      [{ maxFeeLamports: 10_000_000 as unknown as bigint }, /maxFeeLamports must be a bigint/],
      [{ maxFee: 10_000_000n as unknown as number }, /maxFee is SOL/],
    ];
    for (const [params, message] of cases) {
      const err = await rejection(() => client.submitRequest({ ...base, ...params }));
      expect(err.code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(err.message).toMatch(message);
      const viaAnalyze = await rejection(() => client.analyze(media, { modalities: MODALITIES, ...params }));
      expect(viaAnalyze.code).toBe(ErrorCode.INVALID_ARGUMENT);
    }
    expect(await net.getBalance(client.wallet.address)).toBe(balance);
    expect(await client.listRequests()).toEqual([]);
  });
});

describe('the packaged dfpn.so', () => {
  test('findProgram: an explicit path, else DFPN_PROGRAM_SO, else the copy the package ships (the Python SDK\'s order)', async () => {
    const { findProgram, packagedProgramPath } = await import('../src/local.js');
    const { copyFileSync, existsSync } = await import('node:fs');
    const packaged = packagedProgramPath();
    expect(packaged.endsWith(join('sdk-ts', 'program', 'dfpn.so'))).toBe(true);
    expect(existsSync(packaged), `${packaged} is missing: npm run build copies it from target/deploy/dfpn.so`).toBe(true);
    const elsewhere = join(tempDir(), 'chosen.so');
    copyFileSync(PROGRAM_SO, elsewhere);
    const saved = process.env['DFPN_PROGRAM_SO'];
    try {
      delete process.env['DFPN_PROGRAM_SO'];
      expect(findProgram()).toBe(packaged);
      process.env['DFPN_PROGRAM_SO'] = elsewhere;
      expect(findProgram()).toBe(elsewhere);
      expect(findProgram(PROGRAM_SO)).toBe(PROGRAM_SO);
      const missing = await rejection(async () => findProgram(join(tempDir(), 'none.so')));
      expect(missing.code).toBe(ErrorCode.PROGRAM_NOT_FOUND);
    } finally {
      if (saved === undefined) delete process.env['DFPN_PROGRAM_SO'];
      else process.env['DFPN_PROGRAM_SO'] = saved;
    }
  });
});
