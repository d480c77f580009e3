/**
 * What differs between Node and browsers: file access, the environment and the embedded LiteSVM network.
 *
 * The browser entry (`@dfpn/sdk` under the `browser` export condition) keeps these defaults, which refuse clearly;
 * the Node entry installs `node-platform.ts`. Nothing here imports a Node module, so bundlers for the web never see
 * `node:fs` or the native LiteSVM binding.
 * @module
 */
import type { Address, TransactionSigner } from '@solana/kit';
import { DFPNError, ErrorCode } from './errors.js';
import type { Transport } from './transport.js';

/** Media to hash and upload: a file (Node), bytes or a Blob. `stream()` may be called more than once. */
export interface MediaSource {
  /** File name (for multipart uploads and S3 key suffixes). */
  readonly name: string;
  readonly size: number;
  /** The bytes, in chunks. */
  stream(): ReadableStream<Uint8Array>;
  /** The bytes as a Blob, when cheap (browser sources); uploads then use it instead of a streaming body. */
  blob?(): Blob;
  /** The file's path, for sources opened from the file system. */
  readonly path?: string;
}

/** A local network as the client needs it: a transport that can fund a wallet. */
export interface LocalNetworkLike extends Transport {
  fundedSigner(amount?: bigint): Promise<TransactionSigner & { address: Address }>;
}

/** Options the client passes when it creates the local network. */
export interface LocalNetworkOptions {
  programPath?: string | undefined;
  programId?: Address | undefined;
}

/** The platform hooks. */
export interface Platform {
  /** "node" or "browser". */
  readonly name: string;
  /** Open a file for hashing and upload (`MEDIA_NOT_FOUND` when it cannot be read). */
  openFile(path: string): Promise<MediaSource>;
  /** The absolute, percent-encoded file:// URI of a path. */
  fileUri(path: string): string;
  /** The bytes of a file:// URI, at most `maxBytes` (`CONTENT_TOO_LARGE` otherwise). */
  readFileUri(uri: string, maxBytes: number): Promise<Uint8Array>;
  /** An environment variable (always undefined in browsers). */
  env(name: string): string | undefined;
  /** A Node `Readable` of a source with a progress callback, for the AWS SDK (undefined: pass bytes). */
  nodeReadable?(source: MediaSource, progress?: (sent: number) => void): unknown;
  /** Create the embedded LiteSVM network. */
  createLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetworkLike>;
  /** Keep media given as bytes in a file on this machine, for the local network's 'file' storage (its file:// URI
   * must stay readable); returns the file's path. Undefined where there is no file system. */
  keepMedia?(source: MediaSource, contentHash: Uint8Array): Promise<string>;
}

const browserPlatform: Platform = {
  name: 'browser',
  async openFile(path) {
    throw new DFPNError(
      ErrorCode.STORAGE_NOT_SUPPORTED,
      `mediaPath (${path}) needs Node's file system; in a browser pass media: a Blob, File or Uint8Array.`,
    );
  },
  fileUri() {
    throw new DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, 'file:// URIs need Node (they are only for the local network).');
  },
  async readFileUri(uri) {
    throw new DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, `reading ${uri} needs Node's file system.`);
  },
  env() {
    return undefined;
  },
  async createLocalNetwork() {
    throw new DFPNError(
      ErrorCode.NETWORK_NOT_SUPPORTED,
      "network 'local' (LiteSVM) is a native Node module and is not available in browsers; use 'devnet', " +
        "'localnet' or an RPC URL.",
    );
  },
};

let current: Platform = browserPlatform;

/** The active platform. */
export function platform(): Platform {
  return current;
}

/** Install platform hooks (the Node entry does this on import). */
export function setPlatform(p: Platform): void {
  current = p;
}

/** A media source over bytes already in memory. */
export function mediaFromBytes(bytes: Uint8Array, name = 'media'): MediaSource {
  return {
    name,
    size: bytes.length,
    stream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const CHUNK = 256 * 1024;
          for (let i = 0; i < bytes.length; i += CHUNK) controller.enqueue(bytes.subarray(i, i + CHUNK));
          controller.close();
        },
      }),
    blob: () => new Blob([bytes as Uint8Array<ArrayBuffer>]),
  };
}

/** A media source over a Blob or File (browsers). */
export function mediaFromBlob(blob: Blob, name?: string): MediaSource {
  const fileName = name ?? ((blob as { name?: unknown }).name as string | undefined) ?? 'media';
  return {
    name: fileName,
    size: blob.size,
    stream: () => blob.stream() as ReadableStream<Uint8Array>,
    blob: () => blob,
  };
}
