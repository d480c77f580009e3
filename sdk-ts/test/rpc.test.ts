/**
 * `RpcTransport` against local HTTP servers: retries with backoff, time limits that never hang, JSON-RPC error
 * mapping, transaction confirmation; and the whole client over JSON-RPC against a facade over dfpn.so in LiteSVM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSigner, type Address } from '@solana/kit';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  ACCOUNT_SIZES,
  DFPNClient,
  ErrorCode,
  instructions as ix,
  Modality,
  resolveNetwork,
  RpcTransport,
  websocketUrlFor,
  WORKER_POOL_INDEX_OFFSET,
} from '../src/index.js';
import { drawWorkers, localSetup, rejection, requestAccount, tempDir, testWorkers } from './helpers.js';
import { liteSvmRpc, scriptedRpc, type TestServer } from './rpc-server.js';
import { startTestWorkers } from '../src/testing.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(s: Promise<TestServer>): Promise<TestServer> {
  const server = await s;
  servers.push(server);
  return server;
}

const FAST = { backoffMs: 20, maxBackoffMs: 200, requestTimeoutMs: 2_000, wsUrl: null } as const;
const ADDRESS = '14UaT5Z7TsogWsWyzf45m9PNXcSeH29esMMsJ8NRFFnp' as Address;
const ctx = { context: { slot: 1 } };

describe('networks', () => {
  test('names and URLs resolve; unknown ones are NETWORK_NOT_SUPPORTED', () => {
    expect(resolveNetwork('devnet')).toEqual({ name: 'devnet', rpcUrl: 'https://api.devnet.solana.com', wsUrl: 'wss://api.devnet.solana.com' });
    expect(resolveNetwork('localnet')).toEqual({ name: 'localnet', rpcUrl: 'http://127.0.0.1:8899', wsUrl: 'ws://127.0.0.1:8900' });
    expect(websocketUrlFor('https://rpc.example.com/?api-key=x')).toBe('wss://rpc.example.com/?api-key=x');
    expect(websocketUrlFor('http://10.0.0.5:8899')).toBe('ws://10.0.0.5:8900');
    expect(() => resolveNetwork('ftp://x')).toThrowError(expect.objectContaining({ code: ErrorCode.NETWORK_NOT_SUPPORTED }));
    const t = new RpcTransport('localnet');
    expect([t.name, t.rpcUrl, t.wsUrl, t.isLocal, t.programId]).toEqual(['localnet', 'http://127.0.0.1:8899', 'ws://127.0.0.1:8900', false, ADDRESS]);
    expect(new DFPNClient({ network: 'http://127.0.0.1:8899' }).storage).toBe('ipfs');
  });
});

describe('retries, backoff and time limits', () => {
  test('HTTP 503 twice, then an answer: retried with growing backoff', async () => {
    const s = await serve(scriptedRpc((_c, n) => (n < 2 ? { status: 503, body: 'busy' } : { result: { ...ctx, value: 42 } })));
    const t = new RpcTransport(s.url, { ...FAST, backoffMs: 50 });
    const started = Date.now();
    expect(await t.getBalance(ADDRESS)).toBe(42n);
    expect(s.calls.map((c) => c.method)).toEqual(['getBalance', 'getBalance', 'getBalance']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 * 0.75 + 100 * 0.75);
  });

  test('HTTP 429 with Retry-After is honoured (capped by maxBackoffMs)', async () => {
    const s = await serve(
      scriptedRpc((_c, n) => (n < 1 ? { status: 429, headers: { 'retry-after': '1' } } : { result: { ...ctx, value: 7 } })),
    );
    const started = Date.now();
    expect(await new RpcTransport(s.url, { ...FAST, maxBackoffMs: 300 }).getBalance(ADDRESS)).toBe(7n);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('JSON-RPC "node is behind" (-32005) is retried; a final failure is RPC_ERROR naming the attempts', async () => {
    const behind = { error: { code: -32005, message: 'Node is behind by 42 slots' } };
    const s = await serve(scriptedRpc((_c, n) => (n < 1 ? behind : { result: { ...ctx, value: 1 } })));
    expect(await new RpcTransport(s.url, FAST).getBalance(ADDRESS)).toBe(1n);
    const always = await serve(scriptedRpc(() => behind));
    const err = await rejection(() => new RpcTransport(always.url, { ...FAST, retries: 2 }).getBalance(ADDRESS));
    expect(err.code).toBe(ErrorCode.RPC_ERROR);
    expect(err.message).toContain('Node is behind');
    expect(always.calls).toHaveLength(3);
  });

  test('answers that are not "later" are not retried: bad params, HTTP 400', async () => {
    const bad = await serve(scriptedRpc(() => ({ error: { code: -32602, message: 'Invalid param: WrongSize' } })));
    const err = await rejection(() => new RpcTransport(bad.url, FAST).getBalance(ADDRESS));
    expect(err.code).toBe(ErrorCode.RPC_ERROR);
    expect(err.message).toContain('-32602');
    expect(bad.calls).toHaveLength(1);
    const http400 = await serve(scriptedRpc(() => ({ status: 400, body: 'nope' })));
    expect((await rejection(() => new RpcTransport(http400.url, FAST).getBalance(ADDRESS))).code).toBe(ErrorCode.RPC_ERROR);
    expect(http400.calls).toHaveLength(1);
  });

  test('a server that never answers: each attempt is cut at requestTimeoutMs, the call fails, nothing hangs', async () => {
    const s = await serve(scriptedRpc(() => ({ hang: true })));
    const started = Date.now();
    const err = await rejection(() => new RpcTransport(s.url, { ...FAST, requestTimeoutMs: 150, retries: 2 }).getBalance(ADDRESS));
    const elapsed = Date.now() - started;
    expect(err.code).toBe(ErrorCode.RPC_ERROR);
    expect(err.message).toMatch(/3 attempts: timed out after 150 ms/);
    expect(s.calls).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(3_000);
  });

  test('nothing listening: RPC_UNREACHABLE within about a second, however many retries are allowed', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const started = Date.now();
    const err = await rejection(() => new RpcTransport(`http://127.0.0.1:${port}`, { ...FAST, retries: 20 }).getBalance(ADDRESS));
    expect(err.code).toBe(ErrorCode.RPC_UNREACHABLE);
    expect(err.message).toContain(`http://127.0.0.1:${port} is unreachable (getBalance): connection refused`);
    expect(Date.now() - started).toBeLessThan(5_000);
    // an unknown host is unreachable too
    const host = await rejection(() => new RpcTransport('http://dfpn-no-such-host.invalid:8899', FAST).getBalance(ADDRESS));
    expect(host.code).toBe(ErrorCode.RPC_UNREACHABLE);
  });
});

describe('reading and sending over JSON-RPC (scripted)', () => {
  test('the cluster clock comes from the Clock sysvar', async () => {
    const clock = new Uint8Array(40);
    new DataView(clock.buffer).setBigInt64(32, 1_700_000_123n, true);
    const s = await serve(
      scriptedRpc((c) =>
        c.method === 'getAccountInfo'
          ? {
              result: {
                ...ctx,
                value: { data: [Buffer.from(clock).toString('base64'), 'base64'], executable: false, lamports: 1, owner: 'Sysvar1111111111111111111111111111111111111', rentEpoch: 0, space: 40 },
              },
            }
          : { error: { code: -32601, message: 'Method not found' } },
      ),
    );
    expect(await new RpcTransport(s.url, FAST).unixTimestamp()).toBe(1_700_000_123n);
    expect(s.calls[0]!.params[0]).toBe('SysvarC1ock11111111111111111111111111111111');
  });

  test('a failed preflight is the program error with its logs, and is not re-sent', async () => {
    const signer = await generateKeyPairSigner();
    const s = await serve(
      scriptedRpc((c) => {
        if (c.method === 'getLatestBlockhash') {
          return { result: { ...ctx, value: { blockhash: '4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY', lastValidBlockHeight: 100 } } };
        }
        return {
          error: {
            code: -32002,
            message: 'Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1786',
            data: { err: { InstructionError: [0, { Custom: 6022 }] }, logs: ['Program log: deadline too short'], accounts: null },
          },
        };
      }),
    );
    const t = new RpcTransport(s.url, FAST);
    const err = await rejection(async () => t.sendTransaction([await ix.setPaused({ authority: signer, paused: true })], signer, { label: 'set_paused' }));
    expect([err.code, err.programCode, err.logs]).toEqual([ErrorCode.DEADLINE_TOO_SHORT, 6022, ['Program log: deadline too short']]);
    expect(err.message).toContain('set_paused');
    expect(s.calls.filter((c) => c.method === 'sendTransaction')).toHaveLength(1);
  });

  test('a transaction that lands with an error is mapped with the logs of getTransaction', async () => {
    const signer = await generateKeyPairSigner();
    const err = { InstructionError: [0, { Custom: 6026 }] };
    const s = await serve(
      scriptedRpc((c, n) => {
        switch (c.method) {
          case 'getLatestBlockhash':
            return { result: { ...ctx, value: { blockhash: '4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY', lastValidBlockHeight: 100 } } };
          case 'sendTransaction':
            return { result: 'x' };
          case 'getSignatureStatuses':
            return { result: { ...ctx, value: [n < 2 ? null : { slot: 5, confirmations: 0, err, confirmationStatus: 'processed' }] } };
          case 'getBlockHeight':
            return { result: 50 };
          case 'getTransaction':
            return { result: { slot: 5, blockTime: null, meta: { err, fee: 5000, logMessages: ['Program log: not open'], computeUnitsConsumed: 900 }, transaction: { signatures: [], message: { accountKeys: [] } } } };
          default:
            return { error: { code: -32601, message: 'Method not found' } };
        }
      }),
    );
    const t = new RpcTransport(s.url, { ...FAST, confirmPollMs: 10 });
    const e = await rejection(async () => t.sendTransaction([await ix.setPaused({ authority: signer, paused: true })], signer));
    expect([e.code, e.programCode, e.logs]).toEqual([ErrorCode.REQUEST_NOT_OPEN, 6026, ['Program log: not open']]);
    expect(e.signature).toBeTruthy();
  });

  test('a transaction that never lands: TIMEOUT after confirmTimeoutMs, or at once when its blockhash expired', async () => {
    const signer = await generateKeyPairSigner();
    let height = 50;
    const s = await serve(
      scriptedRpc((c) => {
        switch (c.method) {
          case 'getLatestBlockhash':
            return { result: { ...ctx, value: { blockhash: '4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY', lastValidBlockHeight: 100 } } };
          case 'sendTransaction':
            return { result: 'x' };
          case 'getSignatureStatuses':
            return { result: { ...ctx, value: [null] } };
          case 'getBlockHeight':
            return { result: height };
          default:
            return { error: { code: -32601, message: 'Method not found' } };
        }
      }),
    );
    const slow = new RpcTransport(s.url, { ...FAST, confirmPollMs: 10, confirmTimeoutMs: 300 });
    const started = Date.now();
    const timeout = await rejection(async () => slow.sendTransaction([await ix.setPaused({ authority: signer, paused: true })], signer));
    expect(timeout.code).toBe(ErrorCode.TIMEOUT);
    expect(timeout.message).toContain('not confirmed within 0.3 s');
    expect(Date.now() - started).toBeLessThan(3_000);
    // it was re-broadcast while waiting
    expect(s.calls.filter((c) => c.method === 'sendTransaction').length).toBeGreaterThan(1);
    height = 151;
    const expired = await rejection(async () => slow.sendTransaction([await ix.setPaused({ authority: signer, paused: true })], signer));
    expect(expired.code).toBe(ErrorCode.TIMEOUT);
    expect(expired.message).toContain('blockhash expired; it did not land');
  });
});

describe('websocket subscriptions', () => {
  test('watchAccount subscribes with accountSubscribe and calls back on each accountNotification until aborted', async () => {
    const received: Array<{ method: string; params: unknown[] }> = [];
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (socket) => {
      socket.on('message', (raw) => {
        const msg = JSON.parse(String(raw)) as { id: number; method: string; params: unknown[] };
        received.push({ method: msg.method, params: msg.params });
        if (msg.method === 'accountSubscribe') {
          socket.send(JSON.stringify({ jsonrpc: '2.0', result: 77, id: msg.id }));
          const value = { data: ['', 'base64'], executable: false, lamports: 1, owner: ADDRESS, rentEpoch: 0, space: 0 };
          for (const delay of [30, 60]) {
            setTimeout(() => {
              socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'accountNotification', params: { result: { context: { slot: 2 }, value }, subscription: 77 } }));
            }, delay);
          }
        } else {
          socket.send(JSON.stringify({ jsonrpc: '2.0', result: true, id: msg.id }));
        }
      });
    });
    try {
      const port = (wss.address() as AddressInfo).port;
      const t = new RpcTransport('http://127.0.0.1:1', { ...FAST, wsUrl: `ws://127.0.0.1:${port}` });
      const stop = new AbortController();
      let changes = 0;
      await new Promise<void>((resolve) => {
        t.watchAccount(ADDRESS, () => {
          changes += 1;
          if (changes === 2) resolve();
        }, stop.signal);
      });
      stop.abort();
      expect(changes).toBe(2);
      expect(received[0]).toEqual({ method: 'accountSubscribe', params: [ADDRESS, { commitment: 'confirmed', encoding: 'base64' }] });
    } finally {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});

describe('log subscriptions', () => {
  test('client.events() decodes DFPN events pushed by logsSubscribe (failed transactions are skipped)', async () => {
    const { net, client } = await localSetup();
    // A real PauseSet event from the program, replayed by a websocket server as logsNotification
    const record = await net.process([await ix.setPaused({ authority: net.authority, paused: true })], net.authority);
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const subscribed: unknown[] = [];
    wss.on('connection', (socket) => {
      socket.on('message', (raw) => {
        const msg = JSON.parse(String(raw)) as { id: number; method: string; params: unknown[] };
        if (msg.method !== 'logsSubscribe') return void socket.send(JSON.stringify({ jsonrpc: '2.0', result: true, id: msg.id }));
        subscribed.push(msg.params);
        socket.send(JSON.stringify({ jsonrpc: '2.0', result: 5, id: msg.id }));
        const note = (signature: string, err: unknown) => ({
          jsonrpc: '2.0',
          method: 'logsNotification',
          params: { result: { context: { slot: 3 }, value: { signature, err, logs: record.logs } }, subscription: 5 },
        });
        setTimeout(() => socket.send(JSON.stringify(note('failed', { InstructionError: [0, { Custom: 6009 }] }))), 20);
        setTimeout(() => socket.send(JSON.stringify(note(record.signature, null))), 40);
      });
    });
    try {
      const port = (wss.address() as AddressInfo).port;
      const rpcClient = new DFPNClient({ network: 'http://127.0.0.1:1', rpc: { ...FAST, wsUrl: `ws://127.0.0.1:${port}` } });
      const stop = new AbortController();
      const seen: Array<{ signature: string; name: string }> = [];
      for await (const { signature, event } of rpcClient.events({ signal: stop.signal })) {
        seen.push({ signature, name: event.name });
        stop.abort();
      }
      expect(seen).toEqual([{ signature: record.signature, name: 'PauseSet' }]);
      expect(subscribed[0]).toEqual([{ mentions: [ADDRESS] }, { commitment: 'confirmed' }]);
      // The local network pushes the same events in-process
      const local = new AbortController();
      const pushed = (async () => {
        for await (const { event } of client.events({ signal: local.signal })) {
          local.abort();
          return event;
        }
        return null;
      })();
      await new Promise((r) => setTimeout(r, 10));
      await net.process([await ix.setPaused({ authority: net.authority, paused: false })], net.authority);
      expect(await pushed).toMatchObject({ name: 'PauseSet', paused: false });
    } finally {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});

describe('the whole client over JSON-RPC (a facade over dfpn.so in LiteSVM)', () => {
  test('submit, estimateFee equality, program errors, workers, waitForResult with a dead websocket, audit from the chain', async () => {
    const { net, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir);
    const s = await serve(liteSvmRpc(net));
    const wallet = await net.fundedSigner();
    // A websocket URL nobody listens on: the subscription fails quietly and polling finds the result
    const client = await DFPNClient.create({
      network: s.url,
      wallet,
      storage: 'file' as never,
      pollInterval: 50,
      rpc: { ...FAST, wsUrl: 'ws://127.0.0.1:9', confirmPollMs: 10 },
    });
    expect(client.transport).toBeInstanceOf(RpcTransport);
    // estimateFee equals what the program charges
    const estimate = await client.estimateFee([Modality.FaceManipulation, Modality.ImageAuthenticity], 3);
    expect(estimate).toBe(7_500_000n);
    // file:// media is refused on an RPC network; a given URI with its hash is fine
    expect((await rejection(() => client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation] }))).code).toBe(
      ErrorCode.STORAGE_NOT_SUPPORTED,
    );
    const sub = await client.submitRequest({
      uri: 'ipfs://bafkreigh2akiscaildc',
      mediaPath: media,
      modalities: [Modality.FaceManipulation, Modality.ImageAuthenticity],
      minWorkers: 3,
      deadline: Date.now() + 300_000,
    });
    expect(sub.feeLamports).toBe(estimate);
    expect(requestAccount(net, sub.id as Address).escrow).toBe(estimate);
    // A program error comes back through the preflight
    const tooShort = await rejection(() =>
      client.submitRequest({ uri: 'ipfs://x', contentHash: 'ab'.repeat(32), modalities: [2], minWorkers: 1, deadlineSeconds: 30 }),
    );
    expect([tooShort.code, tooShort.programCode]).toEqual([ErrorCode.DEADLINE_TOO_SHORT, 6022]);
    expect(tooShort.logs.length).toBeGreaterThan(0);
    // The client drew the seats over JSON-RPC: the worker pool came from one getProgramAccounts of 4-byte slices
    const poolCalls = s.calls.filter((c) => c.method === 'getProgramAccounts' && (c.params[1] as { dataSlice?: unknown })?.dataSlice);
    expect(poolCalls).toHaveLength(1);
    expect(poolCalls[0]!.params[1]).toMatchObject({ dataSlice: { offset: WORKER_POOL_INDEX_OFFSET, length: 4 } });
    expect((poolCalls[0]!.params[1] as { filters: unknown[] }).filters).toContainEqual({ dataSize: ACCOUNT_SIZES.worker });
    expect(requestAccount(net, sub.id as Address).seats.slice(0, 3).map((seat) => seat.authority).sort()).toEqual(
      workers.map((w) => w.address).sort(),
    );
    // Workers accept their drawn seats and do their job on the same chain
    for (const w of workers) {
      await w.join(sub.id as Address);
      await w.commit(sub.id as Address, { verdict: 'Authentic', confidence: 80 });
    }
    for (const w of workers) await w.reveal(sub.id as Address);
    // The client finalizes over RPC and assembles the result with the audit trail found through
    // getSignaturesForAddress + getTransaction logs
    const result = await client.waitForResult(sub.id, { timeout: 10_000 });
    expect([result.verdict, result.consensusType, result.confidence]).toEqual(['Authentic', 'Unanimous', 80]);
    expect(result.audit.requestTx).toBe(sub.signature);
    expect(result.audit.finalizeTx).toBeTruthy();
    expect(result.workerResults.every((r) => r.reportVerified)).toBe(true);
    expect((await client.getEvents(result.audit.finalizeTx!)).map((e) => e.name)).toContain('RequestFinalized');
    // A fresh reader (no memory of the submit) finds the submit transaction from the chain too
    const reader = new DFPNClient({ network: s.url, rpc: { ...FAST } });
    const again = await reader.waitForResult(sub.id, { timeout: 5_000 });
    expect(again.audit).toEqual(result.audit);
    // Account listings use getProgramAccounts with a discriminator filter
    expect((await reader.listRequests()).map((r) => r.id)).toEqual([sub.id]);
    expect(await reader.listWorkers()).toHaveLength(3);
    // A second request, worked by test workers that run over JSON-RPC with airdropped keys (as on a local validator)
    const rpc = client.transport as RpcTransport;
    expect(await rpc.health()).toBe(true);
    const running = await startTestWorkers(rpc, { count: 2, pollMs: 20, reportsDir: tempDir() });
    try {
      // (five workers are registered now; the draw, over JSON-RPC, is steered to the two that run)
      const second = await client.submitRequest({ uri: 'ipfs://second', contentHash: 'cd'.repeat(32), modalities: [2], minWorkers: 2, draw: false });
      await drawWorkers(net, client, second.id as Address, running.workers);
      const r2 = await client.waitForResult(second.id, { timeout: 15_000 });
      expect([r2.verdict, r2.workerResults.length]).toEqual(['Manipulated', 2]);
    } finally {
      await running.stop();
    }
    const methods = new Set(s.calls.map((c) => c.method));
    for (const m of ['requestAirdrop', 'getAccountInfo', 'getLatestBlockhash', 'sendTransaction', 'getSignatureStatuses', 'getTransaction', 'getSignaturesForAddress', 'getProgramAccounts']) {
      expect(methods).toContain(m);
    }
  });
});
