/**
 * Known-answer challenges on the real program (dfpn.so in LiteSVM): governance registers a challenger, the
 * challenger submits media whose verdict it knows with an attestation that looks random, workers answer, the
 * challenger reveals the label, and finalization pays the workers that matched it and slashes the others' stake.
 * Also: who may finalize when (the client at once, anyone else after FINALIZE_GRACE_SECS), and the random
 * attestations of ordinary requests.
 */
import type { Address } from '@solana/kit';
import { describe, expect, test } from 'vitest';
import {
  challengeAttestation,
  challengerAddress,
  DFPNClient,
  ErrorCode,
  FINALIZE_GRACE_SECS,
  instructions as ix,
  Modality,
  parseLogs,
  protocol,
  toHex,
  type DfpnEvent,
} from '../src/index.js';
import type { LiteSvmTransport } from '../src/local.js';
import type { Answer, TestWorker } from '../src/testing.js';
import { localSetup, rejection, requestAccount, submitDrawing, testWorkers } from './helpers.js';

const M = 'Manipulated' as const;
const A = 'Authentic' as const;

/** The configuration authority registers `key` as a challenger. */
async function register(net: LiteSvmTransport, key: Address) {
  return net.process([await ix.registerChallenger({ authority: net.authority, challenger: key })], net.authority);
}

/** Every worker accepts its drawn seat and commits its answer, then (the commit phase over: all seats committed)
 * reveals. */
async function answerAll(request: Address, workers: readonly TestWorker[], answers: readonly Answer[]) {
  for (const [i, w] of workers.entries()) {
    await w.join(request);
    await w.commit(request, answers[i]!);
  }
  for (const w of workers) await w.reveal(request);
}

function eventsOf(logs: readonly string[], name: DfpnEvent['name']) {
  return parseLogs(logs).filter((e) => e.name === name);
}

describe('known-answer challenges', () => {
  test('end to end: registered, submitted, answered (one wrong), revealed; the client finalizes at once; the matching workers are paid, the wrong one loses challenge_slash_bps of its stake', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir, 3);
    // Given the configuration authority registers the client's key as a challenger
    const registered = await register(net, client.wallet.address);
    expect(parseLogs(registered.logs)).toEqual([{ name: 'ChallengerRegistered', challenger: client.wallet.address }]);
    const challenger = (await client.getChallenger())!;
    expect(challenger).toMatchObject({ authority: client.wallet.address, registeredAt: net.now(), challenges: 0n });
    expect(net.account(await challengerAddress(client.wallet.address))!.data.length).toBe(88);
    // When it submits media it knows is Manipulated, with a challenge attestation
    const salt = new Uint8Array(32).fill(0x5a);
    // (its draw seats the three workers in order)
    const sub = await submitDrawing(net, client, { mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3, challenge: { label: M, salt } }, workers);
    const request = sub.id as Address;
    // Then the request records sha256(CHALLENGE_DOMAIN || request || label || salt), and nothing else says challenge
    const expected = challengeAttestation({ request, label: M, salt });
    expect(sub.attestation).toBe(toHex(expected));
    expect(sub.challenge).toEqual({ label: M, salt: toHex(salt) });
    const r0 = requestAccount(net, request);
    expect(toHex(r0.attestation)).toBe(toHex(expected));
    expect([r0.challenged, r0.challengeLabel, r0.challengeSlashBps]).toEqual([0, 0, 200]);
    expect(eventsOf((await net.getTransaction(sub.signature))!.logs, 'RequestSubmitted')).toHaveLength(1);
    // When three workers answer, one of them wrongly (Authentic), and all reveal
    const stakes = await Promise.all(workers.map(async (w) => (await client.getWorker(w.address))!));
    await answerAll(request, workers, [
      { verdict: M, confidence: 90 },
      { verdict: M, confidence: 80 },
      { verdict: A, confidence: 70 },
    ]);
    // And the client reveals the label and salt (the request is finalizable: every committed seat revealed)
    expect(protocol.finalizable(requestAccount(net, request), net.now())).toBe(true);
    const revealSig = await client.revealChallenge(sub.id, { label: M, salt });
    expect(await client.getEvents(revealSig)).toEqual([{ name: 'ChallengeRevealed', request, label: 2 }]);
    expect((await client.getChallenger())!.challenges).toBe(1n);
    const info = await client.getRequest(sub.id);
    expect([info.challengeLabel, info.challengeSlashBps]).toEqual([M, 200]);
    // And the client finalizes before the deadline, signing as the client (no clock moves: nobody else could yet)
    const r = requestAccount(net, request);
    expect(net.now()).toBeLessThan(r.deadline);
    expect(protocol.finalizableByAnyone(r, net.now())).toBe(false);
    const finalizeSig = await client.finalize(sub.id);
    const logs = (await net.getTransaction(finalizeSig))!.logs;
    // Then the two workers that matched the label are paid the whole fee's worker share, split between them
    const split = protocol.splitFee(r.fee, 2);
    expect(eventsOf(logs, 'WorkerPaid').map((e) => [(e as { worker: Address }).worker, (e as { amount: bigint }).amount])).toEqual([
      [workers[0]!.address, split.perWorker],
      [workers[1]!.address, split.perWorker],
    ]);
    const after = await Promise.all(workers.map(async (w) => (await client.getWorker(w.address))!));
    for (const i of [0, 1]) {
      expect(after[i]!.rewards).toBe(split.perWorker);
      expect(after[i]!.stake).toBe(stakes[i]!.stake);
      expect(after[i]!.reputation).toBe(protocol.reputationStep(stakes[i]!.reputation, protocol.SeatOutcome.ChallengePassed, 1_000));
    }
    // And the wrong one is paid nothing and loses challenge_slash_bps (2 %) of its stake to insurance, and
    // reputation as a failed challenge (as a non-reveal: twice alpha)
    const slashed = protocol.challengeSlash(stakes[2]!.stake, r.challengeSlashBps);
    expect(slashed).toBe(stakes[2]!.stake / 50n);
    expect(after[2]!.rewards).toBe(0n);
    expect([after[2]!.stake, after[2]!.slashedTotal]).toEqual([stakes[2]!.stake - slashed, slashed]);
    expect(after[2]!.reputation).toBe(protocol.reputationStep(stakes[2]!.reputation, protocol.SeatOutcome.ChallengeFailed, 1_000));
    expect(eventsOf(logs, 'WorkerSlashed')).toEqual([
      { name: 'WorkerSlashed', request, worker: workers[2]!.address, amount: slashed, reputation: after[2]!.reputation },
    ]);
    // And the whole fee is charged (the SDK's feeCharged agrees), the rest of the escrow refunded
    const done = requestAccount(net, request);
    expect(eventsOf(logs, 'RequestFinalized')[0]).toMatchObject({ feeCharged: r.fee, refund: r.escrow - r.fee });
    const result = await client.waitForResult(sub.id, { timeout: 5_000 });
    expect(result.feeLamports).toBe(r.fee);
    expect(result.audit.finalizeTx).toBe(finalizeSig);
    expect((await client.getRequest(sub.id)).status).toBe('Finalized');
    expect(done.challenged).toBe(1);
  });

  test('the known answer beats the consensus; the client that submitted the challenge reveals it before finalizing', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir, 3);
    await register(net, client.wallet.address);
    // Given a challenge whose label (Authentic) only one worker gives: two agree on Manipulated, a majority
    const sub = await submitDrawing(net, client, { mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3, challenge: { label: A } }, workers);
    const request = sub.id as Address;
    // (the salt was drawn at random and is returned; the attestation is computed from it)
    expect(sub.challenge!.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(sub.attestation).toBe(toHex(challengeAttestation({ request, label: A, salt: Buffer.from(sub.challenge!.salt, 'hex') })));
    const stakes = await Promise.all(workers.map(async (w) => (await client.getWorker(w.address))!.stake));
    await answerAll(request, workers, [
      { verdict: M, confidence: 90 },
      { verdict: M, confidence: 90 },
      { verdict: A, confidence: 90 },
    ]);
    // When the client waits for the result (it finalizes itself, revealing the remembered challenge first)
    const result = await client.waitForResult(sub.id, { timeout: 10_000 });
    const finalize = parseLogs((await net.getTransaction(result.audit.finalizeTx!))!.logs);
    // (one transaction: the reveal, then the finalize, seat by seat)
    expect(finalize.map((e) => e.name)).toEqual(['ChallengeRevealed', 'WorkerSlashed', 'WorkerSlashed', 'WorkerPaid', 'RequestFinalized']);
    // Then only the worker that gave the known answer is paid (all the workers' share), the consensus is not
    const r = requestAccount(net, request);
    expect([r.challenged, r.challengeLabel]).toEqual([1, 1]);
    expect((await client.getWorker(workers[2]!.address))!.rewards).toBe(protocol.splitFee(r.fee, 1).perWorker);
    // And both majority workers lose 2 % of their stake; the verdict recorded is still the aggregate of the answers
    for (const i of [0, 1]) {
      const state = (await client.getWorker(workers[i]!.address))!;
      expect([state.rewards, state.stake]).toEqual([0n, stakes[i]! - protocol.challengeSlash(stakes[i]!, 200)]);
    }
    expect([result.verdict, result.consensusType, result.feeLamports]).toEqual([M, 'Majority', r.fee]);
  });

  test('nobody matches the known answer: nothing is charged, the escrow goes back, every revealer is slashed', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir, 3);
    await register(net, client.wallet.address);
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3, challenge: { label: A } });
    const request = sub.id as Address;
    const stake = (await client.getWorker(workers[0]!.address))!.stake;
    await answerAll(request, workers, [
      { verdict: M, confidence: 90 },
      { verdict: M, confidence: 80 },
      { verdict: M, confidence: 70 },
    ]);
    const before = net.balance(client.wallet.address);
    const escrow = requestAccount(net, request).escrow;
    const result = await client.waitForResult(sub.id, { timeout: 10_000 });
    // Then the unanimous (wrong) answer earns nothing: charged 0, the whole escrow refunded (minus the tx fee)
    expect([result.verdict, result.consensusType, result.feeLamports]).toEqual([M, 'Unanimous', 0n]);
    const logs = (await net.getTransaction(result.audit.finalizeTx!))!.logs;
    expect(eventsOf(logs, 'RequestFinalized')[0]).toMatchObject({ feeCharged: 0n, refund: escrow });
    expect(eventsOf(logs, 'WorkerPaid')).toHaveLength(0);
    expect(net.balance(client.wallet.address)).toBe(before + escrow - 5_000n);
    for (const w of workers) expect((await client.getWorker(w.address))!.stake).toBe(stake - protocol.challengeSlash(stake, 200));
  });

  test('NOT_CHALLENGER for a client governance has not registered (then registered: the same reveal works); remove_challenger', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir, 3);
    // Given a client that is not a registered challenger submits a challenge (nothing stops it: it looks random)
    expect(await client.getChallenger()).toBeNull();
    const salt = new Uint8Array(32).fill(1);
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3, challenge: { label: M, salt } });
    const request = sub.id as Address;
    await answerAll(request, workers, [
      { verdict: M, confidence: 90 },
      { verdict: M, confidence: 80 },
      { verdict: M, confidence: 70 },
    ]);
    // When it reveals, Then the program refuses: NOT_CHALLENGER
    expect((await rejection(() => client.revealChallenge(sub.id, { label: M, salt }))).code).toBe(ErrorCode.NOT_CHALLENGER);
    expect(requestAccount(net, request).challenged).toBe(0);
    // And once the authority registers it, the same reveal is accepted (positive control)
    await register(net, client.wallet.address);
    await client.revealChallenge(sub.id, { label: M, salt });
    expect(requestAccount(net, request).challenged).toBe(1);
    await client.finalize(sub.id);
    // When the authority removes the challenger, its account is closed and the rent goes back to the authority
    const pda = await challengerAddress(client.wallet.address);
    const rent = net.balance(pda);
    const before = net.balance(net.authority.address);
    const removed = await net.process([await ix.removeChallenger({ authority: net.authority, challenger: client.wallet.address })], net.authority);
    expect(parseLogs(removed.logs)).toEqual([{ name: 'ChallengerRemoved', challenger: client.wallet.address }]);
    expect(await client.getChallenger()).toBeNull();
    expect(net.balance(net.authority.address)).toBe(before + rent - 5_000n);
    // Then its next challenge cannot be revealed any more
    const next = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3, challenge: { label: M, salt } });
    await answerAll(next.id as Address, workers, [
      { verdict: M, confidence: 90 },
      { verdict: M, confidence: 80 },
      { verdict: M, confidence: 70 },
    ]);
    expect((await rejection(() => client.revealChallenge(next.id, { label: M, salt }))).code).toBe(ErrorCode.NOT_CHALLENGER);
    // And a key that is not the configuration authority cannot register one
    const stranger = await net.fundedSigner();
    const byStranger = async () => net.process([await ix.registerChallenger({ authority: stranger, challenger: stranger.address })], stranger);
    expect((await rejection(byStranger)).code).toBe(ErrorCode.NOT_CONFIG_AUTHORITY);
  });

  test('CHALLENGE_MISMATCH for a wrong salt or label; the right ones are accepted, once', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir, 3);
    await register(net, client.wallet.address);
    const salt = new Uint8Array(32).fill(0x42);
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3, challenge: { label: M, salt } });
    const request = sub.id as Address;
    await answerAll(request, workers, [
      { verdict: M, confidence: 90 },
      { verdict: M, confidence: 80 },
      { verdict: M, confidence: 70 },
    ]);
    // When the client reveals another salt (one bit off), or the other label, Then CHALLENGE_MISMATCH
    const wrongSalt = Uint8Array.from(salt);
    wrongSalt[31] = wrongSalt[31]! ^ 1;
    expect((await rejection(() => client.revealChallenge(sub.id, { label: M, salt: wrongSalt }))).code).toBe(ErrorCode.CHALLENGE_MISMATCH);
    expect((await rejection(() => client.revealChallenge(sub.id, { label: A, salt }))).code).toBe(ErrorCode.CHALLENGE_MISMATCH);
    expect(requestAccount(net, request).challenged).toBe(0);
    // And the right label and salt (hex, as SubmittedRequest returns them) are accepted
    await client.revealChallenge(sub.id, { label: sub.challenge!.label, salt: sub.challenge!.salt });
    expect([requestAccount(net, request).challenged, requestAccount(net, request).challengeLabel]).toEqual([1, 2]);
    // Only once
    expect((await rejection(() => client.revealChallenge(sub.id, { label: M, salt }))).code).toBe(ErrorCode.CHALLENGE_ALREADY_REVEALED);
    // And the unanimous workers all match: each is paid a third, nobody is slashed
    const logs = (await net.getTransaction(await client.finalize(sub.id)))!.logs;
    expect(eventsOf(logs, 'WorkerPaid')).toHaveLength(3);
    expect(eventsOf(logs, 'WorkerSlashed')).toHaveLength(0);
  });
});

describe('who finalizes when', () => {
  test('a cranker gets FINALIZE_RESERVED_FOR_CLIENT before deadline + FINALIZE_GRACE_SECS and finalizes after it; its waitForResult waits', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir, 3);
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3 });
    const request = sub.id as Address;
    await answerAll(request, workers, [
      { verdict: M, confidence: 90 },
      { verdict: M, confidence: 80 },
      { verdict: A, confidence: 70 },
    ]);
    // Given another wallet (a cranker, not the request's client) on the same network
    const cranker = await DFPNClient.create({ network: net });
    expect(cranker.wallet.address).not.toBe(client.wallet.address);
    // When it finalizes while the request is finalizable, at the deadline and one second before the grace ends
    for (const at of [net.now(), sub.deadline, sub.deadline + FINALIZE_GRACE_SECS - 1n]) {
      net.setTime(at);
      expect(protocol.finalizable(requestAccount(net, request), at)).toBe(true);
      const err = await rejection(() => cranker.finalize(sub.id));
      // Then the program refuses, and the error says who may and from when anyone may
      expect(err.code).toBe(ErrorCode.FINALIZE_RESERVED_FOR_CLIENT);
      expect(err.programCode).toBe(6073);
      expect(err.logs.length).toBeGreaterThan(0);
      expect(err.message).toContain(`only its client ${client.wallet.address} may finalize`);
      expect(err.message).toContain(`= ${sub.deadline + FINALIZE_GRACE_SECS}`);
      expect(err.message).toContain(`(${sub.deadline + FINALIZE_GRACE_SECS - at} s from now)`);
    }
    // And its waitForResult does not try (no error), it waits: the grace period is the client's
    expect((await rejection(() => cranker.waitForResult(sub.id, { timeout: 300 }))).code).toBe(ErrorCode.TIMEOUT);
    expect(requestAccount(net, request).status).toBe(0);
    // When the grace period is over, Then the cranker's waitForResult finalizes it (no client signature needed)
    net.setTime(protocol.finalizeOpenToAnyoneAt(requestAccount(net, request)));
    const result = await cranker.waitForResult(sub.id, { timeout: 5_000 });
    expect([result.verdict, result.consensusType]).toEqual([M, 'Majority']);
    const finalizeTx = (await net.getTransaction(result.audit.finalizeTx!))!;
    expect(finalizeTx.accounts[0]).toBe(cranker.wallet.address);
    expect(finalizeTx.fee).toBe(5_000n); // one signature: the cranker's
  });

  test("the client's own finalize signs as the client and is accepted as soon as the request is finalizable", async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir, 3);
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 3 });
    const request = sub.id as Address;
    await answerAll(request, workers, [
      { verdict: M, confidence: 90 },
      { verdict: M, confidence: 80 },
      { verdict: M, confidence: 70 },
    ]);
    // The same instruction without the client's signature (another key pays) is refused (negative control) ...
    const payer = await net.fundedSigner();
    const unsigned = await ix.finalizeRequest({ request, requestData: requestAccount(net, request) });
    expect((await rejection(() => net.process([unsigned], payer))).code).toBe(ErrorCode.FINALIZE_RESERVED_FOR_CLIENT);
    // ... and with it, before the deadline, accepted
    const signed = await ix.finalizeRequest({ request, requestData: requestAccount(net, request), client: client.wallet });
    expect(net.now()).toBeLessThan(sub.deadline);
    await net.process([signed], client.wallet);
    expect((await client.getRequest(sub.id)).status).toBe('Finalized');
  });
});

describe('attestations of ordinary requests', () => {
  test('two default submissions carry different random attestations; an explicit one is recorded as given', async () => {
    const { net, client, media } = await localSetup();
    const subs = [];
    for (let i = 0; i < 2; i++) subs.push(await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1 }));
    const onChain = subs.map((s) => toHex(requestAccount(net, s.id as Address).attestation));
    expect(onChain).toEqual(subs.map((s) => s.attestation));
    expect(onChain[0]).not.toBe(onChain[1]);
    for (const a of onChain) {
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(a).not.toBe('00'.repeat(32));
    }
    // Positive control: an attestation given explicitly is the one recorded
    const given = new Uint8Array(32).fill(0xee);
    const explicit = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1, attestation: given });
    expect(toHex(requestAccount(net, explicit.id as Address).attestation)).toBe(toHex(given));
    // And attestation with challenge, or of the wrong length, is refused before sending
    for (const params of [
      { attestation: given, challenge: { label: M } },
      { attestation: new Uint8Array(16) },
      { challenge: { label: 'Inconclusive' as const } },
      { challenge: { label: M, salt: new Uint8Array(8) } },
    ]) {
      const err = await rejection(() => client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1, ...params }));
      expect(err.code).toBe(ErrorCode.INVALID_ARGUMENT);
    }
    expect((await client.listRequests({ client: client.wallet.address })).length).toBe(3);
  });
});
