/**
 * Media and reports off-chain: hashing, storing (file://, IPFS, S3, HTTP PUT), reading a URI and checking it
 * against a recorded hash.
 *
 * - `'file'`: file:// URIs, only for the embedded local network (Node).
 * - `'ipfs'` / {@link IpfsStorage}: a Kubo daemon over its HTTP RPC (`/api/v0/add` with pin, CIDv1, raw leaves;
 *   `/api/v0/cat`) with `fetch`. The API address comes from `new IpfsStorage({ apiUrl })` or `DFPN_IPFS_API`
 *   (default `http://127.0.0.1:5001`); reads may go through a gateway (`gatewayUrl` / `DFPN_IPFS_GATEWAY`).
 * - `'s3'` / {@link S3Storage}: `@aws-sdk/client-s3` (an optional peer dependency, loaded on first use) against AWS
 *   or any S3-compatible endpoint.
 * - {@link HttpStorage}: HTTP PUT to a base URL (WebDAV, an upload service, ...), read back over HTTP(S).
 *
 * Uploads report progress through `(sentBytes, totalBytes)`. Reads ({@link readUri}) accept file://, http(s)://,
 * ipfs:// and s3:// URIs, with a size limit and a time limit.
 * @module
 */
import { MAX_STORAGE_URI } from './constants.js';
import { DFPNError, ErrorCode } from './errors.js';
import { bytesEqual, sha256, sha256Hasher, toHex } from './hash.js';
import { platform, type MediaSource } from './platform.js';

export { MAX_STORAGE_URI };
/** Largest report the SDK downloads, bytes. */
export const MAX_REPORT_BYTES = 16 * 1024 * 1024;
/** Default largest media the SDK hashes, uploads or downloads, bytes (2 GiB). */
export const DEFAULT_MAX_MEDIA_BYTES = 2 * 1024 * 1024 * 1024;
/** Default Kubo RPC address. */
export const DEFAULT_IPFS_API = 'http://127.0.0.1:5001';
/** Default time limit of a read, milliseconds. */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;
/** Default time limit of an upload, milliseconds. */
export const DEFAULT_UPLOAD_TIMEOUT_MS = 300_000;

/** Upload progress: called with (bytes sent so far, total bytes). */
export type ProgressCallback = (sent: number, total: number) => void;

/** Options of a read. */
export interface ReadOptions {
  /** Largest accepted body (default {@link MAX_REPORT_BYTES}). */
  maxBytes?: number;
  /** Time limit, milliseconds (default {@link DEFAULT_READ_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Abort the read. */
  signal?: AbortSignal;
}

/** A storage backend: uploads a media source and returns its URI. */
export interface StorageBackend {
  /** The URI scheme it writes ("ipfs", "s3", "https"). */
  readonly scheme: string;
  /** Store `source`; `contentHash` is its SHA-256 (used for content-addressed keys). */
  upload(source: MediaSource, options?: { progress?: ProgressCallback; contentHash?: Uint8Array }): Promise<string>;
}

/** What `submitRequest` accepts as storage: a name ("file", "ipfs", "s3") or a configured backend. */
export type Storage = 'file' | 'ipfs' | 's3' | StorageBackend;

// ---- helpers ---------------------------------------------------------------------------------------------------

/** SHA-256 of a media source, streamed. */
export async function sha256Source(source: MediaSource): Promise<Uint8Array> {
  const h = sha256Hasher();
  const reader = source.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    h.update(value);
  }
  return h.digest();
}

/** Throw `DFPNError(code)` unless `sha256(data) === expected`. */
export function checkHash(data: Uint8Array, expected: Uint8Array, code: ErrorCode, what: string): void {
  const actual = sha256(data);
  if (!bytesEqual(actual, expected)) {
    throw new DFPNError(code, `${what}: SHA-256 is ${toHex(actual)}, the recorded hash is ${toHex(expected)}.`);
  }
}

function timeoutSignal(ms: number, outer?: AbortSignal): AbortSignal {
  const t = AbortSignal.timeout(ms);
  return outer ? AbortSignal.any([outer, t]) : t;
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
}

/** True for "could not connect" failures of fetch (refused, DNS, reset before a response). */
function isConnectError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const cause = (e as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? '';
  return (
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'UND_ERR_SOCKET'].includes(code) ||
    (e.name === 'TypeError' && /fetch failed|Failed to fetch|NetworkError/i.test(e.message) && !isTimeout(cause))
  );
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
}

/** Read a response body with a size limit (the declared Content-Length is checked first). */
async function readLimited(response: Response, uri: string, maxBytes: number): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new DFPNError(ErrorCode.CONTENT_TOO_LARGE, `${uri}: ${declared} bytes is over the ${maxBytes}-byte limit.`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new DFPNError(ErrorCode.CONTENT_TOO_LARGE, `${uri}: over the ${maxBytes}-byte limit.`);
      }
      chunks.push(value);
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** GET `uri` with a total time limit and a size limit. Failures are `REPORT_UNAVAILABLE`. */
export async function httpGet(uri: string, options: ReadOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? MAX_REPORT_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  try {
    const response = await fetch(uri, { signal: timeoutSignal(timeoutMs, options.signal), redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new DFPNError(ErrorCode.REPORT_UNAVAILABLE, `cannot fetch ${uri}: HTTP ${response.status}.`);
    }
    return await readLimited(response, uri, maxBytes);
  } catch (e) {
    if (e instanceof DFPNError) throw e;
    if (isTimeout(e)) throw new DFPNError(ErrorCode.REPORT_UNAVAILABLE, `fetching ${uri} took over ${timeoutMs / 1000}s.`);
    throw new DFPNError(ErrorCode.REPORT_UNAVAILABLE, `cannot fetch ${uri}: ${describe(e)}.`, { cause: e });
  }
}

/** Wrap a source's stream so `progress(sent, total)` is called after every chunk. */
function withProgress(source: MediaSource, progress?: ProgressCallback): ReadableStream<Uint8Array> {
  let sent = 0;
  const total = source.size;
  progress?.(0, total);
  return source.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        sent += chunk.length;
        progress?.(sent, total);
      },
    }),
  );
}

function concatStreams(parts: ReadonlyArray<Uint8Array | ReadableStream<Uint8Array>>): ReadableStream<Uint8Array> {
  let i = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (reader) {
          const { done, value } = await reader.read();
          if (!done) {
            controller.enqueue(value);
            return;
          }
          reader = undefined;
        }
        const part = parts[i++];
        if (part === undefined) {
          controller.close();
          return;
        }
        if (part instanceof Uint8Array) {
          controller.enqueue(part);
          return;
        }
        reader = part.getReader();
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
}

function extension(name: string): string {
  const m = /\.[A-Za-z0-9]{1,10}$/.exec(name);
  return m ? m[0].toLowerCase() : '';
}

// ---- IPFS ------------------------------------------------------------------------------------------------------

/** The `multipart/form-data` body Kubo's `add` takes: streamed with progress, or a Blob in browsers. */
function multipartBody(source: MediaSource, progress: ProgressCallback | undefined): { body: BodyInit; contentType: string } {
  const boundary = `dfpn${toHex(sha256(String(Math.random()), String(Date.now()))).slice(0, 24)}`;
  const name = encodeURIComponent(source.name) || 'media';
  const enc = new TextEncoder();
  const pre = enc.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const post = enc.encode(`\r\n--${boundary}--\r\n`);
  let body: BodyInit;
  if (source.blob) {
    // Browsers refuse streaming request bodies over HTTP/1.1: send a Blob (progress at start and end).
    progress?.(0, source.size);
    body = new Blob([pre, source.blob(), post]);
  } else {
    body = concatStreams([pre, withProgress(source, progress), post]);
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The CID of the last JSON line of Kubo's `add` answer ('' when none). */
function lastCid(text: string): string {
  let cid = '';
  for (const line of text.split('\n')) {
    if (line.trim()) {
      try {
        cid = String((JSON.parse(line) as { Hash?: unknown }).Hash ?? '');
      } catch {
        // not JSON: ignored
      }
    }
  }
  return cid;
}

/** Options of {@link IpfsStorage}. */
export interface IpfsStorageOptions {
  /** Kubo RPC address (default `DFPN_IPFS_API` or `http://127.0.0.1:5001`). */
  apiUrl?: string;
  /** A gateway for reads (default `DFPN_IPFS_GATEWAY`; none: reads use the RPC's `cat`). */
  gatewayUrl?: string;
  /** Upload time limit, milliseconds. */
  timeoutMs?: number;
}

function startIpfsHint(api: string): string {
  return (
    `cannot reach the IPFS (Kubo) daemon at ${api}. Start one with \`ipfs daemon\` (scripts/install-kubo.sh builds ` +
    'Kubo into ~/.cache/dfpn-toolchain), or set DFPN_IPFS_API / new IpfsStorage({ apiUrl }) to a running ' +
    "daemon's RPC address."
  );
}

/** A Kubo daemon's HTTP RPC (not the gateway) for uploads, and the RPC or a gateway for reads. */
export class IpfsStorage implements StorageBackend {
  readonly scheme = 'ipfs';
  readonly apiUrl: string;
  readonly gatewayUrl: string | undefined;
  readonly timeoutMs: number;

  constructor(options: IpfsStorageOptions = {}) {
    const env = platform().env.bind(platform());
    this.apiUrl = (options.apiUrl ?? env('DFPN_IPFS_API') ?? DEFAULT_IPFS_API).replace(/\/+$/, '');
    const gateway = options.gatewayUrl ?? env('DFPN_IPFS_GATEWAY');
    this.gatewayUrl = gateway ? gateway.replace(/\/+$/, '') : undefined;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS;
  }

  /** Add and pin `source` (CIDv1, raw leaves); returns `ipfs://<cid>`. */
  async upload(source: MediaSource, options: { progress?: ProgressCallback } = {}): Promise<string> {
    const { body, contentType } = multipartBody(source, options.progress);
    const text = await this.add(source, body, contentType);
    if (source.blob) options.progress?.(source.size, source.size);
    const cid = lastCid(text);
    if (!cid) throw new DFPNError(ErrorCode.STORAGE_FAILED, `IPFS add of ${source.name}: no CID in ${JSON.stringify(text.slice(0, 300))}.`);
    return `ipfs://${cid}`;
  }

  /** POST the multipart body to Kubo's `/api/v0/add`; returns the response text (JSON lines). */
  private async add(source: MediaSource, body: BodyInit, contentType: string): Promise<string> {
    const url = `${this.apiUrl}/api/v0/add?pin=true&cid-version=1&raw-leaves=true&progress=false`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': contentType },
        signal: AbortSignal.timeout(this.timeoutMs),
        ...({ duplex: 'half' } as object),
      });
    } catch (e) {
      if (isConnectError(e)) throw new DFPNError(ErrorCode.STORAGE_UNAVAILABLE, startIpfsHint(this.apiUrl), { cause: e });
      throw new DFPNError(ErrorCode.STORAGE_FAILED, `IPFS add of ${source.name} via ${this.apiUrl} failed: ${describe(e)}.`, {
        cause: e,
      });
    }
    const text = await response.text();
    if (response.status !== 200) {
      throw new DFPNError(
        ErrorCode.STORAGE_FAILED,
        `IPFS add of ${source.name} failed: HTTP ${response.status} ${text.trim().slice(0, 300)}`,
      );
    }
    return text;
  }

  /** The bytes of `ipfs://<cid>[/path]`, through the gateway when one is configured, else the RPC's `cat`. */
  async read(uri: string, options: ReadOptions = {}): Promise<Uint8Array> {
    const ref = uri.replace(/^ipfs:\/\//, '').replace(/^\/+|\/+$/g, '');
    if (!ref) throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `${JSON.stringify(uri)} names no CID.`);
    if (this.gatewayUrl !== undefined) return httpGet(`${this.gatewayUrl}/ipfs/${ref}`, options);
    const maxBytes = options.maxBytes ?? MAX_REPORT_BYTES;
    const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    const url = `${this.apiUrl}/api/v0/cat?arg=${encodeURIComponent(ref)}&length=${maxBytes + 1}`;
    try {
      const response = await fetch(url, { method: 'POST', signal: timeoutSignal(timeoutMs, options.signal) });
      if (response.status !== 200) {
        const detail = (await response.text()).trim().slice(0, 300);
        throw new DFPNError(ErrorCode.REPORT_UNAVAILABLE, `IPFS cat ${ref}: HTTP ${response.status} ${detail}`);
      }
      return await readLimited(response, uri, maxBytes);
    } catch (e) {
      if (e instanceof DFPNError) throw e;
      if (isTimeout(e)) throw new DFPNError(ErrorCode.REPORT_UNAVAILABLE, `reading ${uri} took over ${timeoutMs / 1000}s.`);
      if (isConnectError(e)) throw new DFPNError(ErrorCode.STORAGE_UNAVAILABLE, startIpfsHint(this.apiUrl), { cause: e });
      throw new DFPNError(ErrorCode.REPORT_UNAVAILABLE, `cannot read ${uri} from IPFS: ${describe(e)}.`, { cause: e });
    }
  }
}

// ---- HTTP PUT --------------------------------------------------------------------------------------------------

/** Options of {@link HttpStorage}. */
export interface HttpStorageOptions {
  /** Where to PUT: `<uploadUrl>/<sha256><ext>`. */
  uploadUrl: string;
  /** Where the object can be read (default: `uploadUrl`): the URI recorded on-chain is `<publicUrl>/<key>`. */
  publicUrl?: string;
  /** Extra request headers (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** Upload time limit, milliseconds. */
  timeoutMs?: number;
}

/** Media stored with an HTTP PUT under its SHA-256 and read back over HTTP(S). */
export class HttpStorage implements StorageBackend {
  readonly scheme: string;
  readonly uploadUrl: string;
  readonly publicUrl: string;
  readonly headers: Record<string, string>;
  readonly timeoutMs: number;

  constructor(options: HttpStorageOptions) {
    this.uploadUrl = options.uploadUrl.replace(/\/+$/, '');
    this.publicUrl = (options.publicUrl ?? options.uploadUrl).replace(/\/+$/, '');
    if (!/^https?:\/\//.test(this.uploadUrl) || !/^https?:\/\//.test(this.publicUrl)) {
      throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'HttpStorage needs http(s):// uploadUrl and publicUrl.');
    }
    this.scheme = new URL(this.publicUrl).protocol.replace(':', '');
    this.headers = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS;
  }

  /** PUT `source` to `<uploadUrl>/<sha256><ext>`; returns `<publicUrl>/<sha256><ext>`. */
  async upload(source: MediaSource, options: { progress?: ProgressCallback; contentHash?: Uint8Array } = {}): Promise<string> {
    const hash = options.contentHash ?? (await sha256Source(source));
    const key = `${toHex(hash)}${extension(source.name)}`;
    const body: BodyInit = source.blob ? source.blob() : withProgress(source, options.progress);
    if (source.blob) options.progress?.(0, source.size);
    let response: Response;
    try {
      response = await fetch(`${this.uploadUrl}/${key}`, {
        method: 'PUT',
        body,
        headers: { 'Content-Type': 'application/octet-stream', ...this.headers },
        signal: AbortSignal.timeout(this.timeoutMs),
        ...({ duplex: 'half' } as object),
      });
    } catch (e) {
      if (isConnectError(e)) {
        throw new DFPNError(ErrorCode.STORAGE_UNAVAILABLE, `cannot reach ${this.uploadUrl}: ${describe(e)}.`, { cause: e });
      }
      throw new DFPNError(ErrorCode.STORAGE_FAILED, `HTTP PUT of ${source.name} to ${this.uploadUrl} failed: ${describe(e)}.`, {
        cause: e,
      });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new DFPNError(
        ErrorCode.STORAGE_FAILED,
        `HTTP PUT of ${source.name} to ${this.uploadUrl}/${key}: HTTP ${response.status} ${text.trim().slice(0, 300)}`,
      );
    }
    if (source.blob) options.progress?.(source.size, source.size);
    return `${this.publicUrl}/${key}`;
  }
}

// ---- S3 --------------------------------------------------------------------------------------------------------

/** Options of {@link S3Storage}; unset ones come from `DFPN_S3_BUCKET`, `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL`,
 * `AWS_REGION`/`AWS_DEFAULT_REGION` and the AWS SDK's credential chain. */
export interface S3StorageOptions {
  bucket?: string;
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Key prefix (default `dfpn/`). */
  prefix?: string;
  /** Path-style addressing (default: true when an endpoint is given, as S3-compatible servers need). */
  forcePathStyle?: boolean;
  /** Attempts per call, the AWS SDK's retry (default 3). */
  maxAttempts?: number;
}

type S3Module = typeof import('@aws-sdk/client-s3');

async function loadS3(): Promise<S3Module> {
  try {
    return await import('@aws-sdk/client-s3');
  } catch (e) {
    throw new DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, 'S3 storage needs @aws-sdk/client-s3: npm install @aws-sdk/client-s3.', {
      cause: e,
    });
  }
}

/** An S3 bucket (AWS or any S3-compatible endpoint) through `@aws-sdk/client-s3`. */
export class S3Storage implements StorageBackend {
  readonly scheme = 's3';
  readonly bucket: string | undefined;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly prefix: string;
  private readonly options: S3StorageOptions;
  private client: Promise<{ s3: S3Module; client: InstanceType<S3Module['S3Client']> }> | undefined;

  constructor(options: S3StorageOptions = {}) {
    const env = (n: string) => platform().env(n);
    this.options = options;
    this.bucket = options.bucket ?? env('DFPN_S3_BUCKET');
    this.endpoint = options.endpoint ?? env('AWS_ENDPOINT_URL_S3') ?? env('AWS_ENDPOINT_URL');
    this.region = options.region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION') ?? 'us-east-1';
    this.prefix = options.prefix ?? 'dfpn/';
  }

  private async s3() {
    this.client ??= loadS3().then((s3) => ({
      s3,
      client: new s3.S3Client({
        region: this.region,
        ...(this.endpoint ? { endpoint: this.endpoint } : {}),
        forcePathStyle: this.options.forcePathStyle ?? this.endpoint !== undefined,
        maxAttempts: this.options.maxAttempts ?? 3,
        ...(this.options.accessKeyId && this.options.secretAccessKey
          ? { credentials: { accessKeyId: this.options.accessKeyId, secretAccessKey: this.options.secretAccessKey } }
          : {}),
      }),
    }));
    return this.client;
  }

  private fail(e: unknown, what: string, missing: ErrorCode): DFPNError {
    if (e instanceof DFPNError) return e;
    const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; message?: string };
    const code = err.Code ?? err.name ?? '';
    const status = err.$metadata?.httpStatusCode;
    if (['NoSuchKey', 'NoSuchBucket', 'NotFound'].includes(code) || status === 404) {
      return new DFPNError(missing, `${what}: not found (${code || status}).`, { cause: e });
    }
    const netCode = (e as { code?: string }).code ?? '';
    const unreachable =
      ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(netCode) ||
      ['TimeoutError', 'NetworkingError'].includes(err.name ?? '') ||
      /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|getaddrinfo|socket hang up|Failed to fetch/.test(err.message ?? '');
    if (status === undefined && unreachable) {
      return new DFPNError(ErrorCode.STORAGE_UNAVAILABLE, `${what}: cannot reach S3 at ${this.endpoint ?? 'AWS'}: ${describe(e)}.`, {
        cause: e,
      });
    }
    return new DFPNError(ErrorCode.STORAGE_FAILED, `${what}: ${code} ${err.message ?? ''}`.trim() + '.', { cause: e });
  }

  /** Upload `source` as `<prefix><sha256><ext>`; returns `s3://bucket/key`. */
  async upload(
    source: MediaSource,
    options: { progress?: ProgressCallback; contentHash?: Uint8Array; key?: string } = {},
  ): Promise<string> {
    if (!this.bucket) throw new DFPNError(ErrorCode.INVALID_ARGUMENT, 'S3 storage needs a bucket: bucket or DFPN_S3_BUCKET.');
    const hash = options.contentHash ?? (await sha256Source(source));
    const key = options.key ?? `${this.prefix}${toHex(hash)}${extension(source.name)}`;
    const what = `S3 upload of ${source.name} to s3://${this.bucket}/${key}`;
    const { s3, client } = await this.s3();
    const total = source.size;
    // Files stream from disk (Node); other sources go as bytes (the AWS SDK cannot hash a Blob stream in Node).
    let body: unknown = platform().nodeReadable?.(source, (sent) => options.progress?.(sent, total));
    if (body === undefined) {
      options.progress?.(0, total);
      body = new Uint8Array(await new Response(source.stream()).arrayBuffer());
    }
    try {
      await client.send(
        new s3.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body as Uint8Array,
          ContentLength: total,
          ContentType: 'application/octet-stream',
        }),
        { abortSignal: AbortSignal.timeout(DEFAULT_UPLOAD_TIMEOUT_MS) },
      );
    } catch (e) {
      throw this.fail(e, what, ErrorCode.STORAGE_FAILED);
    }
    options.progress?.(total, total);
    return `s3://${this.bucket}/${key}`;
  }

  /** The bytes of `s3://bucket/key`; missing keys are `REPORT_UNAVAILABLE`, oversize objects `CONTENT_TOO_LARGE`. */
  async read(uri: string, options: ReadOptions = {}): Promise<Uint8Array> {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!m) throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `${JSON.stringify(uri)} is not an s3://bucket/key URI.`);
    const [, bucket, key] = m as unknown as [string, string, string];
    const maxBytes = options.maxBytes ?? MAX_REPORT_BYTES;
    const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    const { s3, client } = await this.s3();
    try {
      const obj = await client.send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: timeoutSignal(timeoutMs, options.signal),
      });
      const size = Number(obj.ContentLength ?? 0);
      if (size > maxBytes) {
        await obj.Body?.transformToWebStream().cancel().catch(() => undefined);
        throw new DFPNError(ErrorCode.CONTENT_TOO_LARGE, `${uri}: ${size} bytes is over the ${maxBytes}-byte limit.`);
      }
      const data = (await obj.Body?.transformToByteArray()) ?? new Uint8Array();
      if (data.length > maxBytes) throw new DFPNError(ErrorCode.CONTENT_TOO_LARGE, `${uri}: over the ${maxBytes}-byte limit.`);
      return data;
    } catch (e) {
      if (isTimeout(e)) throw new DFPNError(ErrorCode.REPORT_UNAVAILABLE, `reading ${uri} took over ${timeoutMs / 1000}s.`);
      throw this.fail(e, `cannot read ${uri}`, ErrorCode.REPORT_UNAVAILABLE);
    }
  }
}

// ---- dispatch --------------------------------------------------------------------------------------------------

/** A backend configured from the environment for "ipfs" or "s3"; null for "file". */
export function backendFromName(name: string): StorageBackend | null {
  if (name === 'file') return null;
  if (name === 'ipfs') return new IpfsStorage();
  if (name === 's3') return new S3Storage();
  throw new DFPNError(
    ErrorCode.STORAGE_NOT_SUPPORTED,
    `unknown storage ${JSON.stringify(name)}: use 'file', 'ipfs', 's3' or a StorageBackend.`,
  );
}

/** Store `source` with `storage` and return its URI (file sources with "file" give their file:// URI). */
export async function upload(
  source: MediaSource,
  storage: Storage,
  options: { progress?: ProgressCallback; contentHash?: Uint8Array } = {},
): Promise<string> {
  const backend = typeof storage === 'string' ? backendFromName(storage) : storage;
  if (backend === null) {
    if (source.path === undefined) {
      throw new DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, "storage 'file' needs a mediaPath (a file on this machine).");
    }
    options.progress?.(source.size, source.size);
    return platform().fileUri(source.path);
  }
  const uri = await backend.upload(source, options);
  if (new TextEncoder().encode(uri).length > MAX_STORAGE_URI) {
    throw new DFPNError(ErrorCode.INVALID_STORAGE_URI, `${uri} is longer than the ${MAX_STORAGE_URI} bytes the program accepts.`);
  }
  return uri;
}

/** Backends used by {@link readUri} for ipfs:// and s3:// (default: configured from the environment). */
export interface ReadBackends {
  ipfs?: IpfsStorage | undefined;
  s3?: S3Storage | undefined;
}

/**
 * The bytes at a file://, http(s)://, ipfs:// or s3:// URI, at most `maxBytes` within `timeoutMs`. Other schemes
 * are `STORAGE_NOT_SUPPORTED`; unreadable URIs `REPORT_UNAVAILABLE`; bodies over `maxBytes` `CONTENT_TOO_LARGE`;
 * unreachable services `STORAGE_UNAVAILABLE`.
 */
export async function readUri(uri: string, options: ReadOptions & ReadBackends = {}): Promise<Uint8Array> {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'file') return platform().readFileUri(uri, options.maxBytes ?? MAX_REPORT_BYTES);
  if (scheme === 'http' || scheme === 'https') return httpGet(uri, options);
  if (scheme === 'ipfs') return (options.ipfs ?? new IpfsStorage()).read(uri, options);
  if (scheme === 's3') return (options.s3 ?? new S3Storage()).read(uri, options);
  throw new DFPNError(ErrorCode.STORAGE_NOT_SUPPORTED, `reading ${scheme ?? 'scheme-less'}:// URIs (${uri}) is not supported.`);
}
