/**
 * How the SDK reaches a network: the `Transport` interface the client is written against, and the helper that
 * turns instructions and signers into a signed transaction.
 *
 * Two implementations ship: `LiteSvmTransport` (`@dfpn/sdk/local`, the program in an embedded LiteSVM, Node only)
 * and `RpcTransport` (JSON-RPC + websocket subscriptions over @solana/kit: devnet, localnet, any RPC URL).
 * @module
 */
import {
  addSignersToTransactionMessage,
  appendTransactionMessageInstructions,
  createTransactionMessage,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Blockhash,
  type Instruction,
  type Transaction,
  type TransactionSigner,
  type TransactionWithBlockhashLifetime,
} from '@solana/kit';

/** An account as a network returns it. */
export interface AccountInfo {
  address: Address;
  lamports: bigint;
  owner: Address;
  data: Uint8Array;
  executable: boolean;
}

/** A processed transaction: its signature, the accounts it named, and its logs. */
export interface TransactionRecord {
  signature: string;
  slot: bigint;
  accounts: readonly Address[];
  logs: readonly string[];
  /** The fee paid, lamports (0 when the network did not say). */
  fee: bigint;
  computeUnits: bigint;
}

/** One transaction's logs, as pushed by {@link Transport.programLogs}. */
export interface ProgramLogs {
  signature: string;
  logs: readonly string[];
}

/** An async queue: `push` values, iterate them until `signal` aborts (for push-style subscriptions). */
export function pushQueue<T>(signal: AbortSignal, onClose?: () => void): { push(value: T): void; iterable: AsyncIterable<T> } {
  const buffer: T[] = [];
  let wake: (() => void) | undefined;
  signal.addEventListener('abort', () => wake?.(), { once: true });
  return {
    push(value) {
      buffer.push(value);
      wake?.();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        try {
          while (!signal.aborted) {
            const next = buffer.shift();
            if (next !== undefined) {
              yield next;
              continue;
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
          }
        } finally {
          onClose?.();
        }
      },
    },
  };
}

/** Options of {@link Transport.programAccounts}: server-side filters and a slice, as `getProgramAccounts` takes. */
export interface ProgramAccountsOptions {
  /** Only accounts of exactly this many bytes (a `dataSize` filter). */
  dataSize?: number;
  /** Return only these bytes of each account's data (`dataSlice`); the filters still apply to the whole data. */
  dataSlice?: { offset: number; length: number };
}

/** Options of {@link Transport.sendTransaction}. */
export interface SendOptions {
  /** Signers that are not attached to the instructions' account metas (e.g. instructions built by Anchor). */
  extraSigners?: readonly TransactionSigner[];
  /** A name for logs and error messages (the instruction names by default). */
  label?: string;
  /** Abort waiting for the transaction. */
  signal?: AbortSignal;
}

/** The network operations the SDK needs. Every method may throw `DFPNError`. */
export interface Transport {
  /** Short name for logs and errors ("local", "devnet", an RPC URL). */
  readonly name: string;
  /** The DFPN program's address on this network. */
  readonly programId: Address;
  /** True for an embedded network whose storage is the local file system (file:// URIs). */
  readonly isLocal: boolean;
  /** The account at `address`, or null when it does not exist (or holds no lamports and no data). */
  getAccount(address: Address): Promise<AccountInfo | null>;
  /** Lamports at `address` (0 when it does not exist). */
  getBalance(address: Address): Promise<bigint>;
  /**
   * Sign with the fee payer and the signers attached to the instructions, send, wait until processed; throw
   * `DFPNError` mapped from the failure.
   */
  sendTransaction(
    instructions: readonly Instruction[],
    feePayer: TransactionSigner,
    options?: SendOptions,
  ): Promise<TransactionRecord>;
  /** The cluster clock (the Clock sysvar's `unix_timestamp`) that the program's deadlines use. */
  unixTimestamp(): Promise<bigint>;
  /** Lamports that keep an account of `size` bytes rent-exempt. */
  minimumBalanceForRentExemption(size: number): Promise<bigint>;
  /** Signatures of processed transactions that named `address`, newest first. */
  signaturesForAddress(address: Address): Promise<string[]>;
  /** A processed transaction, or null when the network does not know it. */
  getTransaction(signature: string): Promise<TransactionRecord | null>;
  /**
   * Every account owned by the DFPN program whose data starts with `discriminator` (an account type's 8-byte
   * Anchor discriminator), like `getProgramAccounts` with a memcmp filter at offset 0; `options` adds a `dataSize`
   * filter and a `dataSlice` (then `data` holds only the slice).
   */
  programAccounts(discriminator: Uint8Array, options?: ProgramAccountsOptions): Promise<AccountInfo[]>;
  /**
   * Optional: call `onChange` whenever the account at `address` changes, until `signal` aborts. Used by
   * `waitForResult` to wake up early; polling continues regardless, so a failing subscription only costs latency.
   */
  watchAccount?(address: Address, onChange: () => void, signal: AbortSignal): void;
  /**
   * Optional: the signature and logs of each successful transaction that calls the program, pushed as it is
   * processed, until `signal` aborts (LiteSVM: as `process` records it; RPC: `logsSubscribe` mentioning the
   * program). Transports without a push channel leave it out; callers poll instead.
   */
  programLogs?(signal: AbortSignal): AsyncIterable<ProgramLogs>;
  /**
   * Optional, for embedded networks whose slots do not pass by themselves: end the current slot (recording its
   * hash in the SlotHashes sysvar, as a cluster does) and start the next. `drawSeats` calls it, instead of
   * sleeping, while the hash its draw needs does not exist yet.
   */
  advanceSlot?(): Promise<void>;
  /** Release connections. */
  close(): Promise<void>;
}

/** Build and sign a legacy transaction message (the fee payer signs first). */
export async function buildSignedTransaction(
  instructions: readonly Instruction[],
  feePayer: TransactionSigner,
  blockhash: { blockhash: Blockhash; lastValidBlockHeight: bigint },
  extraSigners: readonly TransactionSigner[] = [],
): Promise<Transaction & TransactionWithBlockhashLifetime> {
  const message = pipe(
    createTransactionMessage({ version: 'legacy' }),
    (m) => setTransactionMessageFeePayerSigner(feePayer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
    (m) => (extraSigners.length ? addSignersToTransactionMessage([...extraSigners], m) : m),
  );
  return (await signTransactionMessageWithSigners(message)) as Transaction & TransactionWithBlockhashLifetime;
}

/** The distinct accounts a transaction names: fee payer, each instruction's accounts, then program ids. */
export function transactionAccounts(instructions: readonly Instruction[], feePayer: Address): Address[] {
  const seen = new Set<Address>([feePayer]);
  for (const ix of instructions) {
    for (const meta of ix.accounts ?? []) seen.add(meta.address);
    seen.add(ix.programAddress);
  }
  return [...seen];
}
