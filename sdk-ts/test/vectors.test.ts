/**
 * The shared test vectors (tests/vectors.json, also read by the Rust tests and the Python SDK): keypairs, salts,
 * commitments, PDAs, fees; and every discriminator against sha256 of its name and against the IDL.
 */
import { createHash } from 'node:crypto';
import { address, createKeyPairSignerFromPrivateKeyBytes, getAddressEncoder } from '@solana/kit';
import { describe, expect, test } from 'vitest';
import {
  commitment,
  configAddress,
  decodeModelId,
  DFPN_IDL,
  encodeModelId,
  feeFromParams,
  findPda,
  fromHex,
  generated,
  insuranceAddress,
  modelAddress,
  PROGRAM_ID,
  REFERENCE_PARAMS,
  requestAddressAndBump,
  saltSignature,
  deriveSalt,
  toHex,
  treasuryAddress,
  workerAddress,
} from '../src/index.js';
import { loadIdl, loadVectors, parseJsonExact } from './helpers.js';

const V = loadVectors();
const IDL = loadIdl();

function disc(prefix: string, name: string): number[] {
  return [...createHash('sha256').update(`${prefix}:${name}`).digest().subarray(0, 8)];
}
function camel(s: string): string {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
function upperSnake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

async function keypair(name: string) {
  const kp = V.keypairs.find((k: { name: string }) => k.name === name);
  return createKeyPairSignerFromPrivateKeyBytes(fromHex(kp.seed));
}

describe('shared vectors file', () => {
  test('is read exactly (u64 max nonce survives JSON parsing) and names the IDL program', () => {
    expect(V.program_id).toBe(PROGRAM_ID);
    expect(IDL.address).toBe(PROGRAM_ID);
    expect(V.pdas.requests.at(-1).nonce).toBe(18446744073709551615n);
    expect(parseJsonExact('{"a": 12345678901234567890, "b": [1, 9007199254740993]}')).toEqual({
      a: 12345678901234567890n,
      b: [1, 9007199254740993n],
    });
  });

  test.each<any>(V.keypairs.map((k: { name: string }) => [k.name]))('keypair %s from its seed', async (name: string) => {
    const kp = V.keypairs.find((k: { name: string }) => k.name === name);
    expect((await keypair(name)).address).toBe(kp.pubkey);
  });
});

describe('salts and commitments', () => {
  test.each<any>(V.salts.map((s: any, i: number) => [i, s.worker, s.request]))(
    'salt %i (%s over %s) = sha256(ed25519 signature)',
    async (i: number) => {
      const s = V.salts[i];
      const worker = await keypair(s.worker);
      const request = address(s.request);
      expect(toHex(await saltSignature(worker, request))).toBe(s.signature);
      expect(toHex(await deriveSalt(worker, request))).toBe(s.salt);
    },
  );

  test.each<any>(V.commitments.map((c: any, i: number) => [i, c.model_id]))('commitment %i (model %s)', (i: number) => {
    const c = V.commitments[i];
    expect(toHex(encodeModelId(c.model_id))).toBe(c.model_id_hex);
    expect(decodeModelId(fromHex(c.model_id_hex))).toBe(c.model_id);
    const got = commitment(
      address(c.request),
      address(c.worker),
      c.verdict,
      c.confidence,
      c.model_id,
      fromHex(c.report_hash),
      fromHex(c.salt),
    );
    expect(toHex(got)).toBe(c.commitment);
    // the raw 32-byte model id gives the same commitment
    expect(toHex(commitment(address(c.request), address(c.worker), c.verdict, c.confidence, fromHex(c.model_id_hex), fromHex(c.report_hash), fromHex(c.salt)))).toBe(c.commitment);
  });

  test('commitment inputs are checked', () => {
    const a = address(V.commitments[0].request);
    expect(() => commitment(a, a, 2, 256, 'm', new Uint8Array(32), new Uint8Array(32))).toThrow(RangeError);
    expect(() => commitment(a, a, 2, 90, 'm', new Uint8Array(31), new Uint8Array(32))).toThrow(/reportHash/);
    expect(() => encodeModelId('has space')).toThrow(RangeError);
    expect(() => encodeModelId('x'.repeat(33))).toThrow(RangeError);
    expect(() => encodeModelId('')).toThrow(RangeError);
  });
});

describe('PDAs', () => {
  test('config, treasury, insurance with their bumps', async () => {
    const enc = new TextEncoder();
    for (const [name, fn] of [
      ['config', configAddress],
      ['treasury', treasuryAddress],
      ['insurance', insuranceAddress],
    ] as const) {
      expect(await fn()).toBe(V.pdas[name].address);
      expect((await findPda([enc.encode(name)]))[1]).toBe(V.pdas[name].bump);
    }
  });

  test('models, workers, requests (nonce up to 2^64 - 1)', async () => {
    for (const m of V.pdas.models) {
      expect(await modelAddress(m.model_id)).toBe(m.address);
      expect((await generated.findModelPda({ modelId: encodeModelId(m.model_id) }))[1]).toBe(m.bump);
    }
    for (const w of V.pdas.workers) {
      expect(await workerAddress(address(w.authority))).toBe(w.address);
      expect((await generated.findWorkerPda({ authority: address(w.authority) }))).toEqual([w.address, w.bump]);
    }
    for (const r of V.pdas.requests) {
      const nonce = BigInt(r.nonce);
      expect(await requestAddressAndBump(address(r.client), nonce)).toEqual([r.address, r.bump]);
      expect(await generated.findRequestPda({ client: address(r.client), nonce })).toEqual([r.address, r.bump]);
    }
  });
});

describe('fees', () => {
  test('reference parameters are the vectors and the IDL program id', () => {
    expect(REFERENCE_PARAMS.baseFees.map(Number)).toEqual(V.fees.base_fees);
    expect(REFERENCE_PARAMS.workerSurchargeBps).toBe(V.fees.worker_surcharge_bps);
  });
  test.each<any>(V.fees.cases.map((c: any) => [c.modalities, c.min_workers, c.fee]))(
    'modalities %i with %i workers: %i lamports',
    (m: number, w: number, fee: number) => {
      expect(feeFromParams(REFERENCE_PARAMS, m, w)).toBe(BigInt(fee));
    },
  );
});

describe('discriminators', () => {
  test.each<any>(IDL.instructions.map((i: any) => [i.name]))('instruction %s', (name: string) => {
    const inIdl = IDL.instructions.find((i: any) => i.name === name).discriminator;
    expect(inIdl).toEqual(disc('global', name));
    const constName = `${upperSnake(camel(name))}_DISCRIMINATOR`;
    expect([...(generated as any)[constName]]).toEqual(inIdl);
  });

  test.each<any>(IDL.accounts.map((a: any) => [a.name]))('account %s', (name: string) => {
    const inIdl = IDL.accounts.find((a: any) => a.name === name).discriminator;
    expect(inIdl).toEqual(disc('account', name));
    expect([...(generated as any)[`${upperSnake(name)}_DISCRIMINATOR`]]).toEqual(inIdl);
  });

  test.each<any>(IDL.events.map((e: any) => [e.name]))('event %s', (name: string) => {
    const inIdl = IDL.events.find((e: any) => e.name === name).discriminator;
    expect(inIdl).toEqual(disc('event', name));
    expect([...(generated as any)[`${upperSnake(name)}_EVENT_DISCRIMINATOR`]]).toEqual(inIdl);
  });

  test('account sizes match docs/protocol.md', () => {
    expect(generated.getConfigSize()).toBe(232);
    expect(generated.getVaultSize()).toBe(16);
    expect(generated.getModelSize()).toBe(172);
    expect(generated.getWorkerSize()).toBe(272);
    expect(generated.getRequestSize()).toBe(2956);
  });

  test('the generated IDL module is the committed IDL', () => {
    expect(JSON.parse(JSON.stringify(DFPN_IDL))).toEqual(IDL);
  });

  test('submit_request argument bytes: discriminator, Borsh fields, bump last', async () => {
    const client = await keypair('client');
    const { instructions } = await import('../src/index.js');
    const { instruction, request } = await instructions.submitRequest({
      client,
      nonce: 1n,
      contentHash: new Uint8Array(32).fill(0xab),
      storageUri: 'ipfs://x',
      modalities: [2, 1],
      minWorkers: 3,
      maxWorkers: 4,
      maxFee: 7_500_000n,
      deadline: 1_700_000_000n,
    });
    expect(request).toBe(V.pdas.requests[1].address);
    const data = instruction.data!;
    expect([...data.subarray(0, 8)]).toEqual(disc('global', 'submit_request'));
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    expect(view.getBigUint64(8, true)).toBe(1n);
    expect(view.getUint32(48, true)).toBe(8); // string length prefix
    expect(new TextDecoder().decode(data.subarray(52, 60))).toBe('ipfs://x');
    expect([...data.subarray(60, 63)]).toEqual([3, 3, 4]);
    expect(view.getBigUint64(63, true)).toBe(7_500_000n);
    expect(view.getBigInt64(71, true)).toBe(1_700_000_000n);
    expect(data[79]).toBe(V.pdas.requests[1].bump);
    expect(data.length).toBe(80);
    expect(instruction.accounts?.map((a) => a.address)).toEqual([
      client.address,
      request,
      V.pdas.config.address,
      '11111111111111111111111111111111',
    ]);
    expect(getAddressEncoder().encode(client.address).length).toBe(32);
  });
});
