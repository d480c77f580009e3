/**
 * SHA-256 and hex helpers that work in Node and browsers (synchronous, via @noble/hashes).
 * @module
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { ReadonlyUint8Array } from '@solana/kit';

/** SHA-256 of the concatenated parts. */
export function sha256(...parts: ReadonlyArray<ReadonlyUint8Array | string>): Uint8Array {
  const h = nobleSha256.create();
  const enc = new TextEncoder();
  for (const p of parts) h.update(typeof p === 'string' ? enc.encode(p) : (p as Uint8Array));
  return h.digest();
}

/** An incremental SHA-256 (`update` then `digest`). */
export function sha256Hasher(): { update(chunk: ReadonlyUint8Array): void; digest(): Uint8Array } {
  const h = nobleSha256.create();
  return {
    update(chunk) {
      h.update(chunk as Uint8Array);
    },
    digest: () => h.digest(),
  };
}

/** Lowercase hex of bytes. */
export function toHex(bytes: ReadonlyUint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Bytes of a hex string (an optional `0x` prefix is allowed); throws on anything else. */
export function fromHex(hex: string): Uint8Array {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new TypeError(`${JSON.stringify(hex)} is not hex`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: ReadonlyUint8Array, b: ReadonlyUint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
