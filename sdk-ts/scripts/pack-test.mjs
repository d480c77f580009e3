#!/usr/bin/env node
// `npm pack` produces a package that installs into an empty project, type-checks for a TypeScript consumer, ships
// dfpn.so (program/dfpn.so, byte for byte ../target/deploy/dfpn.so: missing or stale fails), and whose quick-start
// example (examples/quickstart.mjs) runs and prints a verdict on the local network with the packaged program only
// (no DFPN_PROGRAM_SO, no repository above the project).
//
// Needs a built dist/ and program/dfpn.so (`npm run build`) and dfpn.so (DFPN_PROGRAM_SO, else
// ../target/deploy/dfpn.so) to compare the shipped copy with.
// Dependencies of the tarball come from the npm registry (or npm's cache).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SO = process.env.DFPN_PROGRAM_SO ?? resolve(SDK, '..', 'target', 'deploy', 'dfpn.so');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();

function fail(message) {
  console.error(`pack test: ${message}`);
  process.exit(1);
}
function run(cmd, args, cwd, extraEnv = {}, timeout = 300_000) {
  const env = { ...process.env, ...extraEnv };
  for (const [k, v] of Object.entries(extraEnv)) if (v === undefined) delete env[k];
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} (in ${cwd}) failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

if (!existsSync(join(SDK, 'dist', 'index.js'))) fail('dist/ is missing: run `npm run build` first');
if (!existsSync(SO)) fail(`${SO} is missing: run \`make build\` in the repository (or set DFPN_PROGRAM_SO)`);
const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const SO_SHA = sha256(SO);
/** The shipped dfpn.so must be the built one: a stale copy would run an older program. */
function checkProgram(path, where) {
  if (!existsSync(path)) fail(`${where} has no program/dfpn.so: run \`npm run build\` (scripts/copy-program.mjs) after \`make build\``);
  const sha = sha256(path);
  if (sha !== SO_SHA) fail(`${where}'s program/dfpn.so (sha256 ${sha}) differs from ${SO} (sha256 ${SO_SHA}): rebuild (npm run build)`);
}
checkProgram(join(SDK, 'program', 'dfpn.so'), 'sdk-ts');

const work = mkdtempSync(join(tmpdir(), 'dfpn-pack-'));
try {
  // 1. Pack (dist/ is already built by `npm test`; --ignore-scripts skips the prepack rebuild)
  const packed = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--workspaces=false', '--pack-destination', work], SDK));
  const files = packed[0].files.map((f) => f.path);
  for (const must of ['package.json', 'README.md', 'program/dfpn.so', 'dist/index.js', 'dist/index.d.ts', 'dist/browser.js', 'dist/local.js', 'dist/testing.js', 'dist/generated/index.js']) {
    if (!files.includes(must)) fail(`the tarball lacks ${must}`);
  }
  const stray = files.filter((f) => /^(src|test|scripts|node_modules)\//.test(f) || f.endsWith('.tsbuildinfo'));
  if (stray.length) fail(`the tarball ships ${stray.join(', ')}`);
  const tarball = join(work, packed[0].filename);
  console.log(`pack test: ${packed[0].filename}, ${files.length} files, ${(packed[0].size / 1024).toFixed(0)} kB`);

  // 2. A fresh project that installs the tarball (and its dependencies from the registry)
  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'dfpn-quickstart', private: true, type: 'module' }, null, 2));
  run(npm, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
  checkProgram(join(app, 'node_modules', '@dfpn', 'sdk', 'program', 'dfpn.so'), 'the installed package');
  console.log(`pack test: the package ships program/dfpn.so, sha256 ${SO_SHA.slice(0, 16)}… = ${SO}`);

  // 3. A TypeScript consumer type-checks against the shipped declarations (exports "types", NodeNext)
  writeFileSync(
    join(app, 'check.ts'),
    `import { DFPNClient, Modality, ErrorCode, type AnalysisProgress, type AnalysisResult, type AnalysisStage, type SubmittedRequest } from '@dfpn/sdk';
import { LiteSvmTransport } from '@dfpn/sdk/local';
import { startTestWorkers } from '@dfpn/sdk/testing';
import { getRequestDecoder } from '@dfpn/sdk/generated';
export async function main(): Promise<AnalysisResult> {
  const client = new DFPNClient({ network: await LiteSvmTransport.create() });
  await startTestWorkers(client);
  const r: SubmittedRequest = await client.submitRequest({ mediaPath: 'x', modalities: [Modality.FaceManipulation] });
  const fee: bigint = r.feeLamports;
  void fee; void getRequestDecoder; void ErrorCode.INSUFFICIENT_FUNDS;
  return client.waitForResult(r.id, { timeout: 1_000 });
}
export async function oneCall(client: DFPNClient): Promise<AnalysisResult> {
  for await (const e of client.analyzeStream(new Uint8Array([0xff, 0xd8, 0xff]))) {
    if (e.type === 'progress') { const stage: AnalysisStage = e.progress.stage; void stage; } else void e.result.verdict;
  }
  const fee: bigint = await client.estimateFeeLamports([Modality.ImageAuthenticity], 3);
  return client.analyze('./photo.jpg', { maxFeeLamports: fee, onProgress: (p: AnalysisProgress) => void p.commits });
}
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['check.ts'] }),
  );
  const tsc = join(SDK, 'node_modules', 'typescript', 'bin', 'tsc');
  const typesNode = join(SDK, 'node_modules', '@types', 'node');
  execFileSync('mkdir', ['-p', join(app, 'node_modules', '@types')]);
  execFileSync('cp', ['-r', typesNode, join(app, 'node_modules', '@types', 'node')]);
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
  console.log('pack test: a TypeScript consumer type-checks against the shipped .d.ts files');

  // 4. The quick-start example runs and prints a verdict
  copyFileSync(join(SDK, 'examples', 'quickstart.mjs'), join(app, 'quickstart.mjs'));
  // Without DFPN_PROGRAM_SO, outside the repository: only the packaged program/dfpn.so can be found.
  const out = run(process.execPath, ['quickstart.mjs', 'photo.jpg'], app, { DFPN_PROGRAM_SO: undefined, TMPDIR: work }, 120_000);
  const verdict = /^verdict: (\w+) \(confidence (\d+), (\w+)\)$/m.exec(out);
  if (!verdict) fail(`the quick start printed no verdict:\n${out}`);
  const json = JSON.parse(out.slice(out.indexOf('{')));
  for (const key of ['verdict', 'confidence', 'consensusType', 'workerResults', 'audit']) {
    if (!(key in json)) fail(`the result JSON lacks ${key}`);
  }
  console.log(`pack test: quick start in a fresh project -> ${verdict[0]}; ${json.workerResults.length} worker results, audit ${JSON.stringify(json.audit)}`);
  console.log(`pack test: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
