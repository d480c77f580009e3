/**
 * `RpcTransport`: the DFPN program on a real cluster over the Solana JSON-RPC API (@solana/kit's
 * `createSolanaRpcFromTransport` and websocket channel), for `'devnet'`, `'localnet'`
 * (a `solana-test-validator` on 127.0.0.1:8899/8900) or any RPC URL. Works in Node and browsers.
 *
 * Every HTTP call has a time limit and is retried with exponential backoff (and `Retry-After`) on network failures,
 * timeouts, HTTP 408/429/5xx and the JSON-RPC "node is behind / not ready" codes; a JSON-RPC error that is an
 * answer (a failed preflight, bad params) is mapped to a `DFPNError` at once. Transactions are confirmed by polling
 * `getSignatureStatuses` (re-broadcasting until the blockhash expires), so a broken websocket never blocks a send.
 * Websocket account subscriptions only wake `waitForResult` early; it polls regardless. Subscriptions speak PubSub
 * over kit's websocket channel (`createDefaultRpcSubscriptionsChannelCreator`), pinging quiet connections, and
 * resubscribe after a drop; `programLogs` replays what it missed (see there).
 * @module
 */
import {
  createDefaultRpcTransport,
  createSolanaRpcFromTransport,
  createDefaultRpcSubscriptionsChannelCreator,
  generateKeyPairSigner,
  lamports,
  getBase58Decoder,
  getBase64EncodedWireTransaction,
  getBase64Encoder,
  getSignatureFromTransaction,
  isSolanaError,
  SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR,
  address as toAddress,
  type Address,
  type Base58EncodedBytes,
  type Commitment,
  type Instruction,
  type Rpc,
  type RpcTransport as KitRpcTransport,
  type Signature,
  type SolanaRpcApi,
  type TransactionSigner,
} from '@solana/kit';
import { PROGRAM_ID } from './constants.js';
import { DFPNError, ErrorCode, fromRpcError, fromTransactionError, type JsonRpcErrorPayload } from './errors.js';
import {
  buildSignedTransaction,
  type AccountInfo,
  type ProgramAccountsOptions,
  type ProgramLogs,
  type SendOptions,
  type TransactionRecord,
  type Transport,
} from './transport.js';

/** The named networks. */
export const NETWORKS: Readonly<Record<'devnet' | 'localnet' | 'mainnet', { rpcUrl: string; wsUrl: string }>> =
  Object.freeze({
    devnet: { rpcUrl: 'https://api.devnet.solana.com', wsUrl: 'wss://api.devnet.solana.com' },
    localnet: { rpcUrl: 'http://127.0.0.1:8899', wsUrl: 'ws://127.0.0.1:8900' },
    mainnet: { rpcUrl: 'https://api.mainnet-beta.solana.com', wsUrl: 'wss://api.mainnet-beta.solana.com' },
  });

const CLOCK_SYSVAR = 'SysvarC1ock11111111111111111111111111111111' as Address;
/** JSON-RPC codes that mean "ask again later" (node unhealthy or behind, block or slot not available yet). */
export const RETRYABLE_RPC_CODES: ReadonlySet<number> = new Set([-32004, -32005, -32014, -32016]);
/** HTTP statuses retried. */
export const RETRYABLE_HTTP_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * The websocket URL of an RPC URL: `ws(s)://` on the same host; an explicit port moves to port + 1 (the
 * `solana-test-validator` convention, as web3.js does).
 */
export function websocketUrlFor(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (url.port !== '') url.port = String(Number(url.port) + 1);
  return url.toString().replace(/\/$/, url.pathname === '/' ? '' : '/');
}

/** The RPC and websocket URLs of a network name or an http(s) URL; `NETWORK_NOT_SUPPORTED` otherwise. */
export function resolveNetwork(network: string): { name: string; rpcUrl: string; wsUrl: string } {
  if (network in NETWORKS) {
    const n = NETWORKS[network as keyof typeof NETWORKS];
    return { name: network, ...n };
  }
  if (/^https?:\/\//i.test(network)) {
    try {
      return { name: network, rpcUrl: network, wsUrl: websocketUrlFor(network) };
    } catch {
      // fall through
    }
  }
  throw new DFPNError(ErrorCode.NETWORK_NOT_SUPPORTED, `network ${JSON.stringify(network)} is not known.`);
}

/** Options of {@link RpcTransport}. */
export interface RpcTransportOptions {
  /** Websocket URL for subscriptions (default: derived from the RPC URL); `null` turns subscriptions off. */
  wsUrl?: string | null;
  /** The program's address on this cluster (default: the IDL's). */
  programId?: Address;
  /** Commitment for reads and confirmations (default `confirmed`). */
  commitment?: Commitment;
  /** Time limit of one HTTP request, ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Retries after the first attempt of a failed request (default 4). */
  retries?: number;
  /** First backoff, ms, doubled per retry with jitter (default 250). */
  backoffMs?: number;
  /** Longest backoff, ms (default 5 000). */
  maxBackoffMs?: number;
  /** Time limit for a transaction to be confirmed, ms (default 90 000). */
  confirmTimeoutMs?: number;
  /** Interval of signature-status polls, ms (default 500). */
  confirmPollMs?: number;
  /** Extra HTTP headers (e.g. an API key). */
  headers?: Record<string, string>;
  /** A quiet subscription websocket is pinged after this many ms (default 10 000). */
  wsPingMs?: number;
  /** No message within this many ms after a ping: the connection is dead, resubscribe (default 10 000). */
  wsPingTimeoutMs?: number;
  /** Time limit to open a websocket and have a subscription answered, ms (default 10 000). */
  wsOpenTimeoutMs?: number;
  /** Failed websocket connects in a row before a subscription throws `RPC_ERROR` (default 30: about a minute). */
  wsRetries?: number;
  /** Most transactions `programLogs` replays after a drop; beyond, it yields `LOGS_GAP` (default 1000). */
  replayLimit?: number;
  /** Signatures per `getSignaturesForAddress` page of a replay (default 1000, the node's maximum). */
  replayPage?: number;
  /**
   * Ms after a resubscription's replay before a second one (default 1500): a node lists a transaction in
   * `getSignaturesForAddress` a moment after confirming it, so one that landed just before the new subscription took
   * hold can be missing from the first listing and never pushed live.
   */
  replaySettleMs?: number;
  /** Signatures `programLogs` remembers to deliver each transaction once (default 4096). */
  dedupWindow?: number;
}

/** Thrown by the retrying transport for a JSON-RPC error answer; mapped by the caller with its context. */
class RpcAnswerError extends Error {
  constructor(readonly payload: JsonRpcErrorPayload) {
    super(String(payload.message ?? 'JSON-RPC error'));
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function methodOf(payload: unknown): string {
  const m = (payload as { method?: unknown } | undefined)?.method;
  return typeof m === 'string' ? m : 'RPC call';
}

/** Why a transport failure is retryable (undefined: it is not), and a Retry-After delay if the server sent one. */
function retryReason(e: unknown): { why: string; retryAfterMs?: number } | undefined {
  if (isSolanaError(e, SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR)) {
    const status = e.context.statusCode;
    if (!RETRYABLE_HTTP_STATUSES.has(status)) return undefined;
    const header = (e.context.headers as Headers | undefined)?.get?.('retry-after');
    const seconds = header !== null && header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
    return { why: `HTTP ${status}`, ...(seconds !== undefined ? { retryAfterMs: seconds * 1000 } : {}) };
  }
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return { why: 'timed out' };
    if (e.name === 'AbortError') return undefined;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { why: cause?.code ?? cause?.message ?? e.message };
  }
  return { why: String(e) };
}

/** Node's socket error codes for "nothing answers there" (as Python's `RPC_UNREACHABLE` check). */
const UNREACHABLE_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ENOTFOUND: 'cannot resolve the host',
  EAI_AGAIN: 'cannot resolve the host (temporary failure)',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'no route to the network',
};

/** Why nothing answers at the endpoint (refused, unknown host, no route), from the error's causes; undefined
 * for other failures (timeouts, resets, TLS), which are retried like any outage. */
function unreachableReason(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let current: unknown = e; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in UNREACHABLE_CODES) return UNREACHABLE_CODES[code];
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** How long a refused endpoint is retried (a node restarting on the spot) before `RPC_UNREACHABLE`. */
const UNREACHABLE_BUDGET_MS = 1_000;

/**
 * Wrap a kit RPC transport: a time limit per attempt, bounded retries with exponential backoff and jitter on
 * retryable failures, and JSON-RPC error answers thrown (not retried unless they say "later"). An endpoint where
 * nothing answers (connection refused, unknown host, no route) is retried for about a second only, then
 * `RPC_UNREACHABLE` names it: that is a node to start or a URL to fix, not an outage to wait out.
 */
export function createRetryingTransport(
  base: KitRpcTransport,
  options: Pick<RpcTransportOptions, 'requestTimeoutMs' | 'retries' | 'backoffMs' | 'maxBackoffMs'> & { name?: string } = {},
): KitRpcTransport {
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const where = options.name ?? 'RPC';
  return async function retryingTransport<T>(config: Parameters<KitRpcTransport>[0]): Promise<T> {
    const method = methodOf(config.payload);
    let lastWhy = '';
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = config.signal ? AbortSignal.any([config.signal, timeout]) : timeout;
      let delay = Math.min(maxBackoffMs, backoffMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      try {
        const response = (await base<T>({ ...config, signal })) as T & { error?: JsonRpcErrorPayload };
        const error = response && typeof response === 'object' ? response.error : undefined;
        if (error === undefined || error === null) return response;
        const code = Number(error.code);
        if (!RETRYABLE_RPC_CODES.has(code)) throw new RpcAnswerError(error);
        lastWhy = `JSON-RPC ${code} ${String(error.message ?? '')}`.trim();
        if (attempt >= retries) throw new RpcAnswerError(error);
      } catch (e) {
        if (e instanceof RpcAnswerError || e instanceof DFPNError) throw e;
        if (config.signal?.aborted) throw e;
        const reason = timeout.aborted ? { why: `timed out after ${timeoutMs} ms` } : retryReason(e);
        if (reason === undefined) {
          throw new DFPNError(ErrorCode.RPC_ERROR, `${method} at ${where} failed: ${describe(e)}.`, { cause: e });
        }
        lastWhy = reason.why;
        const unreachable = timeout.aborted ? undefined : unreachableReason(e);
        if (unreachable !== undefined) {
          delay = Math.min(maxBackoffMs, 100 * 2 ** attempt);
          if (attempt >= retries || Date.now() - started + delay > UNREACHABLE_BUDGET_MS) {
            throw new DFPNError(ErrorCode.RPC_UNREACHABLE, `${where} is unreachable (${method}): ${unreachable}.`, {
              cause: e,
            });
          }
        }
        if (attempt >= retries) {
          throw new DFPNError(
            ErrorCode.RPC_ERROR,
            `${method} at ${where} failed after ${attempt + 1} attempts: ${lastWhy}.`,
            { cause: e },
          );
        }
        if (reason.retryAfterMs !== undefined) delay = Math.min(maxBackoffMs, Math.max(delay, reason.retryAfterMs));
      }
      await abortableSleep(delay, config.signal);
    }
  } as KitRpcTransport;
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
}

type KitAccount = { data: [string, string] | readonly [string, string]; lamports: bigint; owner: string; executable: boolean };

function toAccountInfo(address: Address, acc: KitAccount): AccountInfo {
  return {
    address,
    lamports: BigInt(acc.lamports),
    owner: acc.owner as Address,
    data: Uint8Array.from(getBase64Encoder().encode(acc.data[0])),
    executable: acc.executable,
  };
}

/** The DFPN program on a cluster reached over JSON-RPC. */
export class RpcTransport implements Transport {
  readonly name: string;
  readonly isLocal = false;
  readonly programId: Address;
  readonly rpcUrl: string;
  readonly wsUrl: string | null;
  readonly commitment: Commitment;
  /** The kit RPC client (retrying, time-limited). */
  readonly rpc: Rpc<SolanaRpcApi>;
  private readonly options: RpcTransportOptions;

  /** `network`: 'devnet', 'localnet', 'mainnet' or an http(s) RPC URL. */
  constructor(network: string, options: RpcTransportOptions = {}) {
    const resolved = resolveNetwork(network);
    this.name = resolved.name;
    this.rpcUrl = resolved.rpcUrl;
    this.wsUrl = options.wsUrl === null ? null : (options.wsUrl ?? resolved.wsUrl);
    this.programId = options.programId ?? PROGRAM_ID;
    this.commitment = options.commitment ?? 'confirmed';
    this.options = options;
    const base = createDefaultRpcTransport({
      url: this.rpcUrl,
      ...(options.headers ? { headers: options.headers } : {}),
    } as Parameters<typeof createDefaultRpcTransport>[0]);
    this.rpc = createSolanaRpcFromTransport(createRetryingTransport(base, { ...options, name: this.rpcUrl }));
  }

  /** Run an RPC call, mapping JSON-RPC error answers with `context`. */
  private async call<T>(context: string, run: () => Promise<T>, programIndex?: readonly boolean[]): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof DFPNError) throw e;
      if (e instanceof RpcAnswerError) throw fromRpcError(e.payload, { context, ...(programIndex ? { programIndex } : {}) });
      throw new DFPNError(ErrorCode.RPC_ERROR, `${context} at ${this.rpcUrl}: ${describe(e)}`, { cause: e });
    }
  }

  async getAccount(address: Address): Promise<AccountInfo | null> {
    const { value } = await this.call('getAccountInfo', () =>
      this.rpc.getAccountInfo(address, { encoding: 'base64', commitment: this.commitment }).send(),
    );
    if (value === null) return null;
    return toAccountInfo(address, value as unknown as KitAccount);
  }

  async getBalance(address: Address): Promise<bigint> {
    const { value } = await this.call('getBalance', () => this.rpc.getBalance(address, { commitment: this.commitment }).send());
    return BigInt(value);
  }

  async unixTimestamp(): Promise<bigint> {
    const clock = await this.getAccount(CLOCK_SYSVAR);
    if (clock === null || clock.data.length < 40) {
      throw new DFPNError(ErrorCode.RPC_ERROR, `the Clock sysvar is not readable at ${this.rpcUrl}.`);
    }
    // Clock: slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64, unix_timestamp i64.
    return new DataView(clock.data.buffer, clock.data.byteOffset, clock.data.byteLength).getBigInt64(32, true);
  }

  async minimumBalanceForRentExemption(size: number): Promise<bigint> {
    return BigInt(
      await this.call('getMinimumBalanceForRentExemption', () =>
        this.rpc.getMinimumBalanceForRentExemption(BigInt(size), { commitment: this.commitment }).send(),
      ),
    );
  }

  async signaturesForAddress(address: Address): Promise<string[]> {
    const list = await this.call('getSignaturesForAddress', () =>
      this.rpc
        .getSignaturesForAddress(address, { limit: 1000, commitment: this.commitment === 'processed' ? 'confirmed' : this.commitment })
        .send(),
    );
    return list.map((s) => s.signature);
  }

  async getTransaction(signature: string): Promise<TransactionRecord | null> {
    const tx = await this.call('getTransaction', () =>
      this.rpc
        .getTransaction(signature as Signature, {
          encoding: 'json',
          maxSupportedTransactionVersion: 0,
          commitment: this.commitment === 'processed' ? 'confirmed' : this.commitment,
        })
        .send(),
    );
    if (tx === null) return null;
    const loaded = tx.meta?.loadedAddresses;
    return {
      signature,
      slot: BigInt(tx.slot),
      accounts: [
        ...tx.transaction.message.accountKeys,
        ...(loaded ? [...loaded.writable, ...loaded.readonly] : []),
      ] as Address[],
      logs: tx.meta?.logMessages ?? [],
      fee: BigInt(tx.meta?.fee ?? 0n),
      computeUnits: BigInt(tx.meta?.computeUnitsConsumed ?? 0n),
    };
  }

  async programAccounts(discriminator: Uint8Array, options: ProgramAccountsOptions = {}): Promise<AccountInfo[]> {
    const bytes = getBase58Decoder().decode(discriminator) as Base58EncodedBytes;
    const filters = [
      { memcmp: { offset: 0n, bytes, encoding: 'base58' as const } },
      ...(options.dataSize !== undefined ? [{ dataSize: BigInt(options.dataSize) }] : []),
    ];
    const slice = options.dataSlice;
    const list = await this.call('getProgramAccounts', () =>
      this.rpc
        .getProgramAccounts(this.programId, {
          encoding: 'base64',
          commitment: this.commitment,
          filters,
          ...(slice ? { dataSlice: { offset: slice.offset, length: slice.length } } : {}),
        })
        .send(),
    );
    return (list as unknown as ReadonlyArray<{ pubkey: Address; account: KitAccount }>).map((a) =>
      toAccountInfo(a.pubkey, a.account),
    );
  }

  async sendTransaction(
    instructions: readonly Instruction[],
    feePayer: TransactionSigner,
    options: SendOptions = {},
  ): Promise<TransactionRecord> {
    const label = options.label ?? 'transaction';
    const programIndex = instructions.map((ix) => ix.programAddress === this.programId);
    const { value: latest } = await this.call('getLatestBlockhash', () =>
      this.rpc.getLatestBlockhash({ commitment: this.commitment }).send(),
    );
    const tx = await buildSignedTransaction(instructions, feePayer, latest, options.extraSigners);
    const signature = getSignatureFromTransaction(tx);
    const wire = getBase64EncodedWireTransaction(tx);
    await this.call(
      label,
      () =>
        this.rpc
          .sendTransaction(wire, { encoding: 'base64', preflightCommitment: this.commitment, maxRetries: 0n })
          .send(),
      programIndex,
    );
    const err = await this.confirm(signature, wire, latest.lastValidBlockHeight, label, options.signal);
    let record: TransactionRecord | null = null;
    for (let i = 0; i < 5 && record === null; i++) {
      record = await this.getTransaction(signature);
      if (record === null) await abortableSleep(this.options.confirmPollMs ?? 500, options.signal);
    }
    if (err !== null) {
      throw fromTransactionError(err, { programIndex, logs: record?.logs ?? [], signature, context: label });
    }
    return record ?? { signature, slot: 0n, accounts: [], logs: [], fee: 0n, computeUnits: 0n };
  }

  /** Poll the signature's status until it reaches the commitment (returns its error, or null) or expires. */
  private async confirm(
    signature: Signature,
    wire: ReturnType<typeof getBase64EncodedWireTransaction> | null,
    lastValidBlockHeight: bigint,
    label: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const pollMs = this.options.confirmPollMs ?? 500;
    const timeoutMs = this.options.confirmTimeoutMs ?? 90_000;
    const start = Date.now();
    const want: Commitment[] =
      this.commitment === 'finalized' ? ['finalized'] : this.commitment === 'confirmed' ? ['confirmed', 'finalized'] : ['processed', 'confirmed', 'finalized'];
    for (let poll = 0; ; poll++) {
      const { value } = await this.call('getSignatureStatuses', () =>
        this.rpc.getSignatureStatuses([signature], { searchTransactionHistory: false }).send(),
      );
      const status = value[0];
      if (status) {
        if (status.err !== null) return status.err;
        if (status.confirmationStatus && want.includes(status.confirmationStatus)) return null;
      } else if (poll > 0 && poll % 4 === 0) {
        const height = await this.call('getBlockHeight', () => this.rpc.getBlockHeight({ commitment: this.commitment }).send());
        if (BigInt(height) > lastValidBlockHeight) {
          throw new DFPNError(
            ErrorCode.TIMEOUT,
            `${label}: transaction ${signature} was not confirmed before its blockhash expired; it did not land, ` +
              'send it again.',
            { signature },
          );
        }
        // Re-broadcast (same signature, so it cannot land twice).
        if (wire !== null) {
          await this.rpc
            .sendTransaction(wire, { encoding: 'base64', skipPreflight: true, maxRetries: 0n })
            .send()
            .catch(() => undefined);
        }
      }
      if (Date.now() - start > timeoutMs) {
        throw new DFPNError(
          ErrorCode.TIMEOUT,
          `${label}: transaction ${signature} was not confirmed within ${timeoutMs / 1000} s; it may still land, ` +
            'check the signature before sending again.',
          { signature },
        );
      }
      await abortableSleep(pollMs, signal);
    }
  }

  /** `getHealth`: true when the node answers "ok". */
  async health(): Promise<boolean> {
    try {
      return (await this.rpc.getHealth().send()) === 'ok';
    } catch {
      return false;
    }
  }

  /** `requestAirdrop` (localnet, devnet) and wait until it is confirmed; returns the signature. */
  async airdrop(address: Address, amount: bigint): Promise<string> {
    const signature = await this.call('requestAirdrop', () =>
      this.rpc.requestAirdrop(address, lamports(amount), { commitment: this.commitment }).send(),
    );
    const { value: latest } = await this.call('getLatestBlockhash', () =>
      this.rpc.getLatestBlockhash({ commitment: this.commitment }).send(),
    );
    const err = await this.confirm(signature, null, latest.lastValidBlockHeight, 'requestAirdrop');
    if (err !== null) throw fromTransactionError(err, { signature, context: 'requestAirdrop' });
    return signature;
  }

  /** A new keypair signer holding `amount` lamports from an airdrop (default 10 SOL; localnet and devnet). */
  async fundedSigner(amount: bigint = 10_000_000_000n): Promise<TransactionSigner & { address: Address }> {
    const signer = await generateKeyPairSigner();
    await this.airdrop(signer.address, amount);
    return signer;
  }

  watchAccount(address: Address, onChange: () => void, signal: AbortSignal): void {
    if (this.wsUrl === null) return;
    const params = [address, { commitment: this.commitment, encoding: 'base64' }];
    void (async () => {
      try {
        // After a resubscription the account may have changed unseen: a wake-up makes the waiter read it afresh.
        for await (const event of this.subscription('accountSubscribe', params, signal)) {
          if (event.kind === 'notification' || event.again) onChange();
        }
      } catch {
        // Subscriptions are an optimisation: polling continues.
      }
    })();
  }

  /**
   * The signature and logs of each successful transaction that mentions the program (`logsSubscribe`), in the
   * order they land, each once, until `signal` aborts.
   *
   * After a drop (a closed socket, or a silent one: no answer to a ping within `wsPingTimeoutMs`) it resubscribes,
   * then replays what landed meanwhile: `getSignaturesForAddress(program, { until: <newest signature seen> })`,
   * oldest first, each transaction's logs from `getTransaction`, de-duplicated against the live subscription (the
   * last `dedupWindow` signatures). When more than `replayLimit` landed, or the node cannot list them, it yields
   * `{ signature: LOGS_GAP, logs: [] }` instead: the consumer must poll at once.
   */
  async *programLogs(signal: AbortSignal): AsyncIterable<ProgramLogs> {
    if (this.wsUrl === null) {
      throw new DFPNError(ErrorCode.NETWORK_NOT_SUPPORTED, `${this.name}: subscriptions are off (wsUrl: null).`);
    }
    const seen = new RecentSignatures(this.options.dedupWindow ?? 4096);
    // The newest signature delivered (or skipped as failed): a replay starts after it.
    let bookmark: string | null = null;
    const params = [{ mentions: [this.programId] }, { commitment: this.commitment }];
    for await (const event of this.subscription('logsSubscribe', params, signal)) {
      if (event.kind === 'subscribed') {
        if (!event.again) {
          bookmark = await this.newestSignature(bookmark);
          continue;
        }
        const replay = { bookmark };
        yield* this.replay(replay, seen);
        await abortableSleep(this.options.replaySettleMs ?? 1500, signal); // live notifications wait in the inbox
        yield* this.replay(replay, seen);
        bookmark = replay.bookmark;
        continue;
      }
      const value = (event.result as { value?: { signature?: string; err?: unknown; logs?: readonly string[] } } | null)?.value;
      const signature = String(value?.signature ?? '');
      if (!seen.add(signature)) continue;
      bookmark = signature;
      if (value?.err === null || value?.err === undefined) yield { signature, logs: value?.logs ?? [] };
    }
  }

  private historyCommitment(): Exclude<Commitment, 'processed'> {
    return this.commitment === 'processed' ? 'confirmed' : this.commitment;
  }

  /** The program's newest transaction signature (`fallback` when the node cannot say). */
  private async newestSignature(fallback: string | null): Promise<string | null> {
    try {
      const page = await this.rpc.getSignaturesForAddress(this.programId, { limit: 1, commitment: this.historyCommitment() }).send();
      return page[0]?.signature ?? fallback;
    } catch {
      return fallback;
    }
  }

  /** The successful program transactions after `replay.bookmark`, oldest first; the bookmark moves to the newest. */
  private async *replay(replay: { bookmark: string | null }, seen: RecentSignatures): AsyncGenerator<ProgramLogs> {
    let missed: Array<{ signature: string; failed: boolean }> | null;
    try {
      missed = await this.signaturesAfter(replay.bookmark);
    } catch {
      missed = null;
    }
    if (missed === null) {
      replay.bookmark = await this.newestSignature(replay.bookmark);
      yield { signature: LOGS_GAP, logs: [] };
      return;
    }
    for (const { signature, failed } of missed) {
      replay.bookmark = signature;
      if (!seen.add(signature) || failed) continue;
      const logs = await this.transactionLogs(signature);
      yield logs === null ? { signature: LOGS_GAP, logs: [] } : { signature, logs };
    }
  }

  /** The program's transactions newer than `until`, oldest first, paging back; null when more than `replayLimit`. */
  private async signaturesAfter(until: string | null): Promise<Array<{ signature: string; failed: boolean }> | null> {
    const limit = this.options.replayLimit ?? 1000;
    const pageSize = this.options.replayPage ?? 1000;
    const found: Array<{ signature: string; failed: boolean }> = [];
    let before: string | undefined;
    for (;;) {
      const want = Math.min(pageSize, limit + 1 - found.length);
      const page = await this.rpc
        .getSignaturesForAddress(this.programId, {
          limit: want,
          commitment: this.historyCommitment(),
          ...(until !== null ? { until: until as Signature } : {}),
          ...(before !== undefined ? { before: before as Signature } : {}),
        })
        .send();
      found.push(...page.map((s) => ({ signature: s.signature as string, failed: s.err !== null })));
      if (found.length > limit) return null;
      if (page.length < want) return found.reverse();
      before = found[found.length - 1]!.signature;
    }
  }

  /** A listed transaction's logs; null when the node does not serve it after a few tries. */
  private async transactionLogs(signature: string): Promise<readonly string[] | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const record = await this.getTransaction(signature);
        if (record !== null) return record.logs;
      } catch {
        return null;
      }
      await abortableSleep((this.options.confirmPollMs ?? 500) * (attempt + 1));
    }
    return null;
  }

  /**
   * One websocket subscription that survives drops: each notification's `result`, and a `subscribed` event each
   * time it is (re)established. A quiet connection is pinged (a JSON-RPC request, which the node answers with an
   * error: any message proves it alive) every `wsPingMs`; no message within `wsPingTimeoutMs` after a ping, a
   * closed socket or a failed connect (`wsOpenTimeoutMs`) reconnects with backoff; after `wsRetries` failed
   * attempts in a row it throws `RPC_ERROR`. A JSON-RPC error answer to the subscription is thrown at once.
   */
  private async *subscription(method: string, params: unknown[], signal: AbortSignal): AsyncGenerator<SubscriptionEvent> {
    const url = this.wsUrl as string;
    const retries = this.options.wsRetries ?? 30;
    const pingMs = this.options.wsPingMs ?? 10_000;
    const pingTimeoutMs = this.options.wsPingTimeoutMs ?? 10_000;
    const openMs = this.options.wsOpenTimeoutMs ?? 10_000;
    let attempt = 0;
    let again = false;
    while (!signal.aborted) {
      const connection = new AbortController();
      const stop = () => connection.abort();
      signal.addEventListener('abort', stop, { once: true });
      try {
        const inbox = new Inbox();
        const creator = createDefaultRpcSubscriptionsChannelCreator({ url: url as `ws://${string}`, intervalMs: pingMs, minChannels: 1 });
        const channel = await withDeadline(creator({ abortSignal: connection.signal }), openMs, `connecting to ${url}`);
        channel.on('message', (message) => inbox.push({ message }), { signal: connection.signal });
        channel.on('error', (error) => inbox.push({ error }), { signal: connection.signal });
        await channel.send({ jsonrpc: '2.0', id: 1, method, params });
        await this.subscribed(inbox, openMs, method);
        attempt = 0;
        yield { kind: 'subscribed', again };
        again = true;
        for (let id = 2; ; id++) {
          let item = await inbox.take(pingMs);
          if (item === undefined) {
            await channel.send({ jsonrpc: '2.0', id, method: 'ping' });
            item = await inbox.take(pingTimeoutMs);
            if (item === undefined) throw new Error(`no answer to a ping within ${pingTimeoutMs} ms`);
          }
          if ('error' in item) throw item.error;
          const note = item.message as { method?: unknown; params?: { result?: unknown } } | null;
          if (typeof note?.method === 'string' && note.method.endsWith('Notification')) {
            yield { kind: 'notification', result: note.params?.result };
          }
        }
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof DFPNError) throw e;
        if (attempt >= retries) {
          throw new DFPNError(ErrorCode.RPC_ERROR, `websocket ${url} unavailable for ${method} after ${attempt + 1} attempts: ${describe(e)}`, {
            cause: e,
          });
        }
        const delay = Math.min(this.options.maxBackoffMs ?? 5_000, (this.options.backoffMs ?? 250) * 2 ** attempt) * Math.random();
        attempt++;
        await abortableSleep(delay, signal).catch(() => undefined);
      } finally {
        signal.removeEventListener('abort', stop);
        connection.abort();
      }
    }
  }

  /** Wait for the answer to the subscription request (id 1); a JSON-RPC error is thrown mapped. */
  private async subscribed(inbox: Inbox, timeoutMs: number, method: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const item = await inbox.take(Math.max(0, deadline - Date.now()));
      if (item === undefined) throw new Error(`no answer to ${method} within ${timeoutMs} ms`);
      if ('error' in item) throw item.error;
      const reply = item.message as { id?: unknown; error?: JsonRpcErrorPayload } | null;
      if (reply?.id !== 1) continue;
      if (reply.error) throw fromRpcError(reply.error, { context: method });
      return;
    }
  }

  async close(): Promise<void> {
    // Subscriptions end with the signals their callers passed.
  }
}

/** The signature `programLogs` yields (with no logs) where it missed transactions it could not replay: poll. */
export const LOGS_GAP = 'gap';

type SubscriptionEvent = { kind: 'subscribed'; again: boolean } | { kind: 'notification'; result: unknown };
type InboxItem = { message: unknown } | { error: unknown };

/** Messages of one websocket connection, taken in order with a time limit. */
class Inbox {
  private readonly items: InboxItem[] = [];
  private wake: (() => void) | undefined;

  push(item: InboxItem): void {
    this.items.push(item);
    this.wake?.();
  }

  /** The next item, or undefined when none arrives within `timeoutMs`. */
  async take(timeoutMs: number): Promise<InboxItem | undefined> {
    if (this.items.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.items.shift();
  }
}

/** The last `size` signatures seen, to deliver each transaction once when a replay and the live feed overlap. */
export class RecentSignatures {
  private readonly order: string[] = [];
  private readonly set = new Set<string>();
  constructor(private readonly size: number) {}

  /** Remember `signature`; false when it was already among the last `size`. */
  add(signature: string): boolean {
    if (this.set.has(signature)) return false;
    this.order.push(signature);
    this.set.add(signature);
    if (this.order.length > this.size) this.set.delete(this.order.shift()!);
    return true;
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Parse an address, `INVALID_ARGUMENT` when it is not base58 of 32 bytes. */
export function parseAddress(value: string, what = 'address'): Address {
  try {
    return toAddress(value);
  } catch (e) {
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `${JSON.stringify(value)} is not a valid ${what} (base58, 32 bytes).`, {
      cause: e,
    });
  }
}
