/**
 * `protocol.ts` against every case of tests/vectors.json — the same cases the program's own functions are checked
 * against (programs/dfpn/tests/vectors.rs) and the Python SDK's `dfpn.protocol` — and the generated constants
 * against the IDL's.
 */
import { describe, expect, test } from 'vitest';
import * as generatedConstants from '../src/generated/constants.js';
import {
  ALL_MODALITIES,
  CONSENSUS_TYPES,
  feeFromParams,
  isExpirable,
  isFinalizable,
  Modality,
  protocol,
  REFERENCE_PARAMS,
  REQUEST_STATUSES,
  SEAT_STATES,
  VERDICTS,
} from '../src/index.js';
import { loadIdl, loadVectors } from './helpers.js';

const V = loadVectors();
const IDL_CONSTANTS: Array<{ name: string; type: string; value: string }> = loadIdl().constants;

function cases(section: string): any[] {
  const found = V[section].cases;
  expect(found.length, `${section}: no cases`).toBeGreaterThan(0);
  return found;
}

/** A vectors request (snake_case, numbers) as the decoded account's fields. */
function phaseFields(r: any): protocol.PhaseFields {
  return {
    status: r.status ?? 0,
    commits: r.commits,
    reveals: r.reveals,
    minWorkers: r.min_workers,
    maxWorkers: r.max_workers,
    commitDeadline: BigInt(r.commit_deadline),
    deadline: BigInt(r.deadline),
  };
}

describe('phases', () => {
  test.each<any>(cases('phases').map((c: any, i: number) => [i, c.now, c]))('case %i (now %i)', (_i, _now, c) => {
    const r = phaseFields(c.request);
    const now = BigInt(c.now);
    expect([protocol.commitOpen(r, now), protocol.revealOpen(r, now), protocol.finalizable(r, now), protocol.expirable(r, now)]).toEqual([
      c.commit_open,
      c.reveal_open,
      c.finalizable,
      c.expirable,
    ]);
    // The names the client cranks with.
    expect([isFinalizable(r, now), isExpirable(r, now)]).toEqual([c.finalizable, c.expirable]);
  });
});

describe('leaving and answering a draw', () => {
  const leaveCases = cases('phases').flatMap((c: any, i: number) => [0n, 30n, 70n].map((after) => [i, after, c]));
  test.each<any>(leaveCases)('case %i, a seat drawn %i s after creation: half a commit window of its own', (_i, after, c) => {
    // Given a request of the phase vectors, created 100 s before its commit deadline, and a seat drawn some time
    // after its creation
    const base = phaseFields(c.request);
    const r = { ...base, createdAt: base.commitDeadline - 100n };
    const seat = { drawnAt: r.createdAt + after };
    // Then the seat must be answered half a commit window (50 s) after its draw, not at the request's halfway point
    const answerBy = seat.drawnAt + 50n;
    expect(protocol.answerBy(r, seat)).toBe(answerBy);
    // And it may be given back while the commit phase is open and that time has not come
    for (const now of [r.createdAt, r.createdAt + 50n, answerBy - 1n, answerBy, r.commitDeadline]) {
      expect(protocol.leaveOpen(r, seat, now), String(now)).toBe(protocol.commitOpen(r, now) && now < answerBy);
    }
  });

  test('answerBy divides the window toward zero and saturates as i64, as the program does', () => {
    const max = (1n << 63n) - 1n;
    expect(protocol.answerBy({ createdAt: 0n, commitDeadline: 101n }, { drawnAt: 10n })).toBe(60n);
    expect(protocol.answerBy({ createdAt: 0n, commitDeadline: -101n }, { drawnAt: 10n })).toBe(-40n);
    expect(protocol.answerBy({ createdAt: 0n, commitDeadline: 100n }, { drawnAt: max - 10n })).toBe(max);
    expect(protocol.answerBy({ createdAt: 0n, commitDeadline: -100n }, { drawnAt: -max })).toBe(-max - 1n);
  });
});

describe('fees', () => {
  const params = { ...REFERENCE_PARAMS, baseFees: V.fees.base_fees.map(BigInt), workerSurchargeBps: V.fees.worker_surcharge_bps };
  test.each<any>(V.fees.cases.map((c: any) => [c.modalities, c.min_workers, c.fee]))(
    'modalities %i with %i workers: %i lamports',
    (m: number, w: number, fee: number) => {
      expect(protocol.requestFee(params, m, w)).toBe(BigInt(fee));
      expect(feeFromParams(params, m, w)).toBe(BigInt(fee));
    },
  );

  test('refuses what the program refuses', () => {
    expect(() => protocol.requestFee(REFERENCE_PARAMS, 0, 1)).toThrow(RangeError);
    expect(() => protocol.requestFee(REFERENCE_PARAMS, 1 << 5, 1)).toThrow(/modalit/);
    expect(() => protocol.requestFee(REFERENCE_PARAMS, 1, 0)).toThrow(/min_workers/);
    expect(() => protocol.requestFee(REFERENCE_PARAMS, 1, generatedConstants.MAX_SEATS + 1)).toThrow(/min_workers/);
  });
});

describe('payouts', () => {
  test.each<any>(cases('payouts').map((c: any) => [c.fee, c.paid, c]))('fee %i among %i workers', (_f, _p, c) => {
    const fee = BigInt(c.fee);
    const split = protocol.splitFee(fee, c.paid);
    expect(split).toEqual({
      perWorker: BigInt(c.per_worker),
      perModel: BigInt(c.per_model),
      treasury: BigInt(c.treasury),
      insurance: BigInt(c.insurance),
    });
    expect(protocol.workerShare(fee, BigInt(c.paid))).toBe(BigInt(c.per_worker));
    const n = BigInt(c.paid);
    expect(split.perWorker * n + split.perModel * n + split.treasury + split.insurance).toBe(fee);
  });

  test('refuses zero paid workers', () => {
    expect(() => protocol.splitFee(100n, 0)).toThrow(/at least one paid worker/);
  });
});

describe('charged fees and seat bonds', () => {
  test.each<any>(cases('charges').map((c: any) => [c.fee, c.paid, c.consensus, c.no_consensus_fee_bps, c]))(
    'fee %s, %i paid, consensus %s, no-consensus share %i bps',
    (_f, _p, _c, _b, c) => {
      const charged = protocol.chargedFee(BigInt(c.fee), c.paid, c.consensus, c.no_consensus_fee_bps);
      expect(typeof charged).toBe('bigint');
      expect(charged).toBe(BigInt(c.charged));
      expect(protocol.chargedFee(BigInt(c.fee), BigInt(c.paid), c.consensus, c.no_consensus_fee_bps)).toBe(BigInt(c.charged));
    },
  );

  test.each<any>(cases('seat_bonds').map((c: any) => [c.fee, c.min_workers, c.multiplier, c]))(
    'fee %s, %i workers, multiplier %i',
    (_f, _w, _m, c) => {
      const bond = protocol.seatBond(BigInt(c.fee), c.min_workers, c.multiplier);
      expect(typeof bond).toBe('bigint');
      expect(bond).toBe(BigInt(c.bond));
    },
  );

  test('a seat bond needs at least one worker', () => {
    expect(() => protocol.seatBond(10_000n, 0, 10)).toThrow(/min_workers/);
  });

  test('the reference configuration: its bond is ten times a seat reward, and a 1 SOL stake covers seats', () => {
    const fee = protocol.requestFee(REFERENCE_PARAMS, ALL_MODALITIES, 1);
    expect(protocol.seatBond(fee, 1, REFERENCE_PARAMS.seatBondMultiplier)).toBe(10n * protocol.workerShare(fee, 1));
    expect(REFERENCE_PARAMS.minStake / protocol.seatBond(fee, 1, REFERENCE_PARAMS.seatBondMultiplier)).toBe(7n);
  });
});

describe('aggregation', () => {
  test.each<any>(cases('aggregation').map((c: any, i: number) => [i, c]))('case %i', (_i, c) => {
    const votes: protocol.Vote[] = c.votes.map((v: any) => ({ verdict: v.verdict, confidence: v.confidence, weight: v.weight }));
    expect(protocol.aggregate(votes, c.min_consensus_weight)).toEqual({
      verdict: c.verdict,
      confidence: c.confidence,
      consensus: c.consensus,
    });
  });
});

describe('reputation, slashing, weights', () => {
  test.each<any>(cases('reputation').map((c: any) => [c.reputation, c.alpha_bps, c]))('reputation %i, alpha %i bps', (_r, _a, c) => {
    expect(protocol.updateReputation(c.reputation, true, c.alpha_bps)).toBe(c.challenge_passed);
    expect(protocol.updateReputation(c.reputation, false, c.alpha_bps)).toBe(c.uncommitted);
    expect(protocol.penalizeNonReveal(c.reputation, c.alpha_bps)).toBe(c.non_reveal);
    // Every seat outcome the case gives (the vectors name them as `SeatOutcome`'s values).
    for (const outcome of Object.values(protocol.SeatOutcome).filter((o) => o in c)) {
      expect(protocol.reputationStep(c.reputation, outcome, c.alpha_bps), outcome).toBe(c[outcome]);
    }
    // At finalization agreeing counts only with MIN_REVEALS_FOR_REPUTATION revealers; every other outcome always
    const min = generatedConstants.MIN_REVEALS_FOR_REPUTATION;
    for (const outcome of Object.values(protocol.SeatOutcome).filter((o) => o in c)) {
      const below = outcome === protocol.SeatOutcome.Agreed ? c.reputation : c[outcome];
      expect(protocol.finalizeReputation(c.reputation, outcome, c.alpha_bps, min - 1), `${outcome}, ${min - 1} reveals`).toBe(below);
      expect(protocol.finalizeReputation(c.reputation, outcome, c.alpha_bps, min), `${outcome}, ${min} reveals`).toBe(c[outcome]);
    }
  });

  test('reputation counts from MIN_REVEALS_FOR_REPUTATION (3) reveals', () => {
    expect(generatedConstants.MIN_REVEALS_FOR_REPUTATION).toBe(3);
    expect([0, 1, 2, 3, 4, 10].map(protocol.reputationCounts)).toEqual([false, false, false, true, true, true]);
  });

  test.each<any>(cases('slashing').map((c: any) => [c.stake, c.fee, c.min_workers, c.non_reveal_slash_bps, c]))(
    'stake %s, fee %s, %i workers, non-reveal slash %i bps of the seat reward',
    (_s, _f, _w, _b, c) => {
      const slashed = protocol.nonRevealSlash(BigInt(c.stake), BigInt(c.fee), c.min_workers, c.non_reveal_slash_bps);
      expect(typeof slashed).toBe('bigint');
      expect(slashed).toBe(BigInt(c.slashed));
    },
  );

  test('the slashing vectors span the bounds, a stake that caps the slash and one that does not', () => {
    const all = cases('slashing');
    const bps = new Set(all.map((c: any) => c.non_reveal_slash_bps));
    expect(bps.has(generatedConstants.MIN_NON_REVEAL_SLASH_BPS) && bps.has(generatedConstants.MAX_NON_REVEAL_SLASH_BPS)).toBe(true);
    expect(all.some((c: any) => BigInt(c.slashed) === BigInt(c.stake) && c.stake > 0)).toBe(true);
    expect(all.some((c: any) => BigInt(c.slashed) < BigInt(c.stake) && BigInt(c.slashed) > 0n)).toBe(true);
  });

  test("the non-reveal slash is sized to the seat reward, not to the stake (the program's worked examples)", () => {
    // fee 3 000 000, 3 workers: a seat earns ⌊1 950 000 / 3⌋ = 650 000
    expect(protocol.perSeatReward(3_000_000n, 3)).toBe(650_000n);
    expect(protocol.nonRevealSlash(1_000_000_000n, 3_000_000n, 3, 30_000)).toBe(1_950_000n); // 3x
    expect(protocol.nonRevealSlash(1_000_000_000n, 3_000_000n, 3, 15_000)).toBe(975_000n); // 1.5x
    expect(protocol.nonRevealSlash(1_000_000n, 3_000_000n, 3, 30_000)).toBe(1_000_000n); // capped at the stake
    // A larger stake loses no more
    expect(protocol.nonRevealSlash(2_000_000_000n, 3_000_000n, 3, 30_000)).toBe(1_950_000n);
    // The remainder of the bps is rounded down apart from the whole multiples: reward 7, 1.5x = 7 + ⌊3.5⌋ = 10
    expect(protocol.perSeatReward(11n, 1)).toBe(7n);
    expect(protocol.nonRevealSlash(100n, 11n, 1, 15_000)).toBe(10n);
    // The seat bond has the same basis
    expect(protocol.seatBond(3_000_000n, 3, 10)).toBe(10n * protocol.perSeatReward(3_000_000n, 3));
  });

  test('the non-reveal slash refuses zero workers and a bps outside a u16', () => {
    expect(() => protocol.nonRevealSlash(1n, 10_000n, 0, 30_000)).toThrow(/min_workers/);
    expect(() => protocol.nonRevealSlash(1n, 10_000n, 1, -1)).toThrow(/non_reveal_slash_bps/);
    expect(() => protocol.nonRevealSlash(1n, 10_000n, 1, 65_536)).toThrow(/non_reveal_slash_bps/);
    expect(() => protocol.nonRevealSlash(1n, 10_000n, 1, 1.5)).toThrow(/non_reveal_slash_bps/);
    // Positive control: the u16 edges compute
    expect(protocol.nonRevealSlash(10n ** 18n, 10_000n, 1, 0)).toBe(0n);
    expect(protocol.nonRevealSlash(10n ** 18n, 10_000n, 1, 65_535)).toBe(6_500n * 6n + (6_500n * 5_535n) / 10_000n);
  });

  test.each<any>(cases('weights').map((c: any) => [c.reputation, c.max_weight_bps, c]))('reputation %i capped at %i', (_r, _m, c) => {
    expect(protocol.weight(c.reputation, c.max_weight_bps)).toBe(c.weight);
  });
});

describe('the reference configuration', () => {
  test("is within the program's configuration bounds (generated constants)", () => {
    const c = generatedConstants;
    const p = REFERENCE_PARAMS;
    expect(p.baseFees.every((f) => f >= c.MIN_BASE_FEE && f <= 1_000_000_000_000n)).toBe(true);
    expect(p.nonRevealSlashBps).toBeGreaterThanOrEqual(c.MIN_NON_REVEAL_SLASH_BPS);
    expect(p.nonRevealSlashBps).toBeLessThanOrEqual(c.MAX_NON_REVEAL_SLASH_BPS);
    expect(p.maxDeadlineSecs >= p.minDeadlineSecs && p.maxDeadlineSecs <= c.MAX_DEADLINE_SECS_CEILING).toBe(true);
    expect(p.noConsensusFeeBps).toBeLessThanOrEqual(c.MAX_NO_CONSENSUS_FEE_BPS);
    expect(p.seatBondMultiplier).toBeGreaterThanOrEqual(c.MIN_SEAT_BOND_MULTIPLIER);
    expect(p.seatBondMultiplier).toBeLessThanOrEqual(c.MAX_SEAT_BOND_MULTIPLIER);
    // docs/protocol.md's values of the #14 parameters
    expect([p.maxDeadlineSecs, p.noConsensusFeeBps, p.seatBondMultiplier]).toEqual([86_400n, 2_000, 10]);
    // #15 point 3: a committed seat that does not reveal loses 3x its reward
    expect(p.nonRevealSlashBps).toBe(30_000);
    expect([c.MIN_NON_REVEAL_SLASH_BPS, c.MAX_NON_REVEAL_SLASH_BPS]).toEqual([10_000, 60_000]);
    expect('MAX_SLASH_BPS' in c).toBe(false);
    // #15 point 1: a failed known-answer challenge costs 2 % of the stake (at most 5 %); crankers wait 120 s
    expect(p.challengeSlashBps).toBe(200);
    expect(p.challengeSlashBps).toBeLessThanOrEqual(c.MAX_CHALLENGE_SLASH_BPS);
    expect([c.MAX_CHALLENGE_SLASH_BPS, c.FINALIZE_GRACE_SECS]).toEqual([500, 120n]);
  });
});

describe('challenges and who finalizes', () => {
  test.each<any>(cases('phases').map((c: any, i: number) => [i, c]))(
    'case %i: anyone finalizes from deadline + FINALIZE_GRACE_SECS, the client as soon as finalizable',
    (_i, c) => {
      const r = phaseFields(c.request);
      const opens = protocol.finalizeOpenToAnyoneAt(r);
      expect(opens).toBe(r.deadline + generatedConstants.FINALIZE_GRACE_SECS);
      // At the vector's time, and from the deadline to past the grace period
      for (const now of [BigInt(c.now), r.deadline, opens - 1n, opens, opens + 1n]) {
        const expected = protocol.finalizable(r, now) && now >= opens;
        expect(protocol.finalizableByAnyone(r, now), String(now)).toBe(expected);
        // never open to anyone while not finalizable at all
        if (!protocol.finalizable(r, now)) expect(protocol.finalizableByAnyone(r, now)).toBe(false);
      }
    },
  );

  test('the deadline + grace sum saturates at the largest i64, as the program adds', () => {
    const max = (1n << 63n) - 1n;
    expect(protocol.finalizeOpenToAnyoneAt({ deadline: max - 1n })).toBe(max);
    expect(protocol.finalizeOpenToAnyoneAt({ deadline: max - 120n })).toBe(max);
    expect(protocol.finalizeOpenToAnyoneAt({ deadline: 1_000n })).toBe(1_120n);
  });

  test('who is paid: the label with a revealed challenge, else the consensus voters, else every revealer', () => {
    const [A, M] = [1, 2];
    expect([A, M].map((v) => protocol.isPaid(v, { consensusVerdict: M }))).toEqual([false, true]);
    expect([A, M].map((v) => protocol.isPaid(v, { consensusVerdict: null }))).toEqual([true, true]);
    // A known answer wins over the consensus, and over its absence
    expect([A, M].map((v) => protocol.isPaid(v, { consensusVerdict: M, challengeLabel: A }))).toEqual([true, false]);
    expect([A, M].map((v) => protocol.isPaid(v, { consensusVerdict: null, challengeLabel: M }))).toEqual([false, true]);
    expect(protocol.isPaid(M, { consensusVerdict: M, challengeLabel: null })).toBe(true);
  });

  test('a failed challenge slashes challenge_slash_bps of the stake, rounded down as mulBps', () => {
    expect(protocol.challengeSlash(1_000_000_000n, 200)).toBe(20_000_000n);
    expect(protocol.challengeSlash(1_000_000_000n, 500)).toBe(50_000_000n);
    expect(protocol.challengeSlash(999n, 200)).toBe(19n);
    expect(protocol.challengeSlash(2n ** 64n - 1n, 500)).toBe(protocol.mulBps(2n ** 64n - 1n, 500));
    expect(protocol.challengeSlash(123n, 0)).toBe(0n);
  });
});

describe('generated constants are the IDL constants', () => {
  test('every IDL constant, with its value and kind', () => {
    expect(IDL_CONSTANTS.length).toBeGreaterThan(40);
    const exported = generatedConstants as unknown as Record<string, unknown>;
    for (const c of IDL_CONSTANTS) {
      const value = exported[c.name];
      if (c.type === 'bytes') expect([...(value as Uint8Array)], c.name).toEqual(JSON.parse(c.value));
      else if (c.type === 'u64' || c.type === 'i64') expect(value, c.name).toBe(BigInt(c.value));
      else expect(value, c.name).toBe(Number(c.value));
    }
  });

  test("the SDK's enums are the IDL's", () => {
    const byPrefix = (prefix: string) =>
      IDL_CONSTANTS.filter((c) => c.name.startsWith(prefix) && !/_(COUNT|ALL)$/.test(c.name)).map((c) => Number(c.value));
    expect(Object.values(Modality)).toEqual(byPrefix('MODALITY_'));
    expect(ALL_MODALITIES).toBe(byPrefix('MODALITY_').reduce((a, b) => a | b, 0));
    expect(VERDICTS.map((_, i) => i)).toEqual(byPrefix('VERDICT_'));
    expect(CONSENSUS_TYPES.map((_, i) => i)).toEqual(byPrefix('CONSENSUS_'));
    expect(REQUEST_STATUSES.map((_, i) => i)).toEqual(byPrefix('REQUEST_STATUS_'));
    expect(SEAT_STATES.map((_, i) => i)).toEqual(byPrefix('SEAT_STATE_'));
    // Names: the IDL constant's suffix in PascalCase.
    const names = (prefix: string) =>
      IDL_CONSTANTS.filter((c) => c.name.startsWith(prefix) && !/_(COUNT|ALL)$/.test(c.name)).map((c) =>
        c.name
          .slice(prefix.length)
          .toLowerCase()
          .replace(/(^|_)([a-z])/g, (_m, _u, ch: string) => ch.toUpperCase()),
      );
    expect(Object.keys(Modality)).toEqual(names('MODALITY_'));
    expect([...VERDICTS]).toEqual(names('VERDICT_'));
    expect([...CONSENSUS_TYPES]).toEqual(names('CONSENSUS_'));
    expect([...REQUEST_STATUSES]).toEqual(names('REQUEST_STATUS_'));
    expect([...SEAT_STATES]).toEqual(names('SEAT_STATE_'));
  });
});
