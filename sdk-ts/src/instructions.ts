/**
 * Builders for every instruction of the program, on top of the Codama-generated builders in `generated/`.
 *
 * Each builder takes one object whose fields are the instruction's IDL accounts and arguments, camelCase as Codama
 * names them (`initializeConfig({ authority, params })`, `revealResult({ authority, request, verdict, ... })`), and
 * the program id last. Accounts the builder derives (config, vaults, worker PDAs, the program's ProgramData, system
 * program) are not fields; the request's remaining accounts come from its decoded `requestData`.
 * Models are addressed by their PDA `["model", developer, model_id]`: the model instructions take either its
 * address (`model`) or its `modelId` with the key that registered it (`registrant`, by default the signing
 * developer; see {@link ModelSelector}); workers declare and commit with model addresses (`modelAddress(developer,
 * modelId)`).
 * The generated builders carry the IDL's account lists and signer/writable flags; these wrappers derive the PDAs
 * for the given program id, encode model ids and modalities, pass the canonical request bump and an attestation
 * (random unless given) to `submit_request`, make the client a signer of its own `finalize_request`, and append the
 * variable accounts docs/protocol.md describes to `finalize_request` and `expire_request`, and the replaced seats and
 * candidates to `draw_seats`.
 * Signer accounts take a kit `TransactionSigner`, so `signTransactionMessageWithSigners` finds every signer.
 * @module
 */
import { AccountRole, type AccountMeta, type Address, type Instruction, type TransactionSigner } from '@solana/kit';
import { PROGRAM_ID } from './constants.js';
import {
  getAcceptAuthorityInstruction,
  getAcceptModelTransferInstruction,
  getAddStakeInstruction,
  getClaimModelFeesInstruction,
  getClaimWorkerRewardsInstruction,
  getCloseRequestInstruction,
  getCommitResultInstruction,
  getDeactivateModelInstruction,
  getDrawSeatsInstruction,
  getExpireRequestInstruction,
  getFinalizeRequestInstruction,
  getInitializeConfigInstruction,
  getJoinRequestInstruction,
  getLeaveRequestInstruction,
  getProposeAuthorityInstruction,
  getProposeModelTransferInstruction,
  getRegisterChallengerInstruction,
  getRegisterModelInstruction,
  getRegisterWorkerInstruction,
  getRemoveChallengerInstruction,
  getRequestUnstakeInstruction,
  getRevealChallengeInstruction,
  getRevealResultInstruction,
  getSetPausedInstruction,
  getSubmitRequestInstruction,
  getUpdateConfigInstruction,
  getUpdateModelInstruction,
  getUpdateWorkerInstruction,
  getWithdrawInsuranceInstruction,
  getWithdrawStakeInstruction,
  getWithdrawTreasuryInstruction,
  type ConfigParamsArgs,
  type Request,
} from './generated/index.js';
import { check32, challengeLabelCode, randomAttestation, type ChallengeLabel } from './challenge.js';
import { DFPNError, ErrorCode } from './errors.js';
import { SEAT_STATE_REVEALED } from './generated/constants.js';
import { modalityMask, verdictCode, type Modality, type Verdict } from './models.js';
import {
  challengerAddress,
  configAddress,
  encodeModelId,
  insuranceAddress,
  modelAddress,
  programDataAddress,
  requestAddressAndBump,
  treasuryAddress,
  workerAddress,
} from './pda.js';
import type { ReadonlyUint8Array } from '@solana/kit';

type Modalities = Iterable<Modality | number> | number;
type ModelId = string | ReadonlyUint8Array;
type Cfg = { programAddress: Address };
const cfg = (programId: Address): Cfg => ({ programAddress: programId });

// ---- configuration ---------------------------------------------------------------------------------------------

/** Fields of {@link initializeConfig}. */
export interface InitializeConfigArgs {
  /** The program's upgrade authority (the program refuses any other key); it pays and becomes the configuration
   * authority. */
  authority: TransactionSigner;
  params: ConfigParamsArgs;
}

/**
 * `initialize_config`: create the configuration and the treasury and insurance vaults. The program's ProgramData
 * account (`programDataAddress(programId)`) is passed as the 6th account and the program's own account as the 7th
 * (it names the ProgramData account): the upgrade authority must be `authority`
 * (`NOT_UPGRADE_AUTHORITY` otherwise). Deploy with an upgrade authority (solana-test-validator:
 * `--upgradeable-program <program id> dfpn.so <authority>`) and initialize before making the program immutable.
 */
export async function initializeConfig(
  { authority, params }: InitializeConfigArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getInitializeConfigInstruction(
    {
      authority,
      config: await configAddress(programId),
      treasury: await treasuryAddress(programId),
      insurance: await insuranceAddress(programId),
      programData: await programDataAddress(programId),
      program: programId,
      params,
    },
    cfg(programId),
  );
}

/** Fields of {@link updateConfig}. */
export interface UpdateConfigArgs {
  /** The configuration authority. */
  authority: TransactionSigner;
  params: ConfigParamsArgs;
}

/** `update_config`: new parameters (the authority signs; requests already submitted keep theirs). */
export async function updateConfig({ authority, params }: UpdateConfigArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getUpdateConfigInstruction({ authority, config: await configAddress(programId), params }, cfg(programId));
}

/** Fields of {@link proposeAuthority}. */
export interface ProposeAuthorityArgs {
  /** The current configuration authority. */
  authority: TransactionSigner;
  /** The proposed successor (the default address, all zero bytes, withdraws a proposal). */
  newAuthority: Address;
}

/** `propose_authority`: the authority names its successor, who takes over with {@link acceptAuthority}. */
export async function proposeAuthority(
  { authority, newAuthority }: ProposeAuthorityArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getProposeAuthorityInstruction({ authority, config: await configAddress(programId), newAuthority }, cfg(programId));
}

/** Fields of {@link acceptAuthority}. */
export interface AcceptAuthorityArgs {
  /** The proposed authority; it signs. */
  newAuthority: TransactionSigner;
}

/** `accept_authority`: the proposed authority signs and becomes the configuration authority. */
export async function acceptAuthority({ newAuthority }: AcceptAuthorityArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getAcceptAuthorityInstruction({ newAuthority, config: await configAddress(programId) }, cfg(programId));
}

/** Fields of {@link setPaused}. */
export interface SetPausedArgs {
  authority: TransactionSigner;
  paused: boolean;
}

/** `set_paused`: pause or resume new requests. */
export async function setPaused({ authority, paused }: SetPausedArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getSetPausedInstruction({ authority, config: await configAddress(programId), paused }, cfg(programId));
}

/** Fields of {@link withdrawTreasury}. */
export interface WithdrawTreasuryArgs {
  authority: TransactionSigner;
  recipient: Address;
  /** Lamports. */
  amount: bigint;
}

/** `withdraw_treasury`: the authority withdraws treasury lamports above rent. */
export async function withdrawTreasury(
  { authority, recipient, amount }: WithdrawTreasuryArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getWithdrawTreasuryInstruction(
    {
      authority,
      config: await configAddress(programId),
      treasury: await treasuryAddress(programId),
      recipient,
      amount,
    },
    cfg(programId),
  );
}

/** Fields of {@link withdrawInsurance}. */
export interface WithdrawInsuranceArgs {
  /** The configuration authority. */
  authority: TransactionSigner;
  recipient: Address;
  /** Lamports: at most `MAX_INSURANCE_WITHDRAWAL_BPS` of the vault above rent. */
  amount: bigint;
}

/**
 * `withdraw_insurance`: the authority moves part of the insurance vault to `recipient` (for example to make a client
 * whole): at most `MAX_INSURANCE_WITHDRAWAL_BPS` of the lamports above rent (`INSURANCE_WITHDRAWAL_TOO_LARGE`), at
 * most once per `INSURANCE_WITHDRAWAL_INTERVAL_SECS` (`INSURANCE_WITHDRAWAL_TOO_SOON`).
 */
export async function withdrawInsurance(
  { authority, recipient, amount }: WithdrawInsuranceArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getWithdrawInsuranceInstruction(
    {
      authority,
      config: await configAddress(programId),
      insurance: await insuranceAddress(programId),
      recipient,
      amount,
    },
    cfg(programId),
  );
}

// ---- challengers (known-answer challenges) -----------------------------------------------------------------------

/** Fields of {@link registerChallenger}. */
export interface RegisterChallengerArgs {
  /** The configuration authority (`NOT_CONFIG_AUTHORITY` for any other key); it pays the challenger account's
   * rent. */
  authority: TransactionSigner;
  /** The key to register: from now on it may reveal known-answer challenges of its own requests
   * ({@link revealChallenge}). Its challenger PDA `["challenger", challenger]` is derived. */
  challenger: Address;
}

/**
 * `register_challenger(challenger: pubkey)`: the configuration authority registers a key that may submit
 * known-answer challenges and reveal them (creates the challenger PDA `challengerAddress(challenger)`; the
 * `ChallengerRegistered` event). Accounts: authority (signer, writable: pays the rent), config, the challenger PDA
 * (writable), the system program.
 */
export async function registerChallenger(
  { authority, challenger }: RegisterChallengerArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getRegisterChallengerInstruction(
    {
      authority,
      config: await configAddress(programId),
      challenger: await challengerAddress(challenger, programId),
      challengerArg: challenger,
    },
    cfg(programId),
  );
}

/** Fields of {@link removeChallenger}. */
export interface RemoveChallengerArgs {
  /** The configuration authority; it receives the challenger account's rent. */
  authority: TransactionSigner;
  /** The registered key to remove (its challenger PDA is derived). */
  challenger: Address;
}

/**
 * `remove_challenger()`: the configuration authority withdraws a challenger (closes its PDA, the rent goes to the
 * authority; the `ChallengerRemoved` event). Its requests already submitted can no longer be revealed as challenges
 * (`NOT_CHALLENGER`). Accounts: authority (signer, writable), config, the challenger PDA (writable).
 */
export async function removeChallenger(
  { authority, challenger }: RemoveChallengerArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getRemoveChallengerInstruction(
    {
      authority,
      config: await configAddress(programId),
      challenger: await challengerAddress(challenger, programId),
    },
    cfg(programId),
  );
}

/** Fields of {@link revealChallenge}. */
export interface RevealChallengeArgs {
  /** The request's client, a registered challenger (`NOT_CHALLENGER` otherwise); it signs. */
  client: TransactionSigner;
  /** The challenge request. */
  request: Address;
  /** The known answer the attestation committed to: Authentic or Manipulated. */
  label: ChallengeLabel | number;
  /** The 32-byte salt the attestation committed to. */
  salt: ReadonlyUint8Array;
}

/**
 * `reveal_challenge(label: u8, salt: [u8; 32])`: the challenger reveals the label and salt of its request's
 * attestation (`challengeAttestation({ request, label, salt })`; `CHALLENGE_MISMATCH` when they do not hash to it),
 * once the request is finalizable (the deadline passed, or every committed seat revealed; `CHALLENGE_TOO_EARLY`
 * before) and before it is finalized. Finalization then pays the revealers whose verdict is the label and slashes the
 * others `challengeSlashBps` of their stake. Accounts: client (signer), its challenger PDA (writable), request
 * (writable). `INVALID_ARGUMENT` here for a label that is not Authentic or Manipulated or a salt that is not 32 bytes.
 */
export async function revealChallenge(
  { client, request, label, salt }: RevealChallengeArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getRevealChallengeInstruction(
    {
      client,
      challenger: await challengerAddress(client.address, programId),
      request,
      label: challengeLabelCode(label),
      salt: check32('salt', salt),
    },
    cfg(programId),
  );
}

// ---- models ----------------------------------------------------------------------------------------------------

/**
 * Which model an instruction acts on: its PDA address (`model`), or its `modelId` and `registrant`, the key that
 * registered it (the PDA `["model", registrant, model_id]` is derived). The address stays the registrant's even
 * after the model's control moved to another developer.
 */
export type ModelSelector =
  | { model: Address; modelId?: undefined; registrant?: undefined }
  | { model?: undefined; modelId: ModelId; registrant: Address };

/** A {@link ModelSelector} for instructions the model's developer signs: `registrant` defaults to the signer. */
export type DeveloperModelSelector =
  | { model: Address; modelId?: undefined; registrant?: undefined }
  | { model?: undefined; modelId: ModelId; registrant?: Address };

async function resolveModel(
  selector: DeveloperModelSelector,
  signer: Address | undefined,
  programId: Address,
): Promise<Address> {
  if (selector.model !== undefined) return selector.model;
  const registrant = selector.registrant ?? signer;
  if (registrant === undefined) throw new TypeError('give the model address (model) or its modelId and registrant');
  return modelAddress(registrant, selector.modelId, programId);
}

/** Fields of {@link registerModel}. */
export interface RegisterModelArgs {
  /** Registers the model and becomes its `registrant` (part of its address) and first `developer`. */
  developer: TransactionSigner;
  /** 1–32 printable ASCII characters (or the zero-padded bytes), unique per developer; the `model` PDA
   * `["model", developer, model_id]` is derived from it. */
  modelId: ModelId;
  payoutWallet: Address;
  modalities: Modalities;
}

/** `register_model`: a developer registers a model id (in its own namespace) with a payout wallet. The model's
 * address is `modelAddress(developer.address, modelId)`. */
export async function registerModel(
  { developer, modelId, payoutWallet, modalities }: RegisterModelArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  const mid = encodeModelId(modelId);
  return getRegisterModelInstruction(
    {
      developer,
      model: await modelAddress(developer.address, mid, programId),
      payoutWallet,
      modelId: mid,
      modalities: modalityMask(modalities),
    },
    cfg(programId),
  );
}

/** Fields of {@link updateModel}: the model (by address, or by id registered by `registrant`, default the
 * developer), its new payout wallet and modalities. */
export type UpdateModelArgs = DeveloperModelSelector & {
  /** The model's current developer. */
  developer: TransactionSigner;
  payoutWallet: Address;
  modalities: Modalities;
};

/** `update_model`: new payout wallet and modalities (the model's current developer signs). */
export async function updateModel(args: UpdateModelArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  const { developer, payoutWallet, modalities } = args;
  return getUpdateModelInstruction(
    {
      developer,
      model: await resolveModel(args, developer.address, programId),
      payoutWallet,
      modalities: modalityMask(modalities),
    },
    cfg(programId),
  );
}

/** Fields of {@link deactivateModel}: the model (by address, or by id registered by `registrant`, default the
 * developer). */
export type DeactivateModelArgs = DeveloperModelSelector & {
  /** The model's current developer. */
  developer: TransactionSigner;
};

/** `deactivate_model`: no new commit may use the model (seats that committed with it keep it). */
export async function deactivateModel(args: DeactivateModelArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getDeactivateModelInstruction(
    { developer: args.developer, model: await resolveModel(args, args.developer.address, programId) },
    cfg(programId),
  );
}

/** Fields of {@link claimModelFees}: the model (by address, or by id and `registrant`) and its payout wallet. */
export type ClaimModelFeesArgs = ModelSelector & {
  /** The model's registered payout wallet. */
  payoutWallet: Address;
};

/** `claim_model_fees`: pays the model's unclaimed share to its payout wallet (anyone may send it). */
export async function claimModelFees(args: ClaimModelFeesArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getClaimModelFeesInstruction(
    { model: await resolveModel(args, undefined, programId), payoutWallet: args.payoutWallet },
    cfg(programId),
  );
}

/** Fields of {@link proposeModelTransfer}: the model (by address, or by id registered by `registrant`, default the
 * developer) and the proposed successor. */
export type ProposeModelTransferArgs = DeveloperModelSelector & {
  /** The model's current developer. */
  developer: TransactionSigner;
  /** The proposed developer (the default address, all zero bytes, withdraws a proposal). */
  newDeveloper: Address;
};

/**
 * `propose_model_transfer`: the model's developer names its successor, who takes control (updates, deactivation,
 * further transfers) with {@link acceptModelTransfer}. The model's address does not change.
 */
export async function proposeModelTransfer(
  args: ProposeModelTransferArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getProposeModelTransferInstruction(
    {
      developer: args.developer,
      model: await resolveModel(args, args.developer.address, programId),
      newDeveloper: args.newDeveloper,
    },
    cfg(programId),
  );
}

/** Fields of {@link acceptModelTransfer}: the model (by address, or by id and the `registrant` that registered it)
 * and the proposed developer. */
export type AcceptModelTransferArgs = ModelSelector & {
  /** The proposed developer; it signs (`NOT_PENDING_DEVELOPER` for any other key). */
  newDeveloper: TransactionSigner;
};

/** `accept_model_transfer`: the proposed developer signs and becomes the model's developer. */
export async function acceptModelTransfer(args: AcceptModelTransferArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getAcceptModelTransferInstruction(
    { newDeveloper: args.newDeveloper, model: await resolveModel(args, undefined, programId) },
    cfg(programId),
  );
}

// ---- workers ---------------------------------------------------------------------------------------------------

/** Fields of {@link registerWorker}. */
export interface RegisterWorkerArgs {
  authority: TransactionSigner;
  /** Lamports. */
  stake: bigint;
  modalities: Modalities;
  /** 1–4 model addresses (the models' PDAs, `modelAddress(developer, modelId)`). */
  models: ReadonlyArray<Address>;
}

/** `register_worker`: stake, supported modalities and the 1–4 models (by address) the worker answers with. */
export async function registerWorker(
  { authority, stake, modalities, models }: RegisterWorkerArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getRegisterWorkerInstruction(
    {
      authority,
      worker: await workerAddress(authority.address, programId),
      config: await configAddress(programId),
      stake,
      modalities: modalityMask(modalities),
      models: [...models],
    },
    cfg(programId),
  );
}

/** Fields of {@link addStake} and {@link requestUnstake}. */
export interface StakeAmountArgs {
  authority: TransactionSigner;
  /** Lamports. */
  amount: bigint;
}

/** `add_stake` */
export async function addStake({ authority, amount }: StakeAmountArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getAddStakeInstruction(
    { authority, worker: await workerAddress(authority.address, programId), amount },
    cfg(programId),
  );
}

/** Fields of {@link updateWorker}. */
export interface UpdateWorkerArgs {
  authority: TransactionSigner;
  modalities: Modalities;
  /** 1–4 model addresses (the models' PDAs, `modelAddress(developer, modelId)`). */
  models: ReadonlyArray<Address>;
}

/** `update_worker`: new modalities and models, by address (refused while the worker holds a seat). */
export async function updateWorker(
  { authority, modalities, models }: UpdateWorkerArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getUpdateWorkerInstruction(
    {
      authority,
      worker: await workerAddress(authority.address, programId),
      modalities: modalityMask(modalities),
      models: [...models],
    },
    cfg(programId),
  );
}

/** `request_unstake`: move stake to unbonding. */
export async function requestUnstake(
  { authority, amount }: StakeAmountArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getRequestUnstakeInstruction(
    {
      authority,
      worker: await workerAddress(authority.address, programId),
      config: await configAddress(programId),
      amount,
    },
    cfg(programId),
  );
}

/** Fields of the worker instructions whose only account is the worker's authority (its PDA is derived). */
export interface WorkerAuthorityArgs {
  authority: TransactionSigner;
}

/** `withdraw_stake`: pay out unbonded stake. */
export async function withdrawStake({ authority }: WorkerAuthorityArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getWithdrawStakeInstruction(
    { authority, worker: await workerAddress(authority.address, programId) },
    cfg(programId),
  );
}

/** `claim_worker_rewards` */
export async function claimWorkerRewards(
  { authority }: WorkerAuthorityArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getClaimWorkerRewardsInstruction(
    { authority, worker: await workerAddress(authority.address, programId) },
    cfg(programId),
  );
}

// ---- requests --------------------------------------------------------------------------------------------------

/** Fields of {@link submitRequest}. */
export interface SubmitRequestArgs {
  client: TransactionSigner;
  nonce: bigint;
  contentHash: ReadonlyUint8Array;
  storageUri: string;
  modalities: Modalities;
  minWorkers: number;
  maxWorkers: number;
  /** Escrowed lamports (at least the fee). */
  maxFee: bigint;
  /** Unix timestamp (cluster clock). */
  deadline: bigint;
  /**
   * The request's 32-byte attestation (the last argument). Default: 32 random bytes from `crypto.getRandomValues`
   * ({@link randomAttestation}), what every ordinary request must send so challenges cannot be told apart. A
   * registered challenger passes `challengeAttestation({ request, label, salt })` (the request address is
   * `requestAddress(client.address, nonce)`).
   */
  attestation?: ReadonlyUint8Array;
}

/**
 * `submit_request` with the canonical request bump and the attestation (random unless given) as its last arguments;
 * returns the request address and the attestation sent too. `INVALID_ARGUMENT` for an attestation that is not 32
 * bytes.
 */
export async function submitRequest(
  args: SubmitRequestArgs,
  programId: Address = PROGRAM_ID,
): Promise<{ instruction: Instruction; request: Address; attestation: ReadonlyUint8Array }> {
  const attestation = args.attestation === undefined ? randomAttestation() : check32('attestation', args.attestation);
  const [request, bump] = await requestAddressAndBump(args.client.address, args.nonce, programId);
  const instruction = getSubmitRequestInstruction(
    {
      client: args.client,
      request,
      config: await configAddress(programId),
      nonce: args.nonce,
      contentHash: args.contentHash,
      storageUri: args.storageUri,
      modalities: modalityMask(args.modalities),
      minWorkers: args.minWorkers,
      maxWorkers: args.maxWorkers,
      maxFee: args.maxFee,
      deadline: args.deadline,
      bump,
      attestation,
    },
    cfg(programId),
  );
  return { instruction, request, attestation };
}

/** Fields of {@link drawSeats}. */
export interface DrawSeatsArgs {
  /** The request whose seats are drawn. */
  request: Address;
  /**
   * Operators (worker authorities) of the seats this draw replaces, in seat order: every seat not committed half a
   * commit window after its own draw, only drawn or accepted and silent (`draw.replacedSeats`, `protocol.answerBy`).
   * Their worker PDAs are passed writable (they forfeit their bond to the insurance vault; an accepted seat's bond is
   * released first).
   */
  replaced?: ReadonlyArray<Address>;
  /**
   * Worker PDAs (not operators) of the candidates to try, in draw order: candidate `k = drawCursor, drawCursor + 1,
   * …` must be the worker whose `poolIndex` is `drawCandidate(seed, k, poolCount, drawStakeCap).poolIndex`
   * (`DRAW_ACCOUNT_MISMATCH` otherwise). Passed read-only. Candidates past the last free seat are ignored.
   */
  candidates?: ReadonlyArray<Address>;
}

/**
 * `draw_seats` (no arguments; anyone may send it): request (writable), config, the SlotHashes sysvar, the insurance
 * vault (writable), then the replaced seats' worker PDAs (writable, seat order) and the candidates' worker PDAs
 * (read-only, draw order). `DrawSeats` fixes the seed on first use, replaces the seats not committed (drawn, or
 * accepted and silent) half a commit window after their own draw (`protocol.answerBy`) and seats eligible candidates
 * (`SeatDrawn` events) until
 * `maxWorkers` seats are held. `DRAW_TOO_EARLY` before the draw slot's hash exists; `DrawRearmed` (and nothing drawn)
 * when it rolled out of the SlotHashes window. The client method `DFPNClient.drawSeats` computes the accounts.
 */
export async function drawSeats(
  { request, replaced = [], candidates = [] }: DrawSeatsArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  const remaining: AccountMeta[] = [];
  for (const operator of replaced) remaining.push({ address: await workerAddress(operator, programId), role: AccountRole.WRITABLE });
  for (const worker of candidates) remaining.push({ address: worker, role: AccountRole.READONLY });
  const ix = getDrawSeatsInstruction(
    { request, config: await configAddress(programId), insurance: await insuranceAddress(programId) },
    cfg(programId),
  );
  return withRemaining(ix, remaining);
}

/** Fields of {@link joinRequest}. */
export interface JoinRequestArgs {
  /** The worker's authority (its worker PDA is derived). */
  authority: TransactionSigner;
  request: Address;
}

/**
 * `join_request`: a drawn worker accepts its seat (Drawn → Joined; the seat bond is locked from its free stake).
 * Seats are drawn, not taken: a worker without a drawn seat in the request gets `NOT_DRAWN`.
 */
export async function joinRequest({ authority, request }: JoinRequestArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getJoinRequestInstruction(
    {
      authority,
      worker: await workerAddress(authority.address, programId),
      request,
      config: await configAddress(programId),
    },
    cfg(programId),
  );
}

/** Fields of {@link leaveRequest}. */
export interface LeaveRequestArgs {
  /** The seated worker's authority (its worker PDA is derived). */
  authority: TransactionSigner;
  request: Address;
}

/** `leave_request`: give back a seat not yet committed (drawn or accepted) while the commit phase is open, within
 * half a commit window of its draw (`protocol.leaveOpen`; `LEAVE_WINDOW_CLOSED` later); an accepted seat's bond is
 * released and the seat is drawn again. */
export async function leaveRequest({ authority, request }: LeaveRequestArgs, programId: Address = PROGRAM_ID): Promise<Instruction> {
  return getLeaveRequestInstruction(
    { authority, worker: await workerAddress(authority.address, programId), request },
    cfg(programId),
  );
}

/** Fields of {@link commitResult}. */
export interface CommitResultArgs {
  authority: TransactionSigner;
  request: Address;
  /** The 32-byte commitment (see `commitment()`). */
  commitment: ReadonlyUint8Array;
  /** The PDA address of the model the answer comes from (the one hashed into the commitment); it must be one the
   * worker declared, and the program fixes it in the seat. */
  model: Address;
}

/** `commit_result` with the authority's worker PDA and the model the answer comes from. The seat must be accepted
 * first (`join_request`): a seat only drawn gets `NOT_JOINED`, as does a worker without a seat. */
export async function commitResult(
  { authority, request, commitment, model }: CommitResultArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  return getCommitResultInstruction(
    {
      authority,
      request,
      worker: await workerAddress(authority.address, programId),
      model,
      commitment,
    },
    cfg(programId),
  );
}

/** Fields of {@link revealResult}. */
export interface RevealResultArgs {
  authority: TransactionSigner;
  request: Address;
  verdict: Verdict | number;
  confidence: number;
  reportHash: ReadonlyUint8Array;
  salt: ReadonlyUint8Array;
  reportUri: string;
}

/** `reveal_result`: the commitment's preimage (the model is the one the seat committed with) and the report URI. */
export function revealResult(args: RevealResultArgs, programId: Address = PROGRAM_ID): Instruction {
  return getRevealResultInstruction(
    {
      authority: args.authority,
      request: args.request,
      verdict: verdictCode(args.verdict),
      confidence: args.confidence,
      reportHash: args.reportHash,
      salt: args.salt,
      reportUri: args.reportUri,
    },
    cfg(programId),
  );
}

function withRemaining(ix: Instruction, remaining: AccountMeta[]): Instruction {
  return Object.freeze({ ...ix, accounts: [...(ix.accounts ?? []), ...remaining] });
}

/** Fields of {@link finalizeRequest} and {@link expireRequest}. */
export interface FinishRequestArgs {
  /** The request account's address. */
  request: Address;
  /** The decoded request account: its `client` and, for the remaining accounts, its joined seats. */
  requestData: Pick<Request, 'client' | 'joined' | 'seats'>;
}

/** Fields of {@link finalizeRequest}. */
export interface FinalizeRequestArgs extends FinishRequestArgs {
  /**
   * The request's client, to finalize as it: the 2nd account becomes a signer, which the program requires until
   * `deadline + FINALIZE_GRACE_SECS` (`FINALIZE_RESERVED_FOR_CLIENT` otherwise; `protocol.finalizableByAnyone`).
   * Leave it out to finalize as anyone (a cranker) after that. `INVALID_ARGUMENT` when it is not
   * `requestData.client`.
   */
  client?: TransactionSigner;
}

/**
 * `finalize_request` with its remaining accounts: a writable worker PDA per seat (seat order), then a writable
 * model per revealed seat (seat order: the model each seat committed with). With `client` the client account signs
 * (the client may finalize as soon as the request is finalizable); without it only from
 * `deadline + FINALIZE_GRACE_SECS` on.
 */
export async function finalizeRequest(
  { request, requestData, client }: FinalizeRequestArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  if (client !== undefined && client.address !== requestData.client) {
    throw new DFPNError(
      ErrorCode.INVALID_ARGUMENT,
      `client ${client.address} is not the request's client ${requestData.client}: only the client signs its finalize.`,
    );
  }
  const seats = requestData.seats.slice(0, requestData.joined);
  const remaining: AccountMeta[] = [];
  for (const s of seats) remaining.push({ address: await workerAddress(s.authority, programId), role: AccountRole.WRITABLE });
  for (const s of seats) {
    if (s.state === SEAT_STATE_REVEALED) remaining.push({ address: s.model, role: AccountRole.WRITABLE });
  }
  const ix = getFinalizeRequestInstruction(
    {
      request,
      client: requestData.client,
      config: await configAddress(programId),
      treasury: await treasuryAddress(programId),
      insurance: await insuranceAddress(programId),
    },
    cfg(programId),
  );
  const signed =
    client === undefined
      ? ix
      : Object.freeze({
          ...ix,
          accounts: (ix.accounts ?? []).map((meta, i) =>
            i === 1 ? { address: client.address, role: AccountRole.WRITABLE_SIGNER, signer: client } : meta,
          ),
        });
  return withRemaining(signed, remaining);
}

/**
 * `expire_request` with the insurance vault (it receives the bonds of seats that never committed), then a writable
 * worker PDA per seat, in seat order.
 */
export async function expireRequest(
  { request, requestData }: FinishRequestArgs,
  programId: Address = PROGRAM_ID,
): Promise<Instruction> {
  const remaining: AccountMeta[] = [];
  for (const s of requestData.seats.slice(0, requestData.joined)) {
    remaining.push({ address: await workerAddress(s.authority, programId), role: AccountRole.WRITABLE });
  }
  const ix = getExpireRequestInstruction(
    { request, client: requestData.client, insurance: await insuranceAddress(programId) },
    cfg(programId),
  );
  return withRemaining(ix, remaining);
}

/** Fields of {@link closeRequest}. */
export interface CloseRequestArgs {
  client: TransactionSigner;
  request: Address;
}

/** `close_request`: the client closes its finished request and gets the rent back. */
export function closeRequest({ client, request }: CloseRequestArgs, programId: Address = PROGRAM_ID): Instruction {
  return getCloseRequestInstruction({ client, request }, cfg(programId));
}
