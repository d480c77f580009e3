/**
 * `@dfpn/sdk` for Node: the whole API with Node's file system (mediaPath, file:// URIs) and the embedded
 * LiteSVM network (`network: 'local'`, loaded on first use). Browsers get `browser.ts` through the `browser`
 * export condition.
 * @module
 */
import { nodePlatform } from './node-platform.js';
import { setPlatform } from './platform.js';

setPlatform(nodePlatform);

export * from './api.js';
export { loadKeypair } from './wallet.js';
