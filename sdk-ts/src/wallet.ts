/**
 * Keypair files (Node): the Solana CLI's format, a JSON array of the 64 secret-key bytes. To write one, use
 * kit's `writeKeyPairSigner` with a signer made by `generateKeyPairSigner(true)` (extractable).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { createKeyPairSignerFromBytes, type KeyPairSigner } from '@solana/kit';
import { DFPNError, ErrorCode } from './errors.js';

/** A signer from a Solana CLI keypair file (`~` is expanded); `INVALID_ARGUMENT` when missing or malformed. */
export async function loadKeypair(path: string): Promise<KeyPairSigner> {
  const p = path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch (e) {
    throw new DFPNError(ErrorCode.INVALID_ARGUMENT, `keypair file ${p} does not exist or cannot be read.`, { cause: e });
  }
  try {
    const raw: unknown = JSON.parse(text);
    if (!Array.isArray(raw) || raw.length !== 64 || !raw.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) {
      throw new TypeError('not a JSON array of 64 bytes');
    }
    return await createKeyPairSignerFromBytes(Uint8Array.from(raw as number[]));
  } catch (e) {
    throw new DFPNError(
      ErrorCode.INVALID_ARGUMENT,
      `${p} is not a Solana keypair file (a JSON array of 64 bytes): ${(e as Error).message}`,
      { cause: e },
    );
  }
}
