/**
 * The Node platform hooks: files, environment variables, Node streams for the AWS SDK, and the embedded LiteSVM
 * network (loaded only when `network: 'local'` is used, so the native module is optional).
 * @module
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DFPNError, ErrorCode } from './errors.js';
import { toHex } from './hash.js';
import type { LocalNetworkLike, MediaSource, Platform } from './platform.js';

const CHUNK = 256 * 1024;

function reason(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : (err.message ?? String(e));
}

/** The Node platform. */
export const nodePlatform: Platform = {
  name: 'node',

  async openFile(path: string): Promise<MediaSource> {
    const abs = resolve(path);
    let size: number;
    try {
      const s = await stat(abs);
      if (!s.isFile()) throw Object.assign(new Error('not a regular file'), { code: s.isDirectory() ? 'EISDIR' : 'EINVAL' });
      size = s.size;
    } catch (e) {
      throw new DFPNError(ErrorCode.MEDIA_NOT_FOUND, `cannot read media ${abs}: ${reason(e)}.`, { cause: e });
    }
    return {
      name: basename(abs),
      size,
      path: abs,
      stream: () => Readable.toWeb(createReadStream(abs, { highWaterMark: CHUNK })) as ReadableStream<Uint8Array>,
    };
  },

  fileUri(path: string): string {
    return pathToFileURL(resolve(path)).href;
  },

  async readFileUri(uri: string, maxBytes: number): Promise<Uint8Array> {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch (e) {
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `${JSON.stringify(uri)} is not a file:// URI.`, { cause: e });
    }
    try {
      const s = await stat(path);
      if (s.size > maxBytes) {
        throw new DFPNError(ErrorCode.CONTENT_TOO_LARGE, `${uri}: ${s.size} bytes is over the ${maxBytes}-byte limit.`);
      }
      return new Uint8Array(await readFile(path));
    } catch (e) {
      if (e instanceof DFPNError) throw e;
      throw new DFPNError(ErrorCode.REPORT_UNAVAILABLE, `cannot read ${uri}: ${reason(e)}.`, { cause: e });
    }
  },

  env(name: string): string | undefined {
    const v = process.env[name];
    return v === undefined || v === '' ? undefined : v;
  },

  nodeReadable(source: MediaSource, progress?: (sent: number) => void): unknown {
    if (source.path === undefined) return undefined;
    let sent = 0;
    progress?.(0);
    return createReadStream(source.path, { highWaterMark: CHUNK }).pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          sent += chunk.length;
          progress?.(sent);
          done(null, chunk);
        },
      }),
    );
  },

  async keepMedia(source: MediaSource, contentHash: Uint8Array): Promise<string> {
    // Content-addressed, so the same bytes are kept once; the extension is kept for readers that look at it.
    const dir = join(tmpdir(), 'dfpn-media');
    await mkdir(dir, { recursive: true });
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(source.name)?.[0] ?? '';
    const path = join(dir, `${toHex(contentHash)}${ext}`);
    const part = `${path}.${process.pid}.${Date.now()}.part`;
    await pipeline(Readable.fromWeb(source.stream() as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(part));
    await rename(part, path);
    return path;
  },

  async createLocalNetwork(options): Promise<LocalNetworkLike> {
    let local: typeof import('./local.js');
    try {
      local = await import('./local.js');
    } catch (e) {
      throw new DFPNError(
        ErrorCode.NETWORK_NOT_SUPPORTED,
        `network 'local' needs the litesvm package (an optional dependency of @dfpn/sdk): npm install litesvm. ` +
          `(${e instanceof Error ? e.message : String(e)})`,
        { cause: e },
      );
    }
    return local.LiteSvmTransport.create({
      ...(options.programPath !== undefined ? { programPath: options.programPath } : {}),
      ...(options.programId !== undefined ? { programId: options.programId } : {}),
    });
  },
};
