/**
 * Seat draws on the real program (dfpn.so in LiteSVM, which produces no slot hashes: the tests write the SlotHashes
 * sysvar): the SDK's seed and candidates against an independent restatement and against what `draw_seats` accepts,
 * the worker pool read with one sliced getProgramAccounts, DRAW_ACCOUNT_MISMATCH beside its positive control,
 * DRAW_TOO_EARLY, a re-armed draw, replacements once a seat's own half commit window is over (a seat not committed,
 * only drawn or accepted and silent; a seat drawn late is not replaced with the others, one drawn past halfway never),
 * joining only a drawn seat, the default and the floor of minWorkers, and waitForResult drawing a replacement.
 */
import { createHash } from 'node:crypto';
import type { Address } from '@solana/kit';
import { describe, expect, test } from 'vitest';
import {
  ACCOUNT_SIZES,
  DFPNClient,
  DRAW_DOMAIN,
  drawCandidate,
  drawCandidates,
  drawSeed,
  encodeSlotHashes,
  ErrorCode,
  instructions as ix,
  lookupSlotHash,
  Modality,
  parseLogs,
  parseSlotHashes,
  protocol,
  REFERENCE_PARAMS,
  replacedSeats,
  SEAT_STATE_COMMITTED,
  SEAT_STATE_DRAWN,
  SEAT_STATE_JOINED,
  SEAT_STATE_REVEALED,
  SLOT_HASHES_SYSVAR,
  WORKER_POOL_INDEX_OFFSET,
  WorkerPool,
  workerAddress,
  type Transport,
} from '../src/index.js';
import { LiteSvmTransport } from '../src/local.js';
import { registerTestModel, startTestWorkers, TestWorker } from '../src/testing.js';
import {
  configParams,
  drawWorkers,
  expectedSeed,
  localSetup,
  PROGRAM_SO,
  poolWorkers,
  predictDraw,
  rejection,
  requestAccount,
  tempDir,
  testWorkers,
} from './helpers.js';

const FACE = [Modality.FaceManipulation];
const hashOf = (label: string) => createHash('sha256').update(label).digest();

describe('the draw restated (no network)', () => {
  test('seed and candidates equal an independent sha256 restatement; the domain is the IDL constant', () => {
    expect(new TextDecoder().decode(DRAW_DOMAIN as Uint8Array)).toBe('dfpn-draw-v1');
    const request = 'Fg6PaFpoGXkYsidMpWTK6W2BeZ7FEfcYkg476zPFsLnS' as Address;
    const slotHash = hashOf('slot');
    const seed = drawSeed(request, slotHash);
    expect(Buffer.from(seed)).toEqual(Buffer.from(expectedSeed(request, slotHash)));
    for (const [k, pool, cap] of [
      [0, 7, 1_000_000_000n],
      [1, 1, 1n],
      [41, 1_000, 10_000_000_000n],
      [0xffff_ffff, 3, 5n],
    ] as const) {
      const h = createHash('sha256').update(seed).update(Buffer.from(new Uint32Array([k]).buffer)).digest();
      const c = drawCandidate(seed, k, pool, cap);
      expect(c).toEqual({ k, poolIndex: Number(h.readBigUInt64LE(0) % BigInt(pool)), lottery: h.readBigUInt64LE(8) % cap });
    }
    // A zero pool or cap is taken as 1, as the program's max(1)
    expect(drawCandidate(seed, 3, 0, 0n)).toMatchObject({ poolIndex: 0, lottery: 0n });
    expect(drawCandidates(seed, 5, 3, 7, 9n).map((c) => c.k)).toEqual([5, 6, 7]);
    expect(() => drawCandidate(seed, -1, 3, 1n)).toThrow(RangeError);
  });

  test('poolIndex sits at byte 248 of a 272-byte Worker account (from the generated codec)', () => {
    expect(WORKER_POOL_INDEX_OFFSET).toBe(8 + 32 + 4 * 8 + 2 * 2 + 4 + 4 * 32 + 5 * 8);
    expect(ACCOUNT_SIZES.worker).toBe(272);
  });

  test('SlotHashes: encode/parse round trip, and the program lookup (ready, skipped slots, too early, expired)', () => {
    const entries = [10n, 12n, 13n, 11n].map((slot) => ({ slot, hash: hashOf(`s${slot}`) }));
    const data = encodeSlotHashes(entries);
    expect(data.length).toBe(8 + 512 * 40);
    const parsed = parseSlotHashes(data);
    expect(parsed.map((e) => e.slot)).toEqual([13n, 12n, 11n, 10n]); // newest first, as the sysvar stores them
    expect(lookupSlotHash(parsed, 11n)).toMatchObject({ kind: 'ready', slot: 11n });
    expect(lookupSlotHash(parsed, 10n)).toMatchObject({ kind: 'ready', slot: 10n });
    expect(lookupSlotHash(parsed, 14n)).toEqual({ kind: 'too-early' });
    expect(lookupSlotHash(parsed, 9n)).toEqual({ kind: 'expired' }); // slot 9's successor may have rolled out
    // A skipped draw slot: the first slot produced after it
    const gap = parseSlotHashes(encodeSlotHashes([20n, 23n].map((slot) => ({ slot, hash: hashOf(`g${slot}`) }))));
    expect(lookupSlotHash(gap, 21n)).toMatchObject({ kind: 'ready', slot: 23n });
    expect(lookupSlotHash([], 1n)).toEqual({ kind: 'too-early' });
  });
});

describe('replaced seats (no network)', () => {
  test('a seat is due for replacement half a commit window after its own draw while it has not committed (drawn or accepted)', () => {
    const [a, b, c, d, e, f] = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => x.repeat(32) as Address) as [
      Address,
      Address,
      Address,
      Address,
      Address,
      Address,
    ];
    const seat = (authority: Address, state: number, drawnAt: bigint) => ({ authority, state, drawnAt });
    const r = {
      createdAt: 0n,
      commitDeadline: 100n,
      joined: 5,
      seats: [
        seat(a, SEAT_STATE_DRAWN, 0n),
        seat(b, SEAT_STATE_JOINED, 0n),
        seat(c, SEAT_STATE_DRAWN, 30n),
        seat(d, SEAT_STATE_COMMITTED, 0n),
        seat(e, SEAT_STATE_JOINED, 20n),
        seat(f, SEAT_STATE_DRAWN, 0n),
      ],
    } as unknown as Parameters<typeof replacedSeats>[0];
    // Each uncommitted seat, only drawn or accepted and silent, has half the 100 s window from its own draw; a seat
    // that committed never is replaced, nor one past `joined`; the order is the seats'
    expect(replacedSeats(r, 49n)).toEqual([]);
    expect(replacedSeats(r, 50n)).toEqual([a, b]);
    expect(replacedSeats(r, 69n)).toEqual([a, b]);
    expect(replacedSeats(r, 70n)).toEqual([a, b, e]);
    expect(replacedSeats(r, 79n)).toEqual([a, b, e]);
    expect(replacedSeats(r, 80n)).toEqual([a, b, c, e]);
    // A seat drawn in the second half answers after the commit deadline: never due while seats can be drawn
    const lateSeat = seat(c, SEAT_STATE_DRAWN, 51n);
    expect(protocol.answerBy(r, lateSeat)).toBe(101n);
    expect(replacedSeats({ ...r, joined: 1, seats: [lateSeat] } as unknown as typeof r, 99n)).toEqual([]);
    expect(replacedSeats({ ...r, joined: 1, seats: [{ ...lateSeat, state: SEAT_STATE_JOINED }] } as unknown as typeof r, 99n)).toEqual([]);
    for (const state of [SEAT_STATE_COMMITTED, SEAT_STATE_REVEALED]) {
      expect(replacedSeats({ ...r, seats: r.seats.map((s) => ({ ...s, state })) }, 99n)).toEqual([]);
    }
  });
});

describe('draw_seats on dfpn.so', () => {
  test('the SDK computes the candidates the program accepts, and the program seats the predicted workers', async () => {
    const { net, client, dir, media } = await localSetup({ slotHashes: 'manual' });
    await testWorkers(net, dir, 6);
    const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 3, draw: false });
    expect(sub.drawn).toEqual([]);
    const request = sub.id as Address;
    const before = requestAccount(net, request);
    expect([before.poolCount, before.drawCursor, before.drawSeed.every((b) => b === 0)]).toEqual([6, 0, true]);
    expect(before.drawSlot).toBe(net.slot() + 1n); // the slot after submission
    // Given a hash for the draw slot
    const slotHash = hashOf('lucky slot');
    net.setSlotHash(before.drawSlot, slotHash);
    // When the SDK computes the seed and 16 candidates and maps them to worker PDAs (one sliced getProgramAccounts)
    const seed = drawSeed(request, slotHash);
    const picks = drawCandidates(seed, 0, 16, before.poolCount, (await configParams(net)).drawStakeCap);
    const candidates = await new WorkerPool(net).addresses(picks.map((c) => c.poolIndex));
    const predicted = predictDraw(poolWorkers(net), await configParams(net), before, expectedSeed(request, slotHash));
    expect(candidates.slice(0, predicted.candidates.length)).toEqual(predicted.candidates);
    // Then draw_seats with them succeeds
    const record = await net.process([await ix.drawSeats({ request, candidates }, net.programId)], client.wallet);
    // And seats exactly the predicted workers, in order, as Drawn, with one SeatDrawn event each
    const after = requestAccount(net, request);
    expect(predicted.seated).toHaveLength(3);
    expect(after.seats.slice(0, after.joined).map((s) => [s.authority, s.state])).toEqual(
      predicted.seated.map((a) => [a, SEAT_STATE_DRAWN]),
    );
    expect(parseLogs(record.logs).filter((e) => e.name === 'SeatDrawn')).toEqual(
      predicted.seated.map((worker, seat) => ({ name: 'SeatDrawn', request, worker, seat })),
    );
    // And the seed the program fixed is the SDK's; the cursor stopped after the candidate that filled the last seat
    expect(Buffer.from(after.drawSeed)).toEqual(Buffer.from(seed));
    expect(after.drawCursor).toBe(predicted.candidates.length);
    expect((await client.getRequest(request)).seats.map((s) => [s.state, s.model, s.commitment])).toEqual(
      predicted.seated.map(() => ['Drawn', null, null]),
    );
  });

  test('DRAW_ACCOUNT_MISMATCH for a wrong candidate account; the right accounts succeed (positive control)', async () => {
    const { net, client, dir, media } = await localSetup({ slotHashes: 'manual' });
    await testWorkers(net, dir, 4);
    const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 2, draw: false });
    const request = sub.id as Address;
    const r = requestAccount(net, request);
    net.setSlotHash(r.drawSlot, hashOf('slot for a mismatch'));
    const seed = drawSeed(request, hashOf('slot for a mismatch'));
    const picks = drawCandidates(seed, 0, 8, r.poolCount, (await configParams(net)).drawStakeCap);
    const right = await new WorkerPool(net).addresses(picks.map((c) => c.poolIndex));
    // When the first candidate is another worker's PDA
    const pool = poolWorkers(net);
    const other = [...pool.values()].find((w) => w.pda !== right[0])!.pda;
    const wrong = [other, ...right.slice(1)];
    const err = await rejection(async () => net.process([await ix.drawSeats({ request, candidates: wrong }, net.programId)], client.wallet));
    expect(err.code).toBe(ErrorCode.DRAW_ACCOUNT_MISMATCH);
    // Then nothing changed (no seed, no cursor, no seat)
    const unchanged = requestAccount(net, request);
    expect([unchanged.joined, unchanged.drawCursor, unchanged.drawSeed.every((b) => b === 0)]).toEqual([0, 0, true]);
    // And an account that is not a worker at all (the client's wallet) is refused too
    const notWorker = await rejection(async () =>
      net.process([await ix.drawSeats({ request, candidates: [client.wallet.address] }, net.programId)], client.wallet),
    );
    expect(notWorker.code).toBe(ErrorCode.INVALID_ACCOUNT_OWNER);
    // And the SDK's accounts are accepted
    await net.process([await ix.drawSeats({ request, candidates: right }, net.programId)], client.wallet);
    expect(requestAccount(net, request).joined).toBe(2);
    // And once every seat is held, another draw is NOTHING_TO_DRAW; the client sends nothing
    const full = await rejection(async () => net.process([await ix.drawSeats({ request }, net.programId)], client.wallet));
    expect(full.code).toBe(ErrorCode.NOTHING_TO_DRAW);
    const res = await client.drawSeats(request);
    expect([res.signatures, res.seats, res.maxWorkers]).toEqual([[], 2, 2]);
  });

  test('DRAW_TOO_EARLY until the draw slot has a hash; the client retries until its deadline, then draws', async () => {
    const { net, client, dir, media } = await localSetup({ slotHashes: 'manual' });
    await testWorkers(net, dir, 3);
    const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 3, draw: false });
    const request = sub.id as Address;
    // No hash for the draw slot (manual slot hashes): the program refuses
    const early = await rejection(async () => net.process([await ix.drawSeats({ request }, net.programId)], client.wallet));
    expect(early.code).toBe(ErrorCode.DRAW_TOO_EARLY);
    // And the client, whose slots pass but get no hash, gives up at its deadline with DRAW_TOO_EARLY
    const timedOut = await rejection(() => client.drawSeats(request, { timeout: 200 }));
    expect(timedOut.code).toBe(ErrorCode.DRAW_TOO_EARLY);
    expect(timedOut.message).toContain(`slot ${requestAccount(net, request).drawSlot}`);
    // When slots get hashes again (a cluster producing them), the same call draws every seat
    net.slotHashMode = 'auto';
    const res = await client.drawSeats(request);
    expect([res.seats, res.maxWorkers, res.drawn.length, res.rearmed]).toEqual([3, 3, 3, false]);
    expect(requestAccount(net, request).drawSeed.some((b) => b !== 0)).toBe(true);
  });

  test('a draw slot whose hash rolled out of the window is re-armed (DrawRearmed), then drawn', async () => {
    const { net, client, dir, media } = await localSetup();
    await testWorkers(net, dir, 3);
    const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 3, draw: false });
    const request = sub.id as Address;
    const drawSlot = requestAccount(net, request).drawSlot;
    // Only slots long after the draw slot are left in the window
    net.setSlotHashes([{ slot: drawSlot + 600n, hash: hashOf('late') }]);
    net.setSlotHash(drawSlot + 601n, hashOf('later'));
    const res = await client.drawSeats(request);
    expect(res.rearmed).toBe(true);
    const first = (await net.getTransaction(res.signatures[0]!))!;
    const rearmed = parseLogs(first.logs).find((e) => e.name === 'DrawRearmed');
    expect(rearmed).toBeDefined();
    const r = requestAccount(net, request);
    expect(r.drawSlot).toBeGreaterThan(drawSlot + 601n);
    expect([r.joined, res.drawn.length]).toEqual([3, 3]);
  });

  test('join_request accepts only a drawn seat: NOT_DRAWN, then Drawn → Joined, ALREADY_JOINED; leave a drawn seat', async () => {
    const { net, client, dir, media } = await localSetup();
    const [a, b, c] = await testWorkers(net, dir, 3);
    const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 2, draw: false });
    const request = sub.id as Address;
    // Before any draw nobody may join
    expect((await rejection(() => a!.join(request))).code).toBe(ErrorCode.NOT_DRAWN);
    await drawWorkers(net, client, request, [a!, b!]);
    // A worker that was not drawn still may not
    expect((await rejection(() => c!.join(request))).code).toBe(ErrorCode.NOT_DRAWN);
    // The drawn worker accepts: its bond is locked only now
    expect((await client.getWorker(a!.address))!.bonded).toBe(0n);
    await a!.join(request);
    const r = requestAccount(net, request);
    expect(r.seats.slice(0, 2).map((s) => s.state)).toEqual([SEAT_STATE_JOINED, SEAT_STATE_DRAWN]);
    expect((await client.getWorker(a!.address))!.bonded).toBe(r.seatBond);
    expect((await rejection(() => a!.join(request))).code).toBe(ErrorCode.ALREADY_JOINED);
    // A drawn worker may hand its seat back within half a commit window of its draw (nothing was bonded)
    await b!.leave(request);
    expect(requestAccount(net, request).joined).toBe(1);
    // And the next draw fills the seat again (from the cursor on)
    const res = await client.drawSeats(request);
    expect(res.seats).toBe(2);
  });

  test('half a commit window after its draw a seat not committed is replaced, accepted or only drawn: its worker forfeits the bond; a committed seat stays; accounts in seat order', async () => {
    const { net, client, dir, media } = await localSetup();
    const [a, b, c, d, e] = (await testWorkers(net, dir, 5)) as [TestWorker, TestWorker, TestWorker, TestWorker, TestWorker];
    const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 3, draw: false });
    const request = sub.id as Address;
    await drawWorkers(net, client, request, [a, b, c]);
    // Given a accepted and committed, b accepted and stays silent (a squatter), c only drawn
    await a.join(request);
    await a.commit(request, { verdict: 'Manipulated', confidence: 90 });
    await b.join(request);
    const bond = requestAccount(net, request).seatBond;
    const bBefore = (await client.getWorker(b.address))!;
    const cBefore = (await client.getWorker(c.address))!;
    expect([bBefore.bonded, bBefore.activeSeats]).toEqual([bond, 1]);
    expect([cBefore.bonded, cBefore.activeSeats]).toEqual([0n, 0]);
    // Before their answer time (all three drawn together) nothing is due for replacement and the request is full
    const drawn = requestAccount(net, request);
    const answerBy = protocol.answerBy(drawn, drawn.seats[1]!);
    expect(drawn.seats.slice(0, 3).map((s) => protocol.answerBy(drawn, s))).toEqual([answerBy, answerBy, answerBy]);
    expect(replacedSeats(requestAccount(net, request), answerBy - 1n)).toEqual([]);
    expect((await client.drawSeats(request)).signatures).toEqual([]);
    // When the clock reaches it with b silent and c still only drawn
    net.setTime(answerBy);
    const r = requestAccount(net, request);
    expect(r.seats.slice(0, 3).map((s) => s.state)).toEqual([SEAT_STATE_COMMITTED, SEAT_STATE_JOINED, SEAT_STATE_DRAWN]);
    expect(replacedSeats(r, net.now())).toEqual([b.address, c.address]);
    // Then a draw must pass b's then c's worker PDA first, writable: another order or another worker there is
    // DRAW_ACCOUNT_MISMATCH, a read-only one ACCOUNT_NOT_WRITABLE, too few NOT_ENOUGH_ACCOUNTS
    const send = async (args: Parameters<typeof ix.drawSeats>[0]) =>
      (await rejection(async () => net.process([await ix.drawSeats(args, net.programId)], client.wallet))).code;
    expect(await send({ request, replaced: [c.address, b.address] })).toBe(ErrorCode.DRAW_ACCOUNT_MISMATCH);
    expect(await send({ request, replaced: [b.address, d.address] })).toBe(ErrorCode.DRAW_ACCOUNT_MISMATCH);
    expect(await send({ request, replaced: [a.address, b.address, c.address] })).toBe(ErrorCode.DRAW_ACCOUNT_MISMATCH);
    expect(await send({ request, candidates: [await workerAddress(b.address)] })).toBe(ErrorCode.ACCOUNT_NOT_WRITABLE);
    expect(await send({ request, replaced: [b.address] })).toBe(ErrorCode.NOT_ENOUGH_ACCOUNTS);
    expect(await send({ request })).toBe(ErrorCode.NOT_ENOUGH_ACCOUNTS);
    expect(requestAccount(net, request)).toEqual(r);
    // And the client's draw replaces both (bonds to insurance, a WorkerSlashed event each, seat order) and draws again
    const insurance = (await client.getVault('insurance'))!.lamports;
    const res = await client.drawSeats(request);
    expect(res.replaced).toEqual([b.address, c.address]);
    expect((await client.getVault('insurance'))!.lamports).toBe(insurance + 2n * bond);
    // b's accepted seat: its bond was released (bonded, activeSeats back to 0), then forfeited from its stake
    const bAfter = (await client.getWorker(b.address))!;
    expect([bAfter.stake, bAfter.bonded, bAfter.activeSeats, bAfter.slashedTotal]).toEqual([bBefore.stake - bond, 0n, 0, bond]);
    expect(bAfter.reputation).toBe(protocol.reputationStep(bBefore.reputation, protocol.SeatOutcome.Uncommitted, r.reputationAlphaBps));
    // c's drawn seat: nothing was bonded, the bond comes out of the stake all the same
    const cAfter = (await client.getWorker(c.address))!;
    expect([cAfter.stake, cAfter.bonded, cAfter.activeSeats, cAfter.slashedTotal]).toEqual([cBefore.stake - bond, 0n, 0, bond]);
    expect(cAfter.reputation).toBe(protocol.reputationStep(cBefore.reputation, protocol.SeatOutcome.Uncommitted, r.reputationAlphaBps));
    // And the committed seat stays (its bond still locked); b's and c's stakes fell below the minimum: of the pool
    // only d and e are drawable, and take the two seats
    const aAfter = (await client.getWorker(a.address))!;
    expect([aAfter.bonded, aAfter.activeSeats]).toEqual([bond, 1]);
    const after = requestAccount(net, request);
    expect([after.joined, after.commits]).toEqual([3, 1]);
    expect([after.seats[0]!.authority, after.seats[0]!.state]).toEqual([a.address, SEAT_STATE_COMMITTED]);
    expect(after.seats.slice(1, 3).map((seat) => seat.state)).toEqual([SEAT_STATE_DRAWN, SEAT_STATE_DRAWN]);
    expect(after.seats.slice(1, 3).map((seat) => seat.authority).sort()).toEqual([d.address, e.address].sort());
    expect(res.drawn.map((x) => x.seat)).toEqual([1, 2]);
  });

  test('an accepted seat that stays silent: not replaced a second before its answer time, replaced at it (bond released, then forfeited)', async () => {
    const { net, client, dir, media } = await localSetup();
    const [a, b, c] = (await testWorkers(net, dir, 3)) as [TestWorker, TestWorker, TestWorker];
    const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 2, draw: false });
    const request = sub.id as Address;
    await drawWorkers(net, client, request, [a, b]);
    // Given a committed (out of the way) and b accepted, silent
    await a.join(request);
    await a.commit(request, { verdict: 'Manipulated', confidence: 90 });
    await b.join(request);
    const bond = requestAccount(net, request).seatBond;
    const before = (await client.getWorker(b.address))!;
    const insurance = (await client.getVault('insurance'))!.lamports;
    const answerBy = protocol.answerBy(requestAccount(net, request), requestAccount(net, request).seats[1]!);
    // When the clock is one second before b's answer time
    net.setTime(answerBy - 1n);
    const held = requestAccount(net, request);
    // Then b is not due: the SDK names nobody, the client sends nothing, the program has nothing to draw
    expect(replacedSeats(held, net.now())).toEqual([]);
    expect((await client.drawSeats(request)).signatures).toEqual([]);
    const refused = await rejection(async () => net.process([await ix.drawSeats({ request }, net.programId)], client.wallet));
    expect(refused.code).toBe(ErrorCode.NOTHING_TO_DRAW);
    // And b's seat, bond and stake are untouched
    expect(requestAccount(net, request)).toEqual(held);
    expect([held.seats[1]!.authority, held.seats[1]!.state]).toEqual([b.address, SEAT_STATE_JOINED]);
    expect(await client.getWorker(b.address)).toEqual(before);
    expect([before.bonded, before.activeSeats]).toEqual([bond, 1]);
    expect((await client.getVault('insurance'))!.lamports).toBe(insurance);
    // When the clock reaches b's answer time (positive control)
    net.setTime(answerBy);
    expect(replacedSeats(requestAccount(net, request), net.now())).toEqual([b.address]);
    const res = await client.drawSeats(request);
    // Then b is replaced: its bond released (bonded and activeSeats back to 0), then forfeited to insurance
    expect(res.replaced).toEqual([b.address]);
    const after = (await client.getWorker(b.address))!;
    expect([after.stake, after.bonded, after.activeSeats, after.slashedTotal]).toEqual([before.stake - bond, 0n, 0, before.slashedTotal + bond]);
    expect((await client.getVault('insurance'))!.lamports).toBe(insurance + bond);
    // And c, the only other drawable worker, is drawn into the seat; a's committed seat stays
    const r = requestAccount(net, request);
    expect(r.seats.slice(0, 2).map((seat) => [seat.authority, seat.state])).toEqual([
      [a.address, SEAT_STATE_COMMITTED],
      [c.address, SEAT_STATE_DRAWN],
    ]);
    expect(res.drawn).toEqual([{ worker: c.address, seat: 1 }]);
    // And b, no longer seated, cannot commit (NOT_JOINED)
    expect((await rejection(() => b.commit(request, { verdict: 'Manipulated', confidence: 90 }))).code).toBe(ErrorCode.NOT_JOINED);
  });

  test("a seat drawn late has its own window: not replaced at the request's halfway point, nor at once when drawn past it; replaced once its own window is over", async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir, 5);
    const [a, b] = workers as [TestWorker, TestWorker];
    const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 2, draw: false });
    const request = sub.id as Address;
    await drawWorkers(net, client, request, [a, b]);
    // (a answers: its seat is out of the way of every replacement)
    await a.join(request);
    await a.commit(request, { verdict: 'Manipulated', confidence: 90 });
    const created = requestAccount(net, request);
    const window = created.commitDeadline - created.createdAt;
    const halfway = created.createdAt + window / 2n;
    const nothingToDraw = async () => {
      expect(replacedSeats(requestAccount(net, request), net.now())).toEqual([]);
      expect((await client.drawSeats(request)).signatures).toEqual([]);
      const refused = await rejection(async () => net.process([await ix.drawSeats({ request }, net.programId)], client.wallet));
      expect(refused.code).toBe(ErrorCode.NOTHING_TO_DRAW);
    };
    // Given b gives its seat back a quarter into the commit window, and the draw seats another worker x then
    net.setTime(created.createdAt + window / 4n);
    await b.leave(request);
    const redraw = await client.drawSeats(request);
    expect(redraw.drawn.map((d) => d.seat)).toEqual([1]);
    const x = redraw.drawn[0]!.worker;
    const lateSeat = requestAccount(net, request).seats[1]!;
    expect([lateSeat.authority, lateSeat.state, lateSeat.drawnAt]).toEqual([x, SEAT_STATE_DRAWN, created.createdAt + window / 4n]);
    const xAnswerBy = protocol.answerBy(created, lateSeat);
    expect(xAnswerBy).toBe(lateSeat.drawnAt + window / 2n);
    expect(xAnswerBy).toBeLessThan(created.commitDeadline);
    // When the request's halfway point passes with x still only drawn, and until its own window is over
    // Then x's seat is not due: the client sends nothing and the program has nothing to draw
    for (const now of [halfway, xAnswerBy - 1n]) {
      net.setTime(now);
      await nothingToDraw();
    }
    expect(requestAccount(net, request).seats[1]!.authority).toBe(x);
    // When x's own window is over (positive control)
    net.setTime(xAnswerBy);
    const stake = (await client.getWorker(x))!.stake;
    const res = await client.drawSeats(request);
    // Then it is replaced (its bond forfeited) and another worker is drawn into the seat
    expect(res.replaced).toEqual([x]);
    expect((await client.getWorker(x))!.stake).toBe(stake - created.seatBond);
    expect(res.drawn.map((d) => d.seat)).toEqual([1]);
    const r = requestAccount(net, request);
    const pastHalfway = r.seats[1]!;
    expect([pastHalfway.authority, pastHalfway.state, pastHalfway.drawnAt]).toEqual([res.drawn[0]!.worker, SEAT_STATE_DRAWN, xAnswerBy]);
    // And that seat, drawn past the request's halfway point, answers only after the commit deadline: it is not
    // replaced at once, nor at the last second of the commit phase
    expect(pastHalfway.drawnAt).toBeGreaterThan(halfway);
    expect(protocol.answerBy(r, pastHalfway)).toBeGreaterThanOrEqual(r.commitDeadline);
    for (const now of [xAnswerBy, xAnswerBy + 1n, r.commitDeadline - 1n]) {
      net.setTime(now);
      await nothingToDraw();
    }
    expect(requestAccount(net, request).seats[1]).toEqual(pastHalfway);
    // And its worker may still give it back
    expect(protocol.leaveOpen(r, pastHalfway, net.now())).toBe(true);
    await workers.find((w) => w.address === pastHalfway.authority)!.leave(request);
    expect(requestAccount(net, request).joined).toBe(1);
  });

  test('the worker pool: one getProgramAccounts (dataSize + 4-byte dataSlice), cached, fetched again for a new index', async () => {
    const { net, dir } = await localSetup();
    const workers = await testWorkers(net, dir, 3);
    const calls: Array<Parameters<Transport['programAccounts']>> = [];
    const spy: Transport = Object.assign(Object.create(net) as LiteSvmTransport, {
      programAccounts: (...args: Parameters<Transport['programAccounts']>) => {
        calls.push(args);
        return net.programAccounts(...args);
      },
    });
    const pool = new WorkerPool(spy);
    const pdas = await Promise.all(workers.map((w) => workerAddress(w.address)));
    expect(await pool.addresses([2, 0, 1, 0])).toEqual([pdas[2], pdas[0], pdas[1], pdas[0]]);
    expect(await pool.addresses([1])).toEqual([pdas[1]]);
    expect(calls).toHaveLength(1);
    expect(calls[0]![1]).toEqual({ dataSize: ACCOUNT_SIZES.worker, dataSlice: { offset: WORKER_POOL_INDEX_OFFSET, length: 4 } });
    expect((await net.programAccounts(calls[0]![0], calls[0]![1])).every((a) => a.data.length === 4)).toBe(true);
    // A worker registered later: its index is fetched once more
    const { model } = await registerTestModel(net);
    const late = await TestWorker.register(net, dir, { model });
    expect(await pool.addresses([3])).toEqual([await workerAddress(late.address)]);
    expect(pool.fetches).toBe(2);
    // An index nobody has
    expect((await rejection(() => pool.addresses([9]))).code).toBe(ErrorCode.DRAW_ACCOUNT_MISMATCH);
  });

  test('NO_WORKERS_TO_DRAW with an empty pool: submitRequest still returns (the draw failure is logged)', async () => {
    const { client, media } = await localSetup();
    const warnings: string[] = [];
    const logged = await DFPNClient.create({ network: client.transport, wallet: client.wallet, logger: { warn: (m) => warnings.push(m) } });
    const sub = await logged.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 1 });
    expect(warnings.some((w) => w.includes('NO_WORKERS_TO_DRAW'))).toBe(true);
    expect((await rejection(() => logged.drawSeats(sub.id))).code).toBe(ErrorCode.NO_WORKERS_TO_DRAW);
    // (the client sent nothing: the program is the one refusing such a draw)
    const net = client.transport as LiteSvmTransport;
    expect(await net.signaturesForAddress(sub.id as Address)).toEqual([sub.signature]);
    const refused = await rejection(async () => net.process([await ix.drawSeats({ request: sub.id as Address }, net.programId)], client.wallet));
    expect(refused.code).toBe(ErrorCode.NO_WORKERS_TO_DRAW);
  });

  test('reference configuration: minWorkers defaults to the floor (5), below it is MIN_WORKERS_BELOW_FLOOR; the stake lottery', async () => {
    const net = await LiteSvmTransport.create({ programPath: PROGRAM_SO, params: REFERENCE_PARAMS });
    const client = await DFPNClient.create({ network: net });
    const media = `${tempDir()}/m.bin`;
    (await import('node:fs')).writeFileSync(media, 'media');
    expect((await client.getConfig()).params).toMatchObject({ minWorkersFloor: 5, drawStakeCap: 10_000_000_000n });
    const low = await rejection(() => client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 3, draw: false }));
    expect(low.code).toBe(ErrorCode.MIN_WORKERS_BELOW_FLOOR);
    const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, draw: false });
    expect([sub.minWorkers, sub.maxWorkers]).toEqual([5, 5]);
    // A minimum-stake worker wins the lottery only below 1 SOL of the 10 SOL cap; a worker staking the cap always
    const { model } = await registerTestModel(net);
    const small = await TestWorker.register(net, tempDir(), { model, stake: REFERENCE_PARAMS.minStake });
    const big = await TestWorker.register(net, tempDir(), { model });
    expect((await client.getWorker(big.address))!.stake).toBe(10_000_000_000n);
    const later = await client.submitRequest({ mediaPath: media, modalities: FACE, draw: false });
    const r = requestAccount(net, later.id as Address);
    net.setSlotHash(r.drawSlot, hashOf('reference draw'));
    const params = await configParams(net);
    const predicted = predictDraw(poolWorkers(net), params, r, expectedSeed(later.id as Address, hashOf('reference draw')), 16);
    const res = await client.drawSeats(later.id, { maxTransactions: 1 });
    expect(res.drawn.map((d) => d.worker)).toEqual(predicted.seated);
    expect(predicted.seated).toContain(big.address);
    // (the small worker is seated only if one of its candidate numbers drew a lottery number below 1 SOL)
    expect(predicted.seated.includes(small.address)).toBe(res.drawn.some((d) => d.worker === small.address));
  });
});

describe('drawing in the client flows', () => {
  test.each([
    ['never accepts its seat', false],
    ['accepts its seat and stays silent', true],
  ] as const)('waitForResult replaces a drawn worker that %s (its bond forfeited) once its own window is over', async (_, accepts) => {
    const { net, client, media } = await localSetup();
    // Three test workers that accept their drawn seats and commit, and a sleeper that at most accepts
    const running = await startTestWorkers(client, { count: 3, reportsDir: tempDir(), pollMs: 5 });
    try {
      const { model } = await registerTestModel(net);
      const sleeper = await TestWorker.register(net, tempDir(), { model });
      const [w0, w1] = running.workers;
      // The draw seats the sleeper and two test workers
      const sub = await client.submitRequest({ mediaPath: media, modalities: FACE, minWorkers: 3, draw: false });
      const request = sub.id as Address;
      await drawWorkers(net, client, request, [w0!, sleeper, w1!]);
      const bond = requestAccount(net, request).seatBond;
      const stake = (await client.getWorker(sleeper.address))!.stake;
      // The sleeper does not come back into the draw: its forfeited bond leaves its stake below the minimum (one
      // that never accepts also starts unbonding; an accepted seat forbids that)
      if (accepts) await sleeper.join(request);
      else await net.process([await ix.requestUnstake({ authority: sleeper.signer, amount: 1n }, net.programId)], sleeper.signer);
      const held = (await client.getWorker(sleeper.address))!;
      const sleeperState = accepts ? SEAT_STATE_JOINED : SEAT_STATE_DRAWN;
      const waiting = client.waitForResult(request, { timeout: 20_000 });
      // Wait until the two test workers committed while the sleeper's seat is still uncommitted
      for (let i = 0; i < 2000 && requestAccount(net, request).commits < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(requestAccount(net, request).commits).toBe(2);
      const answerBy = protocol.answerBy(requestAccount(net, request), requestAccount(net, request).seats[1]!);
      // A second before the sleeper's answer time the waiting client leaves its seat alone
      net.setTime(answerBy - 1n);
      await new Promise((r) => setTimeout(r, 150));
      expect(requestAccount(net, request).seats[1]!.authority).toBe(sleeper.address);
      expect(requestAccount(net, request).seats[1]!.state).toBe(sleeperState);
      expect(await client.getWorker(sleeper.address)).toEqual(held);
      // When the clock reaches it (the replacement is drawn then, past the request's halfway point: never replaced)
      net.setTime(answerBy);
      const result = await waiting;
      // Then the sleeper was replaced (bond forfeited; an accepted seat's released first) and the third test worker
      // answered in its place
      const after = (await client.getWorker(sleeper.address))!;
      expect([after.stake, after.bonded, after.activeSeats]).toEqual([(accepts ? stake : stake - 1n) - bond, 0n, 0]);
      expect(result.workerResults.map((w) => w.worker).sort()).toEqual(running.workers.map((w) => w.address).sort());
      expect(result.verdict).toBe('Manipulated');
    } finally {
      await running.stop();
    }
  });

  test('the quick start on the reference configuration: startTestWorkers defaults to the floor; submitRequest draws at once', async () => {
    const client = await DFPNClient.create({ network: await LiteSvmTransport.create({ programPath: PROGRAM_SO, params: REFERENCE_PARAMS }) });
    const running = await startTestWorkers(client, { reportsDir: tempDir() });
    try {
      expect(running.workers).toHaveLength(5);
      const media = `${tempDir()}/photo.jpg`;
      (await import('node:fs')).writeFileSync(media, 'not really a photo');
      const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation, Modality.ImageAuthenticity], maxFee: 0.01 });
      expect(sub.minWorkers).toBe(5);
      expect([...sub.drawn].sort()).toEqual(running.workers.map((w) => w.address).sort());
      const result = await client.waitForResult(sub.id, { timeout: 20_000 });
      expect([result.verdict, result.workerResults.length, result.feeLamports]).toEqual(['Manipulated', 5, 10_000_000n]);
    } finally {
      await running.stop();
    }
  });
});

// Keep an import of the sysvar address the tests rely on (the third account of draw_seats).
expect(SLOT_HASHES_SYSVAR).toBe('SysvarS1otHashes111111111111111111111111111');
