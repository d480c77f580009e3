#!/usr/bin/env node
// Complete package-lock.json with the platform-specific optional packages the registry did not return.
//
// Native modules (litesvm, rollup) ship one optional package per platform. When the registry used to create the
// lockfile serves only this machine's (a mirror, for instance), `npm install` leaves the others out of the lock
// and `npm ci` then refuses the lock as out of sync. This adds an entry for each missing one, with the os/cpu/libc
// its name states, so `npm ci` skips it on other platforms and fetches it by version on its own platform.
//
//   node scripts/complete-lock.mjs          rewrite package-lock.json (run after `npm install`)
//   node scripts/complete-lock.mjs --check  exit 1 if entries are missing
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LOCK = join(dirname(fileURLToPath(import.meta.url)), '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'openharmony', 'netbsd', 'sunos', 'aix'];
const CPU = [
  ['x64', /-x64(-|$)/],
  ['arm64', /-arm64(-|$)/],
  ['arm', /-arm(-|$)|-arm-eabi|-gnueabihf|-musleabihf/],
  ['ia32', /-ia32(-|$)/],
  ['loong64', /-loong64(-|$)/],
  ['ppc64', /-ppc64(-|$)/],
  ['riscv64', /-riscv64(-|$)/],
  ['s390x', /-s390x(-|$)/],
];

function platformOf(name) {
  const base = name.split('/').pop();
  const os = OS.find((o) => base.includes(`-${o}-`) || base.endsWith(`-${o}`));
  const cpu = CPU.find(([, re]) => re.test(base))?.[0];
  if (!os || !cpu) return undefined;
  const libc = /-gnu|-gnueabihf/.test(base) ? 'glibc' : /-musl/.test(base) ? 'musl' : undefined;
  return { os, cpu, libc };
}

const added = [];
for (const [path, pkg] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
    packages[`node_modules/${name}`] = {
      version,
      ...(platform.cpu ? { cpu: [platform.cpu] } : {}),
      ...(pkg.dev ? { dev: true } : {}),
      ...(platform.libc ? { libc: [platform.libc] } : {}),
      optional: true,
      os: [platform.os],
    };
    added.push(`${name}@${version}`);
  }
}

if (process.argv.includes('--check')) {
  if (added.length) {
    console.error(`package-lock.json lacks ${added.length} platform packages; run node scripts/complete-lock.mjs`);
    process.exit(1);
  }
  console.log('package-lock.json has every platform package');
} else {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(added.length ? `added ${added.length}: ${added.join(', ')}` : 'nothing to add');
}
