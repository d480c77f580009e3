/** Submitting requests to the real program in LiteSVM: escrow, fee equality, errors reached through the program. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateKeyPairSigner, writeKeyPairSigner, type Address } from '@solana/kit';
import { describe, expect, test, vi } from 'vitest';
import {
  ACCOUNT_SIZES,
  configAddress,
  DFPNClient,
  ErrorCode,
  instructions as ix,
  LAMPORTS_PER_SOL,
  loadKeypair,
  Modality,
  NONCE_BITS,
  randomRequestNonce,
  requestAddressAndBump,
  sha256,
  toHex,
  TOP_BUMP,
} from '../src/index.js';
import { LiteSvmTransport } from '../src/local.js';
import { localSetup, rejection, requestAccount, tempDir, testWorkers } from './helpers.js';

const M = Modality;

describe('submitRequest on the local network (dfpn.so in LiteSVM)', () => {
  test('escrows the max fee and records the request', async () => {
    // Given a funded client and a media file
    const { net, client, media } = await localSetup();
    const before = net.balance(client.wallet.address);
    // When submitting it with a max fee above the fee
    const sub = await client.submitRequest({
      mediaPath: media,
      modalities: [M.FaceManipulation],
      minWorkers: 3,
      maxFee: 0.05,
      deadline: Date.now() + 300_000,
    });
    // Then the request account holds its rent plus the whole max fee in escrow
    const address = sub.id as Address;
    const rent = await net.minimumBalanceForRentExemption(ACCOUNT_SIZES.request);
    expect(ACCOUNT_SIZES.request).toBe(3136);
    expect(net.balance(address)).toBe(rent + 50_000_000n);
    const record = (await net.getTransaction(sub.signature))!;
    expect(record.fee).toBe(5_000n);
    expect(net.balance(client.wallet.address)).toBe(before - rent - 50_000_000n - record.fee);
    // And the request records the hash of the media, its file:// URI, the fee and the deadlines
    const r = requestAccount(net, address);
    expect(toHex(r.contentHash)).toBe(toHex(sha256(readFileSync(media))));
    expect(sub.contentHash).toBe(toHex(r.contentHash));
    expect(sub.storageUri).toBe(pathToFileURL(media).href);
    expect(sub.storageUri).toContain('%20');
    expect([r.fee, r.escrow]).toEqual([sub.feeLamports, sub.maxFeeLamports]);
    expect([r.fee, r.escrow]).toEqual([4_500_000n, 50_000_000n]);
    expect(r.deadline).toBe(net.now() + 300n);
    expect(r.commitDeadline).toBe(r.deadline - 20n);
    // And getRequest shows it open
    const info = await client.getRequest(sub.id);
    expect(info.status).toBe('Open');
    expect(info.storageUri).toBe(sub.storageUri);
    expect(info.modalities).toEqual([M.FaceManipulation]);
    expect(typeof info.nonce).toBe('bigint');
    // And it carries the attestation sent (random: an ordinary request), no revealed challenge, and the configured
    // challenge slash
    expect(sub.attestation).toMatch(/^[0-9a-f]{64}$/);
    expect([toHex(r.attestation), info.attestation]).toEqual([sub.attestation, sub.attestation]);
    expect(sub.challenge).toBeNull();
    expect([info.challengeLabel, info.challengeSlashBps, r.challenged]).toEqual([null, 200, 0]);
    // And the RequestSubmitted event is in the submit transaction's logs
    const events = await client.getEvents(sub.signature);
    expect(events.map((e) => e.name)).toEqual(['RequestSubmitted']);
    expect(events[0]).toMatchObject({ request: sub.id, client: client.wallet.address, fee: 4_500_000n });
  });

  test('picks request nonces whose request address has the canonical bump 255, retrying random nonces', async () => {
    const { net, client, media } = await localSetup();
    const wallet = client.wallet.address;
    // Given the nonces 0..63 of this wallet: some have the top canonical bump, some a lower one
    const bumps = await Promise.all(Array.from({ length: 64 }, async (_, i) => (await requestAddressAndBump(wallet, BigInt(i)))[1]));
    const low = bumps.findIndex((b) => b < TOP_BUMP);
    const top = bumps.findIndex((b) => b === TOP_BUMP);
    expect([low, top].every((i) => i >= 0)).toBe(true);
    // When the random source first gives a nonce with a lower bump, then one with the top bump
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    for (const n of [low, top]) {
      spy.mockImplementationOnce(<T extends ArrayBufferView | null>(array: T): T => {
        new DataView((array as unknown as Uint8Array).buffer).setBigUint64(0, BigInt(n) << 1n, true); // 63-bit nonce n
        return array;
      });
    }
    let picked: bigint;
    try {
      picked = await randomRequestNonce(wallet);
    } finally {
      spy.mockRestore();
    }
    // Then the first is passed over and the second taken
    expect(picked).toBe(BigInt(top));
    // And every nonce it picks has the top bump and fits 63 bits
    for (let i = 0; i < 16; i++) {
      const nonce = await randomRequestNonce(wallet);
      expect((await requestAddressAndBump(wallet, nonce))[1]).toBe(TOP_BUMP);
      expect(nonce < 1n << BigInt(NONCE_BITS)).toBe(true);
    }
    // And submitRequest without a nonce sends such a nonce (the bump is the instruction's last byte)
    const sub = await client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 1 });
    expect((await requestAddressAndBump(wallet, sub.nonce))[1]).toBe(TOP_BUMP);
    expect(requestAccount(net, sub.id as Address).nonce).toBe(sub.nonce);
    // And a given nonce with a lower canonical bump is accepted too, at the cost of the program checking every bump
    // above it (~1,500 compute units each)
    const lower = await client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 1, nonce: BigInt(low) });
    expect(lower.nonce).toBe(BigInt(low));
    const cu = async (signature: string) => (await net.getTransaction(signature))!.computeUnits;
    expect(await cu(lower.signature)).toBeGreaterThan((await cu(sub.signature)) + 1_000n);
  });

  test.each([
    [[M.FaceManipulation, M.ImageAuthenticity], 3],
    [[M.ImageAuthenticity], 1],
    [[M.VoiceCloning], 2],
    [[M.VideoAuthenticity, M.AiGeneratedImage], 7],
    [Object.values(M), 10],
    [[M.AiGeneratedImage, M.VoiceCloning], 4],
  ] as const)('estimateFee equals what the program charges: %j with %i workers', async (modalities, minWorkers) => {
    const { net, client, media } = await localSetup();
    // Given the on-chain configuration, When estimating a fee
    const estimate = await client.estimateFee(modalities, minWorkers);
    // And submitting that request with exactly the estimate as max fee (the default)
    const sub = await client.submitRequest({ mediaPath: media, modalities, minWorkers });
    // Then the program accepted it (not MaxFeeTooLow) and recorded exactly the estimate, to the lamport
    const r = requestAccount(net, sub.id as Address);
    expect(r.fee).toBe(estimate);
    expect(r.escrow).toBe(estimate);
    // And one lamport less is refused by the program with MAX_FEE_TOO_LOW
    const err = await rejection(() =>
      client.submitRequest({ mediaPath: media, modalities, minWorkers, maxFeeLamports: estimate - 1n }),
    );
    expect(err.code).toBe(ErrorCode.MAX_FEE_TOO_LOW);
    expect(err.programCode).toBe(6023);
  });

  test('estimateFee follows an updated config', async () => {
    const { net, client } = await localSetup();
    // Given the authority raises the surcharge on-chain
    // (base fees at the configuration's bounds, MIN_BASE_FEE and 10^12)
    const params = { ...net.params, workerSurchargeBps: 3_333, baseFees: [10_000n, 20_000n, 30_000n, 40_000n, 1_000_000_000_000n] };
    await net.process([await ix.updateConfig({ authority: net.authority, params })], net.authority);
    // When estimating, Then the new config is what the estimate reads
    expect(await client.estimateFee([M.VoiceCloning, M.ImageAuthenticity], 4)).toBe(
      1_000_000_010_000n + (1_000_000_010_000n * 3n * 3_333n) / 10_000n,
    );
  });

  test('DEADLINE_TOO_SHORT comes from the program', async () => {
    const { client, media } = await localSetup();
    // Given the reference minimum deadline of 60 s, When submitting with a 59 s deadline
    const err = await rejection(() =>
      client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 1, deadline: Date.now() + 59_000 }),
    );
    // Then the program refused it with DeadlineTooShort, mapped to DEADLINE_TOO_SHORT with advice
    expect(err.code).toBe(ErrorCode.DEADLINE_TOO_SHORT);
    expect(err.programCode).toBe(6022);
    expect(err.message).toContain('pass a later deadline');
    expect(err.logs.some((l) => l.includes('custom program error'))).toBe(true);
    expect(err.signature).toBeTruthy();
    // And 60 s is accepted (also as deadlineSeconds, relative to the cluster clock; the date 0.45 s later: the SDK
    // rounds to whole seconds after storing the media and reading the configuration, which a busy machine can slow)
    await client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 1, deadline: new Date(Date.now() + 60_450) });
    const err2 = await rejection(() =>
      client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 1, deadlineSeconds: 59 }),
    );
    expect(err2.code).toBe(ErrorCode.DEADLINE_TOO_SHORT);
  });

  test('INSUFFICIENT_FUNDS comes from the program', async () => {
    const { net, media } = await localSetup();
    // Given a wallet holding less than max fee + rent
    const poor = await net.fundedSigner(10_000_000n);
    const client = await DFPNClient.create({ network: net, wallet: poor });
    // When submitting with a max fee of 0.01 SOL (rent alone is ~0.02 SOL)
    const err = await rejection(() =>
      client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 1, maxFee: 0.01 }),
    );
    // Then the program refused it with InsufficientFunds (6018) and the message says what to do
    expect(err.code).toBe(ErrorCode.INSUFFICIENT_FUNDS);
    expect(err.programCode).toBe(6018);
    expect(err.message).toContain('Fund the wallet or lower maxFee');
    // And nothing was escrowed (only the transaction fee was paid)
    expect(net.balance(poor.address)).toBe(10_000_000n - 5_000n);
  });

  test('a wallet that cannot pay the transaction fee is INSUFFICIENT_FUNDS too', async () => {
    const { net, media } = await localSetup();
    const client = await DFPNClient.create({ network: net, wallet: await generateKeyPairSigner() });
    const err = await rejection(() => client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 1 }));
    expect(err.code).toBe(ErrorCode.INSUFFICIENT_FUNDS);
    expect(err.programCode).toBeUndefined();
  });

  test('NO_WORKERS_AVAILABLE after too few commits', async () => {
    const { net, client, dir, media } = await localSetup();
    const workers = await testWorkers(net, dir);
    // Given a request for 3 workers where only one joins and commits
    const sub = await client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 3, maxFee: 0.02 });
    const address = sub.id as Address;
    await workers[0]!.join(address);
    await workers[0]!.commit(address, { verdict: 'Manipulated', confidence: 90 });
    await workers[1]!.join(address); // joins, never commits
    const before = net.balance(client.wallet.address);
    // And the commit deadline passes on the cluster clock
    net.setTime(sub.commitDeadline);
    // When waiting for the result
    const err = await rejection(() => client.waitForResult(sub.id, { timeout: 5_000 }));
    // Then the client expired the request through the program and got NO_WORKERS_AVAILABLE
    expect(err.code).toBe(ErrorCode.NO_WORKERS_AVAILABLE);
    expect(err.message).toContain('1 of the 3');
    expect(requestAccount(net, address).status).toBe(2);
    // And the whole escrow came back (less the expiry transaction's fee), the seats were released
    expect(net.balance(client.wallet.address)).toBe(before + 20_000_000n - 5_000n);
    expect((await client.getWorker(workers[1]!.address))!.activeSeats).toBe(0);
    // And waiting again reports the same
    expect((await rejection(() => client.waitForResult(sub.id, { timeout: 1_000 }))).code).toBe(ErrorCode.NO_WORKERS_AVAILABLE);
  });

  test('finalizing an under-committed request is INSUFFICIENT_COMMITMENTS; without autoCrank the wait times out', async () => {
    const { net, dir, media } = await localSetup();
    await testWorkers(net, dir);
    const client = await DFPNClient.create({ network: net, autoCrank: false });
    const sub = await client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 2 });
    net.advance(400);
    const err = await rejection(() => client.finalize(sub.id));
    expect(err.code).toBe(ErrorCode.INSUFFICIENT_COMMITMENTS);
    const timeout = await rejection(() => client.waitForResult(sub.id, { timeout: 200 }));
    expect(timeout.code).toBe(ErrorCode.TIMEOUT);
  });

  test('CONTENT_HASH_MISMATCH', async () => {
    const { client, media } = await localSetup();
    // Given a submitted request
    const sub = await client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 1 });
    expect(toHex(await client.fetchMedia(sub.id))).toBe(toHex(readFileSync(media)));
    // When the media changes after submission, Then fetching it for analysis fails with CONTENT_HASH_MISMATCH
    writeFileSync(media, 'swapped');
    expect((await rejection(() => client.fetchMedia(sub.id))).code).toBe(ErrorCode.CONTENT_HASH_MISMATCH);
    // And a contentHash that does not match the media is refused before sending
    const wrong = await rejection(() =>
      client.submitRequest({ mediaPath: media, contentHash: new Uint8Array(32), modalities: [M.FaceManipulation], minWorkers: 1 }),
    );
    expect(wrong.code).toBe(ErrorCode.CONTENT_HASH_MISMATCH);
  });

  test('bad inputs get clear errors', async () => {
    const { client, media, dir } = await localSetup();
    // A missing file: MEDIA_NOT_FOUND
    const missing = await rejection(() => client.submitRequest({ mediaPath: join(dir, 'nope.jpg'), modalities: [M.FaceManipulation] }));
    expect(missing.code).toBe(ErrorCode.MEDIA_NOT_FOUND);
    expect(missing.message).toContain('nope.jpg');
    // A directory is not media either
    expect((await rejection(() => client.submitRequest({ mediaPath: dir, modalities: [M.FaceManipulation] }))).code).toBe(
      ErrorCode.MEDIA_NOT_FOUND,
    );
    // A storage backend the SDK does not have: STORAGE_NOT_SUPPORTED names the ones it has and `uri`
    const unsupported = await rejection(() =>
      client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], storage: 'gopher' as 'ipfs' }),
    );
    expect(unsupported.code).toBe(ErrorCode.STORAGE_NOT_SUPPORTED);
    expect(unsupported.message).toContain("'ipfs'");
    expect(unsupported.message).toContain('uri');
    // A URI the program does not accept: the program's INVALID_STORAGE_URI
    const badUri = await rejection(() =>
      client.submitRequest({ uri: 'ftp://example/x', contentHash: new Uint8Array(32).fill(1), modalities: [M.FaceManipulation], minWorkers: 1 }),
    );
    expect(badUri.code).toBe(ErrorCode.INVALID_STORAGE_URI);
    expect(badUri.programCode).toBe(6024);
    // A content hash that is not 32 bytes of hex: INVALID_ARGUMENT
    for (const bad of ['zz'.repeat(32), 'ab'.repeat(31)]) {
      const e = await rejection(() => client.submitRequest({ uri: 'ipfs://x', contentHash: bad, modalities: [M.VoiceCloning] }));
      expect(e.code).toBe(ErrorCode.INVALID_ARGUMENT);
    }
    // No modalities, no media: INVALID_ARGUMENT
    expect((await rejection(() => client.submitRequest({ mediaPath: media, modalities: [] }))).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((await rejection(() => client.submitRequest({ modalities: [M.VoiceCloning] }))).code).toBe(ErrorCode.INVALID_ARGUMENT);
    // Over the media size limit: INVALID_ARGUMENT naming maxMediaBytes
    const small = new DFPNClient({ network: client.transport, wallet: client.wallet, maxMediaBytes: 10 });
    const big = await rejection(() => small.submitRequest({ mediaPath: media, modalities: [M.VoiceCloning] }));
    expect(big.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(big.message).toContain('maxMediaBytes');
    // A user-uploaded URI and its hash are recorded as given
    const sub = await client.submitRequest({
      uri: 'ipfs://bafkreigh2akiscaildc',
      contentHash: 'ab'.repeat(32),
      modalities: [M.VoiceCloning],
      minWorkers: 1,
    });
    expect([sub.storageUri, sub.contentHash]).toEqual(['ipfs://bafkreigh2akiscaildc', 'ab'.repeat(32)]);
    // 11 workers: the program's INVALID_WORKER_COUNT
    const count = await rejection(() =>
      client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 2, maxWorkers: 11 }),
    );
    expect(count.code).toBe(ErrorCode.INVALID_WORKER_COUNT);
    // An unknown request id: REQUEST_NOT_FOUND; a garbage id: INVALID_ARGUMENT
    expect((await rejection(async () => client.getRequest(await configAddress()))).code).toBe(ErrorCode.REQUEST_NOT_FOUND);
    expect((await rejection(() => client.getRequest('not-an-address'))).code).toBe(ErrorCode.INVALID_ARGUMENT);
    // Sub-lamport max fees: INVALID_ARGUMENT
    expect((await rejection(() => client.submitRequest({ mediaPath: media, modalities: [M.VoiceCloning], maxFee: '0.0000000001' }))).code).toBe(
      ErrorCode.INVALID_ARGUMENT,
    );
  });

  test('PAUSED', async () => {
    const { net, client, media } = await localSetup();
    await net.process([await ix.setPaused({ authority: net.authority, paused: true })], net.authority);
    const err = await rejection(() => client.submitRequest({ mediaPath: media, modalities: [M.FaceManipulation], minWorkers: 1 }));
    expect(err.code).toBe(ErrorCode.PAUSED);
    expect((await client.getConfig()).paused).toBe(1);
  });

  test('unsupported network, missing program, read-only client', async () => {
    expect(() => new DFPNClient({ network: 'moonnet' })).toThrowError(expect.objectContaining({ code: ErrorCode.NETWORK_NOT_SUPPORTED }));
    const prog = await rejection(() => LiteSvmTransport.create({ programPath: join(tempDir(), 'missing.so') }));
    expect(prog.code).toBe(ErrorCode.PROGRAM_NOT_FOUND);
    expect(prog.message).toContain('make build');
    const local = new DFPNClient({ network: 'local', programPath: join(tempDir(), 'missing.so') });
    expect((await rejection(() => local.getConfig())).code).toBe(ErrorCode.PROGRAM_NOT_FOUND);
    // An RPC client without a wallet is read-only: sending says a wallet is needed
    const readOnly = new DFPNClient({ network: 'localnet' });
    expect(() => readOnly.wallet).toThrowError(/wallet is required/);
  });

  test('a Solana CLI keypair file is a wallet', async () => {
    const { net, media, dir } = await localSetup();
    const signer = await generateKeyPairSigner(true);
    await writeKeyPairSigner(signer, join(dir, 'id.json'));
    const wallet = await loadKeypair(join(dir, 'id.json'));
    expect(wallet.address).toBe(signer.address);
    net.airdrop(wallet.address, LAMPORTS_PER_SOL);
    const client = await DFPNClient.create({ network: net, wallet });
    expect((await client.submitRequest({ mediaPath: media, modalities: [M.VoiceCloning], minWorkers: 1 })).client).toBe(wallet.address);
    writeFileSync(join(dir, 'bad.json'), '[1, 2, 3]');
    expect((await rejection(() => loadKeypair(join(dir, 'bad.json')))).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((await rejection(() => loadKeypair(join(dir, 'none.json')))).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  test("network 'local' creates the LiteSVM and a funded wallet", async () => {
    const client = await DFPNClient.create();
    expect(client.transport).toBeInstanceOf(LiteSvmTransport);
    expect(await client.transport.getBalance(client.wallet.address)).toBe(10n * LAMPORTS_PER_SOL);
    expect((await client.getConfig()).params.minDeadlineSecs).toBe(60n);
    expect(client.storage).toBe('file');
    await client.close();
  });
});
