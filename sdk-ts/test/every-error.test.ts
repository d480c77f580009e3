/**
 * Every `ErrorCode` reached for real: each program error (6000–6080) by sending a transaction the real dfpn.so in
 * LiteSVM refuses, and each SDK code through the SDK call that reports it. The last test checks that nothing was
 * left out (but the retired `REQUEST_FULL`, which no instruction returns since seats are drawn).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  AccountRole,
  address,
  getAddressDecoder,
  getAddressEncoder,
  getU64Encoder,
  isOffCurveAddress,
  generateKeyPairSigner,
  lamports,
  type AccountMeta,
  type Address,
  type Instruction,
  type KeyPairSigner,
  type TransactionSigner,
} from '@solana/kit';
import { describe, expect, test } from 'vitest';
import {
  ALL_ERROR_CODES,
  configAddress,
  DFPNClient,
  ALL_MODALITIES,
  ALL_MODALITY_LIST,
  DFPNError,
  errorCodeFromProgramCode,
  drawCandidates,
  drawSeed,
  ErrorCode,
  findPda,
  PROGRAM_ID,
  protocol,
  getRegisterModelInstruction,
  getSubmitRequestInstruction,
  getWorkerDecoder,
  getWorkerEncoder,
  insuranceAddress,
  instructions as ix,
  INSURANCE_WITHDRAWAL_INTERVAL_SECS,
  MAX_INSURANCE_WITHDRAWAL_BPS,
  MAX_MIN_WORKERS_FLOOR,
  MAX_NON_REVEAL_SLASH_BPS,
  MIN_NON_REVEAL_SLASH_BPS,
  parseLogs,
  programDataAddress,
  randomAttestation,
  IpfsStorage,
  LAMPORTS_PER_SOL,
  mediaFromBytes,
  Modality,
  modelAddress,
  readUri,
  REFERENCE_PARAMS,
  requestAddressAndBump,
  RpcTransport,
  SEAT_STATE_DRAWN,
  SEEDS_MODEL,
  sha256,
  treasuryAddress,
  WorkerPool,
  workerAddress,
} from '../src/index.js';
import { LiteSvmTransport } from '../src/local.js';
import { registerTestModel, TEST_MODEL, TestWorker } from '../src/testing.js';
import { mediaFile, PROGRAM_SO, requestAccount, submitDrawing, tempDir } from './helpers.js';

const reached = new Map<ErrorCode, string>();

/** Expect `fn` to fail with `code` and record that the code was reached. */
async function expectCode(code: ErrorCode, fn: () => unknown, where: string): Promise<DFPNError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `${where}: expected ${code}, nothing was thrown`).toBeInstanceOf(DFPNError);
  const err = caught as DFPNError;
  expect(err.code, `${where}: ${err.message}`).toBe(code);
  if (err.programCode !== undefined) expect(err.logs.length).toBeGreaterThan(0);
  reached.set(code, where);
  return err;
}

// ---- fixtures --------------------------------------------------------------------------------------------------

interface World {
  net: LiteSvmTransport;
  client: DFPNClient;
  dir: string;
  media: string;
  workers: TestWorker[];
  /** The developer of the test model, and the model's address (every worker declares it). */
  developer: KeyPairSigner;
  model: Address;
}

async function world(nWorkers = 3): Promise<World> {
  const net = await LiteSvmTransport.create({ programPath: PROGRAM_SO });
  const client = await DFPNClient.create({ network: net });
  const dir = tempDir();
  const { developer, model } = await registerTestModel(net);
  const workers: TestWorker[] = [];
  for (let i = 0; i < nWorkers; i++) workers.push(await TestWorker.register(net, dir, { model }));
  return { net, client, dir, media: mediaFile(dir), workers, developer, model };
}

/** Submit a face request; the client draws its seats, or, with `drawn`, the draw seats those workers first. */
async function submit(w: World, minWorkers: number, maxWorkers = minWorkers, drawn?: readonly TestWorker[]): Promise<Address> {
  const params = { mediaPath: w.media, modalities: [Modality.FaceManipulation], minWorkers, maxWorkers };
  if (drawn) return (await submitDrawing(w.net, w.client, params, drawn)).id as Address;
  return (await w.client.submitRequest(params)).id as Address;
}

/** The workers accept their drawn seats and commit. */
async function commitAll(w: World, request: Address, workers = w.workers): Promise<void> {
  for (const worker of workers) {
    await worker.join(request);
    await worker.commit(request, { verdict: 'Manipulated', confidence: 90 });
  }
}

function withAccounts(instruction: Instruction, edit: (metas: AccountMeta[]) => AccountMeta[]): Instruction {
  return { ...instruction, accounts: edit([...(instruction.accounts ?? [])]) };
}

function setMeta(instruction: Instruction, index: number, meta: AccountMeta): Instruction {
  return withAccounts(instruction, (m) => m.map((x, i) => (i === index ? meta : x)));
}

function send(net: LiteSvmTransport, instruction: Instruction, payer: TransactionSigner) {
  return () => net.process([instruction], payer);
}

/** A PDA of `seeds` with a lower, off-curve bump than the canonical one (sha256(seeds ‖ bump ‖ program ‖ marker)),
 * and that bump. */
async function nonCanonicalPda(seeds: ReadonlyArray<Uint8Array>): Promise<[Address, number]> {
  const [canonical, canonicalBump] = await findPda(seeds);
  for (let bump = canonicalBump - 1; bump >= 0; bump--) {
    const hash = sha256(...seeds, new Uint8Array([bump]), getAddressEncoder().encode(PROGRAM_ID), 'ProgramDerivedAddress');
    const candidate = getAddressDecoder().decode(hash);
    if (candidate !== canonical && isOffCurveAddress(candidate)) return [candidate, bump];
  }
  throw new Error('no off-curve bump');
}

// ---- program errors --------------------------------------------------------------------------------------------

describe('program errors (6000-6080) through the real program', () => {
  test('malformed instructions: INVALID_INSTRUCTION_DATA, NOT_ENOUGH_ACCOUNTS, MISSING_SIGNATURE, ACCOUNT_NOT_WRITABLE', async () => {
    const { net } = await world(0);
    const base = await ix.setPaused({ authority: net.authority, paused: true });
    const payer = await net.fundedSigner();
    await expectCode(
      ErrorCode.INVALID_INSTRUCTION_DATA,
      send(net, { ...base, data: new Uint8Array([...base.data!, 0]) }, net.authority),
      'set_paused with a trailing byte',
    );
    await expectCode(ErrorCode.NOT_ENOUGH_ACCOUNTS, send(net, withAccounts(base, (m) => m.slice(0, 1)), net.authority), 'set_paused, one account');
    await expectCode(
      ErrorCode.MISSING_SIGNATURE,
      send(net, setMeta(base, 0, { address: net.authority.address, role: AccountRole.READONLY }), payer),
      'set_paused, authority not signing',
    );
    await expectCode(
      ErrorCode.ACCOUNT_NOT_WRITABLE,
      send(net, setMeta(base, 1, { address: await configAddress(), role: AccountRole.READONLY }), net.authority),
      'set_paused, read-only config',
    );
  });

  test('wrong accounts: INVALID_ACCOUNT_OWNER, INVALID_ACCOUNT_DATA, INVALID_PDA, INVALID_SYSTEM_PROGRAM, DUPLICATE_ACCOUNT, VAULT_MISMATCH', async () => {
    const w = await world(1);
    const { net } = w;
    const stranger = await net.fundedSigner();
    const base = await ix.withdrawTreasury({ authority: net.authority, recipient: stranger.address, amount: 1n });
    await expectCode(
      ErrorCode.INVALID_ACCOUNT_OWNER,
      send(net, setMeta(base, 1, { address: stranger.address, role: AccountRole.READONLY }), net.authority),
      'withdraw_treasury, a wallet as config',
    );
    await expectCode(
      ErrorCode.INVALID_ACCOUNT_DATA,
      send(net, setMeta(base, 1, { address: w.model, role: AccountRole.READONLY }), net.authority),
      'withdraw_treasury, a model as config',
    );
    net.airdrop(await treasuryAddress(), LAMPORTS_PER_SOL);
    await expectCode(
      ErrorCode.DUPLICATE_ACCOUNT,
      send(net, await ix.withdrawTreasury({ authority: net.authority, recipient: await treasuryAddress(), amount: 1n }), net.authority),
      'withdraw_treasury to the treasury itself',
    );
    net.airdrop(await insuranceAddress(), LAMPORTS_PER_SOL);
    await expectCode(
      ErrorCode.VAULT_MISMATCH,
      send(net, setMeta(base, 2, { address: await insuranceAddress(), role: AccountRole.WRITABLE }), net.authority),
      'withdraw_treasury from the insurance vault',
    );
    const stake = await ix.addStake({ authority: w.workers[0]!.signer, amount: 1n });
    await expectCode(
      ErrorCode.INVALID_SYSTEM_PROGRAM,
      send(net, setMeta(stake, 2, { address: stranger.address, role: AccountRole.READONLY }), w.workers[0]!.signer),
      'add_stake with a wallet as the system program',
    );
    // A fresh deployment: initialize_config with a non-canonical config PDA
    const fresh = await LiteSvmTransport.create({ programPath: PROGRAM_SO, initialize: false });
    const init = await ix.initializeConfig({ authority: fresh.authority, params: REFERENCE_PARAMS });
    await expectCode(
      ErrorCode.INVALID_PDA,
      send(fresh, setMeta(init, 1, { address: (await nonCanonicalPda([new TextEncoder().encode('config')]))[0], role: AccountRole.WRITABLE }), fresh.authority),
      'initialize_config at a non-canonical config PDA',
    );
  });

  test('configuration: ACCOUNT_ALREADY_INITIALIZED, UNAUTHORIZED, NOT_CONFIG_AUTHORITY, NOT_PENDING_AUTHORITY, PAUSED, INVALID_CONFIG', async () => {
    const { net, client, media, developer, model } = await world(0);
    const stranger = await net.fundedSigner();
    await expectCode(
      ErrorCode.ACCOUNT_ALREADY_INITIALIZED,
      send(net, await ix.initializeConfig({ authority: net.authority, params: REFERENCE_PARAMS }), net.authority),
      'initialize_config twice (by the upgrade authority)',
    );
    // The owner checks of workers and models stay UNAUTHORIZED; the configuration authority's have their own code
    await expectCode(
      ErrorCode.UNAUTHORIZED,
      send(net, await ix.updateModel({ developer: stranger, model, payoutWallet: stranger.address, modalities: 1 }), stranger),
      "update_model by someone other than the model's developer",
    );
    await expectCode(
      ErrorCode.NOT_CONFIG_AUTHORITY,
      send(net, await ix.setPaused({ authority: stranger, paused: true }), stranger),
      'set_paused by a stranger',
    );
    const invalid: Array<[string, Partial<typeof REFERENCE_PARAMS>]> = [
      ['a 100.01 % surcharge', { workerSurchargeBps: 10_001 }],
      ['a base fee under MIN_BASE_FEE', { baseFees: [9_999n, 3_000_000n, 3_000_000n, 8_000_000n, 4_000_000n] }],
      ['max_deadline_secs under min_deadline_secs', { maxDeadlineSecs: 59n }],
      ['a no-consensus share over 50 %', { noConsensusFeeBps: 5_001 }],
      ['a seat bond multiplier under 10', { seatBondMultiplier: 9 }],
      ['a non-reveal slash under 1x the seat reward', { nonRevealSlashBps: MIN_NON_REVEAL_SLASH_BPS - 1 }],
      ['a non-reveal slash over 6x the seat reward', { nonRevealSlashBps: MAX_NON_REVEAL_SLASH_BPS + 1 }],
      ['no min_workers floor (0)', { minWorkersFloor: 0 }],
      ['a min_workers floor over MAX_MIN_WORKERS_FLOOR', { minWorkersFloor: MAX_MIN_WORKERS_FLOOR + 1 }],
      ['a draw stake cap under the minimum stake', { drawStakeCap: REFERENCE_PARAMS.minStake - 1n }],
    ];
    for (const [what, params] of invalid) {
      await expectCode(
        ErrorCode.INVALID_CONFIG,
        send(net, await ix.updateConfig({ authority: net.authority, params: { ...net.params, ...params } }), net.authority),
        `update_config with ${what}`,
      );
    }
    // Positive control: the non-reveal slash bounds themselves are accepted (then the local network's value is
    // restored), and so are the floor's bounds and a cap equal to the minimum stake
    for (const nonRevealSlashBps of [MIN_NON_REVEAL_SLASH_BPS, MAX_NON_REVEAL_SLASH_BPS, net.params.nonRevealSlashBps]) {
      await net.process([await ix.updateConfig({ authority: net.authority, params: { ...net.params, nonRevealSlashBps } })], net.authority);
      expect((await client.getConfig()).params.nonRevealSlashBps).toBe(nonRevealSlashBps);
    }
    for (const minWorkersFloor of [MAX_MIN_WORKERS_FLOOR, 1]) {
      await net.process([await ix.updateConfig({ authority: net.authority, params: { ...net.params, minWorkersFloor } })], net.authority);
      expect((await client.getConfig()).params).toMatchObject({ minWorkersFloor, drawStakeCap: net.params.minStake });
    }
    await net.process([await ix.setPaused({ authority: net.authority, paused: true })], net.authority);
    await expectCode(ErrorCode.PAUSED, () => client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1 }), 'submit while paused');
    // Two-step authority transfer: only the proposed key can accept, and only after a proposal
    const next = await net.fundedSigner();
    await expectCode(
      ErrorCode.NOT_PENDING_AUTHORITY,
      send(net, await ix.acceptAuthority({ newAuthority: next }), next),
      'accept_authority with nothing proposed',
    );
    await expectCode(
      ErrorCode.NOT_CONFIG_AUTHORITY,
      send(net, await ix.proposeAuthority({ authority: stranger, newAuthority: stranger.address }), stranger),
      'propose_authority by a stranger',
    );
    await net.process([await ix.proposeAuthority({ authority: net.authority, newAuthority: next.address })], net.authority);
    await expectCode(
      ErrorCode.NOT_PENDING_AUTHORITY,
      send(net, await ix.acceptAuthority({ newAuthority: developer }), developer),
      'accept_authority by a key that was not proposed',
    );
    await net.process([await ix.acceptAuthority({ newAuthority: next })], next);
    await expectCode(
      ErrorCode.NOT_CONFIG_AUTHORITY,
      send(net, await ix.setPaused({ authority: net.authority, paused: false }), net.authority),
      'set_paused by the former authority',
    );
    await net.process([await ix.setPaused({ authority: next, paused: false })], next);
  });

  test('models and workers: INVALID_MODALITIES, INVALID_MODEL_ID, TOO_MANY_MODELS, INSUFFICIENT_STAKE, ARITHMETIC_OVERFLOW, NOTHING_TO_CLAIM, PAYOUT_WALLET_MISMATCH', async () => {
    const w = await world(1);
    const { net } = w;
    const dev = await net.fundedSigner();
    await expectCode(
      ErrorCode.INVALID_MODALITIES,
      send(net, await ix.registerModel({ developer: dev, modelId: 'other-model', payoutWallet: dev.address, modalities: 1 << 5 }), dev),
      'register_model with an unknown modality bit',
    );
    const badId = new Uint8Array(32);
    badId.set(new TextEncoder().encode('has space'));
    const [badPda] = await findPda([SEEDS_MODEL, getAddressEncoder().encode(dev.address), badId]);
    const badModel = getRegisterModelInstruction({ developer: dev, model: badPda, payoutWallet: dev.address, modelId: badId, modalities: 1 });
    await expectCode(ErrorCode.INVALID_MODEL_ID, send(net, badModel, dev), 'register_model "has space"');
    const op = await net.fundedSigner(20n * LAMPORTS_PER_SOL);
    const five = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => modelAddress(dev.address, id)));
    await expectCode(
      ErrorCode.TOO_MANY_MODELS,
      send(net, await ix.registerWorker({ authority: op, stake: LAMPORTS_PER_SOL, modalities: 31, models: five }), op),
      'register_worker with five models',
    );
    // Workers declare model addresses: the all-zero address is no model
    const zero = getAddressDecoder().decode(new Uint8Array(32));
    await expectCode(
      ErrorCode.INVALID_MODEL_ID,
      send(net, await ix.registerWorker({ authority: op, stake: LAMPORTS_PER_SOL, modalities: 31, models: [w.model, zero] }), op),
      'register_worker declaring the all-zero model address',
    );
    await expectCode(
      ErrorCode.INSUFFICIENT_STAKE,
      send(net, await ix.registerWorker({ authority: op, stake: LAMPORTS_PER_SOL - 1n, modalities: 31, models: [w.model] }), op),
      'register_worker one lamport under min_stake',
    );
    // Positive control: four model addresses and the minimum stake register; the worker stores the addresses
    await net.process([await ix.registerWorker({ authority: op, stake: LAMPORTS_PER_SOL, modalities: 31, models: [w.model, ...five.slice(0, 3)] })], op);
    const declared = getWorkerDecoder().decode(net.account(await workerAddress(op.address))!.data);
    expect(declared.models).toEqual([w.model, ...five.slice(0, 3)]);
    // update_worker refuses the all-zero address too, and takes a real one
    await expectCode(
      ErrorCode.INVALID_MODEL_ID,
      send(net, await ix.updateWorker({ authority: op, modalities: 31, models: [zero] }), op),
      'update_worker declaring the all-zero model address',
    );
    await net.process([await ix.updateWorker({ authority: op, modalities: 31, models: [five[4]!] })], op);
    expect(getWorkerDecoder().decode(net.account(await workerAddress(op.address))!.data).models[0]).toBe(five[4]);
    const worker = w.workers[0]!;
    await expectCode(
      ErrorCode.NOTHING_TO_CLAIM,
      send(net, await ix.claimWorkerRewards({ authority: worker.signer }), worker.signer),
      'claim_worker_rewards with nothing earned',
    );
    // A (forged) worker whose stake is already u64::MAX, adding one lamport
    const pda = await workerAddress(worker.address);
    const acc = net.account(pda)!;
    const forged = getWorkerEncoder().encode({ ...getWorkerDecoder().decode(acc.data), stake: 2n ** 64n - 1n });
    net.svm.setAccount({
      address: pda,
      data: forged,
      executable: false,
      lamports: lamports(acc.lamports),
      programAddress: net.programId,
      space: BigInt(forged.length),
    });
    await expectCode(ErrorCode.ARITHMETIC_OVERFLOW, send(net, await ix.addStake({ authority: worker.signer, amount: 1n }), worker.signer), 'add_stake over u64::MAX');
    await expectCode(
      ErrorCode.PAYOUT_WALLET_MISMATCH,
      send(net, await ix.claimModelFees({ model: w.model, payoutWallet: dev.address }), dev),
      'claim_model_fees to another wallet',
    );
  });

  test('submitting: INVALID_CONTENT_HASH, INVALID_STORAGE_URI, INVALID_WORKER_COUNT, DEADLINE_TOO_SHORT, DEADLINE_TOO_LONG, NON_CANONICAL_BUMP, MAX_FEE_TOO_LOW, INSUFFICIENT_FUNDS', async () => {
    const { net, client, media } = await world(0);
    const now = net.now();
    const raw = async (over: Partial<Parameters<typeof getSubmitRequestInstruction>[0]> = {}) => {
      const [request, bump] = await requestAddressAndBump(client.wallet.address, 7n);
      return getSubmitRequestInstruction({
        client: client.wallet,
        request,
        config: await configAddress(),
        nonce: 7n,
        contentHash: sha256('media'),
        storageUri: 'ipfs://x',
        modalities: 2,
        minWorkers: 1,
        maxWorkers: 1,
        maxFee: 10_000_000n,
        deadline: now + 300n,
        bump,
        attestation: randomAttestation(),
        ...over,
      });
    };
    await expectCode(ErrorCode.INVALID_CONTENT_HASH, send(net, await raw({ contentHash: new Uint8Array(32) }), client.wallet), 'a zero content hash');
    await expectCode(ErrorCode.INVALID_STORAGE_URI, send(net, await raw({ storageUri: 'ipfs://with space' }), client.wallet), 'a spaced URI');
    await expectCode(ErrorCode.INVALID_WORKER_COUNT, send(net, await raw({ minWorkers: 2, maxWorkers: 1 }), client.wallet), 'min above max');
    await expectCode(ErrorCode.INVALID_MODALITIES, send(net, await raw({ modalities: 0 }), client.wallet), 'no modality');
    await expectCode(ErrorCode.DEADLINE_TOO_SHORT, send(net, await raw({ deadline: now + 59n }), client.wallet), '59 s deadline');
    await expectCode(
      ErrorCode.DEADLINE_TOO_LONG,
      send(net, await raw({ deadline: now + REFERENCE_PARAMS.maxDeadlineSecs + 1n }), client.wallet),
      'one second past max_deadline_secs',
    );
    await expectCode(
      ErrorCode.DEADLINE_TOO_LONG,
      () => client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1, deadlineSeconds: 100 * 365 * 86_400 }),
      'a 100-year deadline through submitRequest',
    );
    // The same (client, nonce) at a lower valid bump than the canonical one
    const seeds = [new TextEncoder().encode('request'), getAddressEncoder().encode(client.wallet.address), getU64Encoder().encode(7n)];
    const [lowerAddress, lowerBump] = await nonCanonicalPda(seeds as Uint8Array[]);
    await expectCode(
      ErrorCode.NON_CANONICAL_BUMP,
      send(net, await raw({ request: lowerAddress, bump: lowerBump }), client.wallet),
      'a non-canonical request bump',
    );
    await expectCode(ErrorCode.MAX_FEE_TOO_LOW, send(net, await raw({ maxFee: 2_999_999n }), client.wallet), 'one lamport under the fee');
    const poor = await DFPNClient.create({ network: net, wallet: await net.fundedSigner(10_000_000n) });
    await expectCode(
      ErrorCode.INSUFFICIENT_FUNDS,
      () => poor.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1, maxFee: 0.01 }),
      'a wallet without max fee + rent',
    );
  });

  test('joining and leaving: MODALITY_NOT_SUPPORTED, NOT_DRAWN, ALREADY_JOINED, WORKER_HAS_ACTIVE_COMMITMENTS, WORKER_UNBONDING, COMMIT_PHASE_CLOSED, SELF_DEALING, LEAVE_WINDOW_CLOSED, BOND_EXCEEDS_FREE_STAKE', async () => {
    const w = await world(3);
    const { net } = w;
    const imageOnly = await net.fundedSigner(12n * LAMPORTS_PER_SOL);
    await net.process([await ix.registerWorker({ authority: imageOnly, stake: LAMPORTS_PER_SOL, modalities: [Modality.ImageAuthenticity], models: [w.model] })], imageOnly);
    const [a, b, c] = w.workers as [TestWorker, TestWorker, TestWorker];
    const request = await submit(w, 1, 1, [a]);
    await expectCode(ErrorCode.MODALITY_NOT_SUPPORTED, send(net, await ix.joinRequest({ authority: imageOnly, request }), imageOnly), 'an image-only worker');
    await expectCode(ErrorCode.NOT_DRAWN, () => b.join(request), 'a worker the draw did not seat');
    await a.join(request);
    await expectCode(ErrorCode.ALREADY_JOINED, () => a.join(request), 'joining twice');
    await expectCode(
      ErrorCode.WORKER_HAS_ACTIVE_COMMITMENTS,
      send(net, await ix.requestUnstake({ authority: a.signer, amount: 1n }), a.signer),
      'unstaking while seated',
    );
    await net.process([await ix.requestUnstake({ authority: b.signer, amount: 1n })], b.signer);
    const other = await submit(w, 1, 1, [c]);
    await expectCode(ErrorCode.WORKER_UNBONDING, () => b.join(other), 'an unbonding worker');
    // The client's own key, registered as a worker, cannot staff its request
    const dealer = await TestWorker.register(net, w.dir, { model: w.model, signer: w.client.wallet as KeyPairSigner });
    await expectCode(ErrorCode.SELF_DEALING, () => dealer.join(other), "the client joins its own request");
    // A seat, accepted or only drawn, can be given back only within half a commit window of its own draw
    const r = requestAccount(net, other);
    await c.join(other);
    await c.leave(other);
    await expectCode(ErrorCode.NOT_DRAWN, () => c.join(other), 'accepting a seat given back');
    // The seat is drawn again 10 s after submission (a or c: the others are unbonding or the client)
    net.setTime(r.createdAt + 10n);
    await w.client.drawSeats(other);
    const seat = requestAccount(net, other).seats[0]!;
    expect(seat.drawnAt).toBe(r.createdAt + 10n);
    const holder = w.workers.find((x) => x.address === seat.authority)!;
    const answerBy = protocol.answerBy(r, seat);
    const halfway = r.createdAt + (r.commitDeadline - r.createdAt) / 2n;
    expect(answerBy).toBe(halfway + 10n);
    // (the request's halfway point does not close it: the window is the seat's)
    for (const now of [halfway, answerBy - 1n]) expect(protocol.leaveOpen(requestAccount(net, other), seat, now)).toBe(true);
    net.setTime(answerBy);
    expect(protocol.leaveOpen(requestAccount(net, other), seat, answerBy)).toBe(false);
    await expectCode(ErrorCode.LEAVE_WINDOW_CLOSED, () => holder.leave(other), 'leaving a drawn seat half a commit window after its draw');
    net.setTime(r.commitDeadline);
    await expectCode(ErrorCode.COMMIT_PHASE_CLOSED, () => holder.join(other), 'accepting at the commit deadline');
    // With the largest bond multiplier, one seat of an all-modality request bonds 1.3 SOL. A worker staking 2 SOL is
    // drawn for two such requests (a draw checks the free stake, but bonds nothing); once it accepts one, the other's
    // bond exceeds its free stake
    await net.process([await ix.updateConfig({ authority: net.authority, params: { ...net.params, seatBondMultiplier: 100 } })], net.authority);
    net.airdrop(c.address, 2n * LAMPORTS_PER_SOL);
    await net.process([await ix.addStake({ authority: c.signer, amount: LAMPORTS_PER_SOL })], c.signer);
    const bigRequest = async () =>
      (await submitDrawing(net, w.client, { mediaPath: w.media, modalities: ALL_MODALITY_LIST, minWorkers: 1 }, [c])).id as Address;
    const [big1, big2] = [await bigRequest(), await bigRequest()];
    expect(requestAccount(net, big1).seatBond).toBe(1_300_000_000n);
    await c.join(big1);
    await expectCode(ErrorCode.BOND_EXCEEDS_FREE_STAKE, () => c.join(big2), 'a seat bond above the free stake');
    const bonded = getWorkerDecoder().decode(net.account(await workerAddress(c.address))!.data).bonded;
    expect(bonded).toBe(1_300_000_000n);
    // Positive control: with more stake the same seat is accepted
    await net.process([await ix.addStake({ authority: c.signer, amount: LAMPORTS_PER_SOL })], c.signer);
    await c.join(big2);
  });

  test('drawing: NO_WORKERS_TO_DRAW, DRAW_TOO_EARLY, NOT_SLOT_HASHES_SYSVAR, DRAW_ACCOUNT_MISMATCH, NOTHING_TO_DRAW, MIN_WORKERS_BELOW_FLOOR', async () => {
    const w = await world(0);
    const { net, client } = w;
    const params = { mediaPath: w.media, modalities: [Modality.FaceManipulation], minWorkers: 1, draw: false } as const;
    // No worker registered at submission: nobody can be drawn, ever (a worker registered later is not in its pool)
    const empty = (await client.submitRequest(params)).id as Address;
    const { model } = await registerTestModel(net);
    const a = await TestWorker.register(net, w.dir, { model });
    const b = await TestWorker.register(net, w.dir, { model });
    await expectCode(ErrorCode.NO_WORKERS_TO_DRAW, send(net, await ix.drawSeats({ request: empty, candidates: [await workerAddress(a.address)] }), client.wallet), 'a draw for a request submitted with no workers');
    const request = (await client.submitRequest(params)).id as Address;
    const r = requestAccount(net, request);
    const candidates = async (slotHash: Uint8Array) =>
      new WorkerPool(net).addresses(drawCandidates(drawSeed(request, slotHash), 0, 4, r.poolCount, net.params.drawStakeCap as bigint).map((c) => c.poolIndex));
    // The slot after submission has no hash yet
    await expectCode(ErrorCode.DRAW_TOO_EARLY, send(net, await ix.drawSeats({ request }), client.wallet), 'a draw in the submission slot');
    const slotHash = sha256('a slot hash');
    net.setSlotHash(r.drawSlot, slotHash);
    const right = await candidates(slotHash);
    const good = await ix.drawSeats({ request, candidates: right });
    await expectCode(
      ErrorCode.NOT_SLOT_HASHES_SYSVAR,
      send(net, setMeta(good, 2, { address: address('SysvarC1ock11111111111111111111111111111111'), role: AccountRole.READONLY }), client.wallet),
      'a draw seeded from the Clock sysvar',
    );
    const other = right[0] === (await workerAddress(a.address)) ? await workerAddress(b.address) : await workerAddress(a.address);
    await expectCode(
      ErrorCode.DRAW_ACCOUNT_MISMATCH,
      send(net, await ix.drawSeats({ request, candidates: [other, ...right.slice(1)] }), client.wallet),
      'a draw naming another worker than the drawn pool index',
    );
    // Positive control: the candidates the SDK computes are accepted and seat the first
    await net.process([good], client.wallet);
    expect(requestAccount(net, request).joined).toBe(1);
    await expectCode(ErrorCode.NOTHING_TO_DRAW, send(net, await ix.drawSeats({ request }), client.wallet), 'a draw when every seat is held');
    // A floor on min_workers
    await net.process([await ix.updateConfig({ authority: net.authority, params: { ...net.params, minWorkersFloor: 2 } })], net.authority);
    await expectCode(ErrorCode.MIN_WORKERS_BELOW_FLOOR, () => client.submitRequest(params), 'min_workers 1 under a floor of 2');
    expect((await client.submitRequest({ ...params, minWorkers: undefined })).minWorkers).toBe(3); // the default
    expect((await client.submitRequest({ ...params, minWorkers: 2 })).minWorkers).toBe(2);
  });

  test('committing and revealing: NOT_JOINED, ALREADY_COMMITTED, MODEL_NOT_DECLARED, MODEL_INACTIVE, REVEAL_PHASE_NOT_STARTED, NOT_COMMITTED, INVALID_VERDICT, INVALID_CONFIDENCE, INVALID_REPORT_URI, COMMITMENT_MISMATCH, ALREADY_REVEALED, REVEAL_PHASE_CLOSED', async () => {
    const w = await world(5);
    const { net } = w;
    const [a, b, c, d, e] = w.workers as [TestWorker, TestWorker, TestWorker, TestWorker, TestWorker];
    const request = await submit(w, 2, 4, [a, b, c, d]);
    await expectCode(ErrorCode.NOT_JOINED, () => e.commit(request, { verdict: 'Manipulated', confidence: 90 }), 'commit by a worker without a seat');
    // A seat drawn but not accepted: no bond backs it, so it cannot commit (accepted first, below, a and b can)
    expect(requestAccount(net, request).seats[0]!.state).toBe(SEAT_STATE_DRAWN);
    await expectCode(ErrorCode.NOT_JOINED, () => a.commit(request, { verdict: 'Manipulated', confidence: 90 }), 'commit on a seat drawn, not accepted');
    await commitAll(w, request, [a, b]);
    await expectCode(ErrorCode.ALREADY_COMMITTED, () => a.commit(request, { verdict: 'Manipulated', confidence: 90 }), 'committing twice');
    // The model is fixed at commit: a registered model the worker did not declare is refused there, and so is the
    // same id registered by another developer (ids are scoped by developer: a different address)
    const other = await registerTestModel(net, 'other-model');
    const sameId = await registerTestModel(net, TEST_MODEL);
    expect(sameId.model).not.toBe(w.model);
    await c.join(request);
    for (const [model, what] of [
      [other.model, 'commit with an undeclared model'],
      [sameId.model, "commit with the declared model's id under another developer"],
    ] as const) {
      await expectCode(
        ErrorCode.MODEL_NOT_DECLARED,
        () => new TestWorker(net, c.signer, w.dir, model).commit(request, { verdict: 'Manipulated', confidence: 90 }),
        what,
      );
    }
    // The developer deactivates the model: the next commit with it is refused (the earlier commits keep theirs)
    await net.process([await ix.deactivateModel({ developer: w.developer, modelId: TEST_MODEL })], w.developer);
    await expectCode(ErrorCode.MODEL_INACTIVE, () => c.commit(request, { verdict: 'Manipulated', confidence: 90 }), 'commit with a deactivated model');
    await d.join(request); // accepts, never commits
    await expectCode(ErrorCode.REVEAL_PHASE_NOT_STARTED, () => a.reveal(request), 'reveal during the commit phase');
    const r = requestAccount(net, request);
    net.setTime(r.commitDeadline);
    const reveal = (worker: TestWorker, over: Partial<Parameters<typeof ix.revealResult>[0]>, from = worker) => async () => {
      const committed = from.answers.get(request)!;
      return net.process(
        [
          ix.revealResult({
            authority: worker.signer,
            request,
            verdict: committed.answer.verdict,
            confidence: committed.answer.confidence,
            reportHash: committed.reportHash,
            salt: committed.salt,
            reportUri: committed.uri,
            ...over,
          }),
        ],
        worker.signer,
      );
    };
    await expectCode(ErrorCode.NOT_COMMITTED, reveal(d, {}, a), 'the silent seat reveals');
    await expectCode(ErrorCode.INVALID_VERDICT, reveal(a, { verdict: 3 }), 'verdict 3');
    await expectCode(ErrorCode.INVALID_CONFIDENCE, reveal(a, { confidence: 101 }), 'confidence 101');
    await expectCode(ErrorCode.INVALID_REPORT_URI, reveal(a, { reportUri: '' }), 'an empty report URI');
    await expectCode(ErrorCode.COMMITMENT_MISMATCH, reveal(a, { confidence: 89 }), 'a different confidence');
    await a.reveal(request); // the model deactivated after its commit does not matter
    await expectCode(ErrorCode.ALREADY_REVEALED, () => a.reveal(request), 'revealing twice');
    net.setTime(r.deadline);
    await expectCode(ErrorCode.REVEAL_PHASE_CLOSED, () => b.reveal(request), 'reveal at the deadline');
  });

  test('the model a seat commits with: MODEL_MODALITY_MISMATCH, SELF_DEALING', async () => {
    const w = await world(0);
    const { net, client } = w;
    // Given a worker that declares the test model, an image-only model and a model of the client's
    const imageDev = await net.fundedSigner();
    await net.process(
      [await ix.registerModel({ developer: imageDev, modelId: 'image-only', payoutWallet: imageDev.address, modalities: [Modality.ImageAuthenticity] })],
      imageDev,
    );
    const clientWallet = client.wallet as KeyPairSigner;
    await net.process(
      [await ix.registerModel({ developer: clientWallet, modelId: 'client-model', payoutWallet: clientWallet.address, modalities: ALL_MODALITIES })],
      clientWallet,
    );
    const imageOnly = await modelAddress(imageDev.address, 'image-only');
    const clientModel = await modelAddress(clientWallet.address, 'client-model');
    const operator = await net.fundedSigner(12n * LAMPORTS_PER_SOL);
    await net.process(
      [await ix.registerWorker({ authority: operator, stake: LAMPORTS_PER_SOL, modalities: ALL_MODALITIES, models: [w.model, imageOnly, clientModel] })],
      operator,
    );
    const as = (model: Address) => new TestWorker(net, operator as KeyPairSigner, w.dir, model);
    const request = await submit(w, 1);
    await as(w.model).join(request);
    const answer = { verdict: 'Manipulated' as const, confidence: 90 };
    await expectCode(ErrorCode.MODEL_MODALITY_MISMATCH, () => as(imageOnly).commit(request, answer), 'an image-only model on a face request');
    await expectCode(ErrorCode.SELF_DEALING, () => as(clientModel).commit(request, answer), "a model of the request's client");
    // And the declared model that covers the request commits (positive control); the seat records its address
    await as(w.model).commit(request, answer);
    expect(requestAccount(net, request).seats[0]!.model).toBe(w.model);
  });

  test('finishing: FINALIZE_TOO_EARLY, SEAT_ACCOUNT_MISMATCH, MODEL_MISMATCH, CLIENT_MISMATCH, CANNOT_EXPIRE, REQUEST_NOT_FINISHED, REQUEST_NOT_OPEN, REQUEST_ALREADY_CLOSED, INSUFFICIENT_COMMITMENTS, UNBONDING_NOT_READY', async () => {
    const w = await world(3);
    const { net, client } = w;
    const request = await submit(w, 3);
    await expectCode(ErrorCode.CANNOT_EXPIRE, () => client.expire(request), 'expire during the commit phase');
    await expectCode(ErrorCode.REQUEST_NOT_FINISHED, () => client.closeRequest(request), 'close an open request');
    await commitAll(w, request);
    await expectCode(ErrorCode.FINALIZE_TOO_EARLY, () => client.finalize(request), 'finalize before the reveals');
    for (const worker of w.workers) await worker.reveal(request);
    const good = await ix.finalizeRequest({ request, requestData: requestAccount(net, request) });
    await expectCode(
      ErrorCode.SEAT_ACCOUNT_MISMATCH,
      send(net, withAccounts(good, (m) => m.slice(0, -1)), client.wallet),
      'finalize without the last model account',
    );
    const otherModel = { address: (await registerTestModel(net, 'other-model')).model, role: AccountRole.WRITABLE };
    await expectCode(
      ErrorCode.MODEL_MISMATCH,
      send(net, withAccounts(good, (m) => [...m.slice(0, -1), otherModel]), client.wallet),
      "finalize naming a model that is not the last seat's",
    );
    await expectCode(
      ErrorCode.CLIENT_MISMATCH,
      send(net, setMeta(good, 1, { address: w.workers[0]!.address, role: AccountRole.WRITABLE }), client.wallet),
      'finalize paying another client',
    );
    await client.finalize(request);
    await expectCode(ErrorCode.REQUEST_NOT_OPEN, () => client.finalize(request), 'finalize twice');
    await client.closeRequest(request);
    await expectCode(ErrorCode.REQUEST_ALREADY_CLOSED, () => client.closeRequest(request), 'close twice');
    const under = await submit(w, 2);
    net.setTime(requestAccount(net, under).commitDeadline);
    await expectCode(ErrorCode.INSUFFICIENT_COMMITMENTS, () => client.finalize(under), 'finalize an under-committed request');
    const worker = w.workers[0]!;
    await net.process([await ix.requestUnstake({ authority: worker.signer, amount: 1n })], worker.signer);
    await expectCode(ErrorCode.UNBONDING_NOT_READY, send(net, await ix.withdrawStake({ authority: worker.signer }), worker.signer), 'withdraw before the delay');
  });

  test('initialize_config by the upgrade authority only: NOT_UPGRADE_AUTHORITY, INVALID_PROGRAM_DATA', async () => {
    // Given a fresh deployment whose upgrade authority is the transport's authority (LiteSvmTransport sets it)
    const fresh = await LiteSvmTransport.create({ programPath: PROGRAM_SO, initialize: false });
    expect(await fresh.upgradeAuthority()).toBe(fresh.authority.address);
    const stranger = await fresh.fundedSigner();
    await expectCode(
      ErrorCode.NOT_UPGRADE_AUTHORITY,
      send(fresh, await ix.initializeConfig({ authority: stranger, params: REFERENCE_PARAMS }), stranger),
      'initialize_config by a key that is not the upgrade authority',
    );
    const init = await ix.initializeConfig({ authority: fresh.authority, params: REFERENCE_PARAMS });
    expect(init.accounts![5]).toEqual({ address: await programDataAddress(), role: AccountRole.READONLY });
    // Another account in program_data's place: a wallet, and the program account itself
    for (const [address, what] of [
      [stranger.address, 'a wallet as program_data'],
      [PROGRAM_ID, 'the program account as program_data'],
    ] as const) {
      await expectCode(ErrorCode.INVALID_PROGRAM_DATA, send(fresh, setMeta(init, 5, { address, role: AccountRole.READONLY }), fresh.authority), what);
    }
    // The 7th account is the program's own (it names the ProgramData account); anything else in its place is refused
    expect(init.accounts![6]).toEqual({ address: PROGRAM_ID, role: AccountRole.READONLY });
    expect(init.accounts).toHaveLength(7);
    const programAccount = fresh.svm.getAccount(PROGRAM_ID);
    if (!programAccount.exists) throw new Error('no program account');
    // (a copy of the program account elsewhere: loader-owned and naming the real ProgramData, at the wrong address)
    const copy = (await generateKeyPairSigner()).address;
    fresh.svm.setAccount({ ...programAccount, address: copy });
    // (another deployment of the same code, whose upgrade authority is the stranger)
    const otherProgram = (await generateKeyPairSigner()).address;
    fresh.svm.addProgramFromFile(otherProgram, PROGRAM_SO);
    const otherData = await programDataAddress(otherProgram);
    const header = fresh.svm.getAccount(otherData);
    if (!header.exists) throw new Error("no ProgramData account for the other deployment");
    const data = Uint8Array.from(header.data);
    data[12] = 1; // UpgradeableLoaderState::ProgramData: tag u32, slot u64, then Option<Pubkey>
    data.set(getAddressEncoder().encode(stranger.address), 13);
    fresh.svm.setAccount({ ...header, address: otherData, data });
    for (const [address, what] of [
      [stranger.address, 'a wallet as program'],
      [await programDataAddress(), 'the ProgramData account as program'],
      [copy, "a copy of the program's account at another address as program"],
      [otherProgram, "another deployment's program account as program"],
    ] as const) {
      await expectCode(ErrorCode.INVALID_PROGRAM_DATA, send(fresh, setMeta(init, 6, { address, role: AccountRole.READONLY }), fresh.authority), what);
    }
    // Another deployment the stranger controls, its program and ProgramData both, does not make it this one's authority
    const stolen = withAccounts(await ix.initializeConfig({ authority: stranger, params: REFERENCE_PARAMS }), (m) =>
      m.map((x, i) => (i === 5 ? { address: otherData, role: AccountRole.READONLY } : i === 6 ? { address: otherProgram, role: AccountRole.READONLY } : x)),
    );
    await expectCode(ErrorCode.INVALID_PROGRAM_DATA, send(fresh, stolen, stranger), "initialize_config with another deployment's program and ProgramData");
    // Without the program account at all, the instruction has too few accounts
    await expectCode(ErrorCode.NOT_ENOUGH_ACCOUNTS, send(fresh, withAccounts(init, (m) => m.slice(0, 6)), fresh.authority), 'initialize_config without program');
    // An immutable program (no upgrade authority) cannot be initialized, not even by its former authority
    await fresh.setUpgradeAuthority(null);
    expect(await fresh.upgradeAuthority()).toBeNull();
    await expectCode(ErrorCode.NOT_UPGRADE_AUTHORITY, send(fresh, init, fresh.authority), 'initialize_config of an immutable program');
    // Positive control: with the upgrade authority back, the same instruction initializes, naming it the authority
    await fresh.setUpgradeAuthority(fresh.authority.address);
    await fresh.process([init], fresh.authority);
    expect((await new DFPNClient({ network: fresh }).getConfig()).authority).toBe(fresh.authority.address);
  });

  test('model transfer: NOT_PENDING_DEVELOPER, and control moves while the address stays', async () => {
    const { net, client, developer, model } = await world(0);
    const next = await net.fundedSigner();
    const stranger = await net.fundedSigner();
    await expectCode(
      ErrorCode.NOT_PENDING_DEVELOPER,
      send(net, await ix.acceptModelTransfer({ newDeveloper: next, model }), next),
      'accept_model_transfer with nothing proposed',
    );
    await expectCode(
      ErrorCode.UNAUTHORIZED,
      send(net, await ix.proposeModelTransfer({ developer: stranger, model, newDeveloper: stranger.address }), stranger),
      "propose_model_transfer by someone other than the model's developer",
    );
    // The developer proposes (by id: the registrant defaults to the signing developer)
    const proposed = await net.process(
      [await ix.proposeModelTransfer({ developer, modelId: TEST_MODEL, newDeveloper: next.address })],
      developer,
    );
    expect(parseLogs(proposed.logs)).toEqual([{ name: 'ModelTransferProposed', model, proposed: next.address }]);
    expect((await client.getModel(model))!.pendingDeveloper).toBe(next.address);
    await expectCode(
      ErrorCode.NOT_PENDING_DEVELOPER,
      send(net, await ix.acceptModelTransfer({ newDeveloper: stranger, model }), stranger),
      'accept_model_transfer by a key that was not proposed',
    );
    // Positive control: the proposed key accepts (the model named by its id and registrant)
    const accepted = await net.process(
      [await ix.acceptModelTransfer({ newDeveloper: next, modelId: TEST_MODEL, registrant: developer.address })],
      next,
    );
    expect(parseLogs(accepted.logs)).toEqual([{ name: 'ModelTransferred', model, developer: next.address }]);
    const after = (await client.getModel(model))!;
    expect([after.developer, after.registrant, after.pendingDeveloper]).toEqual([next.address, developer.address, getAddressDecoder().decode(new Uint8Array(32))]);
    // The former developer lost control; the new one updates the model at the same address
    await expectCode(
      ErrorCode.UNAUTHORIZED,
      send(net, await ix.updateModel({ developer, model, payoutWallet: developer.address, modalities: 1 }), developer),
      'update_model by the former developer',
    );
    await net.process([await ix.updateModel({ developer: next, model, payoutWallet: next.address, modalities: ALL_MODALITIES })], next);
    expect((await client.getModel(developer.address, TEST_MODEL))!.payoutWallet).toBe(next.address);
    // A proposal withdrawn (the all-zero address) cannot be accepted
    const third = await net.fundedSigner();
    await net.process([await ix.proposeModelTransfer({ developer: next, model, newDeveloper: third.address })], next);
    await net.process([await ix.proposeModelTransfer({ developer: next, model, newDeveloper: getAddressDecoder().decode(new Uint8Array(32)) })], next);
    await expectCode(
      ErrorCode.NOT_PENDING_DEVELOPER,
      send(net, await ix.acceptModelTransfer({ newDeveloper: third, model }), third),
      'accept_model_transfer after the proposal was withdrawn',
    );
  });

  test('insurance withdrawal: INSURANCE_WITHDRAWAL_TOO_LARGE, INSURANCE_WITHDRAWAL_TOO_SOON', async () => {
    const { net, client } = await world(0);
    const recipient = await net.fundedSigner();
    const insurance = await insuranceAddress();
    const rent = await net.minimumBalanceForRentExemption(16);
    await expectCode(
      ErrorCode.NOTHING_TO_CLAIM,
      send(net, await ix.withdrawInsurance({ authority: net.authority, recipient: recipient.address, amount: 1n }), net.authority),
      'withdraw_insurance from a vault holding only its rent',
    );
    // Given 10 SOL above rent in the insurance vault: at most MAX_INSURANCE_WITHDRAWAL_BPS (10 %) may move
    net.airdrop(insurance, 10n * LAMPORTS_PER_SOL);
    const limit = protocol.mulBps(10n * LAMPORTS_PER_SOL, MAX_INSURANCE_WITHDRAWAL_BPS);
    expect(limit).toBe(LAMPORTS_PER_SOL);
    await expectCode(
      ErrorCode.NOT_CONFIG_AUTHORITY,
      send(net, await ix.withdrawInsurance({ authority: recipient, recipient: recipient.address, amount: 1n }), recipient),
      'withdraw_insurance by a stranger',
    );
    await expectCode(
      ErrorCode.INSURANCE_WITHDRAWAL_TOO_LARGE,
      send(net, await ix.withdrawInsurance({ authority: net.authority, recipient: recipient.address, amount: limit + 1n }), net.authority),
      'withdraw_insurance one lamport over the limit',
    );
    // Positive control: exactly the limit moves, with an event, and the time is recorded
    const before = net.balance(recipient.address);
    const record = await net.process(
      [await ix.withdrawInsurance({ authority: net.authority, recipient: recipient.address, amount: limit })],
      net.authority,
    );
    expect(net.balance(recipient.address)).toBe(before + limit);
    expect(net.balance(insurance)).toBe(rent + 10n * LAMPORTS_PER_SOL - limit);
    expect(parseLogs(record.logs)).toEqual([{ name: 'InsuranceWithdrawn', recipient: recipient.address, amount: limit }]);
    const at = net.now();
    expect((await client.getConfig()).insuranceWithdrawnAt).toBe(at);
    // A second withdrawal within INSURANCE_WITHDRAWAL_INTERVAL_SECS is refused, one at the interval passes
    net.setTime(at + INSURANCE_WITHDRAWAL_INTERVAL_SECS - 1n);
    const again = await ix.withdrawInsurance({ authority: net.authority, recipient: recipient.address, amount: 1n });
    await expectCode(ErrorCode.INSURANCE_WITHDRAWAL_TOO_SOON, send(net, again, net.authority), 'a second withdrawal a second early');
    net.setTime(at + INSURANCE_WITHDRAWAL_INTERVAL_SECS);
    await net.process([again], net.authority);
    expect(net.balance(recipient.address)).toBe(before + limit + 1n);
  });

  test('claiming: PAYOUT_BELOW_RENT', async () => {
    // Given a one-worker request finalized: the model earned 20 % of 3,000,000 lamports, below an empty wallet's rent
    const w = await world(1);
    const { net, client } = w;
    const request = await submit(w, 1);
    await commitAll(w, request);
    await w.workers[0]!.reveal(request);
    await client.finalize(request);
    const model = (await client.getModel(w.model))!;
    expect(model.unclaimed).toBe(600_000n);
    expect(net.account(model.payoutWallet)).toBeNull();
    expect(model.unclaimed).toBeLessThan(await net.minimumBalanceForRentExemption(0));
    const claim = await ix.claimModelFees({ modelId: TEST_MODEL, registrant: w.developer.address, payoutWallet: model.payoutWallet });
    await expectCode(ErrorCode.PAYOUT_BELOW_RENT, send(net, claim, client.wallet), 'a claim to an empty payout wallet');
    // And once the wallet exists the same claim pays (positive control)
    net.airdrop(model.payoutWallet, LAMPORTS_PER_SOL);
    await net.process([claim], client.wallet);
    expect(net.balance(model.payoutWallet)).toBe(LAMPORTS_PER_SOL + 600_000n);
  });

  test('challenges: NOT_CHALLENGER, CHALLENGE_TOO_EARLY, CHALLENGE_MISMATCH, CHALLENGE_ALREADY_REVEALED, FINALIZE_RESERVED_FOR_CLIENT', async () => {
    const w = await world(3);
    const { net, client } = w;
    const salt = new Uint8Array(32).fill(3);
    const challenge = { label: 'Manipulated' as const, salt };
    const sub = await client.submitRequest({ mediaPath: w.media, modalities: [Modality.FaceManipulation], minWorkers: 3, challenge });
    const request = sub.id as Address;
    const reveal = async (label: 'Authentic' | 'Manipulated', s: Uint8Array) =>
      net.process([await ix.revealChallenge({ client: client.wallet, request, label, salt: s })], client.wallet);
    await expectCode(ErrorCode.NOT_CHALLENGER, () => reveal('Manipulated', salt), 'reveal by a client that is not a registered challenger');
    await net.process([await ix.registerChallenger({ authority: net.authority, challenger: client.wallet.address })], net.authority);
    await commitAll(w, request);
    await expectCode(ErrorCode.CHALLENGE_TOO_EARLY, () => reveal('Manipulated', salt), 'reveal before the workers revealed');
    for (const worker of w.workers) await worker.reveal(request);
    const other = Uint8Array.from(salt).fill(4);
    await expectCode(ErrorCode.CHALLENGE_MISMATCH, () => reveal('Manipulated', other), 'reveal with another salt');
    const cranker = await net.fundedSigner();
    await expectCode(
      ErrorCode.FINALIZE_RESERVED_FOR_CLIENT,
      send(net, await ix.finalizeRequest({ request, requestData: requestAccount(net, request) }), cranker),
      'finalize by a third party before deadline + FINALIZE_GRACE_SECS',
    );
    // The registered client with the right label and salt reveals (positive control), once
    await reveal('Manipulated', salt);
    await expectCode(ErrorCode.CHALLENGE_ALREADY_REVEALED, () => reveal('Manipulated', salt), 'reveal twice');
    // And the client itself finalizes at once (signing as the client)
    await client.finalize(request);
    expect((await client.getRequest(request)).status).toBe('Finalized');
  });
});

// ---- SDK codes -------------------------------------------------------------------------------------------------

describe('SDK codes', () => {
  test('lifecycle codes: NO_WORKERS_AVAILABLE, CONTENT_HASH_MISMATCH, REPORT_HASH_MISMATCH, TIMEOUT, REQUEST_NOT_FOUND, INVALID_ARGUMENT, CONFIG_NOT_FOUND', async () => {
    const w = await world(3);
    const { net, client, media } = w;
    // (not drawn: an expiry takes the bond of every seat drawn and not committed, and the workers are needed below)
    const lonely = (await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 2, draw: false })).id as Address;
    net.setTime(requestAccount(net, lonely).commitDeadline);
    await expectCode(ErrorCode.NO_WORKERS_AVAILABLE, () => client.waitForResult(lonely, { timeout: 5_000 }), 'expired request');
    const request = await submit(w, 3);
    await expectCode(ErrorCode.TIMEOUT, () => client.waitForResult(request, { timeout: 100 }), 'nobody works on it');
    await commitAll(w, request);
    for (const worker of w.workers) await worker.reveal(request);
    const { writeFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    writeFileSync(fileURLToPath(w.workers[0]!.answers.get(request)!.uri), '{"detections": []}');
    await expectCode(ErrorCode.REPORT_HASH_MISMATCH, () => client.waitForResult(request, { timeout: 5_000 }), 'an altered report');
    writeFileSync(media, 'changed');
    await expectCode(ErrorCode.CONTENT_HASH_MISMATCH, () => client.fetchMedia(request), 'altered media');
    await expectCode(ErrorCode.REQUEST_NOT_FOUND, async () => client.getRequest(await configAddress()), 'the config is not a request');
    await expectCode(ErrorCode.INVALID_ARGUMENT, () => client.getRequest('nope'), 'a garbage id');
    const bare = await LiteSvmTransport.create({ programPath: PROGRAM_SO, initialize: false });
    await expectCode(ErrorCode.CONFIG_NOT_FOUND, () => new DFPNClient({ network: bare }).getConfig(), 'an uninitialised deployment');
  });

  test('environment codes: MEDIA_NOT_FOUND, LOCAL_WORKERS_MISSING, CONTENT_TOO_LARGE, NETWORK_NOT_SUPPORTED, PROGRAM_NOT_FOUND, STORAGE_NOT_SUPPORTED, REPORT_UNAVAILABLE, STORAGE_UNAVAILABLE, STORAGE_FAILED, RPC_ERROR, RPC_UNREACHABLE, TRANSACTION_FAILED', async () => {
    const { net, client } = await world(0);
    const dir = tempDir();
    await expectCode(ErrorCode.MEDIA_NOT_FOUND, () => client.submitRequest({ mediaPath: join(dir, 'missing.jpg'), modalities: [2] }), 'a missing file');
    await expectCode(ErrorCode.LOCAL_WORKERS_MISSING, () => client.analyze(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])), 'analyze on an embedded network without workers');
    await expectCode(ErrorCode.NETWORK_NOT_SUPPORTED, () => new DFPNClient({ network: 'moonnet' }), 'an unknown network');
    await expectCode(
      ErrorCode.WALLET_REQUIRED,
      () => new DFPNClient({ network: 'http://127.0.0.1:9' }).submitRequest({ mediaPath: join(dir, 'missing.jpg'), modalities: [2] }),
      'a read-only client (no wallet) asked to send',
    );
    await expectCode(ErrorCode.PROGRAM_NOT_FOUND, () => LiteSvmTransport.create({ programPath: join(dir, 'dfpn.so') }), 'no dfpn.so');
    await expectCode(ErrorCode.STORAGE_NOT_SUPPORTED, () => readUri('gopher://example/x'), 'an unknown scheme');
    await expectCode(ErrorCode.REPORT_UNAVAILABLE, () => readUri(`file://${join(dir, 'missing.json')}`), 'a missing report');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(100));
    await expectCode(ErrorCode.CONTENT_TOO_LARGE, () => readUri(`file://${join(dir, 'big.json')}`, { maxBytes: 99 }), 'a report over the limit');
    // A closed port: nothing listens there
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    await expectCode(
      ErrorCode.STORAGE_UNAVAILABLE,
      () => new IpfsStorage({ apiUrl: `http://127.0.0.1:${closed}` }).upload(mediaFromBytes(new Uint8Array([1, 2, 3]))),
      'no IPFS daemon',
    );
    const failing = createServer((_req, res) => {
      res.writeHead(500).end('{"Message":"disk full"}');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const err = await expectCode(
        ErrorCode.STORAGE_FAILED,
        () => new IpfsStorage({ apiUrl: `http://127.0.0.1:${(failing.address() as AddressInfo).port}` }).upload(mediaFromBytes(new Uint8Array([1]))),
        'IPFS refuses the add',
      );
      expect(err.message).toContain('disk full');
    } finally {
      failing.close();
    }
    const unreachable = await expectCode(
      ErrorCode.RPC_UNREACHABLE,
      () => new RpcTransport(`http://127.0.0.1:${closed}`, { retries: 10, backoffMs: 10 }).getAccount(net.programId),
      'nothing listens at the RPC URL',
    );
    expect(unreachable.message).toContain('connection refused');
    const busy = createServer((_req, res) => {
      res.writeHead(503).end('busy');
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      // control: a node that answers, but only with errors, is an outage (retried to the end): RPC_ERROR
      const err = await expectCode(
        ErrorCode.RPC_ERROR,
        () =>
          new RpcTransport(`http://127.0.0.1:${(busy.address() as AddressInfo).port}`, { retries: 1, backoffMs: 10 }).getAccount(
            net.programId,
          ),
        'an RPC node answering 503',
      );
      expect(err.message).toContain('after 2 attempts');
    } finally {
      busy.close();
    }
    const nowhere = (await generateKeyPairSigner()).address;
    await expectCode(
      ErrorCode.TRANSACTION_FAILED,
      () => net.process([{ programAddress: nowhere, accounts: [], data: new Uint8Array([1]) }], client.wallet),
      'an instruction for a program that does not exist',
    );
  });
});

/**
 * Program errors no instruction returns any more (kept in the IDL so that codes stay stable): `RequestFull` (6028)
 * was `join_request`'s answer when every seat was taken; since seats are drawn, `draw_seats` stops at `max_workers`
 * and `join_request` answers `NotDrawn`. Each still maps from its code.
 */
const RETIRED: ReadonlyMap<ErrorCode, number> = new Map([[ErrorCode.REQUEST_FULL, 6028]]);

/**
 * SDK codes only the Python SDK raises: `DESTINATION_REFUSED` comes from `dfpn.netguard`, which guards the URLs
 * a worker or the gateway fetches on someone else's say-so; this SDK fetches only URLs its own user chose.
 */
const PYTHON_ONLY: ReadonlySet<ErrorCode> = new Set([ErrorCode.DESTINATION_REFUSED]);

test('every ErrorCode was reached (the retired ones still map from their code)', () => {
  for (const [code, programCode] of RETIRED) {
    expect(errorCodeFromProgramCode(programCode)).toBe(code);
    expect(reached.has(code), `${code} is reachable again: drop it from RETIRED`).toBe(false);
  }
  for (const code of PYTHON_ONLY) expect(reached.has(code), `${code} is raised here now: drop it from PYTHON_ONLY`).toBe(false);
  const missing = ALL_ERROR_CODES.filter((c) => !reached.has(c) && !RETIRED.has(c) && !PYTHON_ONLY.has(c));
  expect(missing).toEqual([]);
});
