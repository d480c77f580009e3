#!/usr/bin/env node
// Generates sdk-ts/src/generated/ from the committed Anchor IDL (../idl/dfpn.json).
//
//   node scripts/generate.mjs           write src/generated/
//   node scripts/generate.mjs --check   regenerate into a temporary folder and fail (exit 1) when it differs
//
// Codama (@codama/nodes-from-anchor -> @codama/renderers-js) writes the instruction builders, account codecs and
// fetchers, PDA helpers, defined types and program error constants for @solana/kit. This script then:
//   - adds the event structs as defined types (Codama reads events but its JS renderer does not render them),
//   - makes the output valid Node ESM (explicit `.js` / `/index.js` on relative imports) and browser-safe
//     (no bare `process` reference),
//   - writes events.ts (event discriminators and a decoder), programErrors.ts (the IDL's error table) and
//     idl.ts (the IDL itself, for @coral-xyz/anchor's `Program`),
//   - puts a do-not-edit banner on every file.
import { createFromRoot, definedTypeNode } from 'codama';
import { rootNodeFromAnchor } from '@codama/nodes-from-anchor';
import { renderVisitor } from '@codama/renderers-js';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SDK = resolve(HERE, '..');
const IDL_PATH = resolve(SDK, '..', 'idl', 'dfpn.json');
const TARGET = join(SDK, 'src', 'generated');

const BANNER = `// DO NOT EDIT. Generated from idl/dfpn.json by sdk-ts/scripts/generate.mjs (\`npm run generate\`);
// \`npm run check-generated\` fails when this folder is not what the generator writes.
`;

const idlText = readFileSync(IDL_PATH, 'utf8');
const idl = JSON.parse(idlText);

/** `SomeName` / `some_name` -> `someName`. */
function camel(name) {
  const s = name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  return s.charAt(0).toLowerCase() + s.slice(1);
}
function pascal(name) {
  const c = camel(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}
function upperSnake(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

/** Codama >= 1.10 omits empty `fields` on struct nodes; the JS renderer expects the array. */
function normalise(node) {
  if (Array.isArray(node)) return node.map(normalise);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) out[k] = normalise(v);
    if (out.kind === 'structTypeNode' && !out.fields) out.fields = [];
    return out;
  }
  return node;
}

function buildRoot() {
  const root = normalise(rootNodeFromAnchor(idl));
  const eventTypes = (root.program.events ?? []).map((event) => {
    let data = event.data;
    while (data.kind === 'hiddenPrefixTypeNode') data = data.type;
    return normalise(definedTypeNode({ name: event.name, type: data, docs: event.docs ?? [] }));
  });
  return { ...root, program: { ...root.program, definedTypes: [...root.program.definedTypes, ...eventTypes] } };
}

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Relative imports get explicit extensions (`./foo` -> `./foo.js`, `../pdas` -> `../pdas/index.js`). */
function esmImports(file, text) {
  return text.replace(/(from\s+|import\s*\(\s*)(["'])(\.{1,2}\/[^"']*)\2/g, (match, lead, quote, spec) => {
    if (/\.(js|mjs|cjs|json)$/.test(spec)) return match;
    const base = resolve(dirname(file), spec);
    if (existsSync(`${base}.ts`)) return `${lead}${quote}${spec}.js${quote}`;
    if (existsSync(join(base, 'index.ts'))) return `${lead}${quote}${spec}/index.js${quote}`;
    throw new Error(`${file}: cannot resolve ${spec}`);
  });
}

function browserSafe(text) {
  return text.replaceAll(
    'process.env.NODE_ENV',
    '(globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV',
  );
}

function disc(prefix, name) {
  return [...createHash('sha256').update(`${prefix}:${name}`).digest().subarray(0, 8)];
}

function eventsFile() {
  const events = idl.events ?? [];
  const lines = [];
  const typeImports = events.flatMap((e) => [`get${pascal(e.name)}Decoder`, `type ${pascal(e.name)}`]);
  lines.push(`import { getBase64Encoder, type ReadonlyUint8Array } from '@solana/kit';`);
  lines.push(`import {\n${typeImports.map((n) => `  ${n},`).join('\n')}\n} from './types/index.js';`);
  lines.push('');
  for (const e of events) {
    const expected = disc('event', e.name);
    if (e.discriminator && JSON.stringify(e.discriminator) !== JSON.stringify(expected)) {
      throw new Error(`event ${e.name}: IDL discriminator is not sha256("event:${e.name}")[..8]`);
    }
    lines.push(`/** \`sha256("event:${e.name}")[..8]\` */`);
    lines.push(`export const ${upperSnake(e.name)}_EVENT_DISCRIMINATOR = new Uint8Array([${expected.join(', ')}]);`);
  }
  lines.push('');
  lines.push('/** Every DFPN event, tagged with its IDL name. */');
  lines.push('export type DfpnEvent =');
  lines.push(events.map((e) => `  | ({ name: '${e.name}' } & ${pascal(e.name)})`).join('\n') + ';');
  lines.push('');
  lines.push('/** The IDL name of every event, in IDL order. */');
  lines.push(`export const DFPN_EVENT_NAMES = [${events.map((e) => `'${e.name}'`).join(', ')}] as const;`);
  lines.push('');
  lines.push('const DECODERS: ReadonlyArray<{ name: DfpnEvent[\'name\']; discriminator: Uint8Array; decode: (bytes: ReadonlyUint8Array) => object }> = [');
  for (const e of events) {
    lines.push(
      `  { name: '${e.name}', discriminator: ${upperSnake(e.name)}_EVENT_DISCRIMINATOR, decode: (b) => get${pascal(e.name)}Decoder().decode(b) },`,
    );
  }
  lines.push('];');
  lines.push('');
  lines.push(`/**
 * Decode one event payload (\`discriminator ‖ borsh(fields)\`, what \`sol_log_data\` wrote).
 * Returns null for an unknown discriminator; throws when the fields do not decode.
 */
export function decodeDfpnEvent(payload: ReadonlyUint8Array): DfpnEvent | null {
  if (payload.length < 8) return null;
  for (const d of DECODERS) {
    if (d.discriminator.every((byte, i) => payload[i] === byte)) {
      return { name: d.name, ...d.decode(payload.subarray(8)) } as DfpnEvent;
    }
  }
  return null;
}

/** Decode the base64 text of a \`Program data: <base64>\` log line. */
export function decodeDfpnEventBase64(data: string): DfpnEvent | null {
  return decodeDfpnEvent(getBase64Encoder().encode(data));
}
`);
  return lines.join('\n');
}

function errorsFile() {
  const rows = idl.errors.map(
    (e) => `  { code: ${e.code}, name: '${e.name}', errorCode: '${upperSnake(e.name)}', msg: ${JSON.stringify(e.msg)} },`,
  );
  return `/** One program error of the IDL: \`Custom(code)\`, its IDL name, the SDK's \`ErrorCode\` and the message. */
export type ProgramErrorInfo = {
  readonly code: number;
  readonly name: string;
  readonly errorCode: ProgramErrorCodeName;
  readonly msg: string;
};

/** The SDK \`ErrorCode\` names of the program's errors (UPPER_SNAKE of the IDL names). */
export type ProgramErrorCodeName =
${idl.errors.map((e) => `  | '${upperSnake(e.name)}'`).join('\n')};

/** The program's errors (\`DfpnError\`, codes ${idl.errors[0].code}..${idl.errors.at(-1).code}) in IDL order. */
export const PROGRAM_ERRORS: ReadonlyArray<ProgramErrorInfo> = [
${rows.join('\n')}
];
`;
}

function idlFile() {
  return `/** The program's Anchor IDL (spec ${idl.metadata.spec}), as committed in idl/dfpn.json. Load it with
 * @coral-xyz/anchor's \`new Program(DFPN_IDL as Idl, provider)\`. */
export const DFPN_IDL = ${JSON.stringify(idl, null, 2)} as const;

/** sha256 of idl/dfpn.json as generated from. */
export const DFPN_IDL_SHA256 = '${createHash('sha256').update(idlText).digest('hex')}';
`;
}

async function generate(outDir) {
  const codama = createFromRoot(buildRoot());
  await codama.accept(renderVisitor(outDir, { deleteFolderBeforeRendering: true, formatCode: true }));
  writeFileSync(join(outDir, 'events.ts'), eventsFile());
  writeFileSync(join(outDir, 'programErrors.ts'), errorsFile());
  writeFileSync(join(outDir, 'idl.ts'), idlFile());
  const index = join(outDir, 'index.ts');
  writeFileSync(
    index,
    `${readFileSync(index, 'utf8')}export * from './events';\nexport * from './programErrors';\nexport * from './idl';\n`,
  );
  for (const file of walk(outDir)) {
    let text = readFileSync(file, 'utf8');
    text = browserSafe(esmImports(file, text));
    writeFileSync(file, BANNER + text);
  }
}

async function main() {
  const check = process.argv.includes('--check');
  if (!check) {
    await generate(TARGET);
    console.log(`wrote ${relative(process.cwd(), TARGET) || TARGET} from ${relative(process.cwd(), IDL_PATH)}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'dfpn-generated-'));
  try {
    const fresh = join(tmp, 'generated');
    await generate(fresh);
    const want = new Map(walk(fresh).map((f) => [relative(fresh, f), readFileSync(f, 'utf8')]));
    const have = existsSync(TARGET)
      ? new Map(walk(TARGET).map((f) => [relative(TARGET, f), readFileSync(f, 'utf8')]))
      : new Map();
    const problems = [];
    for (const [name, text] of want) {
      if (!have.has(name)) problems.push(`missing: src/generated/${name}`);
      else if (have.get(name) !== text) problems.push(`differs: src/generated/${name}`);
    }
    for (const name of have.keys()) if (!want.has(name)) problems.push(`extra: src/generated/${name}`);
    if (problems.length) {
      console.error(`src/generated/ is stale (${problems.length} files); run \`npm run generate\`:`);
      for (const p of problems) console.error(`  ${p}`);
      process.exit(1);
    }
    console.log(`src/generated/ is current (${want.size} files, idl/dfpn.json)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
