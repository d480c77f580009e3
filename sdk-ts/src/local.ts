/**
 * The "local" network: the built program in an embedded LiteSVM (the `litesvm` npm package), no validator.
 * Node only (LiteSVM is a native module).
 *
 * `LiteSvmTransport.create()` loads `dfpn.so` at the IDL's program address, sets the clock to the wall clock,
 * funds an authority, makes it the program's upgrade authority (LiteSVM deploys with none, and only the upgrade
 * authority may `initialize_config`) and initialises the configuration with `LOCAL_PARAMS` (the reference parameters
 * of docs/protocol.md without a `minWorkers` floor, draw stake cap = minimum stake). LiteSVM produces no slot hashes: the transport writes the SlotHashes sysvar itself (a random
 * hash for each slot it leaves, by default; `setSlotHash` to pick one), so seat draws work as on a cluster.
 * Besides the `Transport` methods the client uses, it has helpers for tests and demos: `airdrop`, `fundedSigner`,
 * `now`/`setTime`/`advance` (the Clock sysvar), `slot`/`advanceSlot`/`setSlotHash`/`slotHashes` (slots and the
 * SlotHashes sysvar), `account`, `balance`, `setUpgradeAuthority`.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateKeyPairSigner,
  getAddressDecoder,
  getAddressEncoder,
  getSignatureFromTransaction,
  lamports,
  type Address,
  type Instruction,
  type ReadonlyUint8Array,
  type TransactionSigner,
} from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { LAMPORTS_PER_SIGNATURE, LAMPORTS_PER_SOL, LOCAL_PARAMS, PROGRAM_ID, REFERENCE_PARAMS } from './constants.js';
import { DFPNError, ErrorCode, fromTransactionError } from './errors.js';
import { DfpnInstruction, identifyDfpnInstruction, type ConfigParamsArgs } from './generated/index.js';
import { encodeSlotHashes, parseSlotHashes, SLOT_HASHES_SYSVAR, type SlotHashEntry } from './draw.js';
import { bytesEqual } from './hash.js';
import { initializeConfig } from './instructions.js';
import { programDataAddress } from './pda.js';
import {
  buildSignedTransaction,
  pushQueue,
  transactionAccounts,
  type AccountInfo,
  type ProgramAccountsOptions,
  type ProgramLogs,
  type SendOptions,
  type TransactionRecord,
  type Transport,
} from './transport.js';

export { LOCAL_PARAMS, REFERENCE_PARAMS };

/** The environment variable naming the program binary. */
export const PROGRAM_ENV = 'DFPN_PROGRAM_SO';
const RELATIVE_SO = join('target', 'deploy', 'dfpn.so');
/** Owner of the sysvar accounts. */
const SYSVAR_OWNER = 'Sysvar1111111111111111111111111111111111111' as Address;

function parents(start: string): string[] {
  const out: string[] = [];
  let d = resolve(start);
  for (;;) {
    out.push(d);
    const up = dirname(d);
    if (up === d) return out;
    d = up;
  }
}

/** Where the package ships its copy of `dfpn.so` (`program/dfpn.so` beside `dist/`, copied from
 * `target/deploy/dfpn.so` when the package is built and packed). */
export function packagedProgramPath(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', 'program', 'dfpn.so');
}

/**
 * Locate `dfpn.so`: `path`, else `$DFPN_PROGRAM_SO` when it is set, else the copy the package ships
 * ({@link packagedProgramPath}), else `target/deploy/dfpn.so` in the current directory, the SDK's own folder or any of
 * their parents (the Python SDK's order).
 * `PROGRAM_NOT_FOUND` when there is none.
 */
export function findProgram(path?: string): string {
  let candidates: string[];
  if (path !== undefined) candidates = [path];
  else {
    const here = dirname(fileURLToPath(import.meta.url));
    const env = process.env[PROGRAM_ENV];
    candidates = env
      ? [env]
      : [packagedProgramPath(), ...[...parents(process.cwd()), ...parents(here)].map((d) => join(d, RELATIVE_SO))];
  }
  for (const c of candidates) {
    if (existsSync(c) && statSync(c).isFile()) return resolve(c);
  }
  throw new DFPNError(
    ErrorCode.PROGRAM_NOT_FOUND,
    `dfpn.so not found (looked at ${candidates.slice(0, 3).join(', ')}${candidates.length > 3 ? ', …' : ''}).`,
  );
}

/** Options of {@link LiteSvmTransport.create}. */
export interface LiteSvmOptions {
  /** Path of dfpn.so (default: {@link findProgram}). */
  programPath?: string;
  /** Configuration to initialise (default: {@link LOCAL_PARAMS}; {@link REFERENCE_PARAMS} for the reference floor
   * and stake cap). */
  params?: ConfigParamsArgs;
  /** Initialise the configuration (default true). */
  initialize?: boolean;
  /** Initial unix timestamp of the Clock sysvar (default: the wall clock). */
  startTime?: bigint;
  /** The configuration authority, also made the program's upgrade authority (default: a new funded keypair). */
  authority?: TransactionSigner;
  /** The program's address (default: the IDL's). */
  programId?: Address;
  /**
   * How the SlotHashes sysvar is filled (LiteSVM produces no slot hashes): `'auto'` (default) records a random hash
   * for each slot the network leaves (`advanceSlot`, `setTime`/`advance`), as a cluster's slots would, so seat draws
   * work without help; `'manual'` leaves it to {@link LiteSvmTransport.setSlotHash} (tests that pick a draw's hash).
   */
  slotHashes?: 'auto' | 'manual';
}

/**
 * The header of an `UpgradeableLoaderState::ProgramData` account: u32 tag (3), u64 deployment slot, then
 * `Option<Pubkey>` upgrade authority (a 1-byte tag at 12, the key at 13..45); the program's ELF follows.
 */
const PROGRAM_DATA_TAG = 3;
const AUTHORITY_OPTION_AT = 12;
const PROGRAM_DATA_HEADER_LEN = AUTHORITY_OPTION_AT + 1 + 32;

// Names of litesvm's const enums (d.ts only), by value.
const TX_ERRORS = (
  'AccountInUse AccountLoadedTwice AccountNotFound ProgramAccountNotFound InsufficientFundsForFee InvalidAccountForFee ' +
  'AlreadyProcessed BlockhashNotFound CallChainTooDeep MissingSignatureForFee InvalidAccountIndex SignatureFailure ' +
  'InvalidProgramForExecution SanitizeFailure ClusterMaintenance AccountBorrowOutstanding WouldExceedMaxBlockCostLimit ' +
  'UnsupportedVersion InvalidWritableAccount WouldExceedMaxAccountCostLimit WouldExceedAccountDataBlockLimit ' +
  'TooManyAccountLocks AddressLookupTableNotFound InvalidAddressLookupTableOwner InvalidAddressLookupTableData ' +
  'InvalidAddressLookupTableIndex InvalidRentPayingAccount WouldExceedMaxVoteCostLimit ' +
  'WouldExceedAccountDataTotalLimit MaxLoadedAccountsDataSizeExceeded ResanitizationNeeded ' +
  'InvalidLoadedAccountsDataSizeLimit UnbalancedTransaction ProgramCacheHitMaxLimit CommitCancelled'
).split(' ');
const IX_ERRORS = (
  'GenericError InvalidArgument InvalidInstructionData InvalidAccountData AccountDataTooSmall InsufficientFunds ' +
  'IncorrectProgramId MissingRequiredSignature AccountAlreadyInitialized UninitializedAccount UnbalancedInstruction ' +
  'ModifiedProgramId ExternalAccountLamportSpend ExternalAccountDataModified ReadonlyLamportChange ' +
  'ReadonlyDataModified DuplicateAccountIndex ExecutableModified RentEpochModified NotEnoughAccountKeys ' +
  'AccountDataSizeChanged AccountNotExecutable AccountBorrowFailed AccountBorrowOutstanding DuplicateAccountOutOfSync ' +
  'InvalidError ExecutableDataModified ExecutableLamportChange ExecutableAccountNotRentExempt UnsupportedProgramId ' +
  'CallDepth MissingAccount ReentrancyNotAllowed MaxSeedLengthExceeded InvalidSeeds InvalidRealloc ' +
  'ComputationalBudgetExceeded PrivilegeEscalation ProgramEnvironmentSetupFailure ProgramFailedToComplete ' +
  'ProgramFailedToCompile Immutable IncorrectAuthority AccountNotRentExempt InvalidAccountOwner ArithmeticOverflow ' +
  'UnsupportedSysvar IllegalOwner MaxAccountsDataAllocationsExceeded MaxAccountsExceeded ' +
  'MaxInstructionTraceLengthExceeded BuiltinProgramsMustConsumeComputeUnits BorshIoError'
).split(' ');

/** A LiteSVM `TransactionError` in its JSON-RPC form, so one mapping serves LiteSVM and RPC. */
export function liteSvmErrorToJson(err: unknown): unknown {
  if (typeof err === 'number') return TX_ERRORS[err] ?? `TransactionError(${err})`;
  if (err && typeof err === 'object') {
    const o = err as { index?: number; err?: () => unknown; code?: number; accountIndex?: number };
    if (typeof o.index === 'number' && typeof o.err === 'function') {
      const inner = o.err();
      if (typeof inner === 'number') return { InstructionError: [o.index, IX_ERRORS[inner] ?? `InstructionError(${inner})`] };
      if (inner && typeof inner === 'object' && typeof (inner as { code?: unknown }).code === 'number') {
        return { InstructionError: [o.index, { Custom: (inner as { code: number }).code }] };
      }
      return { InstructionError: [o.index, String(inner)] };
    }
    if (typeof o.accountIndex === 'number') {
      const name = String(err).startsWith('InsufficientFundsForRent')
        ? 'InsufficientFundsForRent'
        : 'ProgramExecutionTemporarilyRestricted';
      return { [name]: { account_index: o.accountIndex } };
    }
  }
  return String(err);
}

/** The name of a DFPN instruction from its data ("submit_request"), or the program address for others. */
export function instructionName(ix: Instruction, programId: Address): string {
  if (ix.programAddress !== programId || !ix.data) return ix.programAddress;
  try {
    const kind = identifyDfpnInstruction(ix.data);
    const name = DfpnInstruction[kind];
    return name.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase());
  } catch {
    return 'unknown instruction';
  }
}

/** An embedded LiteSVM with the DFPN program deployed and configured. */
export class LiteSvmTransport implements Transport {
  readonly name = 'local';
  readonly isLocal = true;
  readonly programId: Address;
  /** The LiteSVM instance (for anything the helpers do not cover). */
  readonly svm: LiteSVM;
  readonly programPath: string;
  /** The configuration authority. */
  authority!: TransactionSigner;
  /** The parameters the configuration was initialised with. */
  params: ConfigParamsArgs = LOCAL_PARAMS;
  private readonly records = new Map<string, TransactionRecord>();
  private readonly byAddress = new Map<Address, string[]>();
  private readonly logListeners = new Set<(logs: ProgramLogs) => void>();
  /** The transaction being processed (see {@link process}). */
  private queue: Promise<unknown> = Promise.resolve();
  /** Whether leaving a slot records a random hash for it (`LiteSvmOptions.slotHashes`). */
  slotHashMode: 'auto' | 'manual' = 'auto';
  /** The SlotHashes sysvar's entries as this transport last wrote them, newest first. */
  private hashes: SlotHashEntry[] = [];

  private constructor(programPath: string, programId: Address) {
    this.programId = programId;
    this.programPath = programPath;
    this.svm = new LiteSVM();
    this.svm.addProgramFromFile(programId, programPath);
  }

  /** A LiteSVM with dfpn.so loaded, the clock at `startTime` (default: now) and, by default, the config set. */
  static async create(options: LiteSvmOptions = {}): Promise<LiteSvmTransport> {
    const t = new LiteSvmTransport(findProgram(options.programPath), options.programId ?? PROGRAM_ID);
    t.slotHashMode = options.slotHashes ?? 'auto';
    t.hashes = t.readSlotHashes();
    t.setTime(options.startTime ?? BigInt(Math.floor(Date.now() / 1000)));
    t.authority = options.authority ?? (await generateKeyPairSigner());
    t.params = options.params ?? LOCAL_PARAMS;
    t.airdrop(t.authority.address, 100n * LAMPORTS_PER_SOL);
    await t.setUpgradeAuthority(t.authority.address);
    if (options.initialize ?? true) {
      await t.process([await initializeConfig({ authority: t.authority, params: t.params }, t.programId)], t.authority);
    }
    return t;
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  /**
   * Rewrite the upgrade authority in the program's ProgramData header (`null`: none, an immutable program).
   * LiteSVM deploys with the upgradeable loader and no upgrade authority; `initialize_config` accepts only the
   * upgrade authority's signature, so {@link create} sets it to the configuration authority.
   */
  async setUpgradeAuthority(authority: Address | null): Promise<void> {
    const address = await programDataAddress(this.programId);
    const acc = this.svm.getAccount(address);
    const data = acc.exists ? Uint8Array.from(acc.data) : new Uint8Array();
    const tag = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (!acc.exists || data.length < PROGRAM_DATA_HEADER_LEN || tag.getUint32(0, true) !== PROGRAM_DATA_TAG) {
      throw new DFPNError(
        ErrorCode.PROGRAM_NOT_FOUND,
        `${this.programId} has no ProgramData account at ${address} (not deployed with the upgradeable loader).`,
      );
    }
    data[AUTHORITY_OPTION_AT] = authority === null ? 0 : 1;
    data.set(authority === null ? new Uint8Array(32) : getAddressEncoder().encode(authority), AUTHORITY_OPTION_AT + 1);
    this.svm.setAccount({ ...acc, address, data });
  }

  /** The upgrade authority in the program's ProgramData header (null: none). */
  async upgradeAuthority(): Promise<Address | null> {
    const acc = this.svm.getAccount(await programDataAddress(this.programId));
    if (!acc.exists || acc.data[AUTHORITY_OPTION_AT] !== 1) return null;
    return getAddressDecoder().decode(acc.data.subarray(AUTHORITY_OPTION_AT + 1, PROGRAM_DATA_HEADER_LEN));
  }

  /** The Clock sysvar's unix timestamp. */
  now(): bigint {
    return this.svm.getClock().unixTimestamp;
  }

  /** Set the Clock sysvar's unix timestamp (and move to the next slot, see {@link advanceSlot}). */
  setTime(unixTimestamp: bigint): void {
    const clock = this.svm.getClock();
    this.leaveSlot(clock.slot);
    clock.unixTimestamp = unixTimestamp;
    clock.slot = clock.slot + 1n;
    this.svm.setClock(clock);
  }

  /** The Clock sysvar's slot. */
  slot(): bigint {
    return this.svm.getClock().slot;
  }

  /**
   * End the current slot and start the next (the unix timestamp stays). With `slotHashes: 'auto'` the slot left
   * gets a random hash in the SlotHashes sysvar unless it has one already, as a cluster's produced slot would.
   */
  async advanceSlot(): Promise<void> {
    const clock = this.svm.getClock();
    this.leaveSlot(clock.slot);
    clock.slot = clock.slot + 1n;
    this.svm.setClock(clock);
  }

  private leaveSlot(slot: bigint): void {
    if (this.slotHashMode !== 'auto' || this.hashes.some((e) => e.slot === slot)) return;
    this.writeSlotHashes([{ slot, hash: crypto.getRandomValues(new Uint8Array(32)) }, ...this.hashes]);
  }

  /**
   * Give `slot` the hash `hash` in the SlotHashes sysvar (replacing the one it had), and move the clock past `slot`
   * if it is not already (a slot's hash exists once the slot is over). Tests use it to pick the hash a request's
   * draw uses (a test standing in for waiting on a lucky slot).
   */
  setSlotHash(slot: bigint, hash: ReadonlyUint8Array): void {
    if (hash.length !== 32) throw new RangeError('a slot hash is 32 bytes');
    this.writeSlotHashes([{ slot, hash: Uint8Array.from(hash) }, ...this.hashes.filter((e) => e.slot !== slot)]);
    const clock = this.svm.getClock();
    if (clock.slot <= slot) {
      clock.slot = slot + 1n;
      this.svm.setClock(clock);
    }
  }

  /** Replace the SlotHashes sysvar's entries (any order; the newest 512 are kept). */
  setSlotHashes(entries: readonly SlotHashEntry[]): void {
    this.writeSlotHashes(entries);
  }

  /** The SlotHashes sysvar's entries, newest first. */
  slotHashes(): SlotHashEntry[] {
    return this.readSlotHashes();
  }

  private readSlotHashes(): SlotHashEntry[] {
    const acc = this.svm.getAccount(SLOT_HASHES_SYSVAR);
    return acc.exists ? parseSlotHashes(acc.data) : [];
  }

  private writeSlotHashes(entries: readonly SlotHashEntry[]): void {
    const data = encodeSlotHashes(entries);
    this.hashes = parseSlotHashes(data);
    const acc = this.svm.getAccount(SLOT_HASHES_SYSVAR);
    const rent = this.svm.minimumBalanceForRentExemption(BigInt(data.length));
    this.svm.setAccount({
      address: SLOT_HASHES_SYSVAR,
      data,
      executable: false,
      lamports: acc.exists ? acc.lamports : lamports(rent),
      programAddress: SYSVAR_OWNER,
      space: BigInt(data.length),
    });
  }

  /** Move the clock forward by `seconds`. */
  advance(seconds: number | bigint): void {
    this.setTime(this.now() + BigInt(seconds));
  }

  /** Give `address` lamports. */
  airdrop(address: Address, amount: bigint): void {
    const result = this.svm.airdrop(address, lamports(amount));
    if (result instanceof FailedTransactionMetadata) {
      throw new DFPNError(ErrorCode.TRANSACTION_FAILED, `airdrop to ${address} failed: ${result.toString()}`);
    }
  }

  /** A new keypair signer holding `amount` lamports (default 10 SOL). */
  async fundedSigner(amount: bigint = 10n * LAMPORTS_PER_SOL): Promise<TransactionSigner & { address: Address }> {
    const signer = await generateKeyPairSigner();
    this.airdrop(signer.address, amount);
    return signer;
  }

  /** The account at `address`, or null. */
  account(address: Address): AccountInfo | null {
    const acc = this.svm.getAccount(address);
    if (!acc.exists || (acc.lamports === 0n && acc.data.length === 0)) return null;
    return {
      address,
      lamports: acc.lamports,
      owner: acc.programAddress,
      data: Uint8Array.from(acc.data),
      executable: acc.executable,
    };
  }

  /** Lamports at `address`. */
  balance(address: Address): bigint {
    return this.account(address)?.lamports ?? 0n;
  }

  /** Sign (the fee payer first), process, record; throw `DFPNError` mapped from the failure. */
  async process(
    instructions: readonly Instruction[],
    feePayer: TransactionSigner,
    options: SendOptions = {},
  ): Promise<TransactionRecord> {
    // One transaction at a time: each is signed over a fresh blockhash, which the next one's would expire while
    // this one is still being signed (concurrent senders: test workers, a waiting client, a test).
    const run = this.queue.then(() => this.processNow(instructions, feePayer, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async processNow(
    instructions: readonly Instruction[],
    feePayer: TransactionSigner,
    options: SendOptions,
  ): Promise<TransactionRecord> {
    this.svm.expireBlockhash();
    const tx = await buildSignedTransaction(
      instructions,
      feePayer,
      { blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: 0n },
      options.extraSigners,
    );
    const label = options.label ?? instructions.map((ix) => instructionName(ix, this.programId)).join(', ');
    const result = this.svm.sendTransaction(tx);
    const signature = getSignatureFromTransaction(tx);
    if (result instanceof FailedTransactionMetadata) {
      const logs = result.meta().logs();
      const programIndex = instructions.map((ix) => ix.programAddress === this.programId);
      throw fromTransactionError(liteSvmErrorToJson(result.err()), {
        programIndex,
        logs,
        signature,
        context: label,
      });
    }
    const record: TransactionRecord = {
      signature,
      slot: this.svm.getClock().slot,
      accounts: transactionAccounts(instructions, feePayer.address),
      logs: result.logs(),
      fee: LAMPORTS_PER_SIGNATURE * BigInt(Object.keys(tx.signatures).length),
      computeUnits: result.computeUnitsConsumed(),
    };
    this.records.set(signature, record);
    for (const key of record.accounts) {
      const list = this.byAddress.get(key) ?? [];
      list.push(signature);
      this.byAddress.set(key, list);
    }
    if (record.accounts.includes(this.programId)) {
      for (const listener of this.logListeners) listener({ signature, logs: record.logs });
    }
    return record;
  }

  // ---- Transport -------------------------------------------------------------------------------------------

  async getAccount(address: Address): Promise<AccountInfo | null> {
    return this.account(address);
  }

  async getBalance(address: Address): Promise<bigint> {
    return this.balance(address);
  }

  sendTransaction(
    instructions: readonly Instruction[],
    feePayer: TransactionSigner,
    options?: SendOptions,
  ): Promise<TransactionRecord> {
    return this.process(instructions, feePayer, options);
  }

  async unixTimestamp(): Promise<bigint> {
    return this.now();
  }

  async minimumBalanceForRentExemption(size: number): Promise<bigint> {
    return this.svm.minimumBalanceForRentExemption(BigInt(size));
  }

  async signaturesForAddress(address: Address): Promise<string[]> {
    return [...(this.byAddress.get(address) ?? [])].reverse();
  }

  async getTransaction(signature: string): Promise<TransactionRecord | null> {
    return this.records.get(signature) ?? null;
  }

  async programAccounts(discriminator: Uint8Array, options: ProgramAccountsOptions = {}): Promise<AccountInfo[]> {
    const slice = options.dataSlice;
    return this.svm
      .getProgramAccounts(this.programId)
      .filter((a) => bytesEqual(a.data.subarray(0, discriminator.length), discriminator))
      .filter((a) => options.dataSize === undefined || a.data.length === options.dataSize)
      .map((a) => ({
        address: a.address,
        lamports: a.lamports,
        owner: a.programAddress,
        data: Uint8Array.from(slice ? a.data.subarray(slice.offset, slice.offset + slice.length) : a.data),
        executable: a.executable,
      }));
  }

  programLogs(signal: AbortSignal): AsyncIterable<ProgramLogs> {
    const listener = (logs: ProgramLogs) => queue.push(logs);
    const queue = pushQueue<ProgramLogs>(signal, () => this.logListeners.delete(listener));
    this.logListeners.add(listener);
    return queue.iterable;
  }

  async close(): Promise<void> {
    // Nothing to release: the LiteSVM instance is garbage-collected.
  }
}
