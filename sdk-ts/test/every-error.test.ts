/**
 * Every `ErrorCode` reached for real: each program error (6000–6051) by sending a transaction the real dfpn.so in
 * LiteSVM refuses, and each SDK code through the SDK call that reports it. The last test checks that nothing was
 * left out.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  AccountRole,
  getAddressDecoder,
  getAddressEncoder,
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
  DFPNError,
  ErrorCode,
  findPda,
  PROGRAM_ID,
  getRegisterModelInstruction,
  getSubmitRequestInstruction,
  getWorkerDecoder,
  getWorkerEncoder,
  insuranceAddress,
  instructions as ix,
  IpfsStorage,
  LAMPORTS_PER_SOL,
  mediaFromBytes,
  Modality,
  modelAddress,
  readUri,
  REFERENCE_PARAMS,
  requestAddressAndBump,
  RpcTransport,
  sha256,
  treasuryAddress,
  workerAddress,
} from '../src/index.js';
import { LiteSvmTransport } from '../src/local.js';
import { registerTestModel, TEST_MODEL, TestWorker } from '../src/testing.js';
import { mediaFile, PROGRAM_SO, requestAccount, tempDir } from './helpers.js';

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
  developer: KeyPairSigner;
}

async function world(nWorkers = 3): Promise<World> {
  const net = await LiteSvmTransport.create({ programPath: PROGRAM_SO });
  const client = await DFPNClient.create({ network: net });
  const dir = tempDir();
  const developer = await registerTestModel(net);
  const workers: TestWorker[] = [];
  for (let i = 0; i < nWorkers; i++) workers.push(await TestWorker.register(net, dir));
  return { net, client, dir, media: mediaFile(dir), workers, developer };
}

async function submit(w: World, minWorkers: number, maxWorkers = minWorkers): Promise<Address> {
  const sub = await w.client.submitRequest({ mediaPath: w.media, modalities: [Modality.FaceManipulation], minWorkers, maxWorkers });
  return sub.id as Address;
}

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

/** A PDA of `seed` with a lower, off-curve bump than the canonical one (sha256(seeds ‖ bump ‖ program ‖ marker)). */
async function nonCanonicalPda(seed: string): Promise<Address> {
  const enc = new TextEncoder();
  const [canonical] = await findPda([enc.encode(seed)]);
  for (let bump = 254; bump >= 0; bump--) {
    const hash = sha256(enc.encode(seed), new Uint8Array([bump]), getAddressEncoder().encode(PROGRAM_ID), 'ProgramDerivedAddress');
    const candidate = getAddressDecoder().decode(hash);
    if (candidate !== canonical && isOffCurveAddress(candidate)) return candidate;
  }
  throw new Error('no off-curve bump');
}

// ---- program errors --------------------------------------------------------------------------------------------

describe('program errors (6000-6051) through the real program', () => {
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
      send(net, setMeta(base, 1, { address: await modelAddress(TEST_MODEL), role: AccountRole.READONLY }), net.authority),
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
      send(fresh, setMeta(init, 1, { address: await nonCanonicalPda('config'), role: AccountRole.WRITABLE }), fresh.authority),
      'initialize_config at a non-canonical config PDA',
    );
  });

  test('configuration: ACCOUNT_ALREADY_INITIALIZED, UNAUTHORIZED, PAUSED, INVALID_CONFIG', async () => {
    const { net, client, media } = await world(0);
    const stranger = await net.fundedSigner();
    await expectCode(
      ErrorCode.ACCOUNT_ALREADY_INITIALIZED,
      send(net, await ix.initializeConfig({ authority: stranger, params: REFERENCE_PARAMS }), stranger),
      'initialize_config twice',
    );
    await expectCode(ErrorCode.UNAUTHORIZED, send(net, await ix.setPaused({ authority: stranger, paused: true }), stranger), 'set_paused by a stranger');
    await expectCode(
      ErrorCode.INVALID_CONFIG,
      send(net, await ix.updateConfig({ authority: net.authority, params: { ...REFERENCE_PARAMS, workerSurchargeBps: 10_001 }, newAuthority: net.authority.address }), net.authority),
      'update_config with a 100.01 % surcharge',
    );
    await net.process([await ix.setPaused({ authority: net.authority, paused: true })], net.authority);
    await expectCode(ErrorCode.PAUSED, () => client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1 }), 'submit while paused');
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
    const [badPda] = await findPda([new TextEncoder().encode('model'), badId]);
    const badModel = getRegisterModelInstruction({ developer: dev, model: badPda, payoutWallet: dev.address, modelId: badId, modalities: 1 });
    await expectCode(ErrorCode.INVALID_MODEL_ID, send(net, badModel, dev), 'register_model "has space"');
    const op = await net.fundedSigner(20n * LAMPORTS_PER_SOL);
    await expectCode(
      ErrorCode.TOO_MANY_MODELS,
      send(net, await ix.registerWorker({ authority: op, stake: LAMPORTS_PER_SOL, modalities: 31, models: ['a', 'b', 'c', 'd', 'e'] }), op),
      'register_worker with five models',
    );
    await expectCode(
      ErrorCode.INSUFFICIENT_STAKE,
      send(net, await ix.registerWorker({ authority: op, stake: LAMPORTS_PER_SOL - 1n, modalities: 31, models: [TEST_MODEL] }), op),
      'register_worker one lamport under min_stake',
    );
    // A (forged) worker whose stake is already u64::MAX, adding one lamport
    const worker = w.workers[0]!;
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
      ErrorCode.NOTHING_TO_CLAIM,
      send(net, await ix.claimWorkerRewards({ authority: worker.signer }), worker.signer),
      'claim_worker_rewards with nothing earned',
    );
    await expectCode(
      ErrorCode.PAYOUT_WALLET_MISMATCH,
      send(net, await ix.claimModelFees({ modelId: TEST_MODEL, payoutWallet: dev.address }), dev),
      'claim_model_fees to another wallet',
    );
  });

  test('submitting: INVALID_CONTENT_HASH, INVALID_STORAGE_URI, INVALID_WORKER_COUNT, DEADLINE_TOO_SHORT, MAX_FEE_TOO_LOW, INSUFFICIENT_FUNDS', async () => {
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
        ...over,
      });
    };
    await expectCode(ErrorCode.INVALID_CONTENT_HASH, send(net, await raw({ contentHash: new Uint8Array(32) }), client.wallet), 'a zero content hash');
    await expectCode(ErrorCode.INVALID_STORAGE_URI, send(net, await raw({ storageUri: 'ipfs://with space' }), client.wallet), 'a spaced URI');
    await expectCode(ErrorCode.INVALID_WORKER_COUNT, send(net, await raw({ minWorkers: 2, maxWorkers: 1 }), client.wallet), 'min above max');
    await expectCode(ErrorCode.INVALID_MODALITIES, send(net, await raw({ modalities: 0 }), client.wallet), 'no modality');
    await expectCode(ErrorCode.DEADLINE_TOO_SHORT, send(net, await raw({ deadline: now + 59n }), client.wallet), '59 s deadline');
    await expectCode(ErrorCode.MAX_FEE_TOO_LOW, send(net, await raw({ maxFee: 2_999_999n }), client.wallet), 'one lamport under the fee');
    const poor = await DFPNClient.create({ network: net, wallet: await net.fundedSigner(10_000_000n) });
    await expectCode(
      ErrorCode.INSUFFICIENT_FUNDS,
      () => poor.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1, maxFee: 0.01 }),
      'a wallet without max fee + rent',
    );
  });

  test('joining: MODALITY_NOT_SUPPORTED, REQUEST_FULL, ALREADY_JOINED, WORKER_HAS_ACTIVE_COMMITMENTS, WORKER_UNBONDING, COMMIT_PHASE_CLOSED', async () => {
    const w = await world(3);
    const { net } = w;
    const imageOnly = await net.fundedSigner(12n * LAMPORTS_PER_SOL);
    await net.process([await ix.registerWorker({ authority: imageOnly, stake: LAMPORTS_PER_SOL, modalities: [Modality.ImageAuthenticity], models: [TEST_MODEL] })], imageOnly);
    const request = await submit(w, 1);
    await expectCode(ErrorCode.MODALITY_NOT_SUPPORTED, send(net, await ix.joinRequest({ authority: imageOnly, request }), imageOnly), 'an image-only worker');
    const [a, b, c] = w.workers as [TestWorker, TestWorker, TestWorker];
    await a.join(request);
    await expectCode(ErrorCode.ALREADY_JOINED, () => a.join(request), 'joining twice');
    await expectCode(ErrorCode.REQUEST_FULL, () => b.join(request), 'a second worker on one seat');
    await expectCode(
      ErrorCode.WORKER_HAS_ACTIVE_COMMITMENTS,
      send(net, await ix.requestUnstake({ authority: a.signer, amount: 1n }), a.signer),
      'unstaking while seated',
    );
    await net.process([await ix.requestUnstake({ authority: b.signer, amount: 1n })], b.signer);
    const other = await submit(w, 1);
    await expectCode(ErrorCode.WORKER_UNBONDING, () => b.join(other), 'an unbonding worker');
    net.setTime(requestAccount(net, other).commitDeadline);
    await expectCode(ErrorCode.COMMIT_PHASE_CLOSED, () => c.join(other), 'joining at the commit deadline');
  });

  test('committing and revealing: NOT_JOINED, ALREADY_COMMITTED, REVEAL_PHASE_NOT_STARTED, NOT_COMMITTED, INVALID_VERDICT, INVALID_REPORT_URI, MODEL_NOT_DECLARED, MODEL_INACTIVE, COMMITMENT_MISMATCH, ALREADY_REVEALED, REVEAL_PHASE_CLOSED', async () => {
    const w = await world(4);
    const { net } = w;
    const [a, b, c, d] = w.workers as [TestWorker, TestWorker, TestWorker, TestWorker];
    const request = await submit(w, 2, 4);
    await expectCode(ErrorCode.NOT_JOINED, () => a.commit(request, { verdict: 'Manipulated', confidence: 90 }), 'commit before joining');
    await commitAll(w, request, [a, b, c]);
    await expectCode(ErrorCode.ALREADY_COMMITTED, () => a.commit(request, { verdict: 'Manipulated', confidence: 90 }), 'committing twice');
    await d.join(request); // joins, never commits
    await expectCode(ErrorCode.REVEAL_PHASE_NOT_STARTED, () => a.reveal(request), 'reveal during the commit phase');
    const r = requestAccount(net, request);
    net.setTime(r.commitDeadline);
    const reveal = (worker: TestWorker, over: Partial<Parameters<typeof ix.revealResult>[0]>, from = worker) => async () => {
      const committed = from.answers.get(request)!;
      return net.process(
        [
          await ix.revealResult({
            authority: worker.signer,
            request,
            verdict: committed.answer.verdict,
            confidence: committed.answer.confidence,
            modelId: TEST_MODEL,
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
    await expectCode(ErrorCode.INVALID_REPORT_URI, reveal(a, { reportUri: '' }), 'an empty report URI');
    // A registered model the worker did not declare
    await registerTestModel(net, 'other-model');
    await expectCode(ErrorCode.MODEL_NOT_DECLARED, reveal(a, { modelId: 'other-model' }), 'an undeclared model');
    await expectCode(ErrorCode.COMMITMENT_MISMATCH, reveal(a, { confidence: 89 }), 'a different confidence');
    await a.reveal(request);
    await expectCode(ErrorCode.ALREADY_REVEALED, () => a.reveal(request), 'revealing twice');
    // The developer deactivates the model: the next reveal with it is refused
    await net.process([await ix.deactivateModel({ developer: w.developer, modelId: TEST_MODEL })], w.developer);
    await expectCode(ErrorCode.MODEL_INACTIVE, () => b.reveal(request), 'a deactivated model');
    net.setTime(r.deadline);
    await expectCode(ErrorCode.REVEAL_PHASE_CLOSED, () => c.reveal(request), 'reveal at the deadline');
  });

  test('finishing: FINALIZE_TOO_EARLY, SEAT_ACCOUNT_MISMATCH, CLIENT_MISMATCH, CANNOT_EXPIRE, REQUEST_NOT_FINISHED, REQUEST_NOT_OPEN, INSUFFICIENT_COMMITMENTS, UNBONDING_NOT_READY', async () => {
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
    await expectCode(
      ErrorCode.CLIENT_MISMATCH,
      send(net, setMeta(good, 1, { address: w.workers[0]!.address, role: AccountRole.WRITABLE }), client.wallet),
      'finalize paying another client',
    );
    await client.finalize(request);
    await expectCode(ErrorCode.REQUEST_NOT_OPEN, () => client.finalize(request), 'finalize twice');
    const under = await submit(w, 2);
    net.setTime(requestAccount(net, under).commitDeadline);
    await expectCode(ErrorCode.INSUFFICIENT_COMMITMENTS, () => client.finalize(under), 'finalize an under-committed request');
    const worker = w.workers[0]!;
    await net.process([await ix.requestUnstake({ authority: worker.signer, amount: 1n })], worker.signer);
    await expectCode(ErrorCode.UNBONDING_NOT_READY, send(net, await ix.withdrawStake({ authority: worker.signer }), worker.signer), 'withdraw before the delay');
  });
});

// ---- SDK codes -------------------------------------------------------------------------------------------------

describe('SDK codes', () => {
  test('lifecycle codes: NO_WORKERS_AVAILABLE, CONTENT_HASH_MISMATCH, REPORT_HASH_MISMATCH, TIMEOUT, REQUEST_NOT_FOUND, INVALID_ARGUMENT, CONFIG_NOT_FOUND', async () => {
    const w = await world(3);
    const { net, client, media } = w;
    const lonely = await submit(w, 2);
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

  test('environment codes: MEDIA_NOT_FOUND, CONTENT_TOO_LARGE, NETWORK_NOT_SUPPORTED, PROGRAM_NOT_FOUND, STORAGE_NOT_SUPPORTED, REPORT_UNAVAILABLE, STORAGE_UNAVAILABLE, STORAGE_FAILED, RPC_ERROR, TRANSACTION_FAILED', async () => {
    const { net, client } = await world(0);
    const dir = tempDir();
    await expectCode(ErrorCode.MEDIA_NOT_FOUND, () => client.submitRequest({ mediaPath: join(dir, 'missing.jpg'), modalities: [2] }), 'a missing file');
    await expectCode(ErrorCode.NETWORK_NOT_SUPPORTED, () => new DFPNClient({ network: 'moonnet' }), 'an unknown network');
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
    await expectCode(
      ErrorCode.RPC_ERROR,
      () => new RpcTransport(`http://127.0.0.1:${closed}`, { retries: 1, backoffMs: 10 }).getAccount(net.programId),
      'an unreachable RPC node',
    );
    const nowhere = (await generateKeyPairSigner()).address;
    await expectCode(
      ErrorCode.TRANSACTION_FAILED,
      () => net.process([{ programAddress: nowhere, accounts: [], data: new Uint8Array([1]) }], client.wallet),
      'an instruction for a program that does not exist',
    );
  });
});

test('every ErrorCode was reached', () => {
  const missing = ALL_ERROR_CODES.filter((c) => !reached.has(c));
  expect(missing).toEqual([]);
});
