/**
 * Two small JSON-RPC servers for testing `RpcTransport` without a validator:
 * - `scriptedRpc`: answers each call with a scripted reply (HTTP status, JSON-RPC error, result, or no answer), to
 *   prove retries, backoff, time limits and error mapping;
 * - `liteSvmRpc`: a JSON-RPC facade over a LiteSVM with dfpn.so (the methods `RpcTransport` uses, answered in the
 *   shapes of the Solana JSON-RPC API, `getProgramAccounts` with memcmp and dataSize filters and dataSlice), so the
 *   whole client runs over HTTP; a slot passes every 20 ms (with a hash in the SlotHashes sysvar).
 * These test the client's JSON-RPC handling, not a real validator (the lead runs that separately).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  getBase58Decoder,
  getBase58Encoder,
  getBase64Decoder,
  getBase64Encoder,
  getCompiledTransactionMessageDecoder,
  getSignatureFromTransaction,
  getTransactionDecoder,
  type Address,
} from '@solana/kit';
import { FailedTransactionMetadata } from 'litesvm';
import { liteSvmErrorToJson, type LiteSvmTransport } from '../src/local.js';

export interface RpcCall {
  method: string;
  params: unknown[];
}

/** A reply: a result, a JSON-RPC error, a raw HTTP status, or `hang` (never answer). */
export type Reply =
  | { result: unknown }
  | { error: { code: number; message: string; data?: unknown } }
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hang: true };

export interface TestServer {
  url: string;
  calls: RpcCall[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: Server, calls: RpcCall[], hanging: ServerResponse[]): Promise<TestServer> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        calls,
        close: () =>
          new Promise<void>((done) => {
            for (const r of hanging) r.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A server that answers with `script(call, n)` (n: how many calls of that method came before). */
export function scriptedRpc(script: (call: RpcCall, n: number) => Reply): Promise<TestServer> {
  const calls: RpcCall[] = [];
  const hanging: ServerResponse[] = [];
  const counts = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { id: unknown; method: string; params?: unknown[] };
    const call = { method: body.method, params: body.params ?? [] };
    calls.push(call);
    const n = counts.get(call.method) ?? 0;
    counts.set(call.method, n + 1);
    const reply = script(call, n);
    if ('hang' in reply) {
      hanging.push(res);
      return;
    }
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body ?? '');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: body.id, ...reply }));
  });
  return listen(server, calls, hanging);
}

interface Landed {
  slot: number;
  err: unknown;
  logs: string[];
  accounts: Address[];
  fee: number;
  units: number;
}

/** A JSON-RPC facade over `net` (dfpn.so in LiteSVM). */
export function liteSvmRpc(net: LiteSvmTransport): Promise<TestServer> {
  const calls: RpcCall[] = [];
  const landed = new Map<string, Landed>();
  const byAddress = new Map<string, string[]>();
  const b64 = getBase64Decoder();
  const slot = () => Number(net.svm.getClock().slot);
  const ctx = () => ({ context: { slot: slot(), apiVersion: '2.2.0' } });
  const account = (a: Address) => {
    const acc = net.account(a);
    if (!acc) return null;
    return {
      data: [b64.decode(acc.data), 'base64'],
      executable: acc.executable,
      lamports: Number(acc.lamports),
      owner: acc.owner,
      rentEpoch: 0,
      space: acc.data.length,
    };
  };

  const handlers: Record<string, (params: any[]) => unknown> = {
    getAccountInfo: ([a]) => ({ ...ctx(), value: account(a) }),
    getBalance: ([a]) => ({ ...ctx(), value: Number(net.balance(a)) }),
    getLatestBlockhash: () => ({ ...ctx(), value: { blockhash: net.svm.latestBlockhash(), lastValidBlockHeight: slot() + 150 } }),
    getBlockHeight: () => slot(),
    getMinimumBalanceForRentExemption: ([size]) => Number(net.svm.minimumBalanceForRentExemption(BigInt(size))),
    getSignatureStatuses: ([sigs]) => ({
      ...ctx(),
      value: (sigs as string[]).map((s) => {
        const t = landed.get(s);
        return t ? { slot: t.slot, confirmations: null, err: t.err, status: t.err ? { Err: t.err } : { Ok: null }, confirmationStatus: 'confirmed' } : null;
      }),
    }),
    getSignaturesForAddress: ([a]) =>
      [...(byAddress.get(a) ?? [])].reverse().map((s) => ({
        signature: s,
        slot: landed.get(s)!.slot,
        err: landed.get(s)!.err,
        memo: null,
        blockTime: null,
        confirmationStatus: 'confirmed',
      })),
    getTransaction: ([s]) => {
      const t = landed.get(s);
      if (!t) return null;
      return {
        slot: t.slot,
        blockTime: null,
        version: 'legacy',
        meta: {
          err: t.err,
          fee: t.fee,
          logMessages: t.logs,
          computeUnitsConsumed: t.units,
          loadedAddresses: { writable: [], readonly: [] },
          preBalances: [],
          postBalances: [],
          innerInstructions: [],
          preTokenBalances: [],
          postTokenBalances: [],
          rewards: [],
          status: t.err ? { Err: t.err } : { Ok: null },
        },
        transaction: { signatures: [s], message: { accountKeys: t.accounts, header: {}, instructions: [], recentBlockhash: '' } },
      };
    },
    getProgramAccounts: ([program, options]) => {
      const filters = (options?.filters ?? []) as Array<{ memcmp?: { offset: number; bytes: string }; dataSize?: number }>;
      const slice = options?.dataSlice as { offset: number; length: number } | undefined;
      return net.svm
        .getProgramAccounts(program)
        .filter((a) =>
          filters.every((f) => {
            if (f.dataSize !== undefined) return a.data.length === Number(f.dataSize);
            if (!f.memcmp) return true;
            const want = getBase58Encoder().encode(f.memcmp.bytes);
            return want.every((byte, i) => a.data[Number(f.memcmp!.offset) + i] === byte);
          }),
        )
        .map((a) => {
          const full = account(a.address)!;
          if (!slice) return { pubkey: a.address, account: full };
          const data = a.data.subarray(Number(slice.offset), Number(slice.offset) + Number(slice.length));
          return { pubkey: a.address, account: { ...full, data: [b64.decode(data), 'base64'] } };
        });
    },
    getHealth: () => 'ok',
    requestAirdrop: ([a, amount]) => {
      const result = net.svm.airdrop(a, BigInt(amount) as never);
      if (!result || result instanceof FailedTransactionMetadata) throw { code: -32603, message: 'airdrop failed' };
      const signature = getBase58Decoder().decode(result.signature());
      landed.set(signature, { slot: slot(), err: null, logs: result.logs(), accounts: [a], fee: 0, units: 0 });
      return signature;
    },
    sendTransaction: ([wire, options]) => {
      const tx = getTransactionDecoder().decode(getBase64Encoder().encode(wire));
      const signature = getSignatureFromTransaction(tx);
      const message = getCompiledTransactionMessageDecoder().decode(tx.messageBytes);
      const result = net.svm.sendTransaction(tx);
      const failed = result instanceof FailedTransactionMetadata;
      const logs = failed ? result.meta().logs() : result.logs();
      const err = failed ? liteSvmErrorToJson(result.err()) : null;
      if (failed && !options?.skipPreflight) {
        throw { code: -32002, message: `Transaction simulation failed: ${JSON.stringify(err)}`, data: { err, logs, accounts: null, unitsConsumed: 0 } };
      }
      net.svm.expireBlockhash();
      const accounts = message.staticAccounts as Address[];
      landed.set(signature, {
        slot: slot(),
        err,
        logs,
        accounts,
        fee: 5000 * Object.keys(tx.signatures).length,
        units: failed ? 0 : Number(result.computeUnitsConsumed()),
      });
      for (const a of accounts) byAddress.set(a, [...(byAddress.get(a) ?? []), signature]);
      return signature;
    },
  };

  const server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { id: unknown; method: string; params?: unknown[] };
    calls.push({ method: body.method, params: body.params ?? [] });
    const handler = handlers[body.method];
    let reply: object;
    if (!handler) reply = { error: { code: -32601, message: 'Method not found' } };
    else {
      try {
        reply = { result: handler(body.params ?? []) };
      } catch (e) {
        reply = { error: e };
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: body.id, ...reply }));
  });
  // Slots pass with time, as on a cluster (LiteSVM's transport records a hash for each slot it leaves), so the
  // client's seat draws find their slot hash.
  const slots = setInterval(() => void net.advanceSlot(), 20);
  slots.unref();
  return listen(server, calls, []).then((t) => ({
    ...t,
    close: () => {
      clearInterval(slots);
      return t.close();
    },
  }));
}
