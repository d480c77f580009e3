// DO NOT EDIT. Generated from idl/dfpn.json and idl/errors.catalogue.json by sdk-ts/scripts/generate.mjs
// (`npm run generate`); `npm run check-generated` fails when this folder is not what the generator writes.
import type { ReadonlyUint8Array } from '@solana/kit';

// The program's constants (programs/dfpn/src/constants.rs, in the IDL's `constants`): u64/i64 as bigint, smaller
// integers as number, byte strings as bytes.

/** Basis-point denominator: 10 000 bps = 100 %. */
export const BPS = 10_000n;

/** Workers' share of a fee, in bps, divided equally among the paid workers. */
export const WORKERS_BPS = 6500n;

/** Model developers' share of a fee, in bps, one part per paid worker's model. */
export const MODELS_BPS = 2000n;

/** Treasury's share of a fee, in bps. Insurance gets the rest (5 % plus rounding dust). */
export const TREASURY_BPS = 1000n;

/** Leading share (bps of revealed weight) at or above which the consensus is Supermajority. */
export const SUPERMAJORITY_BPS = 6667n;

/** Leading share (bps of revealed weight) strictly above which the consensus is Majority. */
export const MAJORITY_ABOVE_BPS = 5000n;

/** Seats per request: the most workers one request can have. */
export const MAX_SEATS = 10;

/** Longest storage URI, in bytes. */
export const MAX_URI_LEN = 200;

/** Longest report URI, in bytes. */
export const MAX_REPORT_URI_LEN = 128;

/** Most models one worker declares. */
export const MAX_WORKER_MODELS = 4;

/** Model id length: printable ASCII, zero-padded to this many bytes. */
export const MODEL_ID_LEN = 32;

/** Reputation scale: 10 000 = perfect. */
export const REPUTATION_MAX = 10_000;

/** Reputation of a new worker: half-way from a coin flip to a full vote (weight 5 000), so a new key earns its full vote on known answers, and one failed challenge (2α at the reference α, 10 %) takes a key that answers without looking to a coin flip. */
export const REPUTATION_START = 6250;

/** Reputation at or below which a worker votes with no weight: no better than a coin flip on known answers (a worker answering "Authentic" without looking fails half of the challenges and settles below it). */
export const REPUTATION_COIN_FLIP = 5000;

/** Reputation from which a vote weighs 10 000 (before the cap); between `REPUTATION_COIN_FLIP` and this the weight grows linearly. A worker right on about 82 % of known answers settles here. */
export const REPUTATION_FULL_WEIGHT = 7500;

/** Agreeing (or disagreeing) with a consensus moves reputation this many times slower than a known-answer challenge does: agreement is evidence of correctness only when the others looked. */
export const AGREEMENT_STEP_DIVISOR = 50;

/** Highest confidence a worker may reveal. */
export const MAX_CONFIDENCE = 100;

/** A non-revealer, or a worker failing a known-answer challenge, loses reputation this many times as fast as passing a challenge gains it. */
export const NON_REVEAL_PENALTY_FACTOR = 2;

/** Largest base fee of one modality, in lamports (configuration bound). */
export const MAX_BASE_FEE = 1_000_000_000_000n;

/** Largest reputation moving-average step, in bps (configuration bound). */
export const MAX_REPUTATION_ALPHA_BPS = 5000;

/** Longest unbonding delay, in seconds (configuration bound: one year). */
export const MAX_UNBONDING_SECS = 31_536_000n;

/** Shortest allowed `min_deadline_secs` (configuration bound). */
export const MIN_DEADLINE_SECS_FLOOR = 60n;

/** Longest allowed `min_deadline_secs` (configuration bound: 30 days). */
export const MIN_DEADLINE_SECS_CEILING = 2_592_000n;

/** Largest `min_consensus_weight` (configuration bound). */
export const MAX_MIN_CONSENSUS_WEIGHT = 100_000;

/** Smallest base fee of one modality, in lamports (configuration bound): with fees at least this large, the rounding dust that goes to insurance (at most 2·(paid − 1) + 2 lamports) stays under 1 % of any fee. */
export const MIN_BASE_FEE = 10_000n;

/** Smallest non-reveal slash, in bps of the request's per-seat reward (configuration bound): not revealing must cost at least what revealing would have earned. */
export const MIN_NON_REVEAL_SLASH_BPS = 10_000;

/** Largest non-reveal slash, in bps of the per-seat reward (configuration bound): a crash must not cost an honest worker more than a few requests' earnings. */
export const MAX_NON_REVEAL_SLASH_BPS = 60_000;

/** Largest `challenge_slash_bps`: share of a worker's stake one failed known-answer challenge may take (configuration bound), so a wrong label costs an honest worker at most this much. */
export const MAX_CHALLENGE_SLASH_BPS = 500;

/** After the deadline, only the client may finalize for this long, so a challenger can reveal its label before anyone finalizes (workers cannot tell challenges apart, so none is finalized early to dodge one). */
export const FINALIZE_GRACE_SECS = 120n;

/** Largest share of the insurance vault (above rent) one `withdraw_insurance` may move, in bps. */
export const MAX_INSURANCE_WITHDRAWAL_BPS = 1000;

/** Shortest time between two `withdraw_insurance` calls, in seconds (7 days). */
export const INSURANCE_WITHDRAWAL_INTERVAL_SECS = 604_800n;

/** Largest share of the fee charged when revealers reach no consensus, in bps (configuration bound). */
export const MAX_NO_CONSENSUS_FEE_BPS = 5000;

/** Longest allowed `max_deadline_secs` (configuration bound: 30 days), so no seat locks stake longer. */
export const MAX_DEADLINE_SECS_CEILING = 2_592_000n;

/** Smallest seat bond multiplier (configuration bound): a seat that is never committed forfeits at least ten times what it would have earned. */
export const MIN_SEAT_BOND_MULTIPLIER = 10;

/** Largest seat bond multiplier (configuration bound). */
export const MAX_SEAT_BOND_MULTIPLIER = 100;

/** A request's draw uses the hash of this many slots after its submission slot (or the first slot produced after it): a hash the client cannot know when it submits. */
export const DRAW_DELAY_SLOTS = 1n;

/** Voting weight (before the cap) from which a draw candidate wins its whole stake lottery: a newcomer's. Below it the lottery shrinks in proportion (`draw::odds`), down to `DRAW_WEIGHT_FLOOR`. */
export const DRAW_FULL_ODDS_WEIGHT = 5000;

/** Least share of its stake lottery, in bps, a draw candidate keeps: a worker at or below a coin flip on known answers (weight 0) still wins `min(stake, cap) × 1 000 / 10 000` of it, a newcomer or better all of it. */
export const DRAW_WEIGHT_FLOOR = 1000;

/** Largest `min_workers_floor` (configuration bound). */
export const MAX_MIN_WORKERS_FLOOR = 10;

/** Fewest revealers for agreeing with the consensus to raise reputation (one key cannot farm it alone). */
export const MIN_REVEALS_FOR_REPUTATION = 3;

/** Domain separator of commitments. Bytes (`"dfpn-commit-v2"`). */
export const COMMIT_DOMAIN: ReadonlyUint8Array = new Uint8Array([100, 102, 112, 110, 45, 99, 111, 109, 109, 105, 116, 45, 118, 50]);

/** Domain tag of a request's draw seed: `sha256(DRAW_DOMAIN ‖ request ‖ slot hash)`; candidate `k` is `sha256(seed ‖ k as u32 LE)`, its first 8 bytes (LE, modulo the pool size at submission) a worker's `pool_index`, the next 8 (LE, modulo `draw_stake_cap`) its stake lottery. Bytes (`"dfpn-draw-v1"`). */
export const DRAW_DOMAIN: ReadonlyUint8Array = new Uint8Array([100, 102, 112, 110, 45, 100, 114, 97, 119, 45, 118, 49]);

/** Domain tag of a challenge's attestation: `sha256(CHALLENGE_DOMAIN ‖ request ‖ label ‖ salt)`. Bytes (`"dfpn-challenge-v1"`). */
export const CHALLENGE_DOMAIN: ReadonlyUint8Array = new Uint8Array([100, 102, 112, 110, 45, 99, 104, 97, 108, 108, 101, 110, 103, 101, 45, 118, 49]);

/** Image authenticity (bit 0). */
export const MODALITY_IMAGE_AUTHENTICITY = 1;

/** Face manipulation (bit 1). */
export const MODALITY_FACE_MANIPULATION = 2;

/** AI-generated image (bit 2). */
export const MODALITY_AI_GENERATED_IMAGE = 4;

/** Video authenticity (bit 3). */
export const MODALITY_VIDEO_AUTHENTICITY = 8;

/** Voice cloning (bit 4). */
export const MODALITY_VOICE_CLONING = 16;

/** Number of modalities (the length of `ConfigParams.base_fees`). */
export const MODALITY_COUNT = 5;

/** Every modality's bit. */
export const MODALITY_ALL = 31;

/** No usable answer. */
export const VERDICT_INCONCLUSIVE = 0;

/** The media is authentic. */
export const VERDICT_AUTHENTIC = 1;

/** The media is manipulated. */
export const VERDICT_MANIPULATED = 2;

/** Number of verdicts. */
export const VERDICT_COUNT = 3;

/** No consensus (no reveals, too little weight, a tie, or no majority). */
export const CONSENSUS_NONE = 0;

/** Every revealed weight agreed. */
export const CONSENSUS_UNANIMOUS = 1;

/** At least `SUPERMAJORITY_BPS` of the revealed weight agreed. */
export const CONSENSUS_SUPERMAJORITY = 2;

/** More than `MAJORITY_ABOVE_BPS` of the revealed weight agreed. */
export const CONSENSUS_MAJORITY = 3;

/** Accepting seats, commits and reveals. */
export const REQUEST_STATUS_OPEN = 0;

/** Aggregated and paid out. */
export const REQUEST_STATUS_FINALIZED = 1;

/** Too few commitments; the escrow went back. */
export const REQUEST_STATUS_EXPIRED = 2;

/** Accepted its drawn seat (bond locked), nothing committed yet. */
export const SEAT_STATE_JOINED = 0;

/** Committed the hash of its answer. */
export const SEAT_STATE_COMMITTED = 1;

/** Revealed its answer. */
export const SEAT_STATE_REVEALED = 2;

/** Drawn for the seat, not yet accepted (`join_request`): no bond locked yet. */
export const SEAT_STATE_DRAWN = 3;

/** Configuration PDA `["config"]`. Bytes (`"config"`). */
export const SEEDS_CONFIG: ReadonlyUint8Array = new Uint8Array([99, 111, 110, 102, 105, 103]);

/** Treasury vault PDA `["treasury"]`. Bytes (`"treasury"`). */
export const SEEDS_TREASURY: ReadonlyUint8Array = new Uint8Array([116, 114, 101, 97, 115, 117, 114, 121]);

/** Insurance vault PDA `["insurance"]`. Bytes (`"insurance"`). */
export const SEEDS_INSURANCE: ReadonlyUint8Array = new Uint8Array([105, 110, 115, 117, 114, 97, 110, 99, 101]);

/** Model PDA `["model", registrant, model_id]`: ids are scoped by the developer that registered them. Bytes (`"model"`). */
export const SEEDS_MODEL: ReadonlyUint8Array = new Uint8Array([109, 111, 100, 101, 108]);

/** Worker PDA `["worker", authority]`. Bytes (`"worker"`). */
export const SEEDS_WORKER: ReadonlyUint8Array = new Uint8Array([119, 111, 114, 107, 101, 114]);

/** Challenger PDA `["challenger", authority]`: a key governance lets reveal known-answer challenges. Bytes (`"challenger"`). */
export const SEEDS_CHALLENGER: ReadonlyUint8Array = new Uint8Array([99, 104, 97, 108, 108, 101, 110, 103, 101, 114]);

/** Request PDA `["request", client, nonce u64 LE]`. Bytes (`"request"`). */
export const SEEDS_REQUEST: ReadonlyUint8Array = new Uint8Array([114, 101, 113, 117, 101, 115, 116]);

/** The modalities by name, each one's bit in the program's `u8` mask (IDL constants `MODALITY_*`). */
export const MODALITY_BITS = {
  ImageAuthenticity: MODALITY_IMAGE_AUTHENTICITY,
  FaceManipulation: MODALITY_FACE_MANIPULATION,
  AiGeneratedImage: MODALITY_AI_GENERATED_IMAGE,
  VideoAuthenticity: MODALITY_VIDEO_AUTHENTICITY,
  VoiceCloning: MODALITY_VOICE_CLONING,
} as const;

/** The verdict names by their on-chain byte (IDL constants `VERDICT_*`). */
export const VERDICT_NAMES = ['Inconclusive', 'Authentic', 'Manipulated'] as const;

/** The consensus names by their on-chain byte (IDL constants `CONSENSUS_*`). */
export const CONSENSUS_NAMES = ['None', 'Unanimous', 'Supermajority', 'Majority'] as const;

/** The request statuses by their on-chain byte (IDL constants `REQUEST_STATUS_*`). */
export const REQUEST_STATUS_NAMES = ['Open', 'Finalized', 'Expired'] as const;

/** The seat states by their on-chain byte (IDL constants `SEAT_STATE_*`). */
export const SEAT_STATE_NAMES = ['Joined', 'Committed', 'Revealed', 'Drawn'] as const;
