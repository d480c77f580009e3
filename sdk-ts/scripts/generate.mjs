#!/usr/bin/env node
// Generates sdk-ts/src/generated/ from the committed Anchor IDL (../idl/dfpn.json) and the error catalogue
// (../idl/errors.catalogue.json).
//
//   node scripts/generate.mjs           write src/generated/
//   node scripts/generate.mjs --check   regenerate into a temporary folder and fail (exit 1) when it differs
//
// Codama (@codama/nodes-from-anchor -> @codama/renderers-js) writes the instruction builders, account codecs and
// fetchers, PDA helpers, defined types and program error constants for @solana/kit. This script then:
//   - adds the event structs as defined types (Codama reads events but its JS renderer does not render them),
//   - makes the output valid Node ESM (explicit `.js` / `/index.js` on relative imports) and browser-safe
//     (no bare `process` reference),
//   - writes events.ts (event discriminators and a decoder), programErrors.ts (the IDL's error table),
//     constants.ts (the IDL's `constants`: the protocol's numbers, seeds, commitment domain, and the enum tables
//     built from the MODALITY_/VERDICT_/CONSENSUS_/REQUEST_STATUS_/SEAT_STATE_ groups), errorCodes.ts (`ErrorCode`,
//     the SDK's own codes and messages, every code's hint: the catalogue, with the TypeScript wording of
//     the catalogue's `hint_ts` where a hint names SDK API), idl.ts (the IDL itself, for @coral-xyz/anchor) and
//     programData.ts (the BPF upgradeable loader, after checking that the IDL's only PDA under another program is
//     `program_data`, the ProgramData account of the program id, which `initialize_config` takes),
//   - puts a do-not-edit banner on every file.
import { createFromRoot, definedTypeNode } from 'codama';
import { rootNodeFromAnchor } from '@codama/nodes-from-anchor';
import { renderVisitor } from '@codama/renderers-js';
import { getAddressDecoder } from '@solana/kit';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SDK = resolve(HERE, '..');
const IDL_PATH = resolve(SDK, '..', 'idl', 'dfpn.json');
const CATALOGUE_PATH = resolve(SDK, '..', 'idl', 'errors.catalogue.json');
const TARGET = join(SDK, 'src', 'generated');

const BANNER = `// DO NOT EDIT. Generated from idl/dfpn.json and idl/errors.catalogue.json by sdk-ts/scripts/generate.mjs
// (\`npm run generate\`); \`npm run check-generated\` fails when this folder is not what the generator writes.
`;

const idlText = readFileSync(IDL_PATH, 'utf8');
const idl = JSON.parse(idlText);
const catalogue = JSON.parse(readFileSync(CATALOGUE_PATH, 'utf8'));

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

/** The catalogue entry of every program error, in IDL order; fails when the catalogue and the IDL disagree. */
function programCatalogue() {
  const byName = new Map(catalogue.program_errors.map((e) => [e.name, e]));
  const missing = idl.errors.filter((e) => !byName.has(e.name)).map((e) => e.name);
  if (missing.length) throw new Error(`idl/errors.catalogue.json has no entry for program error(s) ${missing.join(', ')}`);
  const known = new Set(idl.errors.map((e) => e.name));
  const extra = catalogue.program_errors.filter((e) => !known.has(e.name)).map((e) => e.name);
  if (extra.length) throw new Error(`idl/errors.catalogue.json names program error(s) the IDL lacks: ${extra.join(', ')}`);
  return idl.errors.map((e) => ({ ...e, errorCode: byName.get(e.name).code, hint: byName.get(e.name).hint, hint_ts: byName.get(e.name).hint_ts }));
}

function errorsFile() {
  const program = programCatalogue();
  const rows = program.map(
    (e) => `  { code: ${e.code}, name: '${e.name}', errorCode: '${e.errorCode}', msg: ${JSON.stringify(e.msg)} },`,
  );
  return `/** One program error of the IDL: \`Custom(code)\`, its IDL name, the SDK's \`ErrorCode\` and the message. */
export type ProgramErrorInfo = {
  readonly code: number;
  readonly name: string;
  readonly errorCode: ProgramErrorCodeName;
  readonly msg: string;
};

/** The SDK \`ErrorCode\` names of the program's errors (idl/errors.catalogue.json: UPPER_SNAKE of the IDL names). */
export type ProgramErrorCodeName =
${program.map((e) => `  | '${e.errorCode}'`).join('\n')};

/** The program's errors (\`DfpnError\`, codes ${idl.errors[0].code}..${idl.errors.at(-1).code}) in IDL order. */
export const PROGRAM_ERRORS: ReadonlyArray<ProgramErrorInfo> = [
${rows.join('\n')}
];
`;
}

/** A string literal for generated code. */
function lit(text) {
  return JSON.stringify(text);
}

/** `1234567` -> `1_234_567` (numbers of five digits and more, as the program writes them). */
function digits(value) {
  const text = String(value);
  return text.replace(/^-/, '').length < 5 ? text : text.replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}

/** Doc comment lines at `indent`. */
function docLines(lines, indent = '') {
  const text = lines.map((l) => l.trim()).filter(Boolean).join(' ');
  return text ? [`${indent}/** ${text.replaceAll('*/', '* /')} */`] : [];
}

const SMALL_INTS = new Set(['u8', 'u16', 'u32', 'i8', 'i16', 'i32']);
const BIG_INTS = new Set(['u64', 'i64']);

/**
 * Groups of IDL constants that are the values of one enum: `<prefix><MEMBER>` (a `<prefix>COUNT` and, for bit
 * flags, a `<prefix>ALL` check the group). `codes` enums are 0..n−1 and become a table of names by code; `bits`
 * enums are 1 << i and become an object of bits by name.
 */
const ENUMS = [
  { prefix: 'MODALITY_', table: 'MODALITY_BITS', kind: 'bits', what: "the modalities by name, each one's bit in the program's `u8` mask" },
  { prefix: 'VERDICT_', table: 'VERDICT_NAMES', kind: 'codes', what: 'the verdict names by their on-chain byte' },
  { prefix: 'CONSENSUS_', table: 'CONSENSUS_NAMES', kind: 'codes', what: 'the consensus names by their on-chain byte' },
  { prefix: 'REQUEST_STATUS_', table: 'REQUEST_STATUS_NAMES', kind: 'codes', what: 'the request statuses by their on-chain byte' },
  { prefix: 'SEAT_STATE_', table: 'SEAT_STATE_NAMES', kind: 'codes', what: 'the seat states by their on-chain byte' },
];

/** `AI_GENERATED_IMAGE` -> `AiGeneratedImage` */
function memberName(upper) {
  return pascal(upper.toLowerCase());
}

function enumTable(spec, constants) {
  const group = constants.filter((c) => c.name.startsWith(spec.prefix));
  const count = group.find((c) => c.name === `${spec.prefix}COUNT`);
  const all = group.find((c) => c.name === `${spec.prefix}ALL`);
  const members = group.filter((c) => c !== count && c !== all);
  if (members.length === 0) throw new Error(`IDL constants: no ${spec.prefix}* members`);
  members.forEach((c, i) => {
    const want = spec.kind === 'bits' ? 1 << i : i;
    if (c.type !== 'u8' || Number(c.value) !== want) {
      throw new Error(`IDL constant ${c.name} = ${c.value} (${c.type}): ${spec.prefix}* must be u8 ${spec.kind === 'bits' ? '1 << i' : 'i'} in order`);
    }
  });
  if (count && Number(count.value) !== members.length) throw new Error(`${count.name} is not the number of ${spec.prefix}* members`);
  if (all && Number(all.value) !== (1 << members.length) - 1) throw new Error(`${all.name} is not every ${spec.prefix}* bit`);
  const what = spec.what.charAt(0).toUpperCase() + spec.what.slice(1);
  const lines = ['', ...docLines([`${what} (IDL constants \`${spec.prefix}*\`).`])];
  if (spec.kind === 'bits') {
    lines.push(`export const ${spec.table} = {`);
    for (const c of members) lines.push(`  ${memberName(c.name.slice(spec.prefix.length))}: ${c.name},`);
    lines.push('} as const;');
  } else {
    const names = members.map((c) => lit(memberName(c.name.slice(spec.prefix.length))).replaceAll('"', "'"));
    lines.push(`export const ${spec.table} = [${names.join(', ')}] as const;`);
  }
  return lines;
}

function constantsFile() {
  const constants = idl.constants ?? [];
  const lines = [
    `import type { ReadonlyUint8Array } from '@solana/kit';`,
    '',
    '// The program\'s constants (programs/dfpn/src/constants.rs, in the IDL\'s `constants`): u64/i64 as bigint, smaller',
    '// integers as number, byte strings as bytes.',
  ];
  for (const c of constants) {
    lines.push('');
    if (c.type === 'bytes') {
      const bytes = JSON.parse(c.value);
      const text = Buffer.from(bytes).toString('latin1');
      const printable = /^[\x21-\x7e]+$/.test(text) ? ` (\`"${text}"\`)` : '';
      lines.push(...docLines([...(c.docs ?? []), printable && `Bytes${printable}.`]));
      lines.push(`export const ${c.name}: ReadonlyUint8Array = new Uint8Array([${bytes.join(', ')}]);`);
    } else if (SMALL_INTS.has(c.type)) {
      lines.push(...docLines(c.docs ?? []));
      lines.push(`export const ${c.name} = ${digits(BigInt(c.value))};`);
    } else if (BIG_INTS.has(c.type)) {
      lines.push(...docLines(c.docs ?? []));
      lines.push(`export const ${c.name} = ${digits(BigInt(c.value))}n;`);
    } else {
      throw new Error(`IDL constant ${c.name}: type ${c.type} is not supported`);
    }
  }
  for (const spec of ENUMS) lines.push(...enumTable(spec, constants));
  return lines.join('\n') + '\n';
}

/** `ErrorCode`, the SDK's codes and messages, and every code's hint (catalogue order: the SDK's, then the program's). */
function errorCodesFile() {
  const program = programCatalogue();
  const sdk = catalogue.sdk_errors;
  const codes = [...sdk.map((e) => e.code), ...program.map((e) => e.errorCode)];
  // The catalogue's `hint_ts` is the TypeScript wording where a hint names SDK API; it must differ from `hint`.
  const tsHint = (e) => {
    if (e.hint_ts === e.hint) throw new Error(`idl/errors.catalogue.json: ${e.code ?? e.name}: hint_ts repeats hint; drop it`);
    return e.hint_ts ?? e.hint;
  };
  const hints = new Map([...sdk.map((e) => [e.code, tsHint(e)]), ...program.map((e) => [e.errorCode, tsHint(e)])]);
  const q = (text) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  const lines = [
    `import type { ProgramErrorCodeName } from './programErrors.js';`,
    '',
    '/** The SDK\'s own error codes (not program errors), in the catalogue\'s order. */',
    'export const SDK_ERROR_CODES = [',
    ...sdk.map((e) => `  ${q(e.code)},`),
    '] as const;',
    '',
    '/** One of the SDK\'s own error codes. */',
    'export type SdkErrorCode = (typeof SDK_ERROR_CODES)[number];',
    '',
    '/** What went wrong: an SDK code or a program error\'s name in UPPER_SNAKE case. */',
    'export type ErrorCode = SdkErrorCode | ProgramErrorCodeName;',
    '',
    '/** Every error code as a constant: `ErrorCode.INSUFFICIENT_FUNDS === \'INSUFFICIENT_FUNDS\'`; the SDK\'s codes first, then',
    ' * the program\'s in code order. */',
    'export const ErrorCode: { readonly [K in ErrorCode]: K } = Object.freeze({',
    ...codes.map((c) => `  ${c}: ${q(c)},`),
    '});',
    '',
    '/** Every error code, the SDK\'s first, then the program\'s in code order. */',
    'export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.freeze(Object.keys(ErrorCode) as ErrorCode[]);',
    '',
    '/** The default message of each of the SDK\'s own codes (program errors take the IDL\'s message). */',
    'export const SDK_ERROR_MESSAGES: Readonly<Record<SdkErrorCode, string>> = Object.freeze({',
    ...sdk.map((e) => `  ${e.code}: ${q(e.message)},`),
    '});',
    '',
    '/** What to do about each failure; appended to the message of a `DFPNError`. */',
    'export const ERROR_HINTS: Readonly<Record<ErrorCode, string>> = Object.freeze({',
    ...codes.map((c) => `  ${c}: ${q(hints.get(c))},`),
    '});',
  ];
  return lines.join('\n') + '\n';
}

function idlFile() {
  return `/** The program's Anchor IDL (spec ${idl.metadata.spec}), as committed in idl/dfpn.json. Load it with
 * @coral-xyz/anchor's \`new Program(DFPN_IDL as Idl, provider)\`. */
export const DFPN_IDL = ${JSON.stringify(idl, null, 2)} as const;

/** sha256 of idl/dfpn.json as generated from. */
export const DFPN_IDL_SHA256 = '${createHash('sha256').update(idlText).digest('hex')}';
`;
}

/** The BPF upgradeable loader: the owner of a program's ProgramData account, the PDA of `[program id]` under it. */
const UPGRADEABLE_LOADER = 'BPFLoaderUpgradeab1e11111111111111111111111';

/**
 * Instruction accounts whose PDA the IDL derives under another program (`"pda": { "seeds", "program" }`): Codama
 * renders them (its async builders derive them with the IDL's program address as a constant seed). The SDK supports
 * one kind, checked here: a `program_data` account that is this program's ProgramData (one constant seed, the IDL's
 * program address, under the BPF upgradeable loader, a constant `program`). Anything else fails the generation
 * rather than render an address the SDK's own PDA helpers would derive differently. Returns where it is used.
 */
function programDataAccounts() {
  const addr = getAddressDecoder();
  const found = [];
  for (const ix of idl.instructions) {
    for (const account of ix.accounts ?? []) {
      const program = account.pda?.program;
      if (!program) continue;
      const where = `${ix.name}.${account.name}`;
      const owner =
        program.kind === 'const' && Array.isArray(program.value) && program.value.length === 32
          ? addr.decode(Uint8Array.from(program.value))
          : null;
      const seeds = account.pda.seeds ?? [];
      const seed =
        seeds.length === 1 && seeds[0].kind === 'const' && seeds[0].value?.length === 32
          ? addr.decode(Uint8Array.from(seeds[0].value))
          : null;
      if (account.name !== 'program_data' || owner !== UPGRADEABLE_LOADER || seed !== idl.address) {
        throw new Error(
          `${where}: a PDA under another program is supported only as \`program_data\`, the PDA of [${idl.address}] ` +
            `under ${UPGRADEABLE_LOADER} (extend scripts/generate.mjs for others)`,
        );
      }
      found.push(where);
    }
  }
  return found;
}

function programDataFile() {
  const users = programDataAccounts().map((u) => `\`${u}\``);
  const what = users.length ? ` (IDL: ${users.join(', ')})` : '';
  return `import type { Address } from '@solana/kit';

/** The BPF upgradeable loader: a program's ProgramData account is the PDA of \`[program id]\` under it${what}. */
export const BPF_LOADER_UPGRADEABLE_ADDRESS = '${UPGRADEABLE_LOADER}' as Address<'${UPGRADEABLE_LOADER}'>;
`;
}

async function generate(outDir) {
  const codama = createFromRoot(buildRoot());
  await codama.accept(renderVisitor(outDir, { deleteFolderBeforeRendering: true, formatCode: true }));
  writeFileSync(join(outDir, 'events.ts'), eventsFile());
  writeFileSync(join(outDir, 'programErrors.ts'), errorsFile());
  writeFileSync(join(outDir, 'constants.ts'), constantsFile());
  writeFileSync(join(outDir, 'errorCodes.ts'), errorCodesFile());
  writeFileSync(join(outDir, 'idl.ts'), idlFile());
  writeFileSync(join(outDir, 'programData.ts'), programDataFile());
  const index = join(outDir, 'index.ts');
  const extra = ['events', 'programErrors', 'constants', 'errorCodes', 'idl', 'programData'].map((m) => `export * from './${m}';\n`);
  writeFileSync(index, `${readFileSync(index, 'utf8')}${extra.join('')}`);
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
    console.log(
      `wrote ${relative(process.cwd(), TARGET) || TARGET} from ${relative(process.cwd(), IDL_PATH)} and ` +
        relative(process.cwd(), CATALOGUE_PATH),
    );
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
    console.log(`src/generated/ is current (${want.size} files, idl/dfpn.json, idl/errors.catalogue.json)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
