/**
 * The bad-input suite: hostile or broken manifests, lockfiles and command lines, each through
 * the real CLI. Every case must end with its stable error code (at its `file:line:col` when
 * there is a position), the documented exit code, no stack trace, nothing on stdout, within
 * seconds (bombs must not hang), and the project folder exactly as it was: same files, same
 * bytes, no lockfile written, no pid file left, no out/ created.
 *
 * Large and binary inputs are generated here (sparse files cost no disk), never committed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readlink, symlink, truncate, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { collect, startCli, type CliOptions, type CliResult } from './helpers/cli.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

// ---------------------------------------------------------------------------------------------
// Building blocks

const MB = 1024 * 1024;
const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const EMPTY_LOCK = '# videogen lockfile: generated, commit it with the manifest; do not edit by hand\nversion: 1\nshots: {}\n';
const HASH = `sha256:${'a'.repeat(64)}`;
const SHA = 'b'.repeat(64);

const PROVIDERS = [
  'providers:',
  '  local:',
  '    type: heygen',
  '    emulate: true',
  '  oa:',
  '    type: openai-videos',
  '    emulate: true',
  '    reference_format: object',
  '  hx:',
  '    type: openai-videos',
  '    emulate: true',
  '    reference_format: string',
  '  om:',
  '    type: openai-videos',
  '    emulate: true',
  'defaults:',
  '  provider: local',
  '',
].join('\n');

/** A manifest whose shots (and optional top-level lines) are the hostile part. */
function manifest(shots: string, head = ''): string {
  return `version: 1\n${head}${PROVIDERS}shots:\n${shots}`;
}

const ONE_SHOT = manifest('  - id: a\n    prompt: hello\n');

/** A lock entry with every field a completed shot has; `patch` rewrites lines for the case. */
function lockEntry(id: string, lines: string[] = []): string {
  return [
    `  ${id}:`,
    `    spec_hash: ${HASH}`,
    '    spec: { provider: heygen, endpoint: emulator, model: veo_3_1, prompt: hello, aspect_ratio: "16:9" }',
    ...lines.map((line) => `    ${line}`),
    '',
  ].join('\n');
}
const COMPLETED = ['state: completed', 'job_id: job-1', 'submitted_at: 2026-11-21T10:00:00Z', 'completed_at: 2026-11-21T10:03:12Z'];
const output = (path: string) => `output: { path: ${path}, sha256: ${SHA}, bytes: 1843221 }`;

/** `line:col` (1-based) where `needle` starts in `text`, plus `offset` characters. */
function positionIn(text: string, needle: string, offset = 0, nth = 1): string {
  let index = -1;
  for (let n = 0; n < nth; n++) index = text.indexOf(needle, index + 1);
  if (index === -1) throw new Error(`fixture bug: ${JSON.stringify(needle)} not in text`);
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length;
  const col = before.length - before.lastIndexOf('\n');
  return `${line}:${col}`;
}

async function sparse(ws: Workspace, file: string, bytes: number, head: Uint8Array = new Uint8Array()): Promise<void> {
  await ws.write(file, head);
  await truncate(ws.path(file), bytes);
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

/** Every entry below `dir` (not following symlinks) with what it is: a file's sha256, a link's target. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(join(dir, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      const full = join(dir, name);
      if (entry.isSymbolicLink()) out[name] = `symlink -> ${await readlink(full)}`;
      else if (entry.isDirectory()) {
        out[name] = 'directory';
        await walk(name);
      } else if (entry.isFile()) out[name] = `file ${await sha256(full)}`;
      else out[name] = 'special';
    }
  };
  await walk('');
  return out;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The cases

interface HostileCase {
  name: string;
  /** Writes the project; returns the expected `file:line:col` (without the code) when there is one. */
  setup: (ws: Workspace) => Promise<string | undefined>;
  args: string[];
  code: string;
  /** Default 3 (invalid input or usage). */
  exit?: number;
  message?: RegExp;
  posixOnly?: boolean;
  /** The file a diagnostic must locate (`file:line:col`) when the exact position is not predictable. */
  located?: string;
  /** What stdout may hold (only prune's list of what it would delete, before it asks); default nothing. */
  stdout?: RegExp;
}

/** Writes `shots.yaml` (and an empty lock beside it) and expects the problem at `needle`. */
function manifestCase(
  name: string,
  text: string,
  code: string,
  needle: string | undefined,
  options: {
    offset?: number;
    nth?: number;
    at?: string;
    located?: boolean;
    args?: string[];
    message?: RegExp;
    extra?: (ws: Workspace) => Promise<void>;
    posixOnly?: boolean;
  } = {},
): HostileCase {
  return {
    name,
    code,
    args: options.args ?? ['plan', '--json'],
    ...(options.located ? { located: 'shots.yaml' } : {}),
    ...(options.message ? { message: options.message } : {}),
    ...(options.posixOnly ? { posixOnly: true } : {}),
    async setup(ws) {
      await ws.write('shots.yaml', text);
      await ws.write('shots.lock.yaml', EMPTY_LOCK);
      await options.extra?.(ws);
      if (options.at !== undefined) return `shots.yaml:${options.at}`;
      return needle === undefined ? undefined : `shots.yaml:${positionIn(text, needle, options.offset ?? 0, options.nth ?? 1)}`;
    },
  };
}

interface LockCaseOptions {
  offset?: number;
  nth?: number;
  /** The position when it is not found by a needle (1:1 for a whole-file problem). */
  at?: string;
  located?: boolean;
  /** How the text is stored (default UTF-8). */
  bytes?: (text: string) => Buffer;
  args?: string[];
  message?: RegExp;
  posixOnly?: boolean;
}

/** A valid one-shot manifest beside a hostile `shots.lock.yaml`. */
function lockCase(
  name: string,
  lock: string | ((ws: Workspace) => Promise<void>),
  code: string,
  needle: string | undefined,
  options: LockCaseOptions = {},
): HostileCase {
  return {
    name,
    code,
    args: options.args ?? ['plan', '--json'],
    ...(options.message ? { message: options.message } : {}),
    ...(options.posixOnly ? { posixOnly: true } : {}),
    ...(options.located ? { located: 'shots.lock.yaml' } : {}),
    async setup(ws) {
      await ws.write('shots.yaml', ONE_SHOT);
      if (typeof lock === 'string') await ws.write('shots.lock.yaml', options.bytes ? options.bytes(lock) : lock);
      else await lock(ws);
      if (options.at !== undefined) return `shots.lock.yaml:${options.at}`;
      if (needle === undefined || typeof lock !== 'string') return undefined;
      return `shots.lock.yaml:${positionIn(lock, needle, options.offset ?? 0, options.nth ?? 1)}`;
    },
  };
}

/** A valid project run with hostile flags. */
function usageCase(name: string, args: string[], message?: RegExp): HostileCase {
  return {
    name,
    code: 'VIDEOGEN_USAGE',
    args,
    ...(message ? { message } : {}),
    async setup(ws) {
      await ws.write('shots.yaml', ONE_SHOT);
      await ws.write('shots.lock.yaml', EMPTY_LOCK);
      return undefined;
    },
  };
}

const M = 'VIDEOGEN_MANIFEST_';
const L = 'VIDEOGEN_LOCK_';

// --- the manifest file itself: missing, not a file, too big, binary, wrong encoding ---
const fileCases: HostileCase[] = [
  usageCase('an empty manifest path', ['plan', '--json', ''], /manifest path is empty/),
  {
    name: 'a missing manifest',
    code: `${M}NOT_FOUND`,
    args: ['plan', '--json', 'nope.yaml'],
    message: /no such file/,
    setup: async (ws) => void (await ws.write('other.yaml', ONE_SHOT)),
  },
  {
    name: 'a manifest path that is a directory',
    code: `${M}NOT_FOUND`,
    args: ['validate', '--json', 'campaign'],
    message: /is a directory/,
    setup: async (ws) => void (await ws.write('campaign/shots.yaml', ONE_SHOT)),
  },
  {
    name: 'a manifest that is a FIFO (must not block)',
    code: `${M}NOT_FOUND`,
    args: ['plan', '--json', 'shots.yaml'],
    message: /not a regular file/,
    posixOnly: true,
    setup: async (ws) => void mkfifo(ws.path('shots.yaml')),
  },
  {
    name: 'a manifest that is a symlink to /dev/zero (must not read forever)',
    code: `${M}NOT_FOUND`,
    args: ['validate', '--json'],
    message: /not a regular file/,
    posixOnly: true,
    setup: async (ws) => void (await symlink('/dev/zero', ws.path('shots.yaml'))),
  },
  {
    name: 'a 50 MB sparse manifest',
    code: `${M}TOO_LARGE`,
    args: ['plan', '--json'],
    message: /50\.0 MB; the limit is 10 MB/,
    setup: async (ws) => void (await sparse(ws, 'shots.yaml', 50 * MB)),
  },
  {
    name: 'a 50 MB manifest of real YAML',
    code: `${M}TOO_LARGE`,
    args: ['apply', '--yes', '--json'],
    setup: async (ws) => {
      const shot = '  - id: shot\n    prompt: a long, long prompt about a coastal city at golden hour\n';
      await ws.write('shots.yaml', ONE_SHOT + shot.repeat(Math.ceil((50 * MB) / shot.length)));
      return undefined;
    },
  },
  {
    name: 'binary garbage with NUL bytes',
    code: `${M}SYNTAX`,
    args: ['plan', '--json'],
    message: /NUL bytes/,
    setup: async (ws) => {
      const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 1) % 256));
      await ws.write('shots.yaml', Buffer.concat([Buffer.from('version: 1\nshots:\n  - '), garbage]));
      // Located at the first NUL, counting the newlines the garbage itself holds.
      const before = Buffer.concat([Buffer.from('version: 1\nshots:\n  - '), garbage.subarray(0, garbage.indexOf(0))]).toString('utf8');
      const line = before.split('\n').length;
      return `shots.yaml:${line}:${before.length - before.lastIndexOf('\n')}`;
    },
  },
  {
    name: 'a PNG saved as shots.yaml (binary, no NUL in the first bytes)',
    code: `${M}SYNTAX`,
    args: ['validate', '--json'],
    message: /not valid UTF-8/,
    setup: async (ws) => {
      await ws.write('shots.yaml', Buffer.concat([PNG_HEADER.subarray(0, 8), Buffer.alloc(64, 0xff)]));
      return 'shots.yaml:1:1';
    },
  },
  {
    name: 'UTF-16LE with a byte-order mark',
    code: `${M}SYNTAX`,
    args: ['plan', '--json'],
    message: /UTF-16/,
    setup: async (ws) => {
      await ws.write('shots.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ONE_SHOT, 'utf16le')]));
      return 'shots.yaml:1:1';
    },
  },
  {
    name: 'UTF-16BE with a byte-order mark',
    code: `${M}SYNTAX`,
    args: ['validate', '--json'],
    message: /UTF-16/,
    setup: async (ws) => {
      await ws.write('shots.yaml', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(ONE_SHOT, 'utf16le').swap16()]));
      return 'shots.yaml:1:1';
    },
  },
  {
    name: 'UTF-32LE with a byte-order mark',
    code: `${M}SYNTAX`,
    args: ['plan', '--json'],
    message: /UTF-32/,
    setup: async (ws) => {
      const units = [...ONE_SHOT].flatMap((ch) => [ch.charCodeAt(0), 0, 0, 0]);
      await ws.write('shots.yaml', Buffer.from([0xff, 0xfe, 0, 0, ...units]));
      return 'shots.yaml:1:1';
    },
  },
  {
    name: 'UTF-16 without a byte-order mark',
    code: `${M}SYNTAX`,
    args: ['plan', '--json'],
    message: /NUL bytes/,
    setup: async (ws) => {
      await ws.write('shots.yaml', Buffer.from(ONE_SHOT, 'utf16le'));
      return 'shots.yaml:1:2';
    },
  },
  (() => {
    const text = manifest('  - id: a\n    prompt: Caf\u00e9 terrace at dusk\n');
    return {
      name: 'Latin-1 text (an é that is not UTF-8)',
      code: `${M}SYNTAX`,
      args: ['plan', '--json'],
      message: /not valid UTF-8.*Latin-1/,
      setup: async (ws: Workspace) => {
        await ws.write('shots.yaml', Buffer.from(text, 'latin1'));
        return `shots.yaml:${positionIn(text, '\u00e9')}`;
      },
    };
  })(),
  manifestCase('an empty file', '', `${M}REQUIRED`, undefined, { at: '1:1', message: /manifest is empty/ }),
  manifestCase('a document that is only null', '~\n', `${M}REQUIRED`, '~'),
  manifestCase('a top-level list', '- version: 1\n- shots: []\n', `${M}TYPE`, '- version'),
  manifestCase('two YAML documents', `${ONE_SHOT}---\n${ONE_SHOT}`, `${M}SYNTAX`, '---', { message: /more than one YAML document/ }),
];

// --- YAML bombs: each must fail in about a second, not hang or exhaust memory ---
const billionLaughs = (() => {
  let text = 'version: 1\nx0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let level = 1; level <= 9; level++) text += `x${level}: &x${level} [${Array(9).fill(`*x${level - 1}`).join(', ')}]\n`;
  return `${text}${PROVIDERS}shots:\n  - id: a\n    prompt: hello\n    options: { bomb: *x9 }\n`;
})();
const manyAliases = manifest(
  `  - id: a\n    prompt: hello\n    options:\n${Array.from({ length: 1500 }, (_, i) => `      k${i}: *v\n`).join('')}`,
  'anchor: &v value\n',
);
const deepBlock = manifest(`  - id: a\n    prompt: hello\n    options:\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 3)}k:\n`).join('')}`);
const bombCases: HostileCase[] = [
  manifestCase('billion laughs (9 levels of 9 aliases)', billionLaughs, `${M}SYNTAX`, '*x0', { message: /aliases expand to too many nodes/ }),
  manifestCase('1,500 aliases of one small anchor', manyAliases, `${M}SYNTAX`, 'k1000: *v', { offset: 7, message: /more than 1000 aliases/, args: ['validate', '--json'] }),
  manifestCase(
    'flow sequences nested 100,000 deep',
    manifest(`  - id: a\n    prompt: hello\n    options: { k: ${'['.repeat(100_000)}${']'.repeat(100_000)} }\n`),
    `${M}SYNTAX`,
    undefined,
    { located: true, message: /nests too deeply/ },
  ),
  manifestCase('flow mappings nested 50,000 deep', `version: 1\nx: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}\n`, `${M}SYNTAX`, undefined, {
    located: true,
    message: /nests too deeply/,
    args: ['apply', '--yes', '--json'],
  }),
  manifestCase('block mappings nested 3,000 deep', deepBlock, `${M}SYNTAX`, undefined, { located: true, message: /nests too deeply/, args: ['validate', '--json'] }),
  manifestCase('a 5 MB prompt on one line', manifest(`  - id: a\n    prompt: ${'x'.repeat(5 * MB)}\n`), `${M}VALUE`, 'prompt: ', { offset: 8, message: /at most 32000 characters/ }),
  manifestCase('an unknown YAML tag (!js/function)', manifest('  - id: a\n    prompt: !js/function "return 1"\n'), `${M}SYNTAX`, '!js/function', { message: /unknown YAML tag/ }),
  manifestCase(
    '!!binary, !!set and !!timestamp in options (no JSON form)',
    manifest('  - id: a\n    prompt: hello\n    options: { blob: !!binary aGVsbG8=, set: !!set { x }, at: !!timestamp 2001-12-14 }\n'),
    `${M}VALUE`,
    'aGVsbG8=',
    { message: /expected a JSON value/ },
  ),
];

// --- ids and outputs that try to leave output_dir ---
const idCase = (name: string, id: string, code = `${M}BAD_ID`, message?: RegExp) =>
  manifestCase(name, manifest(`  - id: ${id}\n    prompt: hello\n`), code, `id: ${id}`, { offset: 4, ...(message ? { message } : {}) });
const outputCase = (name: string, written: string, message: RegExp) =>
  manifestCase(name, manifest(`  - id: a\n    prompt: hello\n    output: ${written}\n`), `${M}OUTPUT_PATH`, `output: ${written}`, { offset: 8, message });
const outputDirCase = (name: string, written: string, message: RegExp, extra?: (ws: Workspace) => Promise<void>) =>
  manifestCase(name, manifest('  - id: a\n    prompt: hello\n', `output_dir: ${written}\n`), `${M}VALUE`, `output_dir: ${written}`, {
    offset: 12,
    message,
    ...(extra ? { extra } : {}),
  });
const escapeCases: HostileCase[] = [
  idCase('id ../escape', '../escape'),
  idCase('id /etc/passwd', '/etc/passwd'),
  idCase('id with a NUL byte', '"a\\0b"'),
  idCase('id C:\\x (a Windows drive)', 'C:\\x'),
  idCase('id with a backslash', 'a\\b'),
  idCase('id nul (a Windows device)', 'nul', `${M}BAD_ID`, /Windows device/),
  idCase('id com1.final (a Windows device with an extension)', 'com1.final', `${M}BAD_ID`, /Windows device/),
  idCase('id .. alone', '".."'),
  outputCase('output ../../outside.mp4', '../../outside.mp4', /stays inside output_dir/),
  outputCase('output /tmp/owned.mp4', '/tmp/owned.mp4', /not an absolute path/),
  outputCase('output C:/owned.mp4', 'C:/owned.mp4', /not a drive path/),
  outputCase('output with backslashes', 'sub\\..\\..\\owned.mp4', /forward slashes/),
  outputCase('output with a NUL byte', '"x\\0.mp4"', /NUL/),
  outputCase('output naming an NTFS stream (a.mp4:evil.mp4)', '"a.mp4:evil.mp4"', /< > : " \| \? \*/),
  outputCase('output naming a Windows device (sub/aux.mp4)', 'sub/aux.mp4', /Windows device/),
  outputDirCase('output_dir with backslashes', 'renders\\final', /forward slashes/),
  outputDirCase('output_dir with a NUL byte', '"out\\0x"', /NUL/),
  outputDirCase('output_dir that is an existing file', 'notes.txt', /not a directory/, async (ws) => void (await ws.write('notes.txt', 'hello\n'))),
  ...(process.platform === 'win32' ? [] : [outputDirCase('output_dir as a Windows drive path on POSIX', 'C:/renders', /Windows drive path/)]),
];

// --- reference and tail images: directories, symlinks out of the tree, devices, huge files ---
const imageManifest = (provider: string, field: string, value: string) =>
  manifest(`  - id: a\n    provider: ${provider}\n    prompt: hello\n${provider === 'local' ? '' : '    duration: 4\n'}    ${field}: ${value}\n`);
const imageCase = (
  name: string,
  value: string,
  code: string,
  message: RegExp,
  extra: (ws: Workspace) => Promise<void>,
  options: { provider?: string; field?: string; args?: string[]; posixOnly?: boolean } = {},
) => {
  const field = options.field ?? 'reference_image';
  return manifestCase(name, imageManifest(options.provider ?? 'local', field, value), code, `${field}: ${value}`, {
    offset: field.length + 2,
    message,
    extra,
    ...(options.args ? { args: options.args } : {}),
    ...(options.posixOnly ? { posixOnly: true } : {}),
  });
};
const imageCases: HostileCase[] = [
  imageCase('a reference image that is a directory', 'refs/product.png', `${M}FILE_NOT_FOUND`, /is a directory/, async (ws) => {
    await mkdir(ws.path('refs/product.png'), { recursive: true });
  }),
  imageCase(
    'a reference image symlinked out of the tree',
    'refs/product.png',
    `${M}FILE_OUTSIDE`,
    /symlink to .*outside the manifest's directory/,
    async (ws) => {
      await mkdir(ws.path('refs'), { recursive: true });
      await symlink(process.execPath, ws.path('refs/product.png'));
    },
    { posixOnly: true },
  ),
  imageCase(
    'a reference image in a symlinked directory that leads out of the tree',
    `shared/${basename(process.execPath)}`,
    `${M}FILE_OUTSIDE`,
    /outside the manifest's directory/,
    async (ws) => void (await symlink(join(process.execPath, '..'), ws.path('shared'))),
    { posixOnly: true, args: ['validate', '--json'] },
  ),
  imageCase('an absolute reference image path outside the tree', process.execPath, `${M}FILE_OUTSIDE`, /outside the manifest's directory/, async () => undefined, {
    posixOnly: true,
  }),
  imageCase('a ../ reference image', '../outside.png', `${M}FILE_OUTSIDE`, /outside the manifest's directory/, async () => undefined),
  imageCase(
    'a tail image symlinked to /dev/zero',
    'refs/zero.png',
    `${M}FILE_OUTSIDE`,
    /outside the manifest's directory/,
    async (ws) => {
      await mkdir(ws.path('refs'), { recursive: true });
      await symlink('/dev/zero', ws.path('refs/zero.png'));
    },
    { field: 'tail_image', posixOnly: true },
  ),
  imageCase(
    'a reference image that is a FIFO inside the tree (must not block)',
    'refs/pipe.png',
    `${M}FILE_NOT_FOUND`,
    /not a regular file/,
    async (ws) => {
      await mkdir(ws.path('refs'), { recursive: true });
      mkfifo(ws.path('refs/pipe.png'));
    },
    { posixOnly: true, args: ['apply', '--yes', '--json'] },
  ),
  imageCase(
    'a reference image that is a symlink loop',
    'refs/loop.png',
    `${M}FILE_NOT_FOUND`,
    /symlink loop/,
    async (ws) => {
      await mkdir(ws.path('refs'), { recursive: true });
      await symlink('loop.png', ws.path('refs/loop.png'));
    },
    { posixOnly: true },
  ),
  imageCase(
    'a dangling reference image symlink',
    'refs/gone.png',
    `${M}FILE_NOT_FOUND`,
    /no such file/,
    async (ws) => {
      await mkdir(ws.path('refs'), { recursive: true });
      await symlink('nowhere.png', ws.path('refs/gone.png'));
    },
    { posixOnly: true },
  ),
  imageCase('a 33 MB reference image for heygen (limit 32 MB)', 'refs/huge.png', `${M}IMAGE_TOO_LARGE`, /33\.0 MB.*at most 32 MB/, async (ws) => {
    await sparse(ws, 'refs/huge.png', 33 * MB, PNG_HEADER);
  }),
  imageCase(
    'a 33 MB tail image for heygen',
    'refs/huge.png',
    `${M}IMAGE_TOO_LARGE`,
    /too large for provider `local`/,
    async (ws) => void (await sparse(ws, 'refs/huge.png', 33 * MB, PNG_HEADER)),
    { field: 'tail_image', args: ['validate', '--json'] },
  ),
  imageCase(
    'a 21 MB image inlined as a data: URL (openai-videos, object)',
    'refs/big.png',
    `${M}IMAGE_TOO_LARGE`,
    /reference_format: object.*20 MB/,
    async (ws) => void (await sparse(ws, 'refs/big.png', 21 * MB, PNG_HEADER)),
    { provider: 'oa' },
  ),
  imageCase(
    'a 16 MB image inlined as base64 (openai-videos, string): over 20 MB once encoded',
    'refs/big.png',
    `${M}IMAGE_TOO_LARGE`,
    /at most 15\.0 MB/,
    async (ws) => void (await sparse(ws, 'refs/big.png', 16 * MB, PNG_HEADER)),
    { provider: 'hx' },
  ),
  imageCase('a Windows drive reference image path', '"C:\\\\refs\\\\a.png"', `${M}VALUE`, /forward slashes/, async () => undefined),
  imageCase('a reference image path with backslashes', '"refs\\\\a.png"', `${M}VALUE`, /forward slashes/, async () => undefined),
  imageCase('a file:// reference image URL', 'file:///etc/passwd', `${M}VALUE`, /local file path or an http\(s\) URL/, async () => undefined),
];

// --- lockfiles edited by hand, merged badly, or replaced by something else ---
const lockOf = (...entries: string[]) => `version: 1\nshots:\n${entries.join('')}`;
const conflict = `version: 1\nshots:\n<<<<<<< HEAD\n${lockEntry('a', [...COMPLETED, output('out/a.mp4')])}=======\n${lockEntry('a', ['state: failed', 'error: { code: x, message: y }'])}>>>>>>> feature\n`;
const lockCases: HostileCase[] = [
  lockCase('a completed shot without output', lockOf(lockEntry('a', COMPLETED)), `${L}CONTRADICTION`, 'state: completed', { offset: 7, message: /no `output`/ }),
  lockCase('a failed shot without error', lockOf(lockEntry('a', ['state: failed'])), `${L}CONTRADICTION`, 'state: failed', { offset: 7, args: ['status', '--json'] }),
  lockCase('a duplicate shot id', lockOf(lockEntry('a', [...COMPLETED, output('out/a.mp4')]), lockEntry('a', [...COMPLETED, output('out/a.mp4')])), `${L}CONTRADICTION`, '  a:\n', {
    offset: 2,
    nth: 2,
    message: /appears more than once/,
  }),
  lockCase('a duplicate field inside an entry', lockOf(lockEntry('a', [...COMPLETED, 'state: failed', output('out/a.mp4')])), `${L}CONTRADICTION`, 'state: failed', { args: ['validate', '--json'] }),
  lockCase('an unknown lockfile version (2)', lockOf(lockEntry('a', [...COMPLETED, output('out/a.mp4')])).replace('version: 1', 'version: 2'), `${L}VERSION`, 'version: 2', {
    offset: 9,
    message: /newer videogen/,
  }),
  lockCase('a lockfile version that is text', 'version: one\nshots: {}\n', `${L}VERSION`, 'one', { args: ['apply', '--yes', '--json'] }),
  lockCase('a lockfile without a version', 'shots: {}\n', `${L}VERSION`, 'shots', { message: /missing `version: 1`/ }),
  lockCase(
    'a submitted entry whose output escapes the project',
    lockOf(lockEntry('a', ['state: submitted', 'job_id: job-1', output('../../../etc/passwd')])),
    `${L}CONTRADICTION`,
    'output:',
    { message: /state is `submitted` but an `output` is recorded/, args: ['apply', '--yes', '--json'] },
  ),
  lockCase('a completed output at an absolute path', lockOf(lockEntry('a', [...COMPLETED, output('/etc/passwd')])), `${L}SCHEMA`, '/etc/passwd', {
    args: ['status', '--json'],
  }),
  lockCase('a completed output on a Windows drive', lockOf(lockEntry('a', [...COMPLETED, output('"C:/x.mp4"')])), `${L}SCHEMA`, '"C:/x.mp4"'),
  lockCase('a completed output with backslashes', lockOf(lockEntry('a', [...COMPLETED, output('"out\\\\..\\\\..\\\\x.mp4"')])), `${L}SCHEMA`, '"out\\\\', {
    message: /forward slashes/,
  }),
  lockCase('a completed output with a NUL byte', lockOf(lockEntry('a', [...COMPLETED, output('"out/\\0.mp4"')])), `${L}SCHEMA`, '"out/\\0', { args: ['prune', '--yes'] }),
  lockCase('an unresolved git merge conflict', conflict, `${L}SYNTAX`, '<<<<<<< HEAD', { message: /merge conflict/, args: ['apply', '--yes', '--json'] }),
  lockCase('a shot id that climbs out (../x)', lockOf(lockEntry('"../x"', COMPLETED.concat(output('out/x.mp4')))), `${L}SCHEMA`, '"../x"'),
  lockCase('an unknown state', lockOf(lockEntry('a', ['state: paid'])), `${L}SCHEMA`, 'paid'),
  lockCase('shots as a list', 'version: 1\nshots:\n  - a\n', `${L}SCHEMA`, '- a', { args: ['validate', '--json'] }),
  lockCase('an empty lockfile', '', `${L}SCHEMA`, undefined, { message: /empty/ }),
  lockCase(
    'an alias bomb in the lockfile',
    `version: 1\nshots:\n  a:\n    spec_hash: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n    spec: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n    state: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n    job_id: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n    provider: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n    output: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n`,
    `${L}SYNTAX`,
    undefined,
    { message: /aliases/, at: '1:1' },
  ),
  lockCase('a lockfile nested 100,000 deep', `version: 1\nshots:\n  a:\n    spec: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, `${L}SYNTAX`, undefined, {
    located: true,
    message: /nests too deeply/,
  }),
  lockCase('a lockfile that is a directory', async (ws) => void (await mkdir(ws.path('shots.lock.yaml'))), `${L}SYNTAX`, undefined, { message: /is a directory/ }),
  lockCase('a lockfile that is a FIFO (must not block)', async (ws) => void mkfifo(ws.path('shots.lock.yaml')), `${L}SYNTAX`, undefined, {
    message: /not a regular file/,
    posixOnly: true,
    args: ['apply', '--yes', '--json'],
  }),
  lockCase('a 50 MB sparse lockfile (all NUL bytes)', async (ws) => void (await sparse(ws, 'shots.lock.yaml', 50 * MB)), `${L}SYNTAX`, undefined, {
    message: /shots\.lock\.yaml:1:1: VIDEOGEN_LOCK_SYNTAX .*NUL bytes/,
  }),
  lockCase('a 101 MB sparse lockfile', async (ws) => void (await sparse(ws, 'shots.lock.yaml', 101 * MB)), `${L}SYNTAX`, undefined, {
    message: /at most 100 MB/,
    args: ['status', '--json'],
  }),
  lockCase('a UTF-16 lockfile', EMPTY_LOCK, `${L}SYNTAX`, undefined, {
    at: '1:1',
    message: /UTF-16/,
    bytes: (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
  }),
  lockCase('a Latin-1 lockfile', lockOf(lockEntry('a', ['state: failed', 'error: { code: x, message: "caf\u00e9" }'])), `${L}SYNTAX`, '\u00e9', {
    message: /not valid UTF-8/,
    bytes: (text) => Buffer.from(text, 'latin1'),
  }),
  lockCase('binary garbage as the lockfile', async (ws) => void (await ws.write('shots.lock.yaml', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31 + 7) % 256)))), `${L}SYNTAX`, undefined, {
    located: true,
    message: /NUL bytes/,
    args: ['validate', '--json'],
  }),
];

// --- command-line arguments ---
const cliCases: HostileCase[] = [
  usageCase('--concurrency 0', ['apply', '--yes', '--json', '--concurrency', '0'], /at least 1/),
  usageCase('--concurrency abc', ['apply', '--yes', '--json', '--concurrency', 'abc'], /at least 1/),
  usageCase('--concurrency -1', ['apply', '--yes', '--json', '--concurrency=-1'], /at least 1/),
  usageCase('--concurrency 1e3', ['apply', '--yes', '--json', '--concurrency', '1e3'], /"1e3"/),
  usageCase('--concurrency 2.5', ['apply', '--yes', '--json', '--concurrency', '2.5'], /at least 1/),
  usageCase("--only ''", ['apply', '--yes', '--json', '--only', ''], /empty selector/),
  usageCase("--replace ' '", ['plan', '--json', '--replace', ' '], /empty selector/),
  usageCase('--only tag: (no tag name)', ['plan', '--json', '--only', 'tag:'], /empty selector/),
  usageCase('--only without its value', ['plan', '--json', '--only'], /argument missing/),
  usageCase('--only matching no shot', ['apply', '--yes', '--json', '--only', 'nothing-*'], /no shot matches/),
  usageCase('an unknown flag', ['plan', '--json', '--bogus'], /unknown option '--bogus'/),
  usageCase('a flag of another command (--concurrency on plan)', ['plan', '--json', '--concurrency', '2'], /unknown option/),
  usageCase('an unknown command', ['deploy', '--json'], /unknown command 'deploy'/),
  usageCase('two manifests', ['plan', '--json', 'shots.yaml', 'other.yaml'], /too many arguments/),
  usageCase('apply --json without --yes and no terminal', ['apply', '--json'], /no terminal to confirm in/),
  { ...usageCase('apply without --yes and no terminal', ['apply'], /no terminal to confirm in/), stdout: /^Plan for shots\.yaml:\n[^]*\+ a \(local\)/ },
  usageCase('emulate --port abc', ['emulate', '--port', 'abc'], /not a whole number between 0 and 65535/),
  usageCase('emulate --fail-rate 2', ['emulate', '--fail-rate', '2'], /not a rate/),
  usageCase('prune without --yes and no terminal', ['prune'], /no terminal to confirm in/),
  usageCase('review --port 70000', ['review', '--port', '70000'], /port number between 0 and 65535/),
  usageCase('review --static with --port', ['review', '--static', 'r.html', '--port', '0'], /--port with --static/),
  usageCase('review --static naming the lockfile', ['review', '--static', 'shots.lock.yaml'], /not an \.html file name/),
  {
    name: 'apply while another live apply holds the lock',
    code: `${L}BUSY`,
    exit: 1,
    args: ['apply', '--yes', '--json'],
    message: /another videogen apply/,
    async setup(ws) {
      await ws.write('shots.yaml', ONE_SHOT);
      await ws.write('shots.lock.yaml', EMPTY_LOCK);
      // This test process is alive and on this host, so the pid file is not stale.
      const holder = { pid: process.pid, hostname: hostname(), started_at: new Date().toISOString() };
      await ws.write('shots.lock.yaml.pid', `${JSON.stringify(holder)}\n`);
      return undefined;
    },
  },
];

// --- review files: a valid project beside a hostile `shots.review.yaml` ---
const R = 'VIDEOGEN_REVIEW_';
const REVIEW_HEAD = 'version: 1\nverdicts:\n';

function reviewCase(name: string, review: string, code: string, needle: string, args: string[] = ['plan', '--json']): HostileCase {
  return {
    name,
    code,
    args,
    located: 'shots.review.yaml',
    async setup(ws) {
      await ws.write('shots.yaml', ONE_SHOT);
      await ws.write('shots.lock.yaml', EMPTY_LOCK);
      await ws.write('shots.review.yaml', review);
      return `shots.review.yaml:${positionIn(review, needle)}`;
    },
  };
}

const verdictOf = (verdict: string, key = SHA) => `${REVIEW_HEAD}  ${key}:\n    verdict: ${verdict}\n    shot: a\n    at: "2026-12-01T10:00:00Z"\n`;
const reviewCases: HostileCase[] = [
  reviewCase('a review verdict that is neither approved nor rejected', verdictOf('maybe'), `${R}SCHEMA`, 'maybe'),
  reviewCase('a review file keyed by shot id instead of sha256', verdictOf('approved', 'a'), `${R}SCHEMA`, 'a:\n'),
  reviewCase('a review file from a newer videogen', 'version: 2\nverdicts: {}\n', `${R}VERSION`, '2'),
  reviewCase('a review file with a duplicated key', 'version: 1\nversion: 1\nverdicts: {}\n', `${R}SYNTAX`, 'version: 1\nverdicts', ['validate', '--json']),
  reviewCase('apply --yes beside a broken review file', verdictOf('maybe'), `${R}SCHEMA`, 'maybe', ['apply', '--yes', '--json']),
  reviewCase('review --static beside a broken review file', verdictOf('maybe'), `${R}SCHEMA`, 'maybe', ['review', '--static', 'r.html']),
];

// prune only prompts when there are orphans: give it one so the missing --yes matters.
const pruneCase = cliCases.find((c) => c.name.startsWith('prune without'))!;
pruneCase.stdout = /^ {2}- orphan: lock entry\n$/;
pruneCase.setup = async (ws) => {
  await ws.write('shots.yaml', ONE_SHOT);
  await ws.write('shots.lock.yaml', lockOf(lockEntry('orphan', ['state: failed', 'error: { code: x, message: y }'])));
  return undefined;
};

const ALL: HostileCase[] = [...fileCases, ...bombCases, ...escapeCases, ...imageCases, ...lockCases, ...reviewCases, ...cliCases];
const runnable = ALL.filter((c) => !(c.posixOnly && process.platform === 'win32'));

// ---------------------------------------------------------------------------------------------
// The runner

/** runCli, minus a crash when the child exits before its (empty) stdin is closed. */
function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const child = startCli(args, options);
  child.stdin?.on('error', () => undefined);
  return collect(child, options);
}

/** Child processes at once: the suite must stay quick on 2 cores next to other test files. */
const limit = pLimit(3);
/** A hostile input must be refused in seconds; the kill timer is only a backstop. */
const TIME_BOX_MS = 15_000;

async function runCase(c: HostileCase): Promise<void> {
  const ws = await createWorkspace('videogen-hostile-');
  try {
    const at = await c.setup(ws);
    const before = await snapshot(ws.dir);
    const started = Date.now();
    const result = await runCli(c.args, { cwd: ws.dir, timeoutMs: TIME_BOX_MS * 2 });
    const elapsed = Date.now() - started;
    const context = `${c.args.join(' ')}\n--- stderr ---\n${result.stderr}\n--- stdout ---\n${result.stdout.slice(0, 2000)}`;

    expect(result.signal, `killed after ${elapsed} ms: ${context}`).toBeNull();
    expect(elapsed, context).toBeLessThan(TIME_BOX_MS);
    expect(result.code, context).toBe(c.exit ?? 3);
    expect(result.stderr, context).toContain(c.code);
    if (at !== undefined) expect(result.stderr, context).toContain(`${at}: ${c.code}`);
    if (c.located) expect(result.stderr, context).toMatch(new RegExp(`${c.located.replace(/\./g, '\\.')}:\\d+:\\d+: ${c.code}`));
    if (c.message) expect(result.stderr, context).toMatch(c.message);
    // A clear message, not a crash.
    expect(result.stderr, context).not.toMatch(/unexpected error|^\s+at .+:\d+:\d+\)?$/m);
    // Nothing half-written on stdout: with --json it must stay parseable, and it is empty.
    if (c.stdout) expect(result.stdout, context).toMatch(c.stdout);
    else expect(result.stdout, context).toBe('');
    // Nothing changed: no lock written, no pid file left, no out/ created, no byte touched.
    expect(await snapshot(ws.dir), context).toEqual(before);
  } finally {
    await ws.remove();
  }
}

describe('hostile and broken inputs through the CLI', () => {
  it('has a corpus of at least 60 cases with unique names', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ALL.map((c) => c.name)).size).toBe(ALL.length);
  });

  for (const [group, cases] of [
    ['the manifest file', fileCases],
    ['YAML bombs', bombCases],
    ['paths escaping output_dir', escapeCases],
    ['reference images', imageCases],
    ['lockfiles', lockCases],
    ['review files', reviewCases],
    ['command-line arguments', cliCases],
  ] as const) {
    describe(group, () => {
      for (const c of cases) {
        it.skipIf(!runnable.includes(c)).concurrent(`${c.name}: exit ${c.exit ?? 3}, ${c.code}`, () => limit(() => runCase(c)), 120_000);
      }
    });
  }

  it('exits cleanly when the reader of stdout goes away (videogen plan --json | head -c0)', async () => {
    const ws = await createWorkspace('videogen-hostile-');
    try {
      await ws.write('shots.yaml', ONE_SHOT);
      const before = await snapshot(ws.dir);
      const result = await limit(() => {
        const child = startCli(['plan', '--json'], { cwd: ws.dir });
        child.stdin?.on('error', () => undefined);
        // Close our end before the child writes: its first write fails with EPIPE.
        child.stdout?.destroy();
        return collect(child, { timeoutMs: TIME_BOX_MS });
      });
      expect(result.signal).toBeNull();
      expect(result.stderr).not.toMatch(/EPIPE|Unhandled|^\s+at /m);
      expect(result.code, result.stderr).toBe(0);
      expect(await snapshot(ws.dir)).toEqual(before);
    } finally {
      await ws.remove();
    }
  });

  it('accepts a reference image symlink that stays inside the tree (the control case)', async () => {
    if (process.platform === 'win32') return;
    const ws = await createWorkspace('videogen-hostile-');
    try {
      await ws.write('assets/product.png', PNG_HEADER);
      await mkdir(ws.path('refs'));
      await symlink('../assets/product.png', ws.path('refs/product.png'));
      await ws.write('shots.yaml', imageManifest('local', 'reference_image', 'refs/product.png'));
      const before = await snapshot(ws.dir);
      const result = await limit(() => runCli(['validate', '--json'], { cwd: ws.dir }));
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, shots: 1 });
      expect(await snapshot(ws.dir)).toEqual(before);
    } finally {
      await ws.remove();
    }
  });
});
