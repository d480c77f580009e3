/**
 * Test workers (Node): staked workers that accept the seats they are drawn for, write a JSON report to a file, commit
 * (with their model) and reveal the answers they are given, through the SDK's instruction builders — the real
 * program, no shortcuts, on any transport (the embedded LiteSVM, or a local validator over JSON-RPC with airdropped
 * keys). They run no detector: the reference worker node is the real thing. Used by the SDK's tests and by the
 * quick-start example (`startTestWorkers`), so a request on `network: 'local'` gets a verdict. Seats are drawn
 * (`draw_seats`, which the client sends after submitting): a test worker joins only a seat it was drawn for.
 *
 * ```ts
 * import { DFPNClient, Modality } from '@dfpn/sdk';
 * import { startTestWorkers } from '@dfpn/sdk/testing';
 * const client = await DFPNClient.create({ network: 'local' });
 * const workers = await startTestWorkers(client, { count: 3 });
 * // submitRequest + waitForResult as usual, then:
 * await workers.stop();
 * ```
 * @module
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { address as toAddress, generateKeyPairSigner, type Address, type KeyPairSigner } from '@solana/kit';
import type { DFPNClient } from './client.js';
import { answerCodes, commitment, deriveSalt } from './commitment.js';
import { LAMPORTS_PER_SOL } from './constants.js';
import { DFPNError, ErrorCode } from './errors.js';
import { SEAT_STATE_COMMITTED, SEAT_STATE_DRAWN, SEAT_STATE_JOINED } from './generated/constants.js';
import { getConfigDecoder, getRequestDecoder, REQUEST_DISCRIMINATOR, type Config, type Request } from './generated/index.js';
import { sha256, toHex } from './hash.js';
import * as ix from './instructions.js';
import { configAddress, modelAddress } from './pda.js';
import { ALL_MODALITIES, type Detection, type Verdict } from './models.js';
import type { LocalNetworkLike } from './platform.js';
import { commitOpen, isOpen, revealOpen } from './protocol.js';
import type { TransactionRecord, Transport } from './transport.js';

/** A transport test workers can use: one that funds new keys (LiteSVM airdrops, or RpcTransport's requestAirdrop). */
export type FundingTransport = Transport & Pick<LocalNetworkLike, 'fundedSigner'>;

/** The on-chain configuration (`CONFIG_NOT_FOUND` when there is none). */
async function readConfig(net: Transport): Promise<Config> {
  const account = await net.getAccount(await configAddress(net.programId));
  if (account === null || account.owner !== net.programId) {
    throw new DFPNError(ErrorCode.CONFIG_NOT_FOUND, `no configuration on ${net.name}.`);
  }
  return getConfigDecoder().decode(account.data);
}

/**
 * The stake that gives a worker full draw odds: `max(minStake, drawStakeCap)` (a candidate is seated with
 * probability `min(stake, drawStakeCap) / drawStakeCap`), what test workers stake by default.
 */
export async function fullOddsStake(net: Transport): Promise<bigint> {
  const { params } = await readConfig(net);
  return params.drawStakeCap > params.minStake ? params.drawStakeCap : params.minStake;
}

async function send(net: Transport, instruction: Parameters<Transport['sendTransaction']>[0][number], signer: KeyPairSigner) {
  return net.sendTransaction([instruction], signer);
}

/** The id of the model the test workers declare (registered by a new developer each time, so its address differs). */
export const TEST_MODEL = 'face-forensics-sbi';

/** A model registered by {@link registerTestModel}. */
export interface TestModel {
  /** The developer that registered it (and controls it). */
  developer: KeyPairSigner;
  /** Its id. */
  modelId: string;
  /** Its PDA address, `["model", developer, model_id]`: what workers declare and commit with. */
  model: Address;
}

/** What a test worker answers for a request. */
export interface Answer {
  verdict: Verdict;
  confidence: number;
  detections?: Array<Omit<Detection, 'region'> & { region?: Detection['region'] }>;
}

interface Committed {
  answer: Answer;
  reportHash: Uint8Array;
  salt: Uint8Array;
  uri: string;
}

/** Register `modelId` (all modalities) with a new funded developer; returns the developer and the model's address. */
export async function registerTestModel(net: FundingTransport, modelId: string = TEST_MODEL): Promise<TestModel> {
  const developer = (await net.fundedSigner(10n * LAMPORTS_PER_SOL)) as KeyPairSigner;
  const payout = (await generateKeyPairSigner()).address;
  await send(net, await ix.registerModel({ developer, modelId, payoutWallet: payout, modalities: ALL_MODALITIES }, net.programId), developer);
  return { developer, modelId, model: await modelAddress(developer.address, modelId, net.programId) };
}

/** A staked worker: joins, writes its report to a file, commits, reveals. */
export class TestWorker {
  readonly answers = new Map<string, Committed>();

  constructor(
    readonly net: Transport,
    readonly signer: KeyPairSigner,
    readonly reportsDir: string,
    /** The model (PDA address) it commits with. */
    readonly model: Address,
  ) {}

  /** The worker's authority. */
  get address(): Address {
    return this.signer.address;
  }

  /** A worker (a new funded keypair unless `signer` is given) registered with `stake` (default:
   * {@link fullOddsStake}, the larger of the minimum stake and the draw stake cap) for every modality and the one
   * `model` (a model address, e.g. {@link registerTestModel}'s). It joins the draw pool at the next `poolIndex`. */
  static async register(
    net: FundingTransport,
    reportsDir: string,
    options: { model: Address; stake?: bigint; signer?: KeyPairSigner },
  ): Promise<TestWorker> {
    const stake = options.stake ?? (await fullOddsStake(net));
    const signer = options.signer ?? ((await net.fundedSigner(stake + 2n * LAMPORTS_PER_SOL)) as KeyPairSigner);
    const models = [options.model];
    await send(net, await ix.registerWorker({ authority: signer, stake, modalities: ALL_MODALITIES, models }, net.programId), signer);
    return new TestWorker(net, signer, reportsDir, options.model);
  }

  /** `join_request`: accept the seat this worker was drawn for (`NOT_DRAWN` when it holds no drawn seat). */
  async join(request: Address): Promise<TransactionRecord> {
    return send(this.net, await ix.joinRequest({ authority: this.signer, request }, this.net.programId), this.signer);
  }

  /** `leave_request`: give the seat back, drawn or accepted, nothing committed: allowed while the commit phase is open
   * and within half a commit window of the seat's draw (`protocol.leaveOpen`; `LEAVE_WINDOW_CLOSED` later); an
   * accepted seat's bond is released. */
  async leave(request: Address): Promise<TransactionRecord> {
    return send(this.net, await ix.leaveRequest({ authority: this.signer, request }, this.net.programId), this.signer);
  }

  /** Write the report, derive the salt from the key, and `commit_result` with the worker's model (the program fixes
   * it in the seat). */
  async commit(request: Address, answer: Answer): Promise<TransactionRecord> {
    // An answer the program cannot accept is refused here (INVALID_ARGUMENT), before anything is written or sent.
    const codes = answerCodes(answer.verdict, answer.confidence);
    const report = new TextEncoder().encode(
      JSON.stringify(
        {
          request,
          worker: this.address,
          model: this.model,
          verdict: codes.verdict,
          confidence: codes.confidence,
          detections: answer.detections ?? [],
        },
        null,
        2,
      ),
    );
    // Report URIs are at most 128 bytes on-chain: keep the file name short.
    const path = join(this.reportsDir, `${toHex(sha256(request, this.address)).slice(0, 12)}.json`);
    writeFileSync(path, report);
    const reportHash = sha256(report);
    const salt = await deriveSalt(this.signer, request);
    const c = commitment(request, this.address, answer.verdict, answer.confidence, this.model, reportHash, salt);
    this.answers.set(request, { answer, reportHash, salt, uri: pathToFileURL(path).href });
    const instruction = await ix.commitResult({ authority: this.signer, request, commitment: c, model: this.model }, this.net.programId);
    return send(this.net, instruction, this.signer);
  }

  /** `reveal_result` with the committed preimage (the model is the seat's) and the report's file:// URI. */
  async reveal(request: Address): Promise<TransactionRecord> {
    const c = this.answers.get(request);
    if (!c) throw new Error(`worker ${this.address} has not committed to ${request}`);
    const instruction = ix.revealResult(
      {
        authority: this.signer,
        request,
        verdict: c.answer.verdict,
        confidence: c.answer.confidence,
        reportHash: c.reportHash,
        salt: c.salt,
        reportUri: c.uri,
      },
      this.net.programId,
    );
    return send(this.net, instruction, this.signer);
  }
}

/** Options of {@link startTestWorkers}. */
export interface TestWorkerOptions {
  /** How many workers (default: 3, or the configuration's `minWorkersFloor` when higher). */
  count?: number;
  /** The answer of worker `index` for `request` (default: Manipulated, confidence 90 − 5·index, one face_swap
   * detection). */
  answer?: (request: Address, index: number) => Answer;
  /** Where reports are written (default: a new temporary folder). */
  reportsDir?: string;
  /** Poll interval, ms (default 20). */
  pollMs?: number;
  /** Called with errors the workers ran into (default: ignored; the program refusing a late join is normal). */
  onError?: (error: unknown) => void;
}

/** Running test workers: `stop()` ends their loop. */
export interface RunningTestWorkers {
  readonly workers: readonly TestWorker[];
  stop(): Promise<void>;
}

/** The default answers: everyone says Manipulated, with a face-swap region. */
export function defaultAnswer(_request: Address, index: number): Answer {
  return {
    verdict: 'Manipulated',
    confidence: Math.max(0, 90 - 5 * index),
    detections: [{ type: 'face_swap', region: { x: 10, y: 20, w: 64, h: 48 }, confidence: 0.93 }],
  };
}

/**
 * One round of the test workers' loop: the first worker that can act on an open request does (accept a seat it was
 * drawn for and commit while the commit phase is open, reveal once the reveal phase is), then the round ends so the
 * request is read again. Workers not drawn leave the request alone. A seat is accepted and committed to even past its
 * answer time (`protocol.answerBy`): the program takes both until a draw has replaced the seat (which it may do to an
 * accepted seat too, as long as it has not committed). `done` holds the `request:worker` pairs that revealed or
 * failed.
 */
async function actOnce(
  net: Transport,
  workers: readonly TestWorker[],
  answer: (request: Address, index: number) => Answer,
  done: Set<string>,
  onError: (error: unknown) => void,
): Promise<void> {
  const now = await net.unixTimestamp();
  const open = (await net.programAccounts(REQUEST_DISCRIMINATOR))
    .map((a) => ({ address: toAddress(a.address), r: getRequestDecoder().decode(a.data) as Request }))
    .filter(({ r }) => isOpen(r.status));
  for (const { address, r } of open) {
    for (const [i, w] of workers.entries()) {
      const key = `${address}:${w.address}`;
      if (done.has(key)) continue;
      const seat = r.seats.slice(0, r.joined).find((s) => s.authority === w.address);
      try {
        if (seat && (seat.state === SEAT_STATE_DRAWN || seat.state === SEAT_STATE_JOINED) && commitOpen(r, now)) {
          if (seat.state === SEAT_STATE_DRAWN) await w.join(address);
          await w.commit(address, answer(address, i));
          return; // re-read the request before the next worker acts
        }
        if (seat && seat.state === SEAT_STATE_COMMITTED && revealOpen(r, now)) {
          await w.reveal(address);
          done.add(key);
          return;
        }
      } catch (e) {
        done.add(key);
        onError(e);
      }
    }
  }
}

/**
 * Register a model and `count` workers on the client's local network and run them in the background: every seat
 * they are drawn for in an open request is accepted and committed to while the commit phase is open, and revealed
 * once the commit phase is over. The client draws the seats (`submitRequest` then `waitForResult`); test workers
 * stake {@link fullOddsStake}, so with no other workers registered and `minWorkers = maxWorkers = count` the draw
 * seats all of them, the last commit closes the commit phase, everyone reveals and `waitForResult` finalizes at
 * once — no clock moves needed.
 */
export async function startTestWorkers(
  client: DFPNClient | FundingTransport,
  options: TestWorkerOptions = {},
): Promise<RunningTestWorkers> {
  const net = ('ready' in client ? (await client.ready()).transport : client) as FundingTransport;
  if (typeof net.fundedSigner !== 'function') {
    throw new Error("startTestWorkers needs a transport that funds keys: network 'local', or an RpcTransport on localnet");
  }
  const reportsDir = options.reportsDir ?? mkdtempSync(join(tmpdir(), 'dfpn-r-'));
  mkdirSync(reportsDir, { recursive: true });
  // A new developer each time: its model's address is new, so a second call on the same network registers again.
  const { model } = await registerTestModel(net);
  const workers: TestWorker[] = [];
  const count = options.count ?? Math.max(3, (await readConfig(net)).params.minWorkersFloor);
  for (let i = 0; i < count; i++) workers.push(await TestWorker.register(net, reportsDir, { model }));
  const answer = options.answer ?? defaultAnswer;
  const onError = options.onError ?? (() => undefined);
  const done = new Set<string>();
  let stopped = false;
  const step = () => actOnce(net, workers, answer, done, onError);

  const loop = (async () => {
    while (!stopped) {
      try {
        await step();
      } catch (e) {
        onError(e);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
    }
  })();

  return {
    workers,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

