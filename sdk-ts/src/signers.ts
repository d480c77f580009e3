/**
 * The wallets `DFPNClient` accepts, each made into a @solana/kit `TransactionSigner`:
 *
 * - a kit `TransactionSigner` (`await generateKeyPairSigner()`, `await loadKeypair('~/.config/solana/id.json')`,
 *   `await createKeyPairSignerFromBytes(bytes)`), used as it is;
 * - a @solana/web3.js `Keypair` (`Keypair.fromSecretKey(bytes)`), recognised by its shape (a 64-byte `secretKey` and a
 *   `publicKey`), so web3.js is not a dependency of this SDK; made a kit signer with `createKeyPairSignerFromBytes`;
 * - a wallet-standard wallet (a browser wallet such as Phantom or Solflare) with the `solana:signTransaction`
 *   feature: `{ wallet, account }` (or the wallet itself, which then signs with its first connected account); each
 *   transaction is sent to the wallet as wire bytes to sign, as @solana/react's `useWalletAccountTransactionSigner`
 *   does, without React.
 *
 * Anything else is `INVALID_ARGUMENT` naming the three kinds. Where a wallet carries its public key twice (a
 * Keypair's `publicKey` and the last 32 bytes of its `secretKey`; a wallet-standard account's `address` and
 * `publicKey`) both must agree.
 * @module
 */
import {
  createKeyPairSignerFromBytes,
  getAddressDecoder,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
  getTransactionEncoder,
  getTransactionLifetimeConstraintFromCompiledTransactionMessage,
  isAddress,
  isTransactionSigner,
  type Address,
  type ReadonlyUint8Array,
  type Transaction,
  type TransactionModifyingSigner,
  type TransactionSigner,
} from '@solana/kit';
import { DFPNError, ErrorCode } from './errors.js';
import { bytesEqual } from './hash.js';

/** The wallet-standard feature name of signing a Solana transaction (`@solana/wallet-standard-features`). */
export const SOLANA_SIGN_TRANSACTION = 'solana:signTransaction';

/** A wallet-standard identifier such as `solana:devnet` (`@wallet-standard/base`'s `IdentifierString`). */
export type WalletStandardIdentifier = `${string}:${string}`;

/** The shape of a @solana/web3.js `Keypair` the client accepts: 64 secret-key bytes (seed ‖ public key) and the
 * public key. Nothing of web3.js is imported. */
export interface Web3Keypair {
  readonly secretKey: Uint8Array;
  readonly publicKey: { toBase58(): string } | { toBytes(): Uint8Array };
}

/** A wallet-standard account (`@wallet-standard/base`'s `WalletAccount`): its address (base58) and public key. */
export interface WalletStandardAccount {
  readonly address: string;
  readonly publicKey: ReadonlyUint8Array;
  readonly chains: readonly WalletStandardIdentifier[];
  readonly features: readonly WalletStandardIdentifier[];
}

/** What a wallet's `solana:signTransaction` feature is given (`SolanaSignTransactionInput`). */
export interface WalletStandardSignTransactionInput {
  readonly account: WalletStandardAccount;
  /** The transaction's wire bytes (signatures, then the message). */
  readonly transaction: Uint8Array;
  /** The chain it is for (`solana:devnet`, `solana:mainnet`, `solana:localnet`, ...), when the client knows it. */
  readonly chain?: WalletStandardIdentifier;
}

/** The `solana:signTransaction` feature (`SolanaSignTransactionFeature['solana:signTransaction']`). */
export interface WalletStandardSignTransactionFeature {
  readonly version: string;
  signTransaction(...inputs: WalletStandardSignTransactionInput[]): Promise<readonly { readonly signedTransaction: Uint8Array }[]>;
}

/** A wallet-standard wallet (`@wallet-standard/base`'s `Wallet`): its features by name and its connected accounts. */
export interface WalletStandardWallet {
  readonly name?: string;
  readonly accounts: readonly WalletStandardAccount[];
  readonly features: Readonly<Record<WalletStandardIdentifier, unknown>>;
}

/** A wallet-standard wallet and the account of it that signs (default: its first connected account), optionally
 * the chain to name when asking it to sign (default: the client's network, when it is devnet, testnet, mainnet or
 * localnet). */
export interface WalletStandardSigner {
  readonly wallet: WalletStandardWallet;
  readonly account?: WalletStandardAccount;
  readonly chain?: WalletStandardIdentifier;
}

/** Every wallet `DFPNClient({ wallet })` accepts. */
export type WalletInput = TransactionSigner | Web3Keypair | WalletStandardSigner | WalletStandardWallet;

/** The sentence of the `INVALID_ARGUMENT` for a wallet of another kind. */
export const ACCEPTED_WALLETS =
  'wallet must be one of: a @solana/kit TransactionSigner (e.g. await generateKeyPairSigner() or ' +
  "await loadKeypair('~/.config/solana/id.json')), a @solana/web3.js Keypair (Keypair.fromSecretKey(bytes)), or a " +
  "wallet-standard wallet with the 'solana:signTransaction' feature ({ wallet, account })";

function invalid(message: string, cause?: unknown): DFPNError {
  return new DFPNError(ErrorCode.INVALID_ARGUMENT, message, cause === undefined ? {} : { cause });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `a Uint8Array of ${value.length} bytes (for key bytes use createKeyPairSignerFromBytes)`;
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const keys = Object.keys(value).slice(0, 6);
  return `${typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object'}${keys.length ? ` with ${keys.join(', ')}` : ''}`;
}

/** True for something shaped like a @solana/web3.js `Keypair`. */
export function isWeb3Keypair(value: unknown): value is Web3Keypair {
  if (typeof value !== 'object' || value === null) return false;
  const { secretKey, publicKey } = value as { secretKey?: unknown; publicKey?: unknown };
  return secretKey instanceof Uint8Array && typeof publicKey === 'object' && publicKey !== null;
}

function isWalletStandardWallet(value: unknown): value is WalletStandardWallet {
  if (typeof value !== 'object' || value === null) return false;
  const { features, accounts } = value as { features?: unknown; accounts?: unknown };
  return typeof features === 'object' && features !== null && Array.isArray(accounts);
}

function isWalletStandardSigner(value: unknown): value is WalletStandardSigner {
  return typeof value === 'object' && value !== null && 'wallet' in value && isWalletStandardWallet((value as { wallet: unknown }).wallet);
}

/**
 * A kit signer for a @solana/web3.js `Keypair` (or anything with its shape): `createKeyPairSignerFromBytes(secretKey)`.
 * `INVALID_ARGUMENT` when the secret key is not 64 bytes, or the `publicKey` is not the one the secret key holds.
 */
export async function keypairSigner(keypair: Web3Keypair): Promise<TransactionSigner> {
  const expected = checkKeypair(keypair);
  let signer: TransactionSigner;
  try {
    signer = await createKeyPairSignerFromBytes(Uint8Array.from(keypair.secretKey));
  } catch (e) {
    throw invalid(`the Keypair's secretKey is not a valid ed25519 key pair (${(e as Error).message}).`, e);
  }
  if (signer.address !== expected) throw invalid(`the Keypair's publicKey ${expected} is not its secretKey's key ${signer.address}.`);
  return signer;
}

/** The address a Keypair's `publicKey` names, checked against the public half of its `secretKey` (no crypto). */
function checkKeypair(keypair: Web3Keypair): Address {
  if (keypair.secretKey.length !== 64) {
    throw invalid(`a Keypair's secretKey must be 64 bytes (seed and public key), not ${keypair.secretKey.length}.`);
  }
  const held = getAddressDecoder().decode(keypair.secretKey.subarray(32));
  const pk = keypair.publicKey as { toBase58?: unknown; toBytes?: unknown };
  let named: string;
  if (typeof pk.toBase58 === 'function') named = String((pk.toBase58 as () => unknown).call(pk));
  else if (typeof pk.toBytes === 'function') named = getAddressDecoder().decode((pk.toBytes as () => Uint8Array).call(pk));
  else throw invalid(`a Keypair's publicKey must have toBase58() or toBytes(); ${ACCEPTED_WALLETS}.`);
  if (named !== held) {
    throw invalid(`the Keypair's publicKey ${named} does not match its secretKey, whose public key is ${held}.`);
  }
  return held;
}

/** The account a wallet-standard wallet signs with, checked: connected, its address its public key, able to sign. */
function walletStandardAccount(input: WalletStandardSigner): { feature: WalletStandardSignTransactionFeature; account: WalletStandardAccount } {
  const { wallet } = input;
  const label = wallet.name ? `wallet-standard wallet ${JSON.stringify(wallet.name)}` : 'the wallet-standard wallet';
  const feature = (wallet.features as Record<string, unknown>)[SOLANA_SIGN_TRANSACTION] as WalletStandardSignTransactionFeature | undefined;
  if (typeof feature?.signTransaction !== 'function') {
    throw invalid(`${label} has no '${SOLANA_SIGN_TRANSACTION}' feature, so it cannot sign a transaction; ${ACCEPTED_WALLETS}.`);
  }
  const account = input.account ?? wallet.accounts[0];
  if (account === undefined) {
    throw invalid(`${label} has no connected account: connect it first (its 'standard:connect' feature), then pass { wallet, account }.`);
  }
  if (!isAddress(account.address)) throw invalid(`${label}: account address ${JSON.stringify(account.address)} is not a base58 address.`);
  if (account.publicKey.length !== 32 || getAddressDecoder().decode(account.publicKey) !== account.address) {
    throw invalid(`${label}: the account's publicKey does not match its address ${account.address}.`);
  }
  if (Array.isArray(account.features) && !account.features.includes(SOLANA_SIGN_TRANSACTION)) {
    throw invalid(`${label}: account ${account.address} does not support '${SOLANA_SIGN_TRANSACTION}'.`);
  }
  return { feature, account };
}

/**
 * A kit `TransactionModifyingSigner` that asks a wallet-standard wallet to sign (`solana:signTransaction`): each
 * transaction goes to the wallet as wire bytes and comes back signed. A wallet may change the transaction before it
 * signs (a priority fee, say), hence a modifying signer; the blockhash lifetime is kept when the message is unchanged
 * or still names the same blockhash, and read from the message otherwise. `INVALID_ARGUMENT` when the wallet cannot
 * sign (no feature, no connected account, an account whose public key is not its address).
 */
export function walletStandardSigner(input: WalletStandardSigner | WalletStandardWallet): TransactionModifyingSigner {
  const pair: WalletStandardSigner = isWalletStandardSigner(input) ? input : { wallet: input as WalletStandardWallet };
  const { feature, account } = walletStandardAccount(pair);
  const address = account.address as Address;
  return Object.freeze({
    address,
    async modifyAndSignTransactions<T extends Transaction>(
      transactions: readonly T[],
      config: { abortSignal?: AbortSignal } = {},
    ): Promise<readonly T[]> {
      config.abortSignal?.throwIfAborted();
      if (transactions.length === 0) return transactions;
      const encoder = getTransactionEncoder();
      const inputs = transactions.map(
        (tx): WalletStandardSignTransactionInput => ({
          account,
          transaction: Uint8Array.from(encoder.encode(tx)),
          ...(pair.chain !== undefined ? { chain: pair.chain } : {}),
        }),
      );
      const outputs = await feature.signTransaction(...inputs);
      config.abortSignal?.throwIfAborted();
      if (outputs.length !== transactions.length) {
        throw invalid(`the wallet returned ${outputs.length} signed transactions for ${transactions.length}.`);
      }
      const decoder = getTransactionDecoder();
      return Promise.all(
        transactions.map(async (tx, i) => {
          const signed = decoder.decode(outputs[i]!.signedTransaction);
          if (!signed.signatures[address]) throw invalid(`the wallet did not sign with ${address}.`);
          const lifetime = (tx as { lifetimeConstraint?: { blockhash?: string; nonce?: string } }).lifetimeConstraint;
          let lifetimeConstraint: unknown = lifetime;
          if (lifetime === undefined || !bytesEqual(signed.messageBytes, tx.messageBytes)) {
            const compiled = getCompiledTransactionMessageDecoder().decode(signed.messageBytes);
            const token = lifetime?.blockhash ?? lifetime?.nonce;
            if (token === undefined || compiled.lifetimeToken !== token) {
              lifetimeConstraint = await getTransactionLifetimeConstraintFromCompiledTransactionMessage(
                compiled as Parameters<typeof getTransactionLifetimeConstraintFromCompiledTransactionMessage>[0],
              );
            }
          }
          return Object.freeze({ ...signed, lifetimeConstraint }) as unknown as T;
        }),
      );
    },
  }) as TransactionModifyingSigner;
}

/** The chain name a wallet-standard wallet knows for a network name ('devnet' → 'solana:devnet'), if any. */
export function walletStandardChain(network: string): WalletStandardIdentifier | undefined {
  const name = network === 'mainnet-beta' ? 'mainnet' : network;
  return ['devnet', 'testnet', 'mainnet', 'localnet'].includes(name) ? `solana:${name}` : undefined;
}

/**
 * Any wallet the client accepts as a kit `TransactionSigner`: a kit signer as it is, a web3.js `Keypair` through
 * {@link keypairSigner}, a wallet-standard wallet through {@link walletStandardSigner} (`chain` names the cluster to
 * the wallet unless the input names one). Throws `INVALID_ARGUMENT` at once for anything else, or for a Keypair or
 * wallet-standard account whose public key does not match (checks that need no crypto); the returned promise
 * rejects for a secret key that is not an ed25519 key pair.
 */
export function resolveWallet(wallet: unknown, chain?: WalletStandardIdentifier): TransactionSigner | Promise<TransactionSigner> {
  if (typeof wallet !== 'object' || wallet === null) throw invalid(`${ACCEPTED_WALLETS}; got ${describe(wallet)}.`);
  if (isTransactionSigner(wallet as TransactionSigner) && typeof (wallet as TransactionSigner).address === 'string') {
    if (!isAddress((wallet as TransactionSigner).address)) {
      throw invalid(`the signer's address ${JSON.stringify((wallet as TransactionSigner).address)} is not a base58 address.`);
    }
    return wallet as TransactionSigner;
  }
  if (isWeb3Keypair(wallet)) {
    checkKeypair(wallet);
    return keypairSigner(wallet);
  }
  if (isWalletStandardSigner(wallet)) {
    return walletStandardSigner(wallet.chain === undefined && chain !== undefined ? { ...wallet, chain } : wallet);
  }
  if (isWalletStandardWallet(wallet)) return walletStandardSigner(chain === undefined ? { wallet } : { wallet, chain });
  throw invalid(`${ACCEPTED_WALLETS}; got ${describe(wallet)}.`);
}
