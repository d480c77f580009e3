#!/usr/bin/env node
// Copy the built program (../target/deploy/dfpn.so, `make build`) into the package: program/dfpn.so, which
// package.json's `files` ships, so that `network: 'local'` works from an npm install with no repository around
// (`findProgram` looks there first). `npm run build` copies it when it exists; `npm pack` (prepack) runs this with
// --require, which fails without it. The pack test (scripts/pack-test.mjs) checks the shipped copy's SHA-256 against
// target/deploy/dfpn.so.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = resolve(SDK, '..', 'target', 'deploy', 'dfpn.so');
const TARGET = join(SDK, 'program', 'dfpn.so');
const required = process.argv.includes('--require');

if (!existsSync(SOURCE)) {
  const message = `${SOURCE} is missing: run \`make build\` in the repository first`;
  if (required) {
    console.error(`copy-program: ${message}; the package must ship dfpn.so.`);
    process.exit(1);
  }
  console.warn(`copy-program: ${message} (program/dfpn.so not updated; \`npm pack\` will refuse).`);
  process.exit(0);
}
mkdirSync(dirname(TARGET), { recursive: true });
copyFileSync(SOURCE, TARGET);
const sha = createHash('sha256').update(readFileSync(TARGET)).digest('hex');
console.log(`copy-program: program/dfpn.so <- ${SOURCE} (sha256 ${sha.slice(0, 16)}…)`);
