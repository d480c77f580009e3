/**
 * `client.analyze(source)`: one call from media to verdict on dfpn.so in LiteSVM with three test workers — a file
 * path, bytes and an http:// URL; modalities from the media's magic bytes or extension; progress through
 * `onProgress` and `analyzeStream`; nothing stored or sent on bad input, an unpayable escrow, or the embedded
 * network without workers (`LOCAL_WORKERS_MISSING` at once, naming the fix), and `waitForResult` failing fast there
 * too beside its control (a request that can be drawn for is waited on).
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSigner } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ANALYSIS_STAGES,
  DEFAULT_MODALITIES,
  DFPNClient,
  ErrorCode,
  mediaKind,
  mediaKindFromName,
  Modality,
  sniffMediaKind,
  type AnalysisEvent,
  type AnalysisProgress,
  type StorageBackend,
} from '../src/index.js';
import { Keypair } from '@solana/web3.js';
import type { Address } from '@solana/kit';
import { startTestWorkers, type RunningTestWorkers } from '../src/testing.js';
import { localSetup, rejection, tempDir } from './helpers.js';
import { liteSvmRpc } from './rpc-server.js';

const bytes = (...parts: Array<number[] | string>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF', [0], 'a small photo, not really');
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR....');
const WAV = bytes('RIFF', [36, 0, 0, 0], 'WAVEfmt ', [16, 0, 0, 0, 1, 0, 1, 0], 'a voice, not really');
const MP4 = bytes([0, 0, 0, 24], 'ftypisom', [0, 0, 2, 0], 'isomiso2mp41');

describe('the kind of media', () => {
  test('from magic bytes', () => {
    const cases: Array<[Uint8Array, string | undefined]> = [
      [JPEG, 'image'],
      [PNG, 'image'],
      [bytes('GIF89a'), 'image'],
      [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image'],
      [bytes([0, 0, 0, 24], 'ftypheic'), 'image'],
      [bytes([0, 0, 0, 24], 'ftypavif'), 'image'],
      [MP4, 'video'],
      [bytes([0, 0, 0, 20], 'ftypqt  '), 'video'],
      [bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]), 'video'],
      [bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), 'video'],
      [WAV, 'audio'],
      [bytes('ID3', [4, 0, 0]), 'audio'],
      [bytes([0xff, 0xfb, 0x90, 0x64]), 'audio'],
      [bytes('fLaC'), 'audio'],
      [bytes('OggS', [0]), 'audio'],
      [bytes([0, 0, 0, 24], 'ftypM4A '), 'audio'],
      [bytes('hello, world'), undefined],
      [new Uint8Array(0), undefined],
    ];
    for (const [head, kind] of cases) expect(sniffMediaKind(head), String.fromCharCode(...head.subarray(0, 12))).toBe(kind);
  });

  test('from the extension when the bytes say nothing; the bytes win when they do', () => {
    expect(mediaKindFromName('/tmp/Holiday.JPEG')).toBe('image');
    expect(mediaKindFromName('https://cdn.example/v/clip.webm?sig=1#t=3')).toBe('video');
    expect(mediaKindFromName('ipfs://bafy/voice.m4a')).toBe('audio');
    expect(mediaKindFromName('/tmp/notes.txt')).toBeUndefined();
    expect(mediaKindFromName('/tmp/dir.jpg/file')).toBeUndefined();
    expect(mediaKind(bytes('plain text'), 'call.wav')).toBe('audio');
    expect(mediaKind(JPEG, 'misnamed.wav')).toBe('image');
    expect(DEFAULT_MODALITIES.image).toEqual([Modality.AiGeneratedImage, Modality.ImageAuthenticity]);
    expect(DEFAULT_MODALITIES.video).toEqual([Modality.VideoAuthenticity]);
    expect(DEFAULT_MODALITIES.audio).toEqual([Modality.VoiceCloning]);
  });
});

/** Progress reports must come in stage order and end finalized with the request's reveals. */
function checkProgress(reports: readonly AnalysisProgress[], minWorkers: number): void {
  const order = reports.map((p) => ANALYSIS_STAGES.indexOf(p.stage));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(reports.every((p) => Object.isFrozen(p))).toBe(true);
  const last = reports.at(-1)!;
  expect(last.stage).toBe('finalized');
  expect([last.commits, last.reveals, last.minWorkers]).toEqual([minWorkers, minWorkers, minWorkers]);
  const stages = new Set(reports.map((p) => p.stage));
  for (const s of ['submitted', 'finalized'] as const) expect(stages.has(s)).toBe(true);
  const submitted = reports.find((p) => p.stage === 'submitted')!;
  expect(submitted.requestId).toBe(last.requestId);
  expect(reports.filter((p) => p.stage === 'uploading').every((p) => p.requestId === null)).toBe(true);
  expect(reports.map((p) => p.elapsedSeconds)).toEqual([...reports.map((p) => p.elapsedSeconds)].sort((a, b) => a - b));
}

describe('analyze on the local network with three test workers', () => {
  let setup: Awaited<ReturnType<typeof localSetup>>;
  let workers: RunningTestWorkers;
  beforeAll(async () => {
    setup = await localSetup();
    workers = await startTestWorkers(setup.client, { count: 3, reportsDir: tempDir() });
  });
  afterAll(async () => {
    await workers.stop();
    await setup.client.close();
  });

  test('a file path: image modalities from its magic bytes, progress from upload to finalized', async () => {
    const path = join(setup.dir, 'photo'); // no extension: the JPEG magic bytes tell
    writeFileSync(path, JPEG);
    const reports: AnalysisProgress[] = [];
    const result = await setup.client.analyze(path, { onProgress: (p) => reports.push(p), timeout: 30_000 });
    expect(result.verdict).toBe('Manipulated');
    const request = await setup.client.getRequest(result.requestId);
    expect(request.modalities).toEqual([Modality.ImageAuthenticity, Modality.AiGeneratedImage]);
    expect(request.storageUri).toMatch(/^file:\/\//);
    expect(request.contentHash).toBe(createHash('sha256').update(JPEG).digest('hex'));
    checkProgress(reports, 3);
    expect(reports[0]).toMatchObject({ stage: 'uploading', bytesSent: 0, bytesTotal: JPEG.length, requestId: null });
    expect(reports.some((p) => p.stage === 'uploading' && p.bytesSent === JPEG.length)).toBe(true);
    expect(reports.at(-1)!.seatsDrawn).toBe(3);
  });

  test('bytes: stored by the client (a file on the local network), audio from the WAV header', async () => {
    const result = await setup.client.analyze(WAV, { mediaName: 'call.wav', timeout: 30_000 });
    const request = await setup.client.getRequest(result.requestId);
    expect(request.modalities).toEqual([Modality.VoiceCloning]);
    const stored = fileURLToPath(request.storageUri);
    expect(existsSync(stored) && stored.endsWith('.wav')).toBe(true);
    expect(await setup.client.fetchMedia(result.requestId)).toEqual(WAV);
  });

  test('a URL of media already stored: read once to hash it, its URI recorded; explicit modalities win', async () => {
    let served = 0;
    const server = createServer((_req, res) => {
      served++;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(MP4);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/media/clip`;
      const result = await setup.client.analyze(url, { timeout: 30_000 });
      const request = await setup.client.getRequest(result.requestId);
      expect([request.storageUri, request.modalities, served]).toEqual([url, [Modality.VideoAuthenticity], 1]);
      expect(request.contentHash).toBe(createHash('sha256').update(MP4).digest('hex'));
      // With its hash given, the URL is not read, and modalities given are used as they are
      const hash = createHash('sha256').update(MP4).digest('hex');
      const again = await setup.client.analyze(new URL(url), { contentHash: hash, modalities: [Modality.FaceManipulation], timeout: 30_000 });
      expect((await setup.client.getRequest(again.requestId)).modalities).toEqual([Modality.FaceManipulation]);
      expect(served).toBe(1);
    } finally {
      server.close();
    }
  });

  test('analyzeStream yields the progress then the result; the same stages as onProgress', async () => {
    const seen: AnalysisProgress[] = [];
    const events: AnalysisEvent[] = [];
    for await (const event of setup.client.analyzeStream(PNG, { mediaName: 'p.png', onProgress: (p) => seen.push(p), timeout: 30_000 })) {
      events.push(event);
    }
    const last = events.at(-1)!;
    expect(last.type).toBe('result');
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    expect(progress).toEqual(seen);
    checkProgress(progress, 3);
    if (last.type !== 'result') throw new Error('no result');
    expect(last.result.requestId).toBe(progress.at(-1)!.requestId);
    expect(last.result.verdict).toBe('Manipulated');
  });

  test('leaving analyzeStream early stops it (no hang), a failure is thrown from the loop', async () => {
    const count = async () => (await setup.client.listRequests({ client: setup.client.wallet.address })).length;
    const before = await count();
    const started = Date.now();
    for await (const event of setup.client.analyzeStream(JPEG, { timeout: 30_000 })) {
      expect(event.type).toBe('progress');
      break;
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    // (left at its first report, 'uploading': the submission already under way lands, and is not followed; wait
    // for it so that it cannot land in the middle of the next test's count)
    for (let i = 0; i < 300 && (await count()) === before; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await count()).toBe(before + 1);
    const failing = setup.client.analyzeStream(bytes('what is this'), {});
    await expect(failing.next()).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
  });

  test('nothing is stored or sent for media of no known kind, bad fees, or an escrow the wallet cannot pay', async () => {
    const uploads: string[] = [];
    const spy: StorageBackend = {
      scheme: 'https',
      async upload(source) {
        uploads.push(source.name);
        return `https://example.invalid/${source.name}`;
      },
    };
    const count = async () => (await setup.client.listRequests({ client: setup.client.wallet.address })).length;
    const before = await count();
    const unknown = await rejection(() => setup.client.analyze(bytes('plain text'), { storage: spy }));
    expect(unknown.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(unknown.message).toContain('pass modalities');
    const both = await rejection(() => setup.client.analyze(JPEG, { storage: spy, maxFee: 0.01, maxFeeLamports: 10_000_000n }));
    expect(both.code).toBe(ErrorCode.INVALID_ARGUMENT);
    // A wallet with 0.001 SOL cannot escrow the fee: refused before the upload
    const poor = await generateKeyPairSigner();
    await setup.net.airdrop(poor.address, 1_000_000n);
    const poorClient = await DFPNClient.create({ network: setup.net, wallet: poor });
    const broke = await rejection(() => poorClient.analyze(JPEG, { storage: spy }));
    expect(broke.code).toBe(ErrorCode.INSUFFICIENT_FUNDS);
    expect(broke.message).toContain('nothing was stored or submitted');
    expect(await setup.net.getBalance(poor.address)).toBe(1_000_000n);
    expect([uploads, await count()]).toEqual([[], before]);
    // Control: the same call with a wallet that can pay stores the media and submits
    const paid = await setup.client.analyze(JPEG, { storage: spy, mediaName: 'x.jpg', timeout: 30_000 });
    expect(uploads).toEqual(['x.jpg']);
    expect((await setup.client.getRequest(paid.requestId)).storageUri).toBe('https://example.invalid/x.jpg');
  });
});

describe("the embedded network has no workers of its own: it says so at once", () => {
  test('analyze without registered workers: LOCAL_WORKERS_MISSING in well under 2 s, nothing sent, the fix named', async () => {
    const { net, client, media } = await localSetup();
    const balance = await net.getBalance(client.wallet.address);
    const started = Date.now();
    const err = await rejection(() => client.analyze(media, { timeout: 60_000 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.code).toBe(ErrorCode.LOCAL_WORKERS_MISSING);
    expect(err.message).toContain('dfpn-localnet up');
    expect(err.message).toContain("'localnet'");
    expect(err.message).toContain('@dfpn/sdk/testing');
    expect(err.message).not.toContain('deadline'); // not the expiry hint
    expect(await net.getBalance(client.wallet.address)).toBe(balance);
    expect(await client.listRequests()).toEqual([]);
    await client.close();
  });

  test('waitForResult on a request nobody can be drawn for fails at once; with a worker pool it waits (control)', async () => {
    const { client, media } = await localSetup();
    const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.ImageAuthenticity] });
    let started = Date.now();
    const err = await rejection(() => client.waitForResult(sub.id, { timeout: 60_000 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.code).toBe(ErrorCode.LOCAL_WORKERS_MISSING);
    expect(err.message).toContain(sub.id);
    expect(err.message).toContain('dfpn-localnet up');
    // Control: once a worker is registered, a new request is waited on (its worker never answers: TIMEOUT)
    const running = await startTestWorkers(client, { count: 1, reportsDir: tempDir() });
    await running.stop();
    const drawable = await client.submitRequest({ mediaPath: media, modalities: [Modality.ImageAuthenticity], minWorkers: 1 });
    started = Date.now();
    const waited = await rejection(() => client.waitForResult(drawable.id, { timeout: 1_500 }));
    expect(waited.code).toBe(ErrorCode.TIMEOUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    await client.close();
  });
});

describe('over JSON-RPC', () => {
  test('a web3.js Keypair analyzes bytes over JSON-RPC (a facade over dfpn.so), storage by the client\'s backend', async () => {
    const { net, client: local } = await localSetup();
    const running = await startTestWorkers(local, { count: 3, reportsDir: tempDir() });
    const server = await liteSvmRpc(net);
    try {
      const wallet = Keypair.generate();
      await net.airdrop(wallet.publicKey.toBase58() as Address, 2_000_000_000n);
      const stored: string[] = [];
      const storage: StorageBackend = {
        scheme: 'https',
        async upload(source) {
          stored.push(source.name);
          return `https://media.example/${source.name}`;
        },
      };
      const client = new DFPNClient({
        network: server.url,
        wallet,
        storage,
        pollInterval: 50,
        rpc: { wsUrl: 'ws://127.0.0.1:9', confirmPollMs: 10, backoffMs: 20, requestTimeoutMs: 5_000 },
      });
      const reports: AnalysisProgress[] = [];
      const result = await client.analyze(JPEG, { mediaName: 'p.jpg', onProgress: (p) => reports.push(p), timeout: 60_000 });
      expect(result.verdict).toBe('Manipulated');
      checkProgress(reports, 3);
      expect(stored).toEqual(['p.jpg']);
      const request = await client.getRequest(result.requestId);
      expect([request.client, request.storageUri]).toEqual([wallet.publicKey.toBase58(), 'https://media.example/p.jpg']);
      await client.close();
    } finally {
      await running.stop();
      await server.close();
    }
  });
});
