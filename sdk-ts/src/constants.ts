/**
 * Program-wide constants: the program id, limits and the reference configuration of docs/protocol.md. The
 * protocol's own numbers (bps, limits, enum values, seeds) are the program's, generated from the IDL into
 * `generated/constants.ts`; this module adds what is not (SOL, transaction fees, the reference configuration) and
 * the account sizes of the generated codecs.
 * @module
 */
import type { Address } from '@solana/kit';
import { BPS, MAX_REPORT_URI_LEN, MAX_SEATS, MAX_URI_LEN } from './generated/constants.js';
import {
  getChallengerSize,
  getConfigSize,
  getModelSize,
  getRequestSize,
  getVaultSize,
  getWorkerSize,
} from './generated/accounts/index.js';
import { DFPN_PROGRAM_ADDRESS } from './generated/programs/index.js';
import type { ConfigParams } from './generated/types/index.js';

/** The DFPN program's address (from the IDL). */
export const PROGRAM_ID: Address = DFPN_PROGRAM_ADDRESS;
/** The system program. */
export const SYSTEM_PROGRAM_ID = '11111111111111111111111111111111' as Address;
/** Lamports per SOL. */
export const LAMPORTS_PER_SOL = 1_000_000_000n;
/** Basis points (10 000 = 100 %) and the seats per request (the program's `max_workers` bound), as generated. */
export { BPS, MAX_SEATS };
/** Longest storage URI the program accepts, bytes (the generated `MAX_URI_LEN`). */
export const MAX_STORAGE_URI = MAX_URI_LEN;
/** Longest report URI the program accepts, bytes (the generated `MAX_REPORT_URI_LEN`). */
export const MAX_REPORT_URI = MAX_REPORT_URI_LEN;
/** Account sizes in bytes (docs/protocol.md, "Accounts"), from the generated account codecs. */
export const ACCOUNT_SIZES = Object.freeze({
  config: getConfigSize(),
  vault: getVaultSize(),
  model: getModelSize(),
  worker: getWorkerSize(),
  request: getRequestSize(),
  challenger: getChallengerSize(),
});
/** The transaction fee per signature on LiteSVM and default clusters. */
export const LAMPORTS_PER_SIGNATURE = 5_000n;

/**
 * The reference configuration of docs/protocol.md ("Configuration").
 * Requests ask for at least `minWorkersFloor` (5) workers; a drawn candidate is seated with probability
 * `min(stake, drawStakeCap) / drawStakeCap` (cap 10 SOL: a minimum-stake worker wins one draw in ten).
 */
export const REFERENCE_PARAMS: ConfigParams = Object.freeze({
  baseFees: [2_000_000n, 3_000_000n, 3_000_000n, 8_000_000n, 4_000_000n],
  workerSurchargeBps: 2_500,
  nonRevealSlashBps: 30_000,
  maxWeightBps: 8_000,
  reputationAlphaBps: 1_000,
  minStake: LAMPORTS_PER_SOL,
  unbondingSecs: 86_400n,
  minDeadlineSecs: 60n,
  revealWindowSecs: 20n,
  minConsensusWeight: 5_000,
  maxDeadlineSecs: 86_400n,
  noConsensusFeeBps: 2_000,
  seatBondMultiplier: 10,
  challengeSlashBps: 200,
  minWorkersFloor: 5,
  drawStakeCap: 10n * LAMPORTS_PER_SOL,
});

/**
 * The configuration of a network on one machine (the embedded `'local'` network; the Python SDK's `LOCAL_PARAMS`,
 * which `dfpn-localnet` uses too): {@link REFERENCE_PARAMS} with no floor on `minWorkers` (a demo runs a handful of
 * workers, maybe one) and the draw stake cap at the minimum stake, so every worker staking at least that wins its
 * stake lottery whenever it is drawn: seats are drawn uniformly from the pool.
 */
export const LOCAL_PARAMS: ConfigParams = Object.freeze({
  ...REFERENCE_PARAMS,
  minWorkersFloor: 1,
  drawStakeCap: REFERENCE_PARAMS.minStake,
});
