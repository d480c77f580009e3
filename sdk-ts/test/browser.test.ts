/**
 * The browser build path: esbuild bundles the `browser` entry for the web. The bundle must not pull in Node
 * built-ins, the native LiteSVM module or the Node platform hooks, and it must run: the local network and
 * `mediaPath` refuse clearly, while codecs, PDAs, fees and the RPC client are all there.
 */
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { SDK_DIR, tempDir } from './helpers.js';

test('the browser entry bundles for the web without Node built-ins or LiteSVM, and runs', async () => {
  const result = await build({
    entryPoints: [join(SDK_DIR, 'src', 'browser.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['browser'],
    // Optional, loaded on first S3 use; an app that uses S3 bundles it too.
    external: ['@aws-sdk/client-s3'],
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile!.inputs);
  expect(inputs.filter((i) => /litesvm|node-platform|src\/local\.ts|src\/testing\.ts|@coral-xyz|web3\.js/.test(i))).toEqual([]);
  const code = result.outputFiles[0]!.text;
  expect(code).not.toMatch(/from\s*["']node:|require\(["'](fs|path|url|stream|crypto|os)["']\)/);
  expect(code.length).toBeLessThan(800_000); // ~570 kB unminified, ~270 kB minified with kit

  // Run the bundle (Node has fetch, WebCrypto, TextEncoder and streams, like a browser)
  const file = join(tempDir('dfpn-browser-'), 'bundle.mjs');
  writeFileSync(file, code);
  // kit's browser build uses WebCrypto only in a secure context (https:// or localhost), as browsers require
  (globalThis as { isSecureContext?: boolean }).isSecureContext = true;
  const sdk = await import(pathToFileURL(file).href);
  expect(sdk.platform().name).toBe('browser');
  const local = new sdk.DFPNClient({ network: 'local' });
  await expect(local.getConfig()).rejects.toMatchObject({ code: 'NETWORK_NOT_SUPPORTED' });
  const remote = new sdk.DFPNClient({ network: 'devnet' });
  expect(remote.transport.rpcUrl).toBe('https://api.devnet.solana.com');
  expect(remote.storage).toBe('ipfs');
  expect(await sdk.configAddress()).toBe('DjUKpt1UXciRg3rkVMQPMaZQzjsW8dbFJxJpSJmeBpeQ');
  expect(sdk.feeFromParams(sdk.REFERENCE_PARAMS, [sdk.Modality.FaceManipulation, sdk.Modality.ImageAuthenticity], 3)).toBe(7_500_000n);
  const media = sdk.mediaFromBytes(new TextEncoder().encode('abc'));
  expect(sdk.toHex(await sdk.sha256Source(media))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  await expect(sdk.readUri('file:///etc/hostname')).rejects.toMatchObject({ code: 'STORAGE_NOT_SUPPORTED' });
});
