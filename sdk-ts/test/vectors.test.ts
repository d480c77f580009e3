/**
 * The shared test vectors (tests/vectors.json, also read by the Rust tests and the Python SDK): keypairs, salts,
 * commitments, PDAs, fees; and every discriminator against sha256 of its name and against the IDL.
 */
import { createHash } from 'node:crypto';
import { address, createKeyPairSignerFromPrivateKeyBytes, getAddressDecoder, getAddressEncoder } from '@solana/kit';
import { describe, expect, test } from 'vitest';
import {
  answerCodes,
  BPF_LOADER_UPGRADEABLE_ADDRESS,
  CHALLENGE_DOMAIN,
  challengeAttestation,
  challengerAddress,
  commitment,
  COMMITMENT_DOMAIN,
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
  modelAddressAndBump,
  PROGRAM_ID,
  programDataAddress,
  randomAttestation,
  REFERENCE_PARAMS,
  requestAddressAndBump,
  saltSignature,
  deriveSalt,
  DRAW_DOMAIN,
  drawCandidate,
  drawCandidates,
  drawSeed,
  toHex,
  treasuryAddress,
  workerAddress,
} from '../src/index.js';
import { drawOdds, loadIdl, loadVectors, parseJsonExact } from './helpers.js';

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

  test.each<any>(V.commitments.map((c: any, i: number) => [i, c.model_id]))('commitment %i (model %s)', async (i: number) => {
    const c = V.commitments[i];
    // The model is hashed as its PDA address, ["model", developer, model_id]
    expect(await modelAddress(address(c.model_developer), c.model_id)).toBe(c.model);
    expect(decodeModelId(encodeModelId(c.model_id))).toBe(c.model_id);
    const got = commitment(
      address(c.request),
      address(c.worker),
      c.verdict,
      c.confidence,
      address(c.model),
      fromHex(c.report_hash),
      fromHex(c.salt),
    );
    expect(toHex(got)).toBe(c.commitment);
    // the preimage, spelled out: the domain is dfpn-commit-v2 and the model field is the address's 32 bytes
    const addr = (a: string) => Uint8Array.from(getAddressEncoder().encode(address(a)));
    const preimage = Buffer.concat([
      Buffer.from(COMMITMENT_DOMAIN),
      addr(c.request),
      addr(c.worker),
      Buffer.from([c.verdict, c.confidence]),
      addr(c.model),
      fromHex(c.report_hash),
      fromHex(c.salt),
    ]);
    expect(COMMITMENT_DOMAIN).toBe('dfpn-commit-v2');
    expect(createHash('sha256').update(preimage).digest('hex')).toBe(c.commitment);
    // another developer's model of the same id is another address, so another commitment
    const other = await modelAddress(address(c.worker), c.model_id);
    expect(other).not.toBe(c.model);
    const otherCommitment = commitment(address(c.request), address(c.worker), c.verdict, c.confidence, other, fromHex(c.report_hash), fromHex(c.salt));
    expect(toHex(otherCommitment)).not.toBe(c.commitment);
  });

  test('commitment inputs are checked', () => {
    const a = address(V.commitments[0].request);
    // The model is an address: a model id in its place is refused, naming the field (the vector's model is accepted)
    for (const id of ['face-forensics-sbi', 'm', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']) {
      let caught: unknown;
      try {
        commitment(a, a, 2, 90, id as never, new Uint8Array(32), new Uint8Array(32));
      } catch (e) {
        caught = e;
      }
      expect(caught, id).toBeInstanceOf(DFPNError);
      expect((caught as DFPNError).code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect((caught as DFPNError).message).toMatch(/^\[INVALID_ARGUMENT\] model /);
    }
    expect(commitment(a, a, 2, 90, address(V.commitments[0].model), new Uint8Array(32), new Uint8Array(32))).toHaveLength(32);
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
        commitment(a, a, verdict as never, confidence, a, zero, zero);
      } catch (e) {
        caught = e;
      }
      expect(caught, `${verdict}/${confidence}`).toBeInstanceOf(DFPNError);
      expect((caught as DFPNError).code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect((caught as DFPNError).message).toMatch(new RegExp(`^\\[INVALID_ARGUMENT\\] ${field} `));
    }
    // The bounds themselves are answers
    expect(commitment(a, a, 'Manipulated', 100, a, zero, zero)).toHaveLength(32);
    expect(commitment(a, a, 0, 0, a, zero, zero)).toHaveLength(32);
    expect(answerCodes('Authentic', 100)).toEqual({ verdict: 1, confidence: 100 });
    expect(() => commitment(a, a, 2, 90, a, new Uint8Array(31), new Uint8Array(32))).toThrow(/reportHash/);
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

  test('models (scoped by developer), workers, requests (nonce up to 2^64 - 1)', async () => {
    for (const m of V.pdas.models) {
      const developer = address(m.developer);
      expect(await modelAddress(developer, m.model_id)).toBe(m.address);
      expect(await modelAddressAndBump(developer, m.model_id)).toEqual([m.address, m.bump]);
      expect(await generated.findModelPda({ developer, modelId: encodeModelId(m.model_id) })).toEqual([m.address, m.bump]);
    }
    // The same id under two developers: two models
    const [a, b] = V.pdas.models.map((m: any) => address(m.developer));
    expect(a).not.toBe(b);
    expect(await modelAddress(a, 'same-id')).not.toBe(await modelAddress(b, 'same-id'));
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

describe('draws', () => {
  const cases: any[] = V.draws.cases;
  test('the section names the draw rule and has cases from a pool of 1 to the u32 limit, with the u64 cap', () => {
    expect(new TextDecoder().decode(DRAW_DOMAIN as Uint8Array)).toBe('dfpn-draw-v1');
    expect(V.draws.description).toContain('sha256(DRAW_DOMAIN ‖ request ‖ slot hash)');
    expect(cases.length).toBeGreaterThanOrEqual(5);
    expect(cases.map((c) => c.pool_count)).toContain(1);
    expect(cases.map((c) => c.pool_count)).toContain(0xffff_ffff);
    expect(cases.map((c) => c.draw_stake_cap)).toContain('18446744073709551615');
    for (const c of cases) expect(c.candidates.map((x: any) => x.k)).toContain(0xffff_ffff);
  });

  test.each<any>(cases.map((c: any) => [c.pool_count, c.draw_stake_cap, c.request]))(
    'pool %i, stake cap %s (%s): seed and candidates as drawSeed/drawCandidate compute them',
    (_pool: number, _cap: string, request: string) => {
      const c = cases.find((x) => x.request === request);
      // Given the case's request and slot hash
      const seed = drawSeed(address(c.request), fromHex(c.slot_hash));
      // Then the SDK's seed is the vector's, and an independent sha256 of DRAW_DOMAIN ‖ request ‖ slot hash
      expect(toHex(seed)).toBe(c.seed);
      const independent = createHash('sha256')
        .update('dfpn-draw-v1')
        .update(Buffer.from(getAddressEncoder().encode(address(c.request))))
        .update(Buffer.from(c.slot_hash, 'hex'))
        .digest('hex');
      expect(independent).toBe(c.seed);
      // And each candidate k names the vector's pool index and lottery number
      const cap = BigInt(c.draw_stake_cap);
      for (const v of c.candidates) {
        expect(drawCandidate(seed, v.k, c.pool_count, cap)).toEqual({ k: v.k, poolIndex: v.index, lottery: BigInt(v.lottery) });
      }
      // And drawCandidates from the first vector k agrees with drawCandidate, and stops at the u32 limit
      const first = c.candidates[0];
      expect(drawCandidates(seed, first.k, 3, c.pool_count, cap)[0]).toEqual(drawCandidate(seed, first.k, c.pool_count, cap));
      expect(drawCandidates(seed, 0xffff_ffff, 3, c.pool_count, cap).map((x) => x.k)).toEqual([0xffff_ffff]);
      expect(drawCandidates(seed, 0xffff_ffff, 1, c.pool_count, cap)[0]!.lottery).toBe(
        BigInt(c.candidates.find((x: any) => x.k === 0xffff_ffff).lottery),
      );
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
    expect(generated.getModelSize()).toBe(236); // 172 + pending_developer + registrant
    expect(generated.getWorkerSize()).toBe(272);
    // 2976 + challenge_slash_bps, challenged, challenge_label, attestation (3008), + draw_slot, draw_seed, draw_cursor,
    // pool_count (3056), + each of the MAX_SEATS seats' drawn_at (i64)
    expect(generated.getRequestSize()).toBe(3008 + 8 + 32 + 4 + 4 + generated.MAX_SEATS * 8);
    expect(generated.getRequestSize()).toBe(3136);
    // A seat: authority, commitment, report_hash, model, state, verdict, confidence, report_uri_len, report_uri (128),
    // drawn_at
    expect(generated.getSeatEncoder().fixedSize).toBe(32 * 4 + 4 + 128 + 8);
    expect(generated.getChallengerSize()).toBe(8 + 32 + 8 + 8 + 1 + 31);
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
    const model = address(V.pdas.models[0].address);
    const [R, W, RS] = [0, 1, 2]; // AccountRole: READONLY, WRITABLE, READONLY_SIGNER
    // commit_result: authority, request, the authority's worker PDA and the committed model's PDA (both read-only)
    const commit = await instructions.commitResult({ authority, request, commitment: new Uint8Array(32), model });
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
    // ... challenge_slash_bps, then min_workers_floor (u8) and draw_stake_cap (u64) last
    expect(update.data!.length).toBe(8 + 5 * 8 + 4 * 2 + 8 + 3 * 8 + 4 + 8 + 2 + 2 + 2 + 1 + 8);
    // register_worker: the config is writable (it counts workers: the new one's pool_index)
    const register = await instructions.registerWorker({ authority, stake: 1n, modalities: 2, models: [model] });
    expect(roles(register)).toEqual([[authority.address, 3], [worker, W], [await configAddress(), W], ['11111111111111111111111111111111', R]]);
    // draw_seats: request, config, the SlotHashes sysvar, insurance, then the replaced seats' worker PDAs (writable,
    // seat order) and the candidates' worker PDAs (read-only, draw order); no arguments
    const candidate = await workerAddress((await keypair('worker1')).address);
    const draw = await instructions.drawSeats({ request, replaced: [authority.address], candidates: [candidate, worker] });
    expect(roles(draw)).toEqual([
      [request, W],
      [await configAddress(), R],
      ['SysvarS1otHashes111111111111111111111111111', R],
      [await insuranceAddress(), W],
      [worker, W],
      [candidate, R],
      [worker, R],
    ]);
    expect([...draw.data!]).toEqual(disc('global', 'draw_seats'));
    // join_request: authority, its worker PDA, request, config (it accepts a drawn seat)
    expect(roles(await instructions.joinRequest({ authority, request }))).toEqual([
      [authority.address, RS],
      [worker, W],
      [request, W],
      [await configAddress(), R],
    ]);
    const other = (await keypair('worker0')).address;
    const propose = await instructions.proposeAuthority({ authority, newAuthority: other });
    expect(roles(propose)).toEqual([[authority.address, RS], [await configAddress(), W]]);
    expect([...propose.data!.subarray(8)]).toEqual([...getAddressEncoder().encode(other)]);
    const accept = await instructions.acceptAuthority({ newAuthority: authority });
    expect(roles(accept)).toEqual([[authority.address, RS], [await configAddress(), W]]);
  });

  test('account lists and data of the #14 points 6, 9a, 9b instructions', async () => {
    const { instructions } = await import('../src/index.js');
    const [R, W, RS, WS] = [0, 1, 2, 3]; // AccountRole: READONLY, WRITABLE, READONLY_SIGNER, WRITABLE_SIGNER
    const roles = (ix: { accounts?: readonly { address: string; role: number }[] }) => ix.accounts!.map((a) => [a.address, a.role]);
    const dev = await keypair('client');
    const other = (await keypair('worker0')).address;
    const m = V.pdas.models.find((x: any) => x.developer === dev.address) ?? V.pdas.models[1];
    expect(m.developer).toBe(dev.address);
    const model = address(m.address);
    // initialize_config: a 6th, read-only account, the program's ProgramData (the loader's PDA of the program id),
    // as Codama's async builder derives it from the IDL, and a 7th, read-only, the program's own account (its
    // address is the program id; the program reads the ProgramData address from it)
    const init = await instructions.initializeConfig({ authority: dev, params: REFERENCE_PARAMS });
    const programData = await programDataAddress();
    expect(roles(init)).toEqual([
      [dev.address, WS],
      [await configAddress(), W],
      [await treasuryAddress(), W],
      [await insuranceAddress(), W],
      ['11111111111111111111111111111111', R],
      [programData, R],
      [PROGRAM_ID, R],
    ]);
    expect(programData).toBe((await findPda([getAddressEncoder().encode(PROGRAM_ID)], BPF_LOADER_UPGRADEABLE_ADDRESS))[0]);
    const viaCodama = await generated.getInitializeConfigInstructionAsync({ authority: dev, params: REFERENCE_PARAMS });
    expect(roles(viaCodama)).toEqual(roles(init));
    // Under another program id (a deployment of its own), the 6th and 7th accounts are that program's, not the IDL's
    const otherId = (await keypair('worker1')).address;
    const initOther = await instructions.initializeConfig({ authority: dev, params: REFERENCE_PARAMS }, otherId);
    expect(initOther.programAddress).toBe(otherId);
    expect(roles(initOther).slice(5)).toEqual([[await programDataAddress(otherId), R], [otherId, R]]);
    // register_model: the PDA of the signing developer and the id
    const reg = await instructions.registerModel({ developer: dev, modelId: m.model_id, payoutWallet: other, modalities: 1 });
    expect(roles(reg)).toEqual([[dev.address, WS], [model, W], [other, R], ['11111111111111111111111111111111', R]]);
    // register_worker / update_worker: the models are a Borsh Vec<Pubkey> of the given addresses
    const addresses = V.pdas.models.map((x: any) => address(x.address));
    const regWorker = await instructions.registerWorker({ authority: dev, stake: 1n, modalities: 3, models: addresses });
    const tail = (n: number) => regWorker.data!.subarray(regWorker.data!.length - n);
    expect([...tail(4 + 32 * addresses.length).subarray(0, 4)]).toEqual([addresses.length, 0, 0, 0]);
    expect(getAddressDecoder().decode(tail(32))).toBe(addresses.at(-1));
    const upd = await instructions.updateWorker({ authority: dev, modalities: 3, models: [model] });
    expect(upd.data!.length).toBe(8 + 1 + 4 + 32);
    // The model instructions take the address, or the id and its registrant (default: the signing developer)
    for (const selector of [{ model }, { modelId: m.model_id }, { modelId: m.model_id, registrant: dev.address }]) {
      const update = await instructions.updateModel({ developer: dev, ...selector, payoutWallet: other, modalities: 1 });
      expect(roles(update)).toEqual([[dev.address, RS], [model, W], [other, R]]);
      expect(roles(await instructions.deactivateModel({ developer: dev, ...selector }))).toEqual([[dev.address, RS], [model, W]]);
      // propose_model_transfer(new_developer): developer signer, model writable
      const propose = await instructions.proposeModelTransfer({ developer: dev, ...selector, newDeveloper: other });
      expect(roles(propose)).toEqual([[dev.address, RS], [model, W]]);
      expect([...propose.data!]).toEqual([...disc('global', 'propose_model_transfer'), ...getAddressEncoder().encode(other)]);
    }
    // A transferred model keeps its registrant's address: the new developer names it by address or registrant
    const next = await keypair('worker0');
    for (const selector of [{ model }, { modelId: m.model_id, registrant: dev.address }]) {
      const update = await instructions.updateModel({ developer: next, ...selector, payoutWallet: other, modalities: 1 });
      expect(roles(update)[1]).toEqual([model, W]);
      // accept_model_transfer(): new developer signer, model writable, no arguments
      const accept = await instructions.acceptModelTransfer({ newDeveloper: next, ...selector });
      expect(roles(accept)).toEqual([[next.address, RS], [model, W]]);
      expect([...accept.data!]).toEqual(disc('global', 'accept_model_transfer'));
      expect(roles(await instructions.claimModelFees({ ...selector, payoutWallet: other }))).toEqual([[model, W], [other, W]]);
    }
    // ...while its id alone would name the new developer's own (other) model
    const byId = await instructions.updateModel({ developer: next, modelId: m.model_id, payoutWallet: other, modalities: 1 });
    expect(roles(byId)[1]).toEqual([await modelAddress(next.address, m.model_id), W]);
    // withdraw_insurance(amount): authority signer, config, insurance vault and recipient writable
    const withdraw = await instructions.withdrawInsurance({ authority: dev, recipient: other, amount: 2n ** 64n - 1n });
    expect(roles(withdraw)).toEqual([[dev.address, RS], [await configAddress(), W], [await insuranceAddress(), W], [other, W]]);
    expect([...withdraw.data!]).toEqual([...disc('global', 'withdraw_insurance'), 255, 255, 255, 255, 255, 255, 255, 255]);
    // finalize_request names the model each revealed seat committed with, as stored in the seat
    const seat = (state: number, m: string) => ({ authority: dev.address, state, model: m }) as never;
    const fin = await instructions.finalizeRequest({
      request: address(V.pdas.requests[0].address),
      requestData: { client: dev.address, joined: 3, seats: [seat(2, addresses[0]), seat(1, addresses[1]), seat(2, addresses[1])] },
    });
    expect(roles(fin).slice(5 + 3)).toEqual([[addresses[0], W], [addresses[1], W]]);
  });

  test('submit_request argument bytes: discriminator, Borsh fields, bump, attestation last', async () => {
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
      attestation: new Uint8Array(32).fill(0xcd),
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
    // the attestation is the last argument, after the bump
    expect([...data.subarray(80)]).toEqual(new Array(32).fill(0xcd));
    expect(data.length).toBe(112);
    expect(instruction.accounts?.map((a) => a.address)).toEqual([
      client.address,
      request,
      V.pdas.config.address,
      '11111111111111111111111111111111',
    ]);
    expect(getAddressEncoder().encode(client.address).length).toBe(32);
  });

  test('submit_request attestations: random by default (32 bytes, a new one each time), a given one is sent as is', async () => {
    const client = await keypair('client');
    const { instructions } = await import('../src/index.js');
    const base = {
      client,
      nonce: 1n,
      contentHash: new Uint8Array(32).fill(0xab),
      storageUri: 'ipfs://x',
      modalities: [2],
      minWorkers: 1,
      maxWorkers: 1,
      maxFee: 7_500_000n,
      deadline: 1_700_000_000n,
    };
    const [a, b] = [await instructions.submitRequest(base), await instructions.submitRequest(base)];
    expect(a.attestation).toHaveLength(32);
    expect([...a.instruction.data!.subarray(80)]).toEqual([...a.attestation]);
    expect(toHex(a.attestation)).not.toBe(toHex(b.attestation));
    // Everything but the attestation is the same instruction
    expect([...a.instruction.data!.subarray(0, 80)]).toEqual([...b.instruction.data!.subarray(0, 80)]);
    // A challenger's attestation goes through unchanged (positive control); one that is not 32 bytes is refused
    const given = challengeAttestation({ request: a.request, label: 'Manipulated', salt: new Uint8Array(32).fill(7) });
    const c = await instructions.submitRequest({ ...base, attestation: given });
    expect([...c.instruction.data!.subarray(80)]).toEqual([...given]);
    for (const bad of [new Uint8Array(31), new Uint8Array(33)]) {
      await expect(instructions.submitRequest({ ...base, attestation: bad })).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
    }
  });

  test('challengeAttestation is sha256(CHALLENGE_DOMAIN || request || label || salt)', async () => {
    const request = address(V.pdas.requests[0].address);
    const salt = fromHex('11'.repeat(32));
    expect(new TextDecoder().decode(CHALLENGE_DOMAIN)).toBe('dfpn-challenge-v1');
    for (const [label, code] of [
      ['Authentic', 1],
      ['Manipulated', 2],
      [1, 1],
      [2, 2],
    ] as const) {
      const preimage = Buffer.concat([Buffer.from('dfpn-challenge-v1'), Buffer.from(getAddressEncoder().encode(request)), Buffer.from([code]), salt]);
      expect(toHex(challengeAttestation({ request, label, salt }))).toBe(createHash('sha256').update(preimage).digest('hex'));
    }
    // Bound to the request, the label and the salt
    const base = toHex(challengeAttestation({ request, label: 'Manipulated', salt }));
    expect(toHex(challengeAttestation({ request: address(V.pdas.requests[1].address), label: 'Manipulated', salt }))).not.toBe(base);
    expect(toHex(challengeAttestation({ request, label: 'Authentic', salt }))).not.toBe(base);
    expect(toHex(challengeAttestation({ request, label: 'Manipulated', salt: fromHex('12'.repeat(32)) }))).not.toBe(base);
    // A label the program cannot reveal (Inconclusive, unknown) and a salt that is not 32 bytes are refused
    for (const [args, field] of [
      [{ request, label: 'Inconclusive', salt }, 'label'],
      [{ request, label: 0, salt }, 'label'],
      [{ request, label: 3, salt }, 'label'],
      [{ request, label: 'Manipulated', salt: new Uint8Array(31) }, 'salt'],
      [{ request: 'not-an-address', label: 'Manipulated', salt }, 'request'],
    ] as const) {
      let caught: unknown;
      try {
        challengeAttestation(args as never);
      } catch (e) {
        caught = e;
      }
      expect(caught, JSON.stringify(args.label)).toBeInstanceOf(DFPNError);
      expect((caught as DFPNError).code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect((caught as DFPNError).message).toMatch(new RegExp(`^\\[INVALID_ARGUMENT\\] ${field} `));
    }
    expect(randomAttestation()).toHaveLength(32);
    expect(toHex(randomAttestation())).not.toBe(toHex(randomAttestation()));
  });

  test('account lists and data of the challenge instructions: register_challenger, remove_challenger, reveal_challenge', async () => {
    const { instructions } = await import('../src/index.js');
    const [R, W, RS, WS] = [0, 1, 2, 3]; // AccountRole: READONLY, WRITABLE, READONLY_SIGNER, WRITABLE_SIGNER
    const roles = (ix: { accounts?: readonly { address: string; role: number }[] }) => ix.accounts!.map((a) => [a.address, a.role]);
    const authority = await keypair('client');
    const key = (await keypair('worker0')).address;
    const [pda, bump] = await findPda([new TextEncoder().encode('challenger'), getAddressEncoder().encode(key)]);
    expect(await challengerAddress(key)).toBe(pda);
    expect(await generated.findChallengerPda({ challenger: key })).toEqual([pda, bump]);
    // register_challenger(challenger): authority signer+writable (pays the rent), config, the key's challenger PDA
    // (writable, created), system program; the data is the key
    const register = await instructions.registerChallenger({ authority, challenger: key });
    expect(roles(register)).toEqual([
      [authority.address, WS],
      [await configAddress(), R],
      [pda, W],
      ['11111111111111111111111111111111', R],
    ]);
    expect([...register.data!]).toEqual([...disc('global', 'register_challenger'), ...getAddressEncoder().encode(key)]);
    // remove_challenger(): authority signer+writable (receives the rent), config, the challenger PDA (writable)
    const remove = await instructions.removeChallenger({ authority, challenger: key });
    expect(roles(remove)).toEqual([[authority.address, WS], [await configAddress(), R], [pda, W]]);
    expect([...remove.data!]).toEqual(disc('global', 'remove_challenger'));
    // reveal_challenge(label u8, salt [u8; 32]): client signer, its own challenger PDA (writable), request (writable)
    const request = address(V.pdas.requests[0].address);
    const salt = new Uint8Array(32).fill(9);
    const reveal = await instructions.revealChallenge({ client: authority, request, label: 'Manipulated', salt });
    const clientPda = await challengerAddress(authority.address);
    expect(roles(reveal)).toEqual([[authority.address, RS], [clientPda, W], [request, W]]);
    expect([...reveal.data!]).toEqual([...disc('global', 'reveal_challenge'), 2, ...salt]);
    expect(await generated.findRevealChallengeChallengerPda({ client: authority.address })).toEqual(await findPda([new TextEncoder().encode('challenger'), getAddressEncoder().encode(authority.address)]));
    expect([...(await instructions.revealChallenge({ client: authority, request, label: 1, salt })).data!.subarray(8, 9)]).toEqual([1]);
    // A label that is not Authentic/Manipulated, or a salt of another length, is refused before anything is built
    await expect(instructions.revealChallenge({ client: authority, request, label: 0, salt })).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
    await expect(instructions.revealChallenge({ client: authority, request, label: 2, salt: salt.subarray(1) })).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
    // Under another program id every PDA is that program's
    const other = address(V.pdas.requests[0].client);
    const elsewhere = await instructions.registerChallenger({ authority, challenger: key }, other);
    expect(elsewhere.programAddress).toBe(other);
    expect(roles(elsewhere)[2]).toEqual([await challengerAddress(key, other), W]);
  });

  test('finalize_request: the client signs its own finalize (2nd account writable signer); a cranker does not', async () => {
    const { instructions } = await import('../src/index.js');
    const [W, WS] = [1, 3];
    const client = await keypair('client');
    const request = address(V.pdas.requests[0].address);
    const requestData = { client: client.address, joined: 0, seats: [] };
    const asCranker = await instructions.finalizeRequest({ request, requestData });
    expect(asCranker.accounts![1]).toEqual({ address: client.address, role: W });
    const asClient = await instructions.finalizeRequest({ request, requestData, client });
    expect(asClient.accounts![1]).toMatchObject({ address: client.address, role: WS, signer: client });
    // The other accounts and the data are the same
    expect(asClient.accounts!.filter((_, i) => i !== 1)).toEqual(asCranker.accounts!.filter((_, i) => i !== 1));
    expect([...asClient.data!]).toEqual([...asCranker.data!]);
    // Another key cannot sign as the client
    const stranger = await keypair('worker0');
    await expect(instructions.finalizeRequest({ request, requestData, client: stranger })).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
    });
  });
});

describe('draw odds', () => {
  test.each<any>(loadVectors().draw_odds.cases.map((c: any) => [c.stake, c.reputation, c]))(
    'stake %s at reputation %i',
    (_s, _r, c) => {
      // The tests' restatement of the program's lottery range (what predictDraw seats by) is the program's own
      expect(drawOdds(BigInt(c.stake), BigInt(c.draw_stake_cap), c.reputation)).toBe(BigInt(c.odds));
    },
  );
});
