/**
 * Storage against real servers on 127.0.0.1: a Kubo (IPFS) daemon, moto's S3 server, and a Node HTTP server.
 *
 * Kubo is built by scripts/install-kubo.sh (or `DFPN_IPFS_BIN`); moto_server comes from the repository's Python
 * venv (`make setup-python`, or `DFPN_MOTO_SERVER`). Without them these tests fail and say what to run; nothing
 * here is skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { homedir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DFPNClient,
  ErrorCode,
  HttpStorage,
  IpfsStorage,
  mediaFromBytes,
  Modality,
  readUri,
  S3Storage,
  sha256,
  toHex,
  upload,
} from '../src/index.js';
import { nodePlatform } from '../src/node-platform.js';
import { LiteSvmTransport } from '../src/local.js';
import { mediaFile, PROGRAM_SO, REPO, rejection, tempDir } from './helpers.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitFor(what: string, ok: () => Promise<boolean>, process: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (process.exitCode !== null) throw new Error(`${what} exited (${process.exitCode}): ${log()}`);
    if (await ok().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not answer in 60 s: ${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function kuboBinary(): string {
  if (process.env['DFPN_IPFS_BIN']) return process.env['DFPN_IPFS_BIN'];
  const script = readFileSync(join(REPO, 'scripts', 'install-kubo.sh'), 'utf8');
  const version = /KUBO_VERSION=\$\{KUBO_VERSION:-([^}]+)\}/.exec(script)?.[1] ?? 'v0.42.0';
  const cache = process.env['DFPN_TOOLCHAIN_CACHE'] || join(homedir(), '.cache', 'dfpn-toolchain');
  const binary = join(cache, `kubo-${version}`, 'ipfs');
  if (!existsSync(binary)) throw new Error(`Kubo ${version} is not installed (${binary} is missing): run scripts/install-kubo.sh`);
  return binary;
}

function motoBinary(): string {
  const candidates = [process.env['DFPN_MOTO_SERVER'], join(REPO, '.venv', 'bin', 'moto_server')].filter(Boolean) as string[];
  for (const c of candidates) if (existsSync(c)) return c;
  if (spawnSync('moto_server', ['--help']).status === 0) return 'moto_server';
  throw new Error("moto_server not found: run `make setup-python` (the repository's .venv has moto) or set DFPN_MOTO_SERVER");
}

function bigFile(dir: string): string {
  const path = join(dir, 'clip.bin');
  writeFileSync(path, randomBytes(3 * 1024 * 1024 + 123));
  return path;
}

// ---- IPFS --------------------------------------------------------------------------------------------------

describe('IPFS through a Kubo daemon', () => {
  let daemon: ChildProcess;
  let apiUrl = '';
  let gatewayUrl = '';
  let daemonLog = '';

  beforeAll(async () => {
    const binary = kuboBinary();
    const repo = tempDir('dfpn-ipfs-');
    const env = { ...process.env, IPFS_PATH: repo };
    const ipfs = (...args: string[]) => {
      const r = spawnSync(binary, args, { env, timeout: 60_000 });
      if (r.status !== 0) throw new Error(`ipfs ${args.join(' ')}: ${r.stderr}`);
    };
    ipfs('init', '--profile', 'test');
    const [api, gateway, swarm] = [await freePort(), await freePort(), await freePort()];
    ipfs('config', 'Addresses.API', `/ip4/127.0.0.1/tcp/${api}`);
    ipfs('config', 'Addresses.Gateway', `/ip4/127.0.0.1/tcp/${gateway}`);
    ipfs('config', '--json', 'Addresses.Swarm', JSON.stringify([`/ip4/127.0.0.1/tcp/${swarm}`]));
    ipfs('config', '--json', 'Bootstrap', '[]');
    daemon = spawn(binary, ['daemon', '--offline'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    daemon.stdout?.on('data', (d) => (daemonLog += String(d)));
    daemon.stderr?.on('data', (d) => (daemonLog += String(d)));
    apiUrl = `http://127.0.0.1:${api}`;
    gatewayUrl = `http://127.0.0.1:${gateway}`;
    await waitFor('ipfs daemon', async () => (await fetch(`${apiUrl}/api/v0/id`, { method: 'POST' })).ok, daemon, () => daemonLog);
  });

  afterAll(async () => {
    if (!daemon || daemon.exitCode !== null) return;
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
  });

  test('a 3 MiB upload streams with progress, is pinned as a CIDv1 and reads back (RPC cat and gateway)', async () => {
    const path = bigFile(tempDir());
    const store = new IpfsStorage({ apiUrl });
    const calls: Array<[number, number]> = [];
    const uri = await upload(await nodePlatform.openFile(path), store, { progress: (sent, total) => calls.push([sent, total]) });
    expect(uri.startsWith('ipfs://b')).toBe(true);
    const cid = uri.slice('ipfs://'.length);
    const pins = await fetch(`${apiUrl}/api/v0/pin/ls?arg=${cid}`, { method: 'POST' });
    expect(pins.status).toBe(200);
    expect(await pins.text()).toContain(cid);
    const total = readFileSync(path).length;
    expect(calls.at(-1)).toEqual([total, total]);
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.every(([s], i) => i === 0 || calls[i - 1]![0] <= s)).toBe(true);
    const data = readFileSync(path);
    expect(Buffer.from(await readUri(uri, { maxBytes: total, ipfs: store })).equals(data)).toBe(true);
    expect(Buffer.from(await new IpfsStorage({ apiUrl, gatewayUrl }).read(uri, { maxBytes: total })).equals(data)).toBe(true);
  });

  test('known bytes get the raw-codec CIDv1 of their SHA-256; a read over the limit is CONTENT_TOO_LARGE', async () => {
    const bytes = new TextEncoder().encode('hello dfpn\n');
    // From memory (the browser path: a Blob body)
    const uri = await new IpfsStorage({ apiUrl }).upload(mediaFromBytes(bytes, 'hello.txt'));
    const cidBytes = new Uint8Array([0x01, 0x55, 0x12, 0x20, ...sha256(bytes)]);
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    let bits = '';
    for (const b of cidBytes) bits += b.toString(2).padStart(8, '0');
    let b32 = '';
    for (let i = 0; i < bits.length; i += 5) b32 += alphabet[Number.parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
    expect(uri).toBe(`ipfs://b${b32}`);
    const big = await rejection(() => readUri(uri, { maxBytes: 4, ipfs: new IpfsStorage({ apiUrl }) }));
    expect(big.code).toBe(ErrorCode.CONTENT_TOO_LARGE);
    expect(big.message).toContain('4-byte limit');
    // An unknown CID times out quickly on an offline daemon: REPORT_UNAVAILABLE, bounded by timeoutMs
    const started = Date.now();
    const missing = await rejection(() =>
      new IpfsStorage({ apiUrl }).read('ipfs://bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', { timeoutMs: 500 }),
    );
    expect(missing.code).toBe(ErrorCode.REPORT_UNAVAILABLE);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a daemon that is down is STORAGE_UNAVAILABLE, saying how to start one', async () => {
    const store = new IpfsStorage({ apiUrl: `http://127.0.0.1:${await freePort()}` });
    for (const attempt of [() => store.upload(mediaFromBytes(new Uint8Array([1]))), () => store.read('ipfs://bafkreiabc')]) {
      const down = await rejection(attempt);
      expect(down.code).toBe(ErrorCode.STORAGE_UNAVAILABLE);
      expect(down.message).toContain('ipfs daemon');
      expect(down.message).toContain('install-kubo.sh');
    }
  });

  test("submitRequest with storage 'ipfs' (DFPN_IPFS_API) records the CID, and fetchMedia reads it back", async () => {
    const before = process.env['DFPN_IPFS_API'];
    process.env['DFPN_IPFS_API'] = apiUrl;
    try {
      const media = mediaFile();
      const net = await LiteSvmTransport.create({ programPath: PROGRAM_SO });
      const client = await DFPNClient.create({ network: net, storage: 'ipfs' });
      const progress: Array<[number, number]> = [];
      const sub = await client.submitRequest({
        mediaPath: media,
        modalities: [Modality.FaceManipulation],
        minWorkers: 1,
        uploadProgress: (s, t) => progress.push([s, t]),
      });
      const info = await client.getRequest(sub.id);
      expect(info.storageUri.startsWith('ipfs://')).toBe(true);
      expect(info.storageUri).toBe(sub.storageUri);
      const cat = await fetch(`${apiUrl}/api/v0/cat?arg=${info.storageUri.slice(7)}`, { method: 'POST' });
      const content = new Uint8Array(await cat.arrayBuffer());
      expect(toHex(sha256(content))).toBe(info.contentHash);
      expect(Buffer.from(await client.fetchMedia(sub.id)).equals(readFileSync(media))).toBe(true);
      const size = readFileSync(media).length;
      expect(progress.at(-1)).toEqual([size, size]);
      // And media given as bytes (as in a browser) goes the same way
      const fromBytes = await client.submitRequest({ media: new Uint8Array(readFileSync(media)), mediaName: 'x.png', modalities: [2], minWorkers: 1 });
      expect(fromBytes.storageUri).toBe(sub.storageUri);
    } finally {
      if (before === undefined) delete process.env['DFPN_IPFS_API'];
      else process.env['DFPN_IPFS_API'] = before;
    }
  });
});

// ---- S3 ----------------------------------------------------------------------------------------------------

describe("S3 through moto's server", () => {
  let moto: ChildProcess;
  let endpoint = '';
  let motoLog = '';
  const s3 = (over: Partial<ConstructorParameters<typeof S3Storage>[0]> = {}) =>
    new S3Storage({ bucket: 'dfpn-media', endpoint, accessKeyId: 'test', secretAccessKey: 'test', region: 'us-east-1', ...over });

  beforeAll(async () => {
    const binary = motoBinary();
    const port = await freePort();
    moto = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    moto.stdout?.on('data', (d) => (motoLog += String(d)));
    moto.stderr?.on('data', (d) => (motoLog += String(d)));
    endpoint = `http://127.0.0.1:${port}`;
    await waitFor('moto_server', async () => (await fetch(`${endpoint}/`)).status < 500, moto, () => motoLog);
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await client.send(new CreateBucketCommand({ Bucket: 'dfpn-media' }));
  });

  afterAll(() => {
    moto?.kill('SIGTERM');
  });

  test('a 3 MiB upload with progress goes to s3://bucket/dfpn/<sha256>.bin and reads back; over the limit is CONTENT_TOO_LARGE', async () => {
    const path = bigFile(tempDir());
    const store = s3();
    const calls: Array<[number, number]> = [];
    const uri = await store.upload(await nodePlatform.openFile(path), { progress: (s, t) => calls.push([s, t]) });
    const data = readFileSync(path);
    expect(uri).toBe(`s3://dfpn-media/dfpn/${toHex(sha256(data))}.bin`);
    expect(Math.max(...calls.map((c) => c[0]))).toBe(data.length);
    expect(calls.every((c) => c[1] === data.length)).toBe(true);
    expect(Buffer.from(await readUri(uri, { maxBytes: data.length, s3: store })).equals(data)).toBe(true);
    expect((await rejection(() => store.read(uri, { maxBytes: 1000 }))).code).toBe(ErrorCode.CONTENT_TOO_LARGE);
  });

  test('configuration from the environment; a missing key is REPORT_UNAVAILABLE (not found)', async () => {
    const keys = ['AWS_ENDPOINT_URL_S3', 'DFPN_S3_BUCKET', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;
    const saved = keys.map((k) => process.env[k]);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: endpoint,
      DFPN_S3_BUCKET: 'dfpn-media',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    });
    try {
      const missing = await rejection(() => readUri('s3://dfpn-media/dfpn/nothing-here'));
      expect(missing.code).toBe(ErrorCode.REPORT_UNAVAILABLE);
      expect(missing.message).toContain('not found');
      const uri = await upload(mediaFromBytes(new TextEncoder().encode('env'), 'e.txt'), 's3');
      expect(uri).toBe(`s3://dfpn-media/dfpn/${toHex(sha256('env'))}.txt`);
    } finally {
      keys.forEach((k, i) => {
        if (saved[i] === undefined) delete process.env[k];
        else process.env[k] = saved[i];
      });
    }
  });

  test('an unreachable endpoint is STORAGE_UNAVAILABLE', async () => {
    const down = s3({ endpoint: `http://127.0.0.1:${await freePort()}`, maxAttempts: 1 });
    expect((await rejection(() => down.read('s3://dfpn-media/x', { timeoutMs: 10_000 }))).code).toBe(ErrorCode.STORAGE_UNAVAILABLE);
    expect((await rejection(() => down.upload(mediaFromBytes(new Uint8Array([1]))))).code).toBe(ErrorCode.STORAGE_UNAVAILABLE);
  });

  test('submitRequest with an S3Storage records s3:// and fetchMedia reads it back', async () => {
    const net = await LiteSvmTransport.create({ programPath: PROGRAM_SO });
    const client = await DFPNClient.create({ network: net, storage: s3() });
    const media = mediaFile();
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.VoiceCloning], minWorkers: 1 });
    expect(sub.storageUri.startsWith('s3://dfpn-media/dfpn/')).toBe(true);
    expect(Buffer.from(await client.fetchMedia(sub.id)).equals(readFileSync(media))).toBe(true);
  });
});

// ---- HTTP --------------------------------------------------------------------------------------------------

describe('HTTP(S)', () => {
  let server: Server;
  let base = '';
  const root = tempDir('dfpn-www-');

  beforeAll(async () => {
    mkdirSync(join(root, 'up'), { recursive: true });
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (path === '/slow') return void setTimeout(() => res.end('late'), 5_000);
      if (path === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let i = 0; i < 20; i++) res.write(Buffer.alloc(1_000));
        return void res.end();
      }
      if (req.method === 'PUT') {
        if (path.startsWith('/forbidden')) return void res.writeHead(403).end('no uploads here');
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          writeFileSync(join(root, path), Buffer.concat(chunks));
          res.writeHead(201).end();
        });
        return;
      }
      const file = join(root, path);
      if (!existsSync(file)) return void res.writeHead(404).end('not found');
      res.writeHead(200, { 'content-length': String(readFileSync(file).length) });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('reads with size and time limits: oversize (declared or streamed) is CONTENT_TOO_LARGE, 404 and slow are REPORT_UNAVAILABLE', async () => {
    writeFileSync(join(root, 'report.json'), '{"detections": []}');
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(100_000));
    expect(new TextDecoder().decode(await readUri(`${base}/report.json`))).toBe('{"detections": []}');
    const big = await rejection(() => readUri(`${base}/big.bin`, { maxBytes: 10_000 }));
    expect(big.code).toBe(ErrorCode.CONTENT_TOO_LARGE);
    expect(big.message).toContain('10000-byte limit');
    expect((await rejection(() => readUri(`${base}/chunked`, { maxBytes: 5_000 }))).code).toBe(ErrorCode.CONTENT_TOO_LARGE);
    expect((await rejection(() => readUri(`${base}/nope.json`))).code).toBe(ErrorCode.REPORT_UNAVAILABLE);
    const started = Date.now();
    const slow = await rejection(() => readUri(`${base}/slow`, { timeoutMs: 300 }));
    expect(slow.code).toBe(ErrorCode.REPORT_UNAVAILABLE);
    expect(slow.message).toContain('took over 0.3s');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('HttpStorage PUTs under the SHA-256 with progress; a refused upload is STORAGE_FAILED', async () => {
    const path = bigFile(tempDir());
    const store = new HttpStorage({ uploadUrl: `${base}/up` });
    const calls: Array<[number, number]> = [];
    const uri = await store.upload(await nodePlatform.openFile(path), { progress: (s, t) => calls.push([s, t]) });
    const data = readFileSync(path);
    expect(uri).toBe(`${base}/up/${toHex(sha256(data))}.bin`);
    expect(calls.at(-1)).toEqual([data.length, data.length]);
    expect(Buffer.from(await readUri(uri, { maxBytes: data.length })).equals(data)).toBe(true);
    const refused = await rejection(() => new HttpStorage({ uploadUrl: `${base}/forbidden` }).upload(mediaFromBytes(new Uint8Array([1]))));
    expect(refused.code).toBe(ErrorCode.STORAGE_FAILED);
    expect(refused.message).toContain('403');
    expect(() => new HttpStorage({ uploadUrl: 'ftp://x' })).toThrowError(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
  });

  test("the 'file' backend gives the file:// URI and one (size, size) progress call; file reads have a limit", async () => {
    const media = mediaFile();
    const calls: Array<[number, number]> = [];
    const uri = await upload(await nodePlatform.openFile(media), 'file', { progress: (s, t) => calls.push([s, t]) });
    const size = readFileSync(media).length;
    expect(uri).toBe(nodePlatform.fileUri(media));
    expect(uri).toContain('%20');
    expect(calls).toEqual([[size, size]]);
    expect((await rejection(() => readUri(uri, { maxBytes: 5 }))).code).toBe(ErrorCode.CONTENT_TOO_LARGE);
    expect((await rejection(() => upload(mediaFromBytes(new Uint8Array([1])), 'file'))).code).toBe(ErrorCode.STORAGE_NOT_SUPPORTED);
  });
});
