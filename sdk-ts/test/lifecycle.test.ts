/**
 * Whole lifecycles on the real program: a client request whose seats are drawn (the client's draw, or a draw slot
 * hash picked to seat given workers in order), three test workers (accept, commit, reveal) driven with the SDK's
 * instruction builders and the LiteSVM clock, then the assembled AnalysisResult.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Address } from '@solana/kit';
import { describe, expect, test } from 'vitest';
import {
  ACCOUNT_SIZES,
  DFPNClient,
  deriveSalt,
  FINALIZE_GRACE_SECS,
  ErrorCode,
  instructions as ix,
  Modality,
  parseLogs,
  protocol,
  sha256,
  toHex,
  toJson,
} from '../src/index.js';
import { REPUTATION_START } from '../src/generated/constants.js';
import { startTestWorkers, TEST_MODEL, type Answer } from '../src/testing.js';
import { localSetup, rejection, requestAccount, submitDrawing, tempDir, testWorkers } from './helpers.js';

const FACE_SWAP = { type: 'face_swap', region: { x: 10, y: 20, w: 64, h: 48 }, confidence: 0.93 };
const M = 'Manipulated' as const;
const A = 'Authentic' as const;

type _Answer = Answer;

describe('full lifecycle on the local network', () => {
  test('majority: the worked example of docs/protocol.md, with verified detections and the audit block', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir);
    // Given a client request for 3 workers, whose draw seats the three workers in order
    const sub = await submitDrawing(
      net,
      client,
      { mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3, maxFee: 0.01, deadline: Date.now() + 300_000 },
      workers,
    );
    const request = sub.id as Address;
    // And three drawn workers that accept, analyse and commit: M 90 (with a detection), M 80, A 70
    const answers: _Answer[] = [
      { verdict: M, confidence: 90, detections: [FACE_SWAP] },
      { verdict: M, confidence: 80 },
      { verdict: A, confidence: 70 },
    ];
    for (const [i, w] of workers.entries()) {
      await w.join(request);
      await w.commit(request, answers[i]!);
    }
    // When all three seats committed the commit phase is over, and each reveals
    for (const w of workers) await w.reveal(request);
    const result = await client.waitForResult(sub.id, { timeout: 10_000 });
    // Then the result is docs/protocol.md's worked example: Manipulated, Majority, ⌊85 × 6 666 / 10 000⌋ = 56
    expect([result.verdict, result.consensusType, result.confidence]).toEqual([M, 'Majority', 56]);
    expect(result.feeLamports).toBe(4_500_000n);
    // And one worker result per revealed seat, in seat order, with the report's detections verified
    expect(result.workerResults.map((r) => [r.worker, r.verdict, r.confidence])).toEqual(
      workers.map((w, i) => [w.address, answers[i]!.verdict, answers[i]!.confidence]),
    );
    const first = result.workerResults[0]!;
    // The seat names the model by its PDA address; the client reads its id from the model account
    expect(first.model).toBe(workers[0]!.model);
    expect(first.modelId).toBe(TEST_MODEL);
    expect(first.reportVerified).toBe(true);
    expect(first.detections).toEqual([FACE_SWAP]);
    expect(result.workerResults.slice(1).every((r) => r.reportVerified && r.detections.length === 0)).toBe(true);
    // And the audit block names the submit and finalize transactions and the counts
    expect(result.audit.requestTx).toBe(sub.signature);
    const finalize = (await net.getTransaction(result.audit.finalizeTx ?? ''))!;
    const events = parseLogs(finalize.logs);
    expect(events.some((e) => e.name === 'RequestFinalized' && e.request === request)).toBe(true);
    expect(events.filter((e) => e.name === 'WorkerPaid')).toHaveLength(2);
    expect([result.audit.workerCount, result.audit.commitCount, result.audit.revealCount]).toEqual([3, 3, 3]);
    // And the JSON is the protocol sheet's camelCase result format (the Python SDK's model_dump_json(by_alias=True))
    const dumped = JSON.parse(toJson(result));
    expect(Object.keys(dumped)).toEqual(
      expect.arrayContaining(['verdict', 'confidence', 'consensusType', 'workerResults', 'audit']),
    );
    expect(dumped.verdict).toBe('Manipulated');
    expect(dumped.consensusType).toBe('Majority');
    expect(dumped.feeLamports).toBe(4_500_000);
    expect(Object.keys(dumped.audit).sort()).toEqual(['commitCount', 'finalizeTx', 'requestTx', 'revealCount', 'workerCount']);
    const wr = dumped.workerResults[0];
    expect(Object.keys(wr)).toEqual(expect.arrayContaining(['worker', 'model', 'modelId', 'verdict', 'confidence', 'detections']));
    expect(wr.detections[0]).toEqual({ type: 'face_swap', region: { x: 10, y: 20, w: 64, h: 48 }, confidence: 0.93 });
    // And the request is finalized on-chain, with the escrow above the fee refunded to the client
    const info = await client.getRequest(sub.id);
    expect(info.status).toBe('Finalized');
    expect(info.seats.map((seat) => seat.model)).toEqual(workers.map((w) => w.model));
    expect(info.escrowLamports).toBe(0n);
    expect(net.balance(request)).toBe(await net.minimumBalanceForRentExemption(ACCOUNT_SIZES.request));
    // And the client can close it and get the rent back
    const before = net.balance(client.wallet.address);
    await client.closeRequest(sub.id);
    expect(net.balance(client.wallet.address)).toBe(before + (await net.minimumBalanceForRentExemption(ACCOUNT_SIZES.request)) - 5_000n);
    expect((await rejection(() => client.getRequest(sub.id))).code).toBe(ErrorCode.REQUEST_NOT_FOUND);
  });

  test('unanimous with the cluster clock; workers are paid and gain reputation; account fetchers', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir);
    // Given a request with 4 seats for at least 3 workers, the 3 workers drawn (the pool has no fourth) and committing
    const sub = await submitDrawing(
      net,
      client,
      { mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3, maxWorkers: 4, deadlineSeconds: 120 },
      workers,
    );
    expect(requestAccount(net, sub.id as Address).joined).toBe(3);
    const request = sub.id as Address;
    for (const [i, w] of workers.entries()) {
      await w.join(request);
      await w.commit(request, { verdict: M, confidence: [90, 80, 70][i]! });
    }
    // When a worker reveals while a seat is still open and the commit deadline is ahead
    // Then the program refuses: the reveal phase has not started
    expect((await rejection(() => workers[0]!.reveal(request))).code).toBe(ErrorCode.REVEAL_PHASE_NOT_STARTED);
    // When the cluster clock reaches the commit deadline, all reveal, and the client waits
    net.setTime(sub.commitDeadline);
    for (const w of workers) await w.reveal(request);
    const result = await client.waitForResult(sub.id, { timeout: 10_000 });
    // Then Manipulated, Unanimous, confidence 80
    expect([result.verdict, result.consensusType, result.confidence]).toEqual([M, 'Unanimous', 80]);
    expect([result.audit.workerCount, result.audit.commitCount, result.audit.revealCount]).toEqual([3, 3, 3]);
    // And every worker was paid and gained reputation
    for (const w of workers) {
      const state = (await client.getWorker(w.address))!;
      expect(state.rewards).toBe((4_500_000n * 6_500n) / 10_000n / 3n);
      // Agreeing with a consensus moves reputation a fiftieth of alpha (20 bps) from the start
      expect(state.reputation).toBe(REPUTATION_START + Math.floor(((10_000 - REPUTATION_START) * 20) / 10_000));
    }
    // And the model earned its share; the vaults hold theirs
    const model = (await client.getModel(workers[0]!.model))!;
    expect(model.unclaimed).toBe(((4_500_000n * 2_000n) / 10_000n / 3n) * 3n);
    // The same account by its registrant and id
    expect(await client.getModel(model.registrant, TEST_MODEL)).toEqual(model);
    const treasury = (await client.getVault('treasury'))!;
    expect(treasury.lamports).toBe((await net.minimumBalanceForRentExemption(16)) + 450_000n);
    expect((await client.listWorkers()).length).toBe(3);
    expect((await client.listModels()).map((m) => m.address)).toHaveLength(1);
    const finalized = await client.listRequests({ client: client.wallet.address, status: 'Finalized' });
    expect(finalized.map((r) => r.id)).toEqual([sub.id]);
  });

  test('a silent committer is slashed; a third party finalizes; another client reads the result', async () => {
    const { net, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir);
    // Given a request where all three commit but only two reveal
    const submitter = await DFPNClient.create({ network: net });
    const sub = await submitDrawing(net, submitter, { mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3 }, workers);
    const request = sub.id as Address;
    const answers = [
      { verdict: A, confidence: 95 },
      { verdict: A, confidence: 85 },
      { verdict: M, confidence: 60 },
    ];
    for (const [i, w] of workers.entries()) {
      await w.join(request);
      await w.commit(request, answers[i]!);
    }
    await workers[0]!.reveal(request);
    await workers[1]!.reveal(request);
    // And the deadline passes: a third party (not the client) may not finalize yet, the grace period is the client's
    net.setTime(sub.deadline);
    const cranker = await net.fundedSigner();
    const crank = async () => net.process([await ix.finalizeRequest({ request, requestData: requestAccount(net, request) })], cranker);
    expect((await rejection(crank)).code).toBe(ErrorCode.FINALIZE_RESERVED_FOR_CLIENT);
    net.setTime(sub.deadline + FINALIZE_GRACE_SECS - 1n);
    expect((await rejection(crank)).code).toBe(ErrorCode.FINALIZE_RESERVED_FOR_CLIENT);
    // And once FINALIZE_GRACE_SECS have passed it finalizes with the SDK's instruction builder (no client signature)
    net.setTime(sub.deadline + FINALIZE_GRACE_SECS);
    const finalize = await crank();
    // When a different client (not the submitter) waits for the result
    const reader = await DFPNClient.create({ network: net });
    const result = await reader.waitForResult(sub.id, { timeout: 5_000 });
    // Then two reveals of three commits, Authentic by unanimity of the revealed weight
    expect([result.verdict, result.consensusType, result.confidence]).toEqual([A, 'Unanimous', 90]);
    expect([result.audit.commitCount, result.audit.revealCount]).toEqual([3, 2]);
    expect(result.workerResults.map((r) => r.worker)).toEqual([workers[0]!.address, workers[1]!.address]);
    // And the audit transactions were found from the chain (events in the logs), not from the submitter's memory
    expect(result.audit.requestTx).toBe(sub.signature);
    expect(result.audit.finalizeTx).toBe(finalize.signature);
    // And the silent committer lost 3x its seat's reward (non_reveal_slash_bps 30 000 of ⌊⌊4 500 000 × 65 %⌋ / 3⌋
    // = 975 000), not a share of its stake, as the request fixed it at submission and protocol.nonRevealSlash says
    const data = requestAccount(net, request);
    expect([data.fee, data.minWorkers, data.nonRevealSlashBps]).toEqual([4_500_000n, 3, 30_000]);
    const expected = protocol.nonRevealSlash(BigInt(net.params.minStake), data.fee, data.minWorkers, data.nonRevealSlashBps);
    expect(expected).toBe(2_925_000n);
    const silent = (await reader.getWorker(workers[2]!.address))!;
    expect(silent.slashedTotal).toBe(expected);
    expect(silent.stake).toBe(BigInt(net.params.minStake) - expected);
    const slashed = parseLogs(finalize.logs).find((e) => e.name === 'WorkerSlashed');
    expect(slashed).toMatchObject({ worker: workers[2]!.address, amount: expected });
  });

  test('a tampered report is REPORT_HASH_MISMATCH; an unreadable one is unverified', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir);
    const sub = await submitDrawing(net, client, { mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3 }, workers);
    const request = sub.id as Address;
    for (const w of workers) {
      await w.join(request);
      await w.commit(request, { verdict: M, confidence: 90, detections: [FACE_SWAP] });
    }
    for (const w of workers) await w.reveal(request);
    await client.finalize(sub.id);
    // When one worker's report file is altered after its reveal
    const committed = workers[1]!.answers.get(request)!;
    const path = fileURLToPath(committed.uri);
    const report = JSON.parse(readFileSync(path, 'utf8'));
    report.detections = [];
    writeFileSync(path, JSON.stringify(report));
    expect(toHex(sha256(readFileSync(path)))).not.toBe(toHex(committed.reportHash));
    // Then assembling the result refuses it
    const err = await rejection(() => client.waitForResult(sub.id, { timeout: 5_000 }));
    expect(err.code).toBe(ErrorCode.REPORT_HASH_MISMATCH);
    // And a report that cannot be read is reported unverified rather than failing the result
    unlinkSync(path);
    const result = await client.waitForResult(sub.id, { timeout: 5_000 });
    expect(result.workerResults.map((r) => r.reportVerified)).toEqual([true, false, true]);
  });

  test('TIMEOUT while workers are missing says how far the request got', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir);
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3 });
    await workers[0]!.join(sub.id as Address);
    const started = Date.now();
    const err = await rejection(() => client.waitForResult(sub.id, { timeout: 200 }));
    expect(err.code).toBe(ErrorCode.TIMEOUT);
    expect(err.message).toContain('3 of 3 seats drawn, 1 accepted, 0 committed, 0 revealed');
    expect(Date.now() - started).toBeLessThan(2_000);
    // And an abort signal ends the wait too
    const aborted = client.waitForResult(sub.id, { timeout: 60_000, signal: AbortSignal.timeout(100) });
    await expect(aborted).rejects.toThrow();
  });

  test('a wrong reveal is COMMITMENT_MISMATCH; the salt is recoverable from the key', async () => {
    const { net, client, dir, media } = await localSetup();
    const [w] = await testWorkers(net, dir, 1);
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1 });
    const request = sub.id as Address;
    await w!.join(request);
    await w!.commit(request, { verdict: M, confidence: 90 });
    const { reportHash, salt, uri } = w!.answers.get(request)!;
    // When it reveals Authentic instead, Then the program's commitment check refuses it
    const bad = ix.revealResult({ authority: w!.signer, request, verdict: A, confidence: 90, reportHash, salt, reportUri: uri });
    expect((await rejection(() => net.process([bad], w!.signer))).code).toBe(ErrorCode.COMMITMENT_MISMATCH);
    // And the salt is recoverable from the key alone, so the honest reveal still works
    expect(toHex(await deriveSalt(w!.signer, request))).toBe(toHex(salt));
    await w!.reveal(request);
    expect((await client.waitForResult(sub.id, { timeout: 5_000 })).verdict).toBe(M);
  });

  test('an answer the program cannot accept is refused before sending: INVALID_ARGUMENT naming the field', async () => {
    const { net, client, dir, media } = await localSetup();
    const [w] = await testWorkers(net, dir, 1);
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1 });
    const request = sub.id as Address;
    await w!.join(request);
    const sent = (await net.signaturesForAddress(request)).length;
    for (const [answer, field] of [
      [{ verdict: M, confidence: 101 }, 'confidence'],
      [{ verdict: 'Fake' as never, confidence: 90 }, 'verdict'],
    ] as const) {
      const err = await rejection(() => w!.commit(request, answer));
      expect(err.code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(err.message).toMatch(new RegExp(`^\\[INVALID_ARGUMENT\\] ${field} `));
      expect(err.programCode).toBeUndefined();
    }
    // Nothing was sent: no transaction touched the request and the seat is still uncommitted
    expect((await net.signaturesForAddress(request)).length).toBe(sent);
    expect(requestAccount(net, request).commits).toBe(0);
    // And the highest confidence there is commits
    await w!.commit(request, { verdict: M, confidence: 100 });
    expect(requestAccount(net, request).commits).toBe(1);
  });

  test('without consensus only the participation share is charged; a lone agreeing worker gains no reputation', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir, 2);
    const start = (await client.getWorker(workers[0]!.address))!.reputation;
    // Given two workers of equal weight that disagree (a tie)
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 2 });
    const request = sub.id as Address;
    const r0 = requestAccount(net, request);
    expect([r0.noConsensusFeeBps, r0.seatBond]).toEqual([2_000, 10n * protocol.workerShare(r0.fee, 2)]);
    for (const [i, w] of workers.entries()) {
      await w.join(request);
      await w.commit(request, { verdict: [M, A][i]!, confidence: 90 });
    }
    for (const w of workers) await w.reveal(request);
    const before = net.balance(client.wallet.address);
    const result = await client.waitForResult(sub.id, { timeout: 10_000 });
    // Then no consensus: 20 % of the 3,750,000-lamport fee is charged and split among both revealers
    expect([result.verdict, result.consensusType]).toEqual(['Inconclusive', 'None']);
    const charged = protocol.chargedFee(r0.fee, 2, false, r0.noConsensusFeeBps);
    expect(charged).toBe(750_000n);
    expect(result.feeLamports).toBe(charged);
    const finalized = parseLogs((await net.getTransaction(result.audit.finalizeTx!))!.logs).find((e) => e.name === 'RequestFinalized');
    expect(finalized).toMatchObject({ feeCharged: charged, refund: r0.escrow - charged });
    // And the client got the rest of the escrow back (it paid the finalize transaction's fee)
    expect(net.balance(client.wallet.address)).toBe(before + r0.escrow - charged - 5_000n);
    for (const w of workers) {
      const state = (await client.getWorker(w.address))!;
      expect(state.rewards).toBe(protocol.splitFee(charged, 2).perWorker);
      expect(state.reputation).toBe(protocol.finalizeReputation(start, protocol.SeatOutcome.NoConsensus, 1_000, 2));
      expect(state.reputation).toBe(start);
      expect(state.bonded).toBe(0n);
    }
    // When one worker alone answers a one-worker request and is the consensus
    const solo = await submitDrawing(net, client, { mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1 }, [workers[0]!]);
    await workers[0]!.join(solo.id as Address);
    await workers[0]!.commit(solo.id as Address, { verdict: M, confidence: 90 });
    await workers[0]!.reveal(solo.id as Address);
    const soloResult = await client.waitForResult(solo.id, { timeout: 10_000 });
    expect([soloResult.consensusType, soloResult.feeLamports]).toEqual(['Unanimous', 3_000_000n]);
    // Then it is paid, but its reputation does not rise: fewer than MIN_REVEALS_FOR_REPUTATION revealed
    const state = (await client.getWorker(workers[0]!.address))!;
    expect(state.jobsAgreed).toBe(1n);
    expect(state.reputation).toBe(start);
    expect(protocol.finalizeReputation(start, protocol.SeatOutcome.Agreed, 1_000, 1)).toBe(start);
  });

  test('a seat is given back with leave_request; a seat that never commits forfeits its bond at expiry', async () => {
    const { net, client, dir, media } = await localSetup();
    const [a, b] = await testWorkers(net, dir, 2);
    // (the client's draw after submitting seats both: the pool has two workers)
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 2 });
    const request = sub.id as Address;
    const bond = requestAccount(net, request).seatBond;
    expect(bond).toBe(protocol.seatBond(3_750_000n, 2, 10));
    expect(requestAccount(net, request).joined).toBe(2);
    // When a drawn worker accepts, its bond is locked; when it leaves (first half of the commit window) it is released
    await a!.join(request);
    expect((await client.getWorker(a!.address))!.bonded).toBe(bond);
    const left = await a!.leave(request);
    expect(parseLogs(left.logs)).toEqual([{ name: 'WorkerLeft', request, worker: a!.address }]);
    expect((await client.getWorker(a!.address))!.bonded).toBe(0n);
    expect(requestAccount(net, request).seats.slice(0, requestAccount(net, request).joined).map((s) => s.authority)).toEqual([b!.address]);
    // And it cannot take the seat back: seats are drawn
    expect((await rejection(() => a!.join(request))).code).toBe(ErrorCode.NOT_DRAWN);
    // When the next draw seats it again, and it accepts and commits while the other accepts and never commits, the
    // request expires
    const redraw = await client.drawSeats(request);
    expect(redraw.drawn.map((d) => d.worker)).toEqual([a!.address]);
    await a!.join(request);
    await a!.commit(request, { verdict: M, confidence: 90 });
    await b!.join(request);
    const insurance = (await client.getVault('insurance'))!.lamports;
    const stake = (await client.getWorker(b!.address))!.stake;
    net.setTime(sub.commitDeadline);
    expect((await rejection(() => client.waitForResult(sub.id, { timeout: 5_000 }))).code).toBe(ErrorCode.NO_WORKERS_AVAILABLE);
    // Then the silent seat's bond went from its stake to insurance; the committed seat's bond was released
    const silent = (await client.getWorker(b!.address))!;
    expect([silent.stake, silent.bonded]).toEqual([stake - bond, 0n]);
    expect((await client.getVault('insurance'))!.lamports).toBe(insurance + bond);
    expect((await client.getWorker(a!.address))!.bonded).toBe(0n);
    expect((await client.getRequest(sub.id)).status).toBe('Expired');
  });

  test('the configuration authority moves in two steps; submitted requests keep their parameters', async () => {
    const { net, client, media } = await localSetup();
    const next = await net.fundedSigner();
    const before = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1 });
    // When the authority proposes a successor, nothing changes until it accepts
    const proposed = await net.process([await ix.proposeAuthority({ authority: net.authority, newAuthority: next.address })], net.authority);
    expect(parseLogs(proposed.logs)).toEqual([{ name: 'AuthorityProposed', proposed: next.address }]);
    expect([(await client.getConfig()).authority, (await client.getConfig()).pendingAuthority]).toEqual([net.authority.address, next.address]);
    const accepted = await net.process([await ix.acceptAuthority({ newAuthority: next })], next);
    expect(parseLogs(accepted.logs)).toEqual([{ name: 'AuthorityTransferred', authority: next.address }]);
    const config = await client.getConfig();
    expect(config.authority).toBe(next.address);
    expect(config.pendingAuthority).toBe('11111111111111111111111111111111');
    // Then the new authority updates the configuration, and only later requests see it
    await net.process([await ix.updateConfig({ authority: next, params: { ...net.params, seatBondMultiplier: 20, noConsensusFeeBps: 5_000 } })], next);
    const after = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1 });
    const [old, fresh] = [requestAccount(net, before.id as Address), requestAccount(net, after.id as Address)];
    expect([old.seatBond, old.noConsensusFeeBps]).toEqual([19_500_000n, 2_000]);
    expect([fresh.seatBond, fresh.noConsensusFeeBps]).toEqual([39_000_000n, 5_000]);
  });

  test('startTestWorkers drives a request to its result with no clock moves (the quick start)', async () => {
    const client = await DFPNClient.create({ network: 'local' });
    const running = await startTestWorkers(client, { count: 3, reportsDir: tempDir() });
    try {
      const { media } = { media: (await import('./helpers.js')).mediaFile() };
      const request = await client.submitRequest({
        mediaPath: media,
        modalities: [Modality.FaceManipulation, Modality.ImageAuthenticity],
        minWorkers: 3,
        maxFee: 0.01,
        deadline: Date.now() + 300_000,
      });
      const result = await client.waitForResult(request.id, { timeout: 20_000 });
      expect(result.verdict).toBe('Manipulated');
      expect(result.consensusType).toBe('Unanimous');
      expect(result.confidence).toBe(85);
      expect(result.feeLamports).toBe(7_500_000n);
      expect(result.workerResults.every((r) => r.reportVerified && r.detections.length === 1)).toBe(true);
    } finally {
      await running.stop();
      await client.close();
    }
  });
});
