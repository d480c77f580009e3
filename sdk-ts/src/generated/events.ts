// DO NOT EDIT. Generated from idl/dfpn.json and idl/errors.catalogue.json by sdk-ts/scripts/generate.mjs
// (`npm run generate`); `npm run check-generated` fails when this folder is not what the generator writes.
import { getBase64Encoder, type ReadonlyUint8Array } from '@solana/kit';
import {
  getConfigInitializedDecoder,
  type ConfigInitialized,
  getConfigUpdatedDecoder,
  type ConfigUpdated,
  getPauseSetDecoder,
  type PauseSet,
  getTreasuryWithdrawnDecoder,
  type TreasuryWithdrawn,
  getModelRegisteredDecoder,
  type ModelRegistered,
  getModelUpdatedDecoder,
  type ModelUpdated,
  getModelDeactivatedDecoder,
  type ModelDeactivated,
  getModelFeesClaimedDecoder,
  type ModelFeesClaimed,
  getWorkerRegisteredDecoder,
  type WorkerRegistered,
  getStakeAddedDecoder,
  type StakeAdded,
  getWorkerUpdatedDecoder,
  type WorkerUpdated,
  getUnstakeRequestedDecoder,
  type UnstakeRequested,
  getStakeWithdrawnDecoder,
  type StakeWithdrawn,
  getWorkerRewardsClaimedDecoder,
  type WorkerRewardsClaimed,
  getRequestSubmittedDecoder,
  type RequestSubmitted,
  getWorkerJoinedDecoder,
  type WorkerJoined,
  getResultCommittedDecoder,
  type ResultCommitted,
  getResultRevealedDecoder,
  type ResultRevealed,
  getRequestFinalizedDecoder,
  type RequestFinalized,
  getWorkerPaidDecoder,
  type WorkerPaid,
  getWorkerSlashedDecoder,
  type WorkerSlashed,
  getRequestExpiredDecoder,
  type RequestExpired,
  getRequestClosedDecoder,
  type RequestClosed,
  getAuthorityProposedDecoder,
  type AuthorityProposed,
  getAuthorityTransferredDecoder,
  type AuthorityTransferred,
  getWorkerLeftDecoder,
  type WorkerLeft,
  getInsuranceWithdrawnDecoder,
  type InsuranceWithdrawn,
  getModelTransferProposedDecoder,
  type ModelTransferProposed,
  getModelTransferredDecoder,
  type ModelTransferred,
  getChallengerRegisteredDecoder,
  type ChallengerRegistered,
  getChallengerRemovedDecoder,
  type ChallengerRemoved,
  getChallengeRevealedDecoder,
  type ChallengeRevealed,
  getSeatDrawnDecoder,
  type SeatDrawn,
  getDrawRearmedDecoder,
  type DrawRearmed,
} from './types/index.js';

/** `sha256("event:ConfigInitialized")[..8]` */
export const CONFIG_INITIALIZED_EVENT_DISCRIMINATOR = new Uint8Array([181, 49, 200, 156, 19, 167, 178, 91]);
/** `sha256("event:ConfigUpdated")[..8]` */
export const CONFIG_UPDATED_EVENT_DISCRIMINATOR = new Uint8Array([40, 241, 230, 122, 11, 19, 198, 194]);
/** `sha256("event:PauseSet")[..8]` */
export const PAUSE_SET_EVENT_DISCRIMINATOR = new Uint8Array([175, 57, 198, 136, 192, 66, 204, 73]);
/** `sha256("event:TreasuryWithdrawn")[..8]` */
export const TREASURY_WITHDRAWN_EVENT_DISCRIMINATOR = new Uint8Array([143, 181, 157, 169, 87, 155, 170, 46]);
/** `sha256("event:ModelRegistered")[..8]` */
export const MODEL_REGISTERED_EVENT_DISCRIMINATOR = new Uint8Array([220, 196, 19, 71, 42, 237, 219, 138]);
/** `sha256("event:ModelUpdated")[..8]` */
export const MODEL_UPDATED_EVENT_DISCRIMINATOR = new Uint8Array([176, 73, 246, 100, 211, 248, 16, 248]);
/** `sha256("event:ModelDeactivated")[..8]` */
export const MODEL_DEACTIVATED_EVENT_DISCRIMINATOR = new Uint8Array([206, 93, 113, 200, 8, 64, 87, 45]);
/** `sha256("event:ModelFeesClaimed")[..8]` */
export const MODEL_FEES_CLAIMED_EVENT_DISCRIMINATOR = new Uint8Array([223, 47, 195, 253, 189, 175, 161, 45]);
/** `sha256("event:WorkerRegistered")[..8]` */
export const WORKER_REGISTERED_EVENT_DISCRIMINATOR = new Uint8Array([32, 196, 68, 85, 235, 201, 213, 179]);
/** `sha256("event:StakeAdded")[..8]` */
export const STAKE_ADDED_EVENT_DISCRIMINATOR = new Uint8Array([139, 170, 134, 90, 22, 96, 23, 193]);
/** `sha256("event:WorkerUpdated")[..8]` */
export const WORKER_UPDATED_EVENT_DISCRIMINATOR = new Uint8Array([33, 39, 231, 190, 44, 226, 238, 190]);
/** `sha256("event:UnstakeRequested")[..8]` */
export const UNSTAKE_REQUESTED_EVENT_DISCRIMINATOR = new Uint8Array([21, 253, 177, 85, 129, 206, 42, 152]);
/** `sha256("event:StakeWithdrawn")[..8]` */
export const STAKE_WITHDRAWN_EVENT_DISCRIMINATOR = new Uint8Array([33, 120, 159, 58, 140, 255, 174, 79]);
/** `sha256("event:WorkerRewardsClaimed")[..8]` */
export const WORKER_REWARDS_CLAIMED_EVENT_DISCRIMINATOR = new Uint8Array([138, 56, 157, 12, 38, 116, 60, 200]);
/** `sha256("event:RequestSubmitted")[..8]` */
export const REQUEST_SUBMITTED_EVENT_DISCRIMINATOR = new Uint8Array([113, 213, 202, 246, 213, 106, 73, 44]);
/** `sha256("event:WorkerJoined")[..8]` */
export const WORKER_JOINED_EVENT_DISCRIMINATOR = new Uint8Array([65, 220, 171, 79, 80, 112, 214, 244]);
/** `sha256("event:ResultCommitted")[..8]` */
export const RESULT_COMMITTED_EVENT_DISCRIMINATOR = new Uint8Array([197, 81, 109, 4, 128, 173, 1, 109]);
/** `sha256("event:ResultRevealed")[..8]` */
export const RESULT_REVEALED_EVENT_DISCRIMINATOR = new Uint8Array([109, 13, 202, 85, 148, 63, 148, 192]);
/** `sha256("event:RequestFinalized")[..8]` */
export const REQUEST_FINALIZED_EVENT_DISCRIMINATOR = new Uint8Array([48, 148, 32, 225, 89, 33, 150, 17]);
/** `sha256("event:WorkerPaid")[..8]` */
export const WORKER_PAID_EVENT_DISCRIMINATOR = new Uint8Array([81, 33, 19, 141, 26, 216, 165, 20]);
/** `sha256("event:WorkerSlashed")[..8]` */
export const WORKER_SLASHED_EVENT_DISCRIMINATOR = new Uint8Array([105, 194, 239, 166, 177, 74, 243, 242]);
/** `sha256("event:RequestExpired")[..8]` */
export const REQUEST_EXPIRED_EVENT_DISCRIMINATOR = new Uint8Array([190, 61, 247, 223, 89, 107, 245, 252]);
/** `sha256("event:RequestClosed")[..8]` */
export const REQUEST_CLOSED_EVENT_DISCRIMINATOR = new Uint8Array([59, 172, 99, 75, 9, 19, 226, 188]);
/** `sha256("event:AuthorityProposed")[..8]` */
export const AUTHORITY_PROPOSED_EVENT_DISCRIMINATOR = new Uint8Array([244, 117, 94, 112, 53, 151, 35, 89]);
/** `sha256("event:AuthorityTransferred")[..8]` */
export const AUTHORITY_TRANSFERRED_EVENT_DISCRIMINATOR = new Uint8Array([245, 109, 179, 54, 135, 92, 22, 64]);
/** `sha256("event:WorkerLeft")[..8]` */
export const WORKER_LEFT_EVENT_DISCRIMINATOR = new Uint8Array([20, 11, 160, 162, 150, 63, 249, 213]);
/** `sha256("event:InsuranceWithdrawn")[..8]` */
export const INSURANCE_WITHDRAWN_EVENT_DISCRIMINATOR = new Uint8Array([85, 95, 150, 170, 148, 235, 180, 156]);
/** `sha256("event:ModelTransferProposed")[..8]` */
export const MODEL_TRANSFER_PROPOSED_EVENT_DISCRIMINATOR = new Uint8Array([42, 221, 235, 204, 174, 74, 96, 123]);
/** `sha256("event:ModelTransferred")[..8]` */
export const MODEL_TRANSFERRED_EVENT_DISCRIMINATOR = new Uint8Array([230, 97, 111, 224, 193, 163, 90, 116]);
/** `sha256("event:ChallengerRegistered")[..8]` */
export const CHALLENGER_REGISTERED_EVENT_DISCRIMINATOR = new Uint8Array([147, 14, 134, 173, 249, 39, 199, 249]);
/** `sha256("event:ChallengerRemoved")[..8]` */
export const CHALLENGER_REMOVED_EVENT_DISCRIMINATOR = new Uint8Array([171, 242, 166, 150, 34, 148, 0, 70]);
/** `sha256("event:ChallengeRevealed")[..8]` */
export const CHALLENGE_REVEALED_EVENT_DISCRIMINATOR = new Uint8Array([70, 75, 160, 9, 210, 81, 97, 221]);
/** `sha256("event:SeatDrawn")[..8]` */
export const SEAT_DRAWN_EVENT_DISCRIMINATOR = new Uint8Array([110, 61, 47, 40, 12, 221, 221, 122]);
/** `sha256("event:DrawRearmed")[..8]` */
export const DRAW_REARMED_EVENT_DISCRIMINATOR = new Uint8Array([25, 27, 196, 88, 205, 188, 4, 191]);

/** Every DFPN event, tagged with its IDL name. */
export type DfpnEvent =
  | ({ name: 'ConfigInitialized' } & ConfigInitialized)
  | ({ name: 'ConfigUpdated' } & ConfigUpdated)
  | ({ name: 'PauseSet' } & PauseSet)
  | ({ name: 'TreasuryWithdrawn' } & TreasuryWithdrawn)
  | ({ name: 'ModelRegistered' } & ModelRegistered)
  | ({ name: 'ModelUpdated' } & ModelUpdated)
  | ({ name: 'ModelDeactivated' } & ModelDeactivated)
  | ({ name: 'ModelFeesClaimed' } & ModelFeesClaimed)
  | ({ name: 'WorkerRegistered' } & WorkerRegistered)
  | ({ name: 'StakeAdded' } & StakeAdded)
  | ({ name: 'WorkerUpdated' } & WorkerUpdated)
  | ({ name: 'UnstakeRequested' } & UnstakeRequested)
  | ({ name: 'StakeWithdrawn' } & StakeWithdrawn)
  | ({ name: 'WorkerRewardsClaimed' } & WorkerRewardsClaimed)
  | ({ name: 'RequestSubmitted' } & RequestSubmitted)
  | ({ name: 'WorkerJoined' } & WorkerJoined)
  | ({ name: 'ResultCommitted' } & ResultCommitted)
  | ({ name: 'ResultRevealed' } & ResultRevealed)
  | ({ name: 'RequestFinalized' } & RequestFinalized)
  | ({ name: 'WorkerPaid' } & WorkerPaid)
  | ({ name: 'WorkerSlashed' } & WorkerSlashed)
  | ({ name: 'RequestExpired' } & RequestExpired)
  | ({ name: 'RequestClosed' } & RequestClosed)
  | ({ name: 'AuthorityProposed' } & AuthorityProposed)
  | ({ name: 'AuthorityTransferred' } & AuthorityTransferred)
  | ({ name: 'WorkerLeft' } & WorkerLeft)
  | ({ name: 'InsuranceWithdrawn' } & InsuranceWithdrawn)
  | ({ name: 'ModelTransferProposed' } & ModelTransferProposed)
  | ({ name: 'ModelTransferred' } & ModelTransferred)
  | ({ name: 'ChallengerRegistered' } & ChallengerRegistered)
  | ({ name: 'ChallengerRemoved' } & ChallengerRemoved)
  | ({ name: 'ChallengeRevealed' } & ChallengeRevealed)
  | ({ name: 'SeatDrawn' } & SeatDrawn)
  | ({ name: 'DrawRearmed' } & DrawRearmed);

/** The IDL name of every event, in IDL order. */
export const DFPN_EVENT_NAMES = ['ConfigInitialized', 'ConfigUpdated', 'PauseSet', 'TreasuryWithdrawn', 'ModelRegistered', 'ModelUpdated', 'ModelDeactivated', 'ModelFeesClaimed', 'WorkerRegistered', 'StakeAdded', 'WorkerUpdated', 'UnstakeRequested', 'StakeWithdrawn', 'WorkerRewardsClaimed', 'RequestSubmitted', 'WorkerJoined', 'ResultCommitted', 'ResultRevealed', 'RequestFinalized', 'WorkerPaid', 'WorkerSlashed', 'RequestExpired', 'RequestClosed', 'AuthorityProposed', 'AuthorityTransferred', 'WorkerLeft', 'InsuranceWithdrawn', 'ModelTransferProposed', 'ModelTransferred', 'ChallengerRegistered', 'ChallengerRemoved', 'ChallengeRevealed', 'SeatDrawn', 'DrawRearmed'] as const;

const DECODERS: ReadonlyArray<{ name: DfpnEvent['name']; discriminator: Uint8Array; decode: (bytes: ReadonlyUint8Array) => object }> = [
  { name: 'ConfigInitialized', discriminator: CONFIG_INITIALIZED_EVENT_DISCRIMINATOR, decode: (b) => getConfigInitializedDecoder().decode(b) },
  { name: 'ConfigUpdated', discriminator: CONFIG_UPDATED_EVENT_DISCRIMINATOR, decode: (b) => getConfigUpdatedDecoder().decode(b) },
  { name: 'PauseSet', discriminator: PAUSE_SET_EVENT_DISCRIMINATOR, decode: (b) => getPauseSetDecoder().decode(b) },
  { name: 'TreasuryWithdrawn', discriminator: TREASURY_WITHDRAWN_EVENT_DISCRIMINATOR, decode: (b) => getTreasuryWithdrawnDecoder().decode(b) },
  { name: 'ModelRegistered', discriminator: MODEL_REGISTERED_EVENT_DISCRIMINATOR, decode: (b) => getModelRegisteredDecoder().decode(b) },
  { name: 'ModelUpdated', discriminator: MODEL_UPDATED_EVENT_DISCRIMINATOR, decode: (b) => getModelUpdatedDecoder().decode(b) },
  { name: 'ModelDeactivated', discriminator: MODEL_DEACTIVATED_EVENT_DISCRIMINATOR, decode: (b) => getModelDeactivatedDecoder().decode(b) },
  { name: 'ModelFeesClaimed', discriminator: MODEL_FEES_CLAIMED_EVENT_DISCRIMINATOR, decode: (b) => getModelFeesClaimedDecoder().decode(b) },
  { name: 'WorkerRegistered', discriminator: WORKER_REGISTERED_EVENT_DISCRIMINATOR, decode: (b) => getWorkerRegisteredDecoder().decode(b) },
  { name: 'StakeAdded', discriminator: STAKE_ADDED_EVENT_DISCRIMINATOR, decode: (b) => getStakeAddedDecoder().decode(b) },
  { name: 'WorkerUpdated', discriminator: WORKER_UPDATED_EVENT_DISCRIMINATOR, decode: (b) => getWorkerUpdatedDecoder().decode(b) },
  { name: 'UnstakeRequested', discriminator: UNSTAKE_REQUESTED_EVENT_DISCRIMINATOR, decode: (b) => getUnstakeRequestedDecoder().decode(b) },
  { name: 'StakeWithdrawn', discriminator: STAKE_WITHDRAWN_EVENT_DISCRIMINATOR, decode: (b) => getStakeWithdrawnDecoder().decode(b) },
  { name: 'WorkerRewardsClaimed', discriminator: WORKER_REWARDS_CLAIMED_EVENT_DISCRIMINATOR, decode: (b) => getWorkerRewardsClaimedDecoder().decode(b) },
  { name: 'RequestSubmitted', discriminator: REQUEST_SUBMITTED_EVENT_DISCRIMINATOR, decode: (b) => getRequestSubmittedDecoder().decode(b) },
  { name: 'WorkerJoined', discriminator: WORKER_JOINED_EVENT_DISCRIMINATOR, decode: (b) => getWorkerJoinedDecoder().decode(b) },
  { name: 'ResultCommitted', discriminator: RESULT_COMMITTED_EVENT_DISCRIMINATOR, decode: (b) => getResultCommittedDecoder().decode(b) },
  { name: 'ResultRevealed', discriminator: RESULT_REVEALED_EVENT_DISCRIMINATOR, decode: (b) => getResultRevealedDecoder().decode(b) },
  { name: 'RequestFinalized', discriminator: REQUEST_FINALIZED_EVENT_DISCRIMINATOR, decode: (b) => getRequestFinalizedDecoder().decode(b) },
  { name: 'WorkerPaid', discriminator: WORKER_PAID_EVENT_DISCRIMINATOR, decode: (b) => getWorkerPaidDecoder().decode(b) },
  { name: 'WorkerSlashed', discriminator: WORKER_SLASHED_EVENT_DISCRIMINATOR, decode: (b) => getWorkerSlashedDecoder().decode(b) },
  { name: 'RequestExpired', discriminator: REQUEST_EXPIRED_EVENT_DISCRIMINATOR, decode: (b) => getRequestExpiredDecoder().decode(b) },
  { name: 'RequestClosed', discriminator: REQUEST_CLOSED_EVENT_DISCRIMINATOR, decode: (b) => getRequestClosedDecoder().decode(b) },
  { name: 'AuthorityProposed', discriminator: AUTHORITY_PROPOSED_EVENT_DISCRIMINATOR, decode: (b) => getAuthorityProposedDecoder().decode(b) },
  { name: 'AuthorityTransferred', discriminator: AUTHORITY_TRANSFERRED_EVENT_DISCRIMINATOR, decode: (b) => getAuthorityTransferredDecoder().decode(b) },
  { name: 'WorkerLeft', discriminator: WORKER_LEFT_EVENT_DISCRIMINATOR, decode: (b) => getWorkerLeftDecoder().decode(b) },
  { name: 'InsuranceWithdrawn', discriminator: INSURANCE_WITHDRAWN_EVENT_DISCRIMINATOR, decode: (b) => getInsuranceWithdrawnDecoder().decode(b) },
  { name: 'ModelTransferProposed', discriminator: MODEL_TRANSFER_PROPOSED_EVENT_DISCRIMINATOR, decode: (b) => getModelTransferProposedDecoder().decode(b) },
  { name: 'ModelTransferred', discriminator: MODEL_TRANSFERRED_EVENT_DISCRIMINATOR, decode: (b) => getModelTransferredDecoder().decode(b) },
  { name: 'ChallengerRegistered', discriminator: CHALLENGER_REGISTERED_EVENT_DISCRIMINATOR, decode: (b) => getChallengerRegisteredDecoder().decode(b) },
  { name: 'ChallengerRemoved', discriminator: CHALLENGER_REMOVED_EVENT_DISCRIMINATOR, decode: (b) => getChallengerRemovedDecoder().decode(b) },
  { name: 'ChallengeRevealed', discriminator: CHALLENGE_REVEALED_EVENT_DISCRIMINATOR, decode: (b) => getChallengeRevealedDecoder().decode(b) },
  { name: 'SeatDrawn', discriminator: SEAT_DRAWN_EVENT_DISCRIMINATOR, decode: (b) => getSeatDrawnDecoder().decode(b) },
  { name: 'DrawRearmed', discriminator: DRAW_REARMED_EVENT_DISCRIMINATOR, decode: (b) => getDrawRearmedDecoder().decode(b) },
];

/**
 * Decode one event payload (`discriminator ‖ borsh(fields)`, what `sol_log_data` wrote).
 * Returns null for an unknown discriminator; throws when the fields do not decode.
 */
export function decodeDfpnEvent(payload: ReadonlyUint8Array): DfpnEvent | null {
  if (payload.length < 8) return null;
  for (const d of DECODERS) {
    if (d.discriminator.every((byte, i) => payload[i] === byte)) {
      return { name: d.name, ...d.decode(payload.subarray(8)) } as DfpnEvent;
    }
  }
  return null;
}

/** Decode the base64 text of a `Program data: <base64>` log line. */
export function decodeDfpnEventBase64(data: string): DfpnEvent | null {
  return decodeDfpnEvent(getBase64Encoder().encode(data));
}
