/**
 * `@dfpn/sdk` for browsers (the `browser` export condition): the same API without Node's file system or the
 * embedded LiteSVM network. Use an RPC network (`'devnet'`, `'localnet'`, a URL), pass `media` (a Blob, File or
 * Uint8Array) instead of `mediaPath`, and store media in IPFS (Kubo RPC or a pinning service), S3 or over HTTP.
 * @module
 */
export * from './api.js';
