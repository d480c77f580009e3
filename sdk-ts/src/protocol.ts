/**
 * The program's rules, written once for TypeScript: the phases of a request, the fee, the fee split, aggregation,
 * reputation and slashing.
 *
 * Each function mirrors the program's own (`programs/dfpn/src/state/request.rs`, `aggregation.rs`) and is checked
 * against the same cases of tests/vectors.json as the program and the Python SDK (`dfpn.protocol`), so a rule change
 * fails in every language at once. Numbers come from the generated constants (the IDL), never from hand-written
 * copies. docs/protocol.md explains each rule.
 *
 * Lamports and stakes are `bigint` (u64 on-chain); reputations, bps of a configuration, verdicts, confidences and
 * counts are `number`; `now` and deadlines are unix timestamps as `bigint` (i64), like the decoded accounts.
 * @module
 */
import {
  AGREEMENT_STEP_DIVISOR,
  BPS,
  CONSENSUS_MAJORITY,
  CONSENSUS_NONE,
  CONSENSUS_SUPERMAJORITY,
  CONSENSUS_UNANIMOUS,
  FINALIZE_GRACE_SECS,
  MAJORITY_ABOVE_BPS,
  MAX_CONFIDENCE,
  MAX_SEATS,
  MIN_REVEALS_FOR_REPUTATION,
  MODELS_BPS,
  NON_REVEAL_PENALTY_FACTOR,
  REPUTATION_COIN_FLIP,
  REPUTATION_FULL_WEIGHT,
  REPUTATION_MAX,
  REQUEST_STATUS_OPEN,
  SUPERMAJORITY_BPS,
  TREASURY_BPS,
  VERDICT_COUNT,
  VERDICT_INCONCLUSIVE,
  WORKERS_BPS,
} from './generated/constants.js';
import type { ConfigParams, ConfigParamsArgs, Request, Seat } from './generated/index.js';

const BPS_NUMBER = Number(BPS);

// ---- phases (docs/protocol.md "Phases"); a request that is not open is in none of them -------------------------

/** The request fields the phase rules read (a decoded `Request` has them). */
export type PhaseFields = Pick<
  Request,
  'status' | 'commits' | 'reveals' | 'minWorkers' | 'maxWorkers' | 'commitDeadline' | 'deadline'
>;

/** Whether a request status still accepts joins, commits and reveals (not finalized or expired). */
export function isOpen(status: number): boolean {
  return status === REQUEST_STATUS_OPEN;
}

/** Drawing, accepting and committing: an open request before the commit deadline while some seat may still commit. */
export function commitOpen(r: PhaseFields, now: bigint): boolean {
  return isOpen(r.status) && now < r.commitDeadline && r.commits < r.maxWorkers;
}

/** The request fields the leave rule reads besides the phase fields. */
export type LeaveFields = PhaseFields & Pick<Request, 'createdAt'>;

/** The seat field the leave and replacement rules read (a decoded `Seat` has it). */
export type SeatTimeFields = Pick<Seat, 'drawnAt'>;

/**
 * When a seat's worker must have answered its draw (`Request::answer_by`): half a commit window after it was drawn,
 * `drawnAt + ⌊(commitDeadline − createdAt) / 2⌋` (i64: the division rounds toward zero and the sum saturates, as
 * Rust's do). Before, the worker may give the seat back, drawn or accepted ({@link leaveOpen}); from then on a seat
 * that has not committed (still only drawn, or accepted with `join_request` and silent) is replaced by the next
 * `draw_seats` (`draw.replacedSeats`) and its worker forfeits the bond. A seat drawn in the second half of the commit
 * window answers after the commit deadline, so it is never replaced.
 */
export function answerBy(r: Pick<Request, 'createdAt' | 'commitDeadline'>, seat: SeatTimeFields): bigint {
  const at = seat.drawnAt + (r.commitDeadline - r.createdAt) / 2n;
  return at > I64_MAX ? I64_MAX : at < I64_MIN ? I64_MIN : at;
}

/**
 * Giving back an uncommitted seat, drawn or accepted (`leave_request`): the commit phase is open and the seat's
 * {@link answerBy} has not come; later a seat is a promise to the client (`LEAVE_WINDOW_CLOSED`).
 */
export function leaveOpen(r: LeaveFields, seat: SeatTimeFields, now: bigint): boolean {
  return commitOpen(r, now) && now < answerBy(r, seat);
}

/** Revealing: an open request whose commit phase is over with enough commitments, before the deadline. */
export function revealOpen(r: PhaseFields, now: bigint): boolean {
  return isOpen(r.status) && !commitOpen(r, now) && r.commits >= r.minWorkers && now < r.deadline;
}

/** An open request with enough commitments whose deadline passed or whose committers all revealed after the commit
 * phase: `finalize_request` accepts it. */
export function finalizable(r: PhaseFields, now: bigint): boolean {
  return (
    isOpen(r.status) &&
    r.commits >= r.minWorkers &&
    (now >= r.deadline || (!commitOpen(r, now) && r.reveals === r.commits))
  );
}

/**
 * When anyone, not only the client, may finalize: `deadline + FINALIZE_GRACE_SECS`. Until then `finalize_request`
 * needs the client's signature (`FINALIZE_RESERVED_FOR_CLIENT` otherwise), so a challenger has time to reveal its
 * label before a worker could finalize to dodge it.
 */
export function finalizeOpenToAnyoneAt(r: Pick<Request, 'deadline'>): bigint {
  const at = r.deadline + FINALIZE_GRACE_SECS;
  return at > I64_MAX ? I64_MAX : at; // the program's saturating i64 addition
}

/** The largest and smallest i64: timestamps are i64 on-chain. */
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

/** A {@link finalizable} request that anyone may finalize (a cranker: not its client): from
 * {@link finalizeOpenToAnyoneAt} on. The client itself may as soon as it is finalizable. */
export function finalizableByAnyone(r: PhaseFields, now: bigint): boolean {
  return finalizable(r, now) && now >= finalizeOpenToAnyoneAt(r);
}

/** An open request whose commit phase ended without enough commitments: `expire_request` accepts it. */
export function expirable(r: PhaseFields, now: bigint): boolean {
  return isOpen(r.status) && now >= r.commitDeadline && r.commits < r.minWorkers;
}

/** {@link finalizable}, by the name the client exports. */
export const isFinalizable: (r: PhaseFields, now: bigint) => boolean = finalizable;
/** {@link expirable}, by the name the client exports. */
export const isExpirable: (r: PhaseFields, now: bigint) => boolean = expirable;

// ---- fees and payout (docs/protocol.md "Fees", "Payout and rounding rule") ---------------------------------------

/** `value × bps / 10 000` rounded down, as the program computes it (`RangeError` when bps is not 0..10 000). */
export function mulBps(value: bigint, bps: bigint | number): bigint {
  const b = BigInt(bps);
  if (b < 0n || b > BPS) throw new RangeError(`${b} bps: must be 0..${BPS}`);
  return (value / BPS) * b + ((value % BPS) * b) / BPS;
}

/**
 * The fee the program records for a request: `base = Σ base_fees[m]` over the requested modalities,
 * `fee = base + ⌊base × (min_workers − 1) × worker_surcharge_bps / 10 000⌋`. `RangeError` for a mask naming no known
 * modality or `minWorkers` outside 1..MAX_SEATS.
 */
export function requestFee(params: ConfigParams | ConfigParamsArgs, modalities: number, minWorkers: number): bigint {
  const n = params.baseFees.length;
  if (!Number.isInteger(modalities) || modalities <= 0 || modalities >= 1 << n) {
    throw new RangeError(`modalities mask ${modalities}: name at least one known modality`);
  }
  if (!Number.isInteger(minWorkers) || minWorkers < 1 || minWorkers > MAX_SEATS) {
    throw new RangeError(`min_workers ${minWorkers}: must be 1..${MAX_SEATS}`);
  }
  let base = 0n;
  params.baseFees.forEach((fee, bit) => {
    if (modalities & (1 << bit)) base += BigInt(fee);
  });
  return base + (base * BigInt(minWorkers - 1) * BigInt(params.workerSurchargeBps)) / BPS;
}

/** How a fee is divided among the paid workers; the parts add up to the fee exactly. */
export interface FeeSplit {
  /** Paid to each paid worker. */
  perWorker: bigint;
  /** Paid to the model of each paid worker. */
  perModel: bigint;
  treasury: bigint;
  /** The insurance share plus every lamport of rounding dust. */
  insurance: bigint;
}

/**
 * Split `fee` among `paid` workers: the workers' share (`WORKERS_BPS`), the models' (`MODELS_BPS`) and the
 * treasury's (`TREASURY_BPS`), each rounded down; insurance gets the rest. `RangeError` for fewer than one worker.
 */
export function splitFee(fee: bigint, paid: number | bigint): FeeSplit {
  const n = BigInt(paid);
  if (n < 1n) throw new RangeError('at least one paid worker');
  const perWorker = mulBps(fee, WORKERS_BPS) / n;
  const perModel = mulBps(fee, MODELS_BPS) / n;
  const treasury = mulBps(fee, TREASURY_BPS);
  return { perWorker, perModel, treasury, insurance: fee - perWorker * n - perModel * n - treasury };
}

/** What each paid worker earns from a fee. */
export function workerShare(fee: bigint, paid: number | bigint): bigint {
  return splitFee(fee, paid).perWorker;
}

/**
 * Whether a revealed seat with `verdict` is paid at finalization: with a revealed known-answer challenge
 * (`challengeLabel`: the request's `challengeLabel` when `challenged`), exactly the revealers of the label, whatever
 * the consensus; otherwise, with a consensus (`consensusVerdict`), its voters, and without one every revealer. The
 * request then charges `chargedFee(fee, paid, consensus || challenged, …)`.
 */
export function isPaid(
  verdict: number,
  { consensusVerdict, challengeLabel }: { consensusVerdict: number | null; challengeLabel?: number | null },
): boolean {
  if (challengeLabel !== undefined && challengeLabel !== null) return verdict === challengeLabel;
  return consensusVerdict === null || verdict === consensusVerdict;
}

/**
 * The part of the fee a finalized request charges (the rest of the escrow goes back to the client): all of it when a
 * consensus pays its `paid` agreeing revealers, `noConsensusFeeBps` of it (split among all revealers) when they
 * reached no consensus, nothing without revealers.
 */
export function chargedFee(fee: bigint, paid: number | bigint, consensus: boolean, noConsensusFeeBps: number): bigint {
  if (BigInt(paid) === 0n) return 0n;
  return consensus ? fee : mulBps(fee, noConsensusFeeBps);
}

/**
 * A request's per-seat reward, `⌊⌊fee × 65 %⌋ / minWorkers⌋`: what each seat earns when the fee is paid out among
 * `minWorkers` (the basis of the seat bond and of the non-reveal slash). `RangeError` for `minWorkers` below 1.
 */
export function perSeatReward(fee: bigint, minWorkers: number): bigint {
  if (!Number.isInteger(minWorkers) || minWorkers < 1) throw new RangeError(`min_workers ${minWorkers}: must be at least 1`);
  return mulBps(fee, WORKERS_BPS) / BigInt(minWorkers);
}

/**
 * The bond a seat locks in its worker's stake from join until the request ends (forfeited to insurance by a seat
 * that never commits): `multiplier × ⌊⌊fee × 65 %⌋ / minWorkers⌋`, the per-seat reward of the request scaled up.
 * `RangeError` for `minWorkers` below 1.
 */
export function seatBond(fee: bigint, minWorkers: number, multiplier: number): bigint {
  return perSeatReward(fee, minWorkers) * BigInt(multiplier);
}

// ---- aggregation, reputation, slashing (docs/protocol.md "Aggregation", "Reputation and slashing") ---------------

/** One revealed answer as the aggregation sees it (program codes). */
export interface Vote {
  verdict: number;
  confidence: number;
  weight: number | bigint;
}

/** The aggregated result (program codes for verdict and consensus). */
export interface Outcome {
  verdict: number;
  confidence: number;
  consensus: number;
}

/**
 * A worker's voting weight: its reputation above a coin flip (`REPUTATION_COIN_FLIP`), rescaled so that
 * `REPUTATION_FULL_WEIGHT` weighs 10 000, capped at `maxWeightBps`.
 */
export function weight(reputation: number, maxWeightBps: number): number {
  const above = Math.max(Math.min(reputation, REPUTATION_MAX) - REPUTATION_COIN_FLIP, 0);
  return Math.min(Math.floor((above * REPUTATION_MAX) / (REPUTATION_FULL_WEIGHT - REPUTATION_COIN_FLIP)), maxWeightBps);
}

function consensusKind(share: bigint): number {
  if (share === BPS) return CONSENSUS_UNANIMOUS;
  if (share >= SUPERMAJORITY_BPS) return CONSENSUS_SUPERMAJORITY;
  if (share > MAJORITY_ABOVE_BPS) return CONSENSUS_MAJORITY;
  return CONSENSUS_NONE;
}

/** Reputation-weighted vote: the leading verdict, its consensus type and weighted confidence. */
export function aggregate(votes: readonly Vote[], minConsensusWeight: number | bigint): Outcome {
  const none: Outcome = { verdict: VERDICT_INCONCLUSIVE, confidence: 0, consensus: CONSENSUS_NONE };
  const weights: bigint[] = new Array<bigint>(VERDICT_COUNT).fill(0n);
  const weightedConfidence: bigint[] = new Array<bigint>(VERDICT_COUNT).fill(0n);
  for (const v of votes) {
    const i = Math.min(v.verdict, VERDICT_COUNT - 1);
    const w = BigInt(v.weight);
    weights[i] = weights[i]! + w;
    const capped = w < BigInt(REPUTATION_MAX) ? w : BigInt(REPUTATION_MAX);
    weightedConfidence[i] = weightedConfidence[i]! + capped * BigInt(Math.min(v.confidence, MAX_CONFIDENCE));
  }
  const total = weights.reduce((a, b) => a + b, 0n);
  if (votes.length === 0 || total === 0n || total < BigInt(minConsensusWeight)) return none;
  let leader = 0;
  for (let i = 1; i < VERDICT_COUNT; i++) if (weights[i]! > weights[leader]!) leader = i;
  const lead = weights[leader]!;
  if (weights.some((w, i) => i !== leader && w === lead)) return none;
  const share = (lead * BPS) / total;
  const consensus = consensusKind(share);
  if (consensus === CONSENSUS_NONE) return none;
  const confidence = ((weightedConfidence[leader]! / lead) * share) / BPS;
  return { verdict: leader, confidence: Number(confidence), consensus };
}

/** Moving average toward `REPUTATION_MAX` (agreed with the consensus) or 0 (disagreed), by `alphaBps`. */
export function updateReputation(reputation: number, agreed: boolean, alphaBps: number): number {
  const rep = Math.min(reputation, REPUTATION_MAX);
  const alpha = Math.min(alphaBps, BPS_NUMBER);
  return agreed
    ? rep + Math.floor(((REPUTATION_MAX - rep) * alpha) / BPS_NUMBER)
    : rep - Math.floor((rep * alpha) / BPS_NUMBER);
}

/** A committer that did not reveal (or a failed challenge) loses reputation `NON_REVEAL_PENALTY_FACTOR` times as fast as a passed challenge gains it. */
export function penalizeNonReveal(reputation: number, alphaBps: number): number {
  return updateReputation(reputation, false, Math.min(alphaBps * NON_REVEAL_PENALTY_FACTOR, BPS_NUMBER));
}

/** How a seat ended, as its worker's reputation step sees it (the keys of the reputation vectors). */
export const SeatOutcome = {
  /** Revealed the label of a revealed known-answer challenge. */
  ChallengePassed: 'challenge_passed',
  /** Revealed another verdict than the label of a revealed known-answer challenge (also slashed). */
  ChallengeFailed: 'challenge_failed',
  /** Revealed the consensus verdict (not a challenge). */
  Agreed: 'agreed',
  /** Revealed a verdict other than the consensus (not a challenge). */
  Disagreed: 'disagreed',
  /** Revealed, and the request ended without a consensus. */
  NoConsensus: 'no_consensus',
  /** Committed and did not reveal (also slashed). */
  NonReveal: 'non_reveal',
  /** Joined (or was drawn) and never committed. */
  Uncommitted: 'uncommitted',
} as const;
/** One of {@link SeatOutcome}. */
export type SeatOutcome = (typeof SeatOutcome)[keyof typeof SeatOutcome];

/**
 * A worker's reputation after finalization. Known answers drive it: toward `REPUTATION_MAX` by `alphaBps` on a passed
 * challenge, toward 0 `NON_REVEAL_PENALTY_FACTOR` times as fast on a failed one or a missing reveal. Agreeing or
 * disagreeing with a consensus moves it only `⌊alphaBps / AGREEMENT_STEP_DIVISOR⌋`; never committing moves it
 * `alphaBps` toward 0; no consensus leaves it unchanged.
 */
export function reputationStep(reputation: number, outcome: SeatOutcome, alphaBps: number): number {
  const agreementAlpha = Math.floor(alphaBps / AGREEMENT_STEP_DIVISOR);
  switch (outcome) {
    case SeatOutcome.ChallengePassed:
      return updateReputation(reputation, true, alphaBps);
    case SeatOutcome.Agreed:
      return updateReputation(reputation, true, agreementAlpha);
    case SeatOutcome.Disagreed:
      return updateReputation(reputation, false, agreementAlpha);
    case SeatOutcome.Uncommitted:
      return updateReputation(reputation, false, alphaBps);
    case SeatOutcome.ChallengeFailed:
    case SeatOutcome.NonReveal:
      return penalizeNonReveal(reputation, alphaBps);
    case SeatOutcome.NoConsensus:
      return reputation;
  }
}

/** Whether agreeing with the consensus raises reputation at finalization: only when at least
 * `MIN_REVEALS_FOR_REPUTATION` workers revealed (one key answering alone cannot farm reputation). */
export function reputationCounts(reveals: number): boolean {
  return reveals >= MIN_REVEALS_FOR_REPUTATION;
}

/**
 * A seat's worker's reputation after `finalize_request` of a request with `reveals` revealers: {@link reputationStep},
 * except that agreeing leaves it unchanged below `MIN_REVEALS_FOR_REPUTATION` reveals.
 */
export function finalizeReputation(reputation: number, outcome: SeatOutcome, alphaBps: number, reveals: number): number {
  if (outcome === SeatOutcome.Agreed && !reputationCounts(reveals)) return reputation;
  return reputationStep(reputation, outcome, alphaBps);
}

/**
 * Stake moved to insurance from a seat that committed and did not reveal: `nonRevealSlashBps` of the request's
 * per-seat reward ({@link perSeatReward}; 30 000 bps, the reference, is 3× the reward), at most the stake:
 * `min(stake, reward × ⌊bps / 10 000⌋ + ⌊reward × (bps mod 10 000) / 10 000⌋)`, as the program's
 * `aggregation::non_reveal_slash` computes it (the whole multiples of 10 000 bps and the remainder apart, each
 * rounded down). A request fixes `nonRevealSlashBps` at submission (`Request.nonRevealSlashBps`); the configuration
 * keeps it within `MIN_NON_REVEAL_SLASH_BPS..=MAX_NON_REVEAL_SLASH_BPS` (1×..6× the reward). `RangeError` for
 * `minWorkers` below 1 or `nonRevealSlashBps` outside a u16.
 */
export function nonRevealSlash(stake: bigint, fee: bigint, minWorkers: number, nonRevealSlashBps: number): bigint {
  if (!Number.isInteger(nonRevealSlashBps) || nonRevealSlashBps < 0 || nonRevealSlashBps > 0xffff) {
    throw new RangeError(`non_reveal_slash_bps ${nonRevealSlashBps}: must be an integer in 0..=65535`);
  }
  const reward = perSeatReward(fee, minWorkers);
  const whole = BigInt(Math.floor(nonRevealSlashBps / BPS_NUMBER));
  const slash = reward * whole + mulBps(reward, nonRevealSlashBps % BPS_NUMBER);
  return slash < stake ? slash : stake;
}

/**
 * Stake a worker loses on a request whose challenge was revealed when it revealed a verdict other than the label or
 * committed and did not reveal: `challengeSlashBps` of its stake, rounded down (`mulBps`), as the program's
 * finalization computes it; the request fixes `challengeSlashBps` at submission (`Request.challengeSlashBps`,
 * at most `MAX_CHALLENGE_SLASH_BPS`). A committed non-revealer loses this on top of {@link nonRevealSlash}, each
 * taken from the stake left.
 */
export function challengeSlash(stake: bigint, challengeSlashBps: number): bigint {
  return mulBps(stake, challengeSlashBps);
}
