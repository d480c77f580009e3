/**
 * The shared test vectors (tests/vectors.json, also read by the Rust tests and the Python SDK): keypairs, salts,
 * commitments, PDAs, fees; and every discriminator against sha256 of its name and against the IDL.
 */
import { createHash } from 'node:crypto';
import { address, createKeyPairSignerFromPrivateKeyBytes, getAddressEncoder } from '@solana/kit';
import { describe, expect, test } from 'vitest';
import {
  answerCodes,
  commitment,
  DFPNError,
  ErrorCode,
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
    const zero = new Uint8Array(32);
    // An answer the program would refuse at reveal is refused here, naming the field
    for (const [verdict, confidence, field] of [
      [2, 101, 'confidence'],
      [2, 256, 'confidence'],
      [2, -1, 'confidence'],
      [2, 90.5, 'confidence'],
      [3, 90, 'verdict'],
      [-1, 90, 'verdict'],
      ['Bogus', 90, 'verdict'],
    ] as const) {
      let caught: unknown;
      try {
        commitment(a, a, verdict as never, confidence, 'm', zero, zero);
      } catch (e) {
        caught = e;
      }
      expect(caught, `${verdict}/${confidence}`).toBeInstanceOf(DFPNError);
      expect((caught as DFPNError).code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect((caught as DFPNError).message).toMatch(new RegExp(`^\\[INVALID_ARGUMENT\\] ${field} `));
    }
    // The bounds themselves are answers
    expect(commitment(a, a, 'Manipulated', 100, 'm', zero, zero)).toHaveLength(32);
    expect(commitment(a, a, 0, 0, 'm', zero, zero)).toHaveLength(32);
    expect(answerCodes('Authentic', 100)).toEqual({ verdict: 1, confidence: 100 });
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
    expect(generated.getConfigSize()).toBe(276);
    expect(generated.getVaultSize()).toBe(16);
    expect(generated.getModelSize()).toBe(172);
    expect(generated.getWorkerSize()).toBe(272);
    expect(generated.getRequestSize()).toBe(2976);
  });

  test('the generated IDL module is the committed IDL', () => {
    expect(JSON.parse(JSON.stringify(DFPN_IDL))).toEqual(IDL);
  });

  test('account lists of the #14 instruction shapes', async () => {
    const { instructions } = await import('../src/index.js');
    const authority = await keypair('client');
    const request = V.pdas.requests[1].address;
    const roles = (ix: { accounts?: readonly { address: string; role: number }[] }) => ix.accounts!.map((a) => [a.address, a.role]);
    const worker = await workerAddress(authority.address);
    const model = await modelAddress('face-forensics-sbi');
    const [R, W, RS] = [0, 1, 2]; // AccountRole: READONLY, WRITABLE, READONLY_SIGNER
    // commit_result: authority, request, the authority's worker PDA and the committed model's PDA (both read-only)
    const commit = await instructions.commitResult({ authority, request, commitment: new Uint8Array(32), modelId: 'face-forensics-sbi' });
    expect(roles(commit)).toEqual([[authority.address, RS], [request, W], [worker, R], [model, R]]);
    expect(commit.data!.length).toBe(8 + 32);
    // reveal_result: authority and request only; no model id in the data (8 + 1 + 1 + 32 + 32 + 4 + uri)
    const reveal = instructions.revealResult({
      authority,
      request,
      verdict: 'Manipulated',
      confidence: 90,
      reportHash: new Uint8Array(32),
      salt: new Uint8Array(32),
      reportUri: 'file:///r',
    });
    expect(roles(reveal)).toEqual([[authority.address, RS], [request, W]]);
    expect(reveal.data!.length).toBe(8 + 1 + 1 + 32 + 32 + 4 + 9);
    // leave_request: authority, its worker PDA (writable: the bond is released), request
    expect(roles(await instructions.leaveRequest({ authority, request }))).toEqual([[authority.address, RS], [worker, W], [request, W]]);
    // expire_request: request, client, insurance vault, then a worker PDA per seat
    const seat = { authority: authority.address } as never;
    const expire = await instructions.expireRequest({ request, requestData: { client: authority.address, joined: 1, seats: [seat] } });
    expect(roles(expire)).toEqual([[request, W], [authority.address, W], [await insuranceAddress(), W], [worker, W]]);
    // update_config carries only the parameters; the authority moves with propose_authority / accept_authority
    const update = await instructions.updateConfig({ authority, params: REFERENCE_PARAMS });
    expect(update.data!.length).toBe(8 + 5 * 8 + 4 * 2 + 8 + 3 * 8 + 4 + 8 + 2 + 2);
    const other = (await keypair('worker0')).address;
    const propose = await instructions.proposeAuthority({ authority, newAuthority: other });
    expect(roles(propose)).toEqual([[authority.address, RS], [await configAddress(), W]]);
    expect([...propose.data!.subarray(8)]).toEqual([...getAddressEncoder().encode(other)]);
    const accept = await instructions.acceptAuthority({ newAuthority: authority });
    expect(roles(accept)).toEqual([[authority.address, RS], [await configAddress(), W]]);
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
