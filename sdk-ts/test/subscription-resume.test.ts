/**
 * Subscriptions that survive a cut websocket, against a real `solana-test-validator` (started here: `$DFPN_VALIDATOR`,
 * `solana-test-validator` on PATH, or the build of scripts/install-validator.sh in ~/.cache/dfpn-toolchain; the
 * tests are skipped, saying so, when there is none).
 *
 * A TCP proxy (a real `net` server in the test) sits between `RpcTransport` and the validator's websocket port. The
 * tests cut it (both sockets closed) or blackhole it (bytes silently dropped, sockets left open: only the ping
 * notices), refuse new connections while transactions mentioning the program land, then let the transport back in:
 * `programLogs` must yield every transaction once, in the order they landed; `watchAccount` must wake its caller.
 * The positive control runs the same without a cut.
 *
 * The transactions are system transfers that name the program as a read-only account: `logsSubscribe` with
 * `mentions` and `getSignaturesForAddress` select by the accounts a transaction names, as for the program's own
 * instructions, and these need no configuration or stake.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import {
  AccountRole,
  generateKeyPairSigner,
  type AccountSignerMeta,
  type Address,
  type Instruction,
  type TransactionSigner,
} from '@solana/kit';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { LOGS_GAP, PROGRAM_ID, RecentSignatures, RpcTransport } from '../src/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

function findValidator(): string | undefined {
  if (process.env.DFPN_VALIDATOR) return process.env.DFPN_VALIDATOR;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'solana-test-validator'))) return join(dir, 'solana-test-validator');
  }
  const cache = process.env.DFPN_TOOLCHAIN_CACHE ?? join(homedir(), '.cache', 'dfpn-toolchain');
  if (!existsSync(cache)) return undefined;
  const built = readdirSync(cache)
    .filter((d) => d.startsWith('agave-'))
    .sort()
    .map((d) => join(cache, d, 'bin', 'solana-test-validator'))
    .filter((p) => existsSync(p));
  return built.pop();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** An RPC port whose successor (the websocket port) is free too. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65000 && (await isFree(port + 1))) return port;
  }
}

async function until(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const give = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > give) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Link {
  client: Socket;
  upstream: Socket;
  blackholed: boolean;
}

/** A TCP proxy to `upstreamPort` that can cut its connections, blackhole them, or refuse new ones. */
class CuttableProxy {
  accepting = true;
  accepted = 0;
  refused = 0;
  readonly links: Link[] = [];
  private readonly server: Server;

  constructor(private readonly upstreamPort: number) {
    this.server = createServer((client) => this.handle(client));
  }

  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return `ws://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  private handle(client: Socket): void {
    if (!this.accepting) {
      this.refused++;
      client.resetAndDestroy();
      return;
    }
    this.accepted++;
    const upstream = createConnection(this.upstreamPort, '127.0.0.1');
    const link: Link = { client, upstream, blackholed: false };
    this.links.push(link);
    const pump = (from: Socket, to: Socket) => {
      from.on('data', (data) => {
        if (!link.blackholed) to.write(data);
      });
      from.on('close', () => to.destroy());
      from.on('error', () => to.destroy());
    };
    pump(client, upstream);
    pump(upstream, client);
  }

  /** Close every proxied connection (both sides) and refuse new ones until `resume`. */
  cut(): void {
    this.accepting = false;
    for (const l of this.links) {
      l.client.resetAndDestroy();
      l.upstream.destroy();
    }
  }

  /** Drop every byte of the current connections without closing them; refuse new ones until `resume`. */
  blackhole(): void {
    this.accepting = false;
    for (const l of this.links) l.blackholed = true;
  }

  resume(): void {
    this.accepting = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

const SYSTEM_PROGRAM = '11111111111111111111111111111111' as Address;

/** A system transfer that also names the program (read-only), so that it "mentions" it. */
function mention(from: TransactionSigner, to: Address, lamports: bigint): Instruction {
  const data = new Uint8Array(12);
  const view = new DataView(data.buffer);
  view.setUint32(0, 2, true); // SystemInstruction::Transfer
  view.setBigUint64(4, lamports, true);
  return {
    programAddress: SYSTEM_PROGRAM,
    accounts: [
      { address: from.address, role: AccountRole.WRITABLE_SIGNER, signer: from } as AccountSignerMeta,
      { address: to, role: AccountRole.WRITABLE },
      { address: PROGRAM_ID, role: AccountRole.READONLY },
    ],
    data,
  };
}

/** Sends distinct transactions that mention the program, one after the other (each confirmed). */
class Sender {
  readonly sent: string[] = [];
  constructor(
    private readonly rpc: RpcTransport,
    private readonly payer: TransactionSigner,
    private readonly to: Address,
  ) {}

  private count = 0n;

  async send(count = 1): Promise<void> {
    for (let i = 0; i < count; i++) {
      // A different amount each time: never the same signature twice.
      this.count += 1n;
      const record = await this.rpc.sendTransaction([mention(this.payer, this.to, this.count)], this.payer);
      this.sent.push(record.signature);
    }
  }
}

/**
 * Send until a transaction arrives live: the subscription is then surely active (a transaction that landed before it
 * was is not promised). Only that one stays in `sender.sent`.
 */
async function firstLive(sender: Sender, got: string[]): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await sender.send();
    const last = sender.sent.at(-1)!;
    try {
      await until(() => got.includes(last), 10_000, () => 'live');
      sender.sent.splice(0, sender.sent.length - 1);
      return;
    } catch {
      // sent before the subscription was active: try again
    }
  }
  throw new Error(`no transaction arrived live: ${sender.sent}, got ${got}`);
}

const validatorBinary = findValidator();
const program = join(ROOT, 'target', 'deploy', 'dfpn.so');
// `make test` runs this file once the validator is built (test-validator-late): there a missing one is a failure.
if (validatorBinary === undefined && process.env.DFPN_REQUIRE_VALIDATOR) {
  throw new Error('DFPN_REQUIRE_VALIDATOR is set but no solana-test-validator was found');
}

describe.skipIf(validatorBinary === undefined)('subscriptions across a dropped websocket (real validator)', () => {
  let validator: ChildProcess | undefined;
  let ledger = '';
  let rpcPort = 0;
  let proxy: CuttableProxy;
  let wsUrl = '';
  const aborts: AbortController[] = [];

  beforeAll(async () => {
    rpcPort = await freePortPair();
    ledger = mkdtempSync(join(tmpdir(), 'dfpn-ts-ledger-'));
    const base = 20_000 + ((rpcPort * 7) % 30_000);
    validator = spawn(
      validatorBinary!,
      [
        '--reset',
        '--quiet',
        '--ledger',
        ledger,
        '--rpc-port',
        String(rpcPort),
        '--faucet-port',
        String(await freePortPair()),
        '--gossip-port',
        String(await freePortPair()),
        '--dynamic-port-range',
        `${base}-${base + 50}`,
        '--bind-address',
        '127.0.0.1',
        ...(existsSync(program) ? ['--bpf-program', PROGRAM_ID, program] : []),
      ],
      { stdio: 'ignore', detached: true },
    );
    const probe = new RpcTransport(`http://127.0.0.1:${rpcPort}`, { wsUrl: null, retries: 0, requestTimeoutMs: 2_000 });
    const give = Date.now() + 150_000;
    while (!(await probe.health())) {
      if (validator.exitCode !== null) throw new Error(`solana-test-validator exited with ${validator.exitCode}`);
      if (Date.now() > give) throw new Error('solana-test-validator not healthy after 150 s');
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 180_000);

  afterAll(() => {
    if (validator?.pid !== undefined && validator.exitCode === null) process.kill(-validator.pid, 'SIGKILL');
    if (ledger) rmSync(ledger, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const a of aborts.splice(0)) a.abort();
    await proxy?.close();
  });

  async function setup(options: { replayLimit?: number; replayPage?: number } = {}) {
    proxy = new CuttableProxy(rpcPort + 1);
    wsUrl = await proxy.start();
    const rpc = new RpcTransport(`http://127.0.0.1:${rpcPort}`, {
      wsUrl,
      wsRetries: 1000, // refused for as long as the test keeps it down
      backoffMs: 50,
      maxBackoffMs: 300,
      wsPingMs: 500,
      wsPingTimeoutMs: 5_000,
      ...options,
    });
    const [payer, to] = [await rpc.fundedSigner(1_000_000_000n), await generateKeyPairSigner()];
    await rpc.airdrop(to.address, 1_000_000_000n);
    return { rpc, sender: new Sender(rpc, payer, to.address), to: to.address, payer };
  }

  function follow(rpc: RpcTransport): string[] {
    const got: string[] = [];
    const abort = new AbortController();
    aborts.push(abort);
    void (async () => {
      for await (const { signature } of rpc.programLogs(abort.signal)) got.push(signature);
    })().catch((e: unknown) => got.push(`error: ${String(e)}`));
    return got;
  }

  const mine = (got: string[], sent: string[]) => got.filter((s) => sent.includes(s) || s === LOGS_GAP || s.startsWith('error'));

  test.each(['none', 'cut', 'blackhole'] as const)(
    'programLogs delivers every transaction once, in order, across a dropped websocket (%s)',
    async (drop) => {
      const { rpc, sender } = await setup();
      const got = follow(rpc);
      // Given a log subscription that delivered a first transaction live
      await until(() => proxy.accepted >= 1, 30_000, () => 'connected');
      await firstLive(sender, got);
      // When the websocket is cut (or goes silent) and stays down while five transactions land
      if (drop === 'cut') proxy.cut();
      if (drop === 'blackhole') proxy.blackhole();
      await sender.send(5);
      if (drop === 'blackhole') await until(() => proxy.refused >= 1, 45_000, () => 'the silent connection was detected');
      proxy.resume();
      await until(() => proxy.accepted >= (drop === 'none' ? 1 : 2), 45_000, () => `resubscribed: ${proxy.accepted}`);
      await sender.send();
      // Then every transaction arrives exactly once, in the order it landed, with no gap marker
      await until(() => sender.sent.every((s) => got.includes(s)), 60_000, () => `all of ${sender.sent} in ${got}`);
      await new Promise((r) => setTimeout(r, 500)); // duplicates would come right behind
      expect(mine(got, sender.sent)).toEqual(sender.sent);
      // (a drop reconnects at least once; a busy machine may miss a ping answer, an extra reconnect changes nothing)
      if (drop !== 'none') expect(proxy.accepted).toBeGreaterThanOrEqual(2);
    },
    240_000,
  );

  test('a gap longer than replayLimit yields one LOGS_GAP, then live logs', async () => {
    const { rpc, sender } = await setup({ replayLimit: 3 });
    const got = follow(rpc);
    await until(() => proxy.accepted >= 1, 30_000, () => 'connected');
    await firstLive(sender, got);
    proxy.cut();
    await sender.send(5);
    proxy.resume();
    await until(() => got.includes(LOGS_GAP), 45_000, () => `a gap marker in ${got}`);
    await sender.send();
    await until(() => got.includes(sender.sent.at(-1)!), 45_000, () => `next live: ${got}`);
    expect(mine(got, sender.sent)).toEqual([sender.sent[0], LOGS_GAP, sender.sent.at(-1)]);
  }, 240_000);

  test('a replay pages through the missed signatures', async () => {
    const { rpc, sender } = await setup({ replayPage: 2 });
    const got = follow(rpc);
    await until(() => proxy.accepted >= 1, 30_000, () => 'connected');
    await firstLive(sender, got);
    proxy.cut();
    await sender.send(5);
    proxy.resume();
    await until(() => sender.sent.every((s) => got.includes(s)), 60_000, () => `all of ${sender.sent} in ${got}`);
    expect(mine(got, sender.sent)).toEqual(sender.sent);
  }, 240_000);

  test.each(['none', 'cut'] as const)(
    'watchAccount wakes its caller for a change made while the websocket was down (%s)',
    async (drop) => {
      const { rpc, payer, to } = await setup();
      let wakes = 0;
      const abort = new AbortController();
      aborts.push(abort);
      rpc.watchAccount(to, () => wakes++, abort.signal);
      const pay = (lamports: bigint) => rpc.sendTransaction([mention(payer, to, lamports)], payer);
      // Given a subscription that saw a first change
      await until(() => proxy.accepted >= 1, 30_000, () => 'connected');
      for (let attempt = 0n; wakes === 0 && attempt < 5n; attempt++) {
        // until a change is pushed: the subscription is then surely active
        await pay(1000n + attempt);
        await until(() => wakes >= 1, 10_000, () => 'first change pushed').catch(() => undefined);
      }
      expect(wakes).toBeGreaterThanOrEqual(1);
      // When the account changes while the websocket is down (control: while it is up)
      if (drop === 'cut') {
        proxy.cut();
        await until(() => proxy.refused >= 1, 30_000, () => 'the SDK tried to reconnect');
      }
      const before = wakes; // (after the cut: nothing pushed earlier can still arrive)
      await pay(2000n);
      proxy.resume();
      // Then the caller is woken (to read the account afresh)
      await until(() => wakes > before, 45_000, () => 'woken after the change');
      // (the control may reconnect too: a busy validator can miss a pong; the cut must)
      expect(proxy.accepted).toBeGreaterThanOrEqual(drop === 'none' ? 1 : 2);
    },
    180_000,
  );
});

test('RecentSignatures remembers the last `size` signatures only', () => {
  const recent = new RecentSignatures(2);
  expect([recent.add('a'), recent.add('a'), recent.add('b'), recent.add('c')]).toEqual([true, false, true, true]);
  expect(recent.add('b')).toBe(false); // still among the last two
  expect(recent.add('a')).toBe(true); // forgotten: bounded memory
});
