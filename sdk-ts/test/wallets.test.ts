/**
 * `new DFPNClient({ wallet })` takes the three kinds of wallet a user has: a @solana/kit `TransactionSigner`, a
 * @solana/web3.js `Keypair` (the specification's example) and a wallet-standard wallet with `solana:signTransaction`
 * (here a fake wallet object implementing the standard feature with a real ed25519 key). Each signs a real
 * `submit_request` on dfpn.so in LiteSVM; anything else is `INVALID_ARGUMENT` naming the three kinds, and a wallet
 * whose public key does not match its secret is refused before anything is sent.
 */
import { describe, expect, test } from 'vitest';
import { Keypair } from '@solana/web3.js';
import type { SolanaSignTransactionFeature, SolanaSignTransactionInput } from '@solana/wallet-standard-features';
import type { Wallet, WalletAccount } from '@wallet-standard/base';
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPair,
  generateKeyPairSigner,
  getAddressEncoder,
  getAddressFromPublicKey,
  getTransactionDecoder,
  getTransactionEncoder,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signBytes,
  signTransactionMessageWithSigners,
  type Address,
  type Blockhash,
  type SignatureBytes,
} from '@solana/kit';
import { DFPNClient, ErrorCode, Modality, type WalletInput } from '../src/index.js';
import type { LiteSvmTransport } from '../src/local.js';
import { localSetup, rejection } from './helpers.js';

const SOL = 1_000_000_000n;

/** Submit a request (no draw: no workers here) and return the client the program recorded. */
async function submittedBy(client: DFPNClient, media: string): Promise<string> {
  const sub = await client.submitRequest({ mediaPath: media, modalities: [Modality.FaceManipulation], minWorkers: 1, draw: false });
  return (await client.getRequest(sub.id)).client;
}

/** A wallet-standard wallet object (`@wallet-standard/base`'s `Wallet`) whose `solana:signTransaction` feature signs
 * with a real key pair: it decodes the wire transaction, signs its message bytes and re-encodes it. */
async function fakeWallet(options: { sign?: boolean; features?: boolean; accounts?: boolean; publicKeyOf?: Uint8Array } = {}) {
  const keys = await generateKeyPair();
  const address = await getAddressFromPublicKey(keys.publicKey);
  const calls: Array<{ chain: string | undefined; bytes: number }> = [];
  const account: WalletAccount = {
    address,
    publicKey: options.publicKeyOf ?? Uint8Array.from(getAddressEncoder().encode(address)),
    chains: ['solana:devnet', 'solana:localnet'],
    features: ['solana:signTransaction'],
  };
  const signTransaction: SolanaSignTransactionFeature['solana:signTransaction'] = {
    version: '1.0.0',
    supportedTransactionVersions: ['legacy', 0],
    async signTransaction(...inputs: readonly SolanaSignTransactionInput[]) {
      return Promise.all(
        inputs.map(async (input) => {
          calls.push({ chain: input.chain, bytes: input.transaction.length });
          expect(input.account.address).toBe(address);
          const tx = getTransactionDecoder().decode(input.transaction);
          const signatures: Record<string, SignatureBytes | null> = { ...tx.signatures };
          if (options.sign !== false) signatures[address] = await signBytes(keys.privateKey, tx.messageBytes);
          return { signedTransaction: Uint8Array.from(getTransactionEncoder().encode({ ...tx, signatures } as typeof tx)) };
        }),
      );
    },
  };
  const wallet: Wallet = {
    version: '1.0.0',
    name: 'Fake Wallet',
    icon: 'data:image/svg+xml;base64,PHN2Zy8+',
    chains: ['solana:devnet', 'solana:localnet'],
    features:
      options.features === false
        ? { 'standard:connect': { version: '1.0.0', connect: async () => ({ accounts: [] }) } }
        : ({ 'solana:signTransaction': signTransaction } satisfies SolanaSignTransactionFeature),
    accounts: options.accounts === false ? [] : [account],
  };
  return { wallet, account, address, calls };
}

async function funded(net: LiteSvmTransport, address: string): Promise<void> {
  await net.airdrop(address as Address, 2n * SOL);
}

describe('a kit TransactionSigner (positive control)', () => {
  test('signs as it is', async () => {
    const { net, media } = await localSetup();
    const signer = await generateKeyPairSigner();
    await funded(net, signer.address);
    const client = new DFPNClient({ network: net, wallet: signer });
    expect(client.wallet).toBe(signer);
    expect(await submittedBy(client, media)).toBe(signer.address);
  });
});

describe('a @solana/web3.js Keypair', () => {
  test("the specification's example: Keypair.fromSecretKey(bytes) pays and signs", async () => {
    const { net, media } = await localSetup();
    const bytes = Keypair.generate().secretKey;
    const wallet = Keypair.fromSecretKey(bytes);
    await funded(net, wallet.publicKey.toBase58());
    const client = new DFPNClient({ network: net, wallet });
    // The key is imported on first use (WebCrypto is async), then the client holds a kit signer for it
    expect((await rejection(async () => client.wallet)).code).toBe(ErrorCode.INVALID_ARGUMENT);
    await client.ready();
    expect(client.wallet.address).toBe(wallet.publicKey.toBase58());
    expect(await submittedBy(client, media)).toBe(wallet.publicKey.toBase58());
    // DFPNClient.create gives a ready client
    expect((await DFPNClient.create({ network: net, wallet })).wallet.address).toBe(wallet.publicKey.toBase58());
  });

  test('a publicKey that is not the secret key\'s is refused at once, nothing sent', () => {
    const a = Keypair.generate();
    const b = Keypair.generate();
    const mixed = { secretKey: a.secretKey, publicKey: b.publicKey };
    const err = (() => {
      try {
        new DFPNClient({ network: 'localnet', wallet: mixed });
      } catch (e) {
        return e as { code: string; message: string };
      }
      throw new Error('accepted');
    })();
    expect(err.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(err.message).toContain(b.publicKey.toBase58());
    expect(err.message).toContain(a.publicKey.toBase58());
    // Control: the matching pair is accepted
    expect(() => new DFPNClient({ network: 'localnet', wallet: { secretKey: a.secretKey, publicKey: a.publicKey } })).not.toThrow();
  });

  test('a secret key whose public half is not its private key\'s is refused on first use', async () => {
    const { net } = await localSetup();
    const a = Keypair.generate();
    const b = Keypair.generate();
    const forged = Uint8Array.from([...a.secretKey.subarray(0, 32), ...b.publicKey.toBytes()]);
    const client = new DFPNClient({ network: net, wallet: { secretKey: forged, publicKey: b.publicKey } });
    const err = await rejection(() => client.getConfig());
    expect(err.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(err.message).toMatch(/secretKey/);
    // and a secret key of another length
    expect(() => new DFPNClient({ network: net, wallet: { secretKey: a.secretKey.subarray(0, 32), publicKey: a.publicKey } })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
  });
});

describe('a wallet-standard wallet with solana:signTransaction', () => {
  test('{ wallet, account } signs through the standard feature', async () => {
    const { net, media } = await localSetup();
    const fake = await fakeWallet();
    await funded(net, fake.address);
    const client = new DFPNClient({ network: net, wallet: { wallet: fake.wallet, account: fake.account } });
    expect(client.wallet.address).toBe(fake.address);
    expect(await submittedBy(client, media)).toBe(fake.address);
    // The wallet was asked (wire bytes), with no chain for a network that is not a named cluster
    expect(fake.calls.length).toBeGreaterThanOrEqual(1);
    expect(fake.calls[0]!.chain).toBeUndefined();
  });

  test('the wallet itself signs with its first account, and is told the cluster (solana:devnet)', async () => {
    const fake = await fakeWallet();
    const client = new DFPNClient({ network: 'devnet', wallet: fake.wallet });
    expect(client.wallet.address).toBe(fake.address);
    const message = pipe(
      createTransactionMessage({ version: 'legacy' }),
      (m) => setTransactionMessageFeePayerSigner(client.wallet, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: '11111111111111111111111111111111' as Blockhash, lastValidBlockHeight: 9n }, m),
      (m) => appendTransactionMessageInstructions([], m),
    );
    const signed = await signTransactionMessageWithSigners(message);
    expect(signed.signatures[fake.address as Address]).toBeInstanceOf(Uint8Array);
    expect(signed.lifetimeConstraint).toEqual({ blockhash: '11111111111111111111111111111111', lastValidBlockHeight: 9n });
    expect(fake.calls).toEqual([{ chain: 'solana:devnet', bytes: expect.any(Number) }]);
    await client.close();
  });

  test('a wallet that cannot sign is refused: no feature, no account, a public key not its address, no signature', async () => {
    const noFeature = await fakeWallet({ features: false });
    expect(() => new DFPNClient({ network: 'localnet', wallet: noFeature.wallet })).toThrowError(/solana:signTransaction/);
    const noAccount = await fakeWallet({ accounts: false });
    expect(() => new DFPNClient({ network: 'localnet', wallet: noAccount.wallet })).toThrowError(/no connected account/);
    const other = await generateKeyPairSigner();
    const mismatched = await fakeWallet({ publicKeyOf: Uint8Array.from(getAddressEncoder().encode(other.address)) });
    expect(() => new DFPNClient({ network: 'localnet', wallet: mismatched.wallet })).toThrowError(/publicKey does not match/);
    // A wallet that answers without signing: refused before sending
    const { net, media } = await localSetup();
    const silent = await fakeWallet({ sign: false });
    await funded(net, silent.address);
    const client = new DFPNClient({ network: net, wallet: silent.wallet });
    const before = await net.getBalance(silent.address as Address);
    const err = await rejection(() => submittedBy(client, media));
    expect(err.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(err.message).toContain('did not sign');
    expect(await net.getBalance(silent.address as Address)).toBe(before);
  });
});

describe('anything else', () => {
  test.each([
    ['a string', 'my-wallet.json'],
    ['raw key bytes', new Uint8Array(64)],
    ['an empty object', {}],
    ['a number', 42],
    ['an address only', { address: '11111111111111111111111111111111' }],
  ])('%s is INVALID_ARGUMENT naming the three kinds', (_what, wallet) => {
    let err: { code?: string; message?: string } | undefined;
    try {
      new DFPNClient({ network: 'localnet', wallet: wallet as unknown as WalletInput });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.code).toBe(ErrorCode.INVALID_ARGUMENT);
    for (const kind of ['@solana/kit TransactionSigner', '@solana/web3.js Keypair', 'wallet-standard wallet']) expect(err?.message).toContain(kind);
  });

  test('without a wallet an RPC client is read-only: a signing call is WALLET_REQUIRED', async () => {
    const client = new DFPNClient({ network: 'localnet' });
    expect(() => client.wallet).toThrowError(expect.objectContaining({ code: ErrorCode.WALLET_REQUIRED }));
    expect(() => client.wallet).toThrowError(/Keypair/);
    await client.close();
  });
});
