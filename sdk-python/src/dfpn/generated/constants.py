# Generated from idl/dfpn.json by scripts/gen_python.py — do not edit.
"""The protocol's constants and enum values, as the program defines them (IDL `constants`)."""

from __future__ import annotations

from typing import Final

#: Basis-point denominator: 10 000 bps = 100 %.
BPS: Final = 10_000
#: Workers' share of a fee, in bps, divided equally among the paid workers.
WORKERS_BPS: Final = 6500
#: Model developers' share of a fee, in bps, one part per paid worker's model.
MODELS_BPS: Final = 2000
#: Treasury's share of a fee, in bps. Insurance gets the rest (5 % plus rounding dust).
TREASURY_BPS: Final = 1000
#: Leading share (bps of revealed weight) at or above which the consensus is Supermajority.
SUPERMAJORITY_BPS: Final = 6667
#: Leading share (bps of revealed weight) strictly above which the consensus is Majority.
MAJORITY_ABOVE_BPS: Final = 5000
#: Seats per request: the most workers one request can have.
MAX_SEATS: Final = 10
#: Longest storage URI, in bytes.
MAX_URI_LEN: Final = 200
#: Longest report URI, in bytes.
MAX_REPORT_URI_LEN: Final = 128
#: Most models one worker declares.
MAX_WORKER_MODELS: Final = 4
#: Model id length: printable ASCII, zero-padded to this many bytes.
MODEL_ID_LEN: Final = 32
#: Reputation scale: 10 000 = perfect.
REPUTATION_MAX: Final = 10_000
#: Reputation of a new worker: half-way from a coin flip to a full vote (weight 5 000), so a new key earns its
#: full vote on known answers, and one failed challenge (2α at the reference α, 10 %) takes a key that answers
#: without looking to a coin flip.
REPUTATION_START: Final = 6250
#: Reputation at or below which a worker votes with no weight: no better than a coin flip on known answers (a
#: worker answering "Authentic" without looking fails half of the challenges and settles below it).
REPUTATION_COIN_FLIP: Final = 5000
#: Reputation from which a vote weighs 10 000 (before the cap); between `REPUTATION_COIN_FLIP` and this the
#: weight grows linearly. A worker right on about 82 % of known answers settles here.
REPUTATION_FULL_WEIGHT: Final = 7500
#: Agreeing (or disagreeing) with a consensus moves reputation this many times slower than a known-answer
#: challenge does: agreement is evidence of correctness only when the others looked.
AGREEMENT_STEP_DIVISOR: Final = 50
#: Highest confidence a worker may reveal.
MAX_CONFIDENCE: Final = 100
#: A non-revealer, or a worker failing a known-answer challenge, loses reputation this many times as fast as
#: passing a challenge gains it.
NON_REVEAL_PENALTY_FACTOR: Final = 2
#: Largest base fee of one modality, in lamports (configuration bound).
MAX_BASE_FEE: Final = 1_000_000_000_000
#: Largest reputation moving-average step, in bps (configuration bound).
MAX_REPUTATION_ALPHA_BPS: Final = 5000
#: Longest unbonding delay, in seconds (configuration bound: one year).
MAX_UNBONDING_SECS: Final = 31_536_000
#: Shortest allowed `min_deadline_secs` (configuration bound).
MIN_DEADLINE_SECS_FLOOR: Final = 60
#: Longest allowed `min_deadline_secs` (configuration bound: 30 days).
MIN_DEADLINE_SECS_CEILING: Final = 2_592_000
#: Largest `min_consensus_weight` (configuration bound).
MAX_MIN_CONSENSUS_WEIGHT: Final = 100_000
#: Smallest base fee of one modality, in lamports (configuration bound): with fees at least this large, the
#: rounding dust that goes to insurance (at most 2·(paid − 1) + 2 lamports) stays under 1 % of any fee.
MIN_BASE_FEE: Final = 10_000
#: Smallest non-reveal slash, in bps of the request's per-seat reward (configuration bound): not revealing must
#: cost at least what revealing would have earned.
MIN_NON_REVEAL_SLASH_BPS: Final = 10_000
#: Largest non-reveal slash, in bps of the per-seat reward (configuration bound): a crash must not cost an honest
#: worker more than a few requests' earnings.
MAX_NON_REVEAL_SLASH_BPS: Final = 60_000
#: Largest `challenge_slash_bps`: share of a worker's stake one failed known-answer challenge may take
#: (configuration bound), so a wrong label costs an honest worker at most this much.
MAX_CHALLENGE_SLASH_BPS: Final = 500
#: After the deadline, only the client may finalize for this long, so a challenger can reveal its label
#: before anyone finalizes (workers cannot tell challenges apart, so none is finalized early to dodge one).
FINALIZE_GRACE_SECS: Final = 120
#: Largest share of the insurance vault (above rent) one `withdraw_insurance` may move, in bps.
MAX_INSURANCE_WITHDRAWAL_BPS: Final = 1000
#: Shortest time between two `withdraw_insurance` calls, in seconds (7 days).
INSURANCE_WITHDRAWAL_INTERVAL_SECS: Final = 604_800
#: Largest share of the fee charged when revealers reach no consensus, in bps (configuration bound).
MAX_NO_CONSENSUS_FEE_BPS: Final = 5000
#: Longest allowed `max_deadline_secs` (configuration bound: 30 days), so no seat locks stake longer.
MAX_DEADLINE_SECS_CEILING: Final = 2_592_000
#: Smallest seat bond multiplier (configuration bound): a seat that is never committed forfeits at least ten
#: times what it would have earned.
MIN_SEAT_BOND_MULTIPLIER: Final = 10
#: Largest seat bond multiplier (configuration bound).
MAX_SEAT_BOND_MULTIPLIER: Final = 100
#: A request's draw uses the hash of this many slots after its submission slot (or the first slot produced
#: after it): a hash the client cannot know when it submits.
DRAW_DELAY_SLOTS: Final = 1
#: Voting weight (before the cap) from which a draw candidate wins its whole stake lottery: a newcomer's. Below it
#: the lottery shrinks in proportion (`draw::odds`), down to `DRAW_WEIGHT_FLOOR`.
DRAW_FULL_ODDS_WEIGHT: Final = 5000
#: Least share of its stake lottery, in bps, a draw candidate keeps: a worker at or below a coin flip on known
#: answers (weight 0) still wins `min(stake, cap) × 1 000 / 10 000` of it, a newcomer or better all of it.
DRAW_WEIGHT_FLOOR: Final = 1000
#: Largest `min_workers_floor` (configuration bound).
MAX_MIN_WORKERS_FLOOR: Final = 10
#: Fewest revealers for agreeing with the consensus to raise reputation (one key cannot farm it alone).
MIN_REVEALS_FOR_REPUTATION: Final = 3
#: Domain separator of commitments.
COMMIT_DOMAIN: Final = b'dfpn-commit-v2'
#: Domain tag of a request's draw seed: `sha256(DRAW_DOMAIN ‖ request ‖ slot hash)`; candidate `k` is
#: `sha256(seed ‖ k as u32 LE)`, its first 8 bytes (LE, modulo the pool size at submission) a worker's
#: `pool_index`, the next 8 (LE, modulo `draw_stake_cap`) its stake lottery.
DRAW_DOMAIN: Final = b'dfpn-draw-v1'
#: Domain tag of a challenge's attestation: `sha256(CHALLENGE_DOMAIN ‖ request ‖ label ‖ salt)`.
CHALLENGE_DOMAIN: Final = b'dfpn-challenge-v1'
#: Image authenticity (bit 0).
MODALITY_IMAGE_AUTHENTICITY: Final = 1
#: Face manipulation (bit 1).
MODALITY_FACE_MANIPULATION: Final = 2
#: AI-generated image (bit 2).
MODALITY_AI_GENERATED_IMAGE: Final = 4
#: Video authenticity (bit 3).
MODALITY_VIDEO_AUTHENTICITY: Final = 8
#: Voice cloning (bit 4).
MODALITY_VOICE_CLONING: Final = 16
#: Number of modalities (the length of `ConfigParams.base_fees`).
MODALITY_COUNT: Final = 5
#: Every modality's bit.
MODALITY_ALL: Final = 31
#: No usable answer.
VERDICT_INCONCLUSIVE: Final = 0
#: The media is authentic.
VERDICT_AUTHENTIC: Final = 1
#: The media is manipulated.
VERDICT_MANIPULATED: Final = 2
#: Number of verdicts.
VERDICT_COUNT: Final = 3
#: No consensus (no reveals, too little weight, a tie, or no majority).
CONSENSUS_NONE: Final = 0
#: Every revealed weight agreed.
CONSENSUS_UNANIMOUS: Final = 1
#: At least `SUPERMAJORITY_BPS` of the revealed weight agreed.
CONSENSUS_SUPERMAJORITY: Final = 2
#: More than `MAJORITY_ABOVE_BPS` of the revealed weight agreed.
CONSENSUS_MAJORITY: Final = 3
#: Accepting seats, commits and reveals.
REQUEST_STATUS_OPEN: Final = 0
#: Aggregated and paid out.
REQUEST_STATUS_FINALIZED: Final = 1
#: Too few commitments; the escrow went back.
REQUEST_STATUS_EXPIRED: Final = 2
#: Accepted its drawn seat (bond locked), nothing committed yet.
SEAT_STATE_JOINED: Final = 0
#: Committed the hash of its answer.
SEAT_STATE_COMMITTED: Final = 1
#: Revealed its answer.
SEAT_STATE_REVEALED: Final = 2
#: Drawn for the seat, not yet accepted (`join_request`): no bond locked yet.
SEAT_STATE_DRAWN: Final = 3
#: Configuration PDA `["config"]`.
SEEDS_CONFIG: Final = b'config'
#: Treasury vault PDA `["treasury"]`.
SEEDS_TREASURY: Final = b'treasury'
#: Insurance vault PDA `["insurance"]`.
SEEDS_INSURANCE: Final = b'insurance'
#: Model PDA `["model", registrant, model_id]`: ids are scoped by the developer that registered them.
SEEDS_MODEL: Final = b'model'
#: Worker PDA `["worker", authority]`.
SEEDS_WORKER: Final = b'worker'
#: Challenger PDA `["challenger", authority]`: a key governance lets reveal known-answer challenges.
SEEDS_CHALLENGER: Final = b'challenger'
#: Request PDA `["request", client, nonce u64 LE]`.
SEEDS_REQUEST: Final = b'request'

__all__ = [
    'AGREEMENT_STEP_DIVISOR',
    'BPS',
    'CHALLENGE_DOMAIN',
    'COMMIT_DOMAIN',
    'CONSENSUS_MAJORITY',
    'CONSENSUS_NONE',
    'CONSENSUS_SUPERMAJORITY',
    'CONSENSUS_UNANIMOUS',
    'DRAW_DELAY_SLOTS',
    'DRAW_DOMAIN',
    'DRAW_FULL_ODDS_WEIGHT',
    'DRAW_WEIGHT_FLOOR',
    'FINALIZE_GRACE_SECS',
    'INSURANCE_WITHDRAWAL_INTERVAL_SECS',
    'MAJORITY_ABOVE_BPS',
    'MAX_BASE_FEE',
    'MAX_CHALLENGE_SLASH_BPS',
    'MAX_CONFIDENCE',
    'MAX_DEADLINE_SECS_CEILING',
    'MAX_INSURANCE_WITHDRAWAL_BPS',
    'MAX_MIN_CONSENSUS_WEIGHT',
    'MAX_MIN_WORKERS_FLOOR',
    'MAX_NON_REVEAL_SLASH_BPS',
    'MAX_NO_CONSENSUS_FEE_BPS',
    'MAX_REPORT_URI_LEN',
    'MAX_REPUTATION_ALPHA_BPS',
    'MAX_SEATS',
    'MAX_SEAT_BOND_MULTIPLIER',
    'MAX_UNBONDING_SECS',
    'MAX_URI_LEN',
    'MAX_WORKER_MODELS',
    'MIN_BASE_FEE',
    'MIN_DEADLINE_SECS_CEILING',
    'MIN_DEADLINE_SECS_FLOOR',
    'MIN_NON_REVEAL_SLASH_BPS',
    'MIN_REVEALS_FOR_REPUTATION',
    'MIN_SEAT_BOND_MULTIPLIER',
    'MODALITY_AI_GENERATED_IMAGE',
    'MODALITY_ALL',
    'MODALITY_COUNT',
    'MODALITY_FACE_MANIPULATION',
    'MODALITY_IMAGE_AUTHENTICITY',
    'MODALITY_VIDEO_AUTHENTICITY',
    'MODALITY_VOICE_CLONING',
    'MODELS_BPS',
    'MODEL_ID_LEN',
    'NON_REVEAL_PENALTY_FACTOR',
    'REPUTATION_COIN_FLIP',
    'REPUTATION_FULL_WEIGHT',
    'REPUTATION_MAX',
    'REPUTATION_START',
    'REQUEST_STATUS_EXPIRED',
    'REQUEST_STATUS_FINALIZED',
    'REQUEST_STATUS_OPEN',
    'SEAT_STATE_COMMITTED',
    'SEAT_STATE_DRAWN',
    'SEAT_STATE_JOINED',
    'SEAT_STATE_REVEALED',
    'SEEDS_CHALLENGER',
    'SEEDS_CONFIG',
    'SEEDS_INSURANCE',
    'SEEDS_MODEL',
    'SEEDS_REQUEST',
    'SEEDS_TREASURY',
    'SEEDS_WORKER',
    'SUPERMAJORITY_BPS',
    'TREASURY_BPS',
    'VERDICT_AUTHENTIC',
    'VERDICT_COUNT',
    'VERDICT_INCONCLUSIVE',
    'VERDICT_MANIPULATED',
    'WORKERS_BPS',
]
