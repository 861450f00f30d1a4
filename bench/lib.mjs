// Shared helpers for the benchmarks: timing cold CLI processes and printing a table.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
// BENCH_BIN benchmarks another build of the CLI (say, an older commit's) against this checkout's emulator.
export const BIN = process.env.BENCH_BIN ?? join(ROOT, 'bin', 'videogen.js');

const discarded = [];

/**
 * A new working directory for a benchmark (`videogen-bench-<name>-…` in the OS temp folder),
 * deleted when the process exits rather than when the benchmark ends (BENCH_KEEP keeps it).
 * ext4 does not reuse an inode freed in the last one to five minutes, and checks each
 * candidate against its inode table block: a benchmark that creates 100,000 files right after
 * another deleted 100,000 spends most of its kernel time walking past them (BENCHMARKS.md,
 * "Scale"), which would measure the previous benchmark's cleanup rather than videogen.
 */
export function benchDir(name) {
  const dir = mkdtempSync(join(tmpdir(), `videogen-bench-${name}-`));
  if (process.env.BENCH_KEEP) process.on('exit', () => console.error(`kept ${dir}`));
  else discarded.push(dir);
  return dir;
}

/** When a bench process last deleted files at its exit (so the next one can say it is early). */
const CLEANUP_MARK = join(tmpdir(), 'videogen-bench-cleanup-at');
const RECENT_CLEANUP_MS = 5 * 60_000;

process.on('exit', () => {
  if (discarded.length === 0) return;
  for (const dir of discarded.splice(0)) rmSync(dir, { recursive: true, force: true });
  writeFileSync(CLEANUP_MARK, String(Date.now()));
});
// A bench stopped with Ctrl-C still deletes what it made (a signal's default ends the process
// without 'exit', and the directories kept until then run to gigabytes).
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

/** Node flags from a BENCH_*_FLAGS variable (say, `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
export function nodeFlagsFrom(variable) {
  return process.env[variable]?.split(' ').filter(Boolean) ?? [];
}

/** A warning when an earlier bench deleted its files less than five minutes ago (see benchDir). */
export function recentCleanupWarning() {
  let at;
  try {
    at = Number(readFileSync(CLEANUP_MARK, 'utf8'));
  } catch {
    return undefined;
  }
  const ago = Date.now() - at;
  if (!(ago >= 0 && ago < RECENT_CLEANUP_MS)) return undefined;
  return `bench: an earlier bench deleted its files ${Math.round(ago / 1000)} s ago; on ext4, creating files is slower for up to 5 minutes after that, so the apply and plan figures may come out low`;
}

const RSS_PROBE = join(ROOT, 'bench', 'rss-probe.mjs');

/**
 * Runs the CLI in a fresh process; returns wall time, peak RSS, CPU time (cpuMs = user +
 * system, and each), exit code and output.
 */
export function timeCli(args, options = {}) {
  return timeNode([BIN, ...args], options);
}

/**
 * Runs `node <argv>` in a fresh process with the RSS/CPU probe loaded; see timeCli. With
 * `keepStdout: false` only the byte count of stdout is kept (a 100,000-shot NDJSON stream).
 */
export async function timeNode(argv, { cwd = ROOT, env = {}, keepStdout = true } = {}) {
  const rssFile = join(tmpdir(), `videogen-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = process.hrtime.bigint();
  // BENCH_NODE_FLAGS reaches only the process measured, not the emulator.
  const child = spawn(process.execPath, [...nodeFlagsFrom('BENCH_NODE_FLAGS'), '--import', RSS_PROBE, ...argv], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...passedThrough(), BENCH_RSS_FILE: rssFile, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stdoutBytes = 0;
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdoutBytes += chunk.length;
    if (keepStdout) stdout += chunk;
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on('close', resolve));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  let probe = {};
  try {
    probe = JSON.parse(readFileSync(rssFile, 'utf8'));
    rmSync(rssFile);
  } catch {
    // The child died before its exit hook ran: no figures.
  }
  const cpu =
    probe.cpuUserUs === undefined
      ? {}
      : { cpuMs: (probe.cpuUserUs + probe.cpuSystemUs) / 1000, cpuUserMs: probe.cpuUserUs / 1000, cpuSystemMs: probe.cpuSystemUs / 1000 };
  return { code, wallMs, rssBytes: probe.maxRssBytes, ...cpu, io: probe.io, stdout, stdoutBytes, stderr };
}

/** For experiments: a libuv thread pool size set for the bench is set for the children too. */
function passedThrough() {
  return process.env.UV_THREADPOOL_SIZE ? { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE } : {};
}

/** A lock entry for a shot (as the built manifest loader gives it) completed with `output`. */
export function completedEntry(shot, output) {
  return {
    spec_hash: shot.specHash,
    spec: shot.spec,
    state: 'completed',
    job_id: `node-gw-${shot.id}`,
    provider: 'hg',
    submitted_at: '2026-11-21T10:00:00Z',
    completed_at: '2026-11-21T10:03:12Z',
    output,
  };
}

/**
 * A lockfile naming every shot of `manifest` (as the built loader gives it) completed, and a
 * small stand-in output for each (4 KB with an MP4 signature), so a plan must stat and hash
 * them all and has nothing to do.
 */
export async function completeEveryShot(dir, manifest) {
  const { serializeLock } = await import('../dist/lock/serialize.js');
  mkdirSync(join(dir, manifest.outputDir), { recursive: true });
  const lock = { version: 1, shots: {} };
  for (const shot of manifest.shots) {
    const bytes = Buffer.alloc(4096, shot.id);
    bytes.writeUInt32BE(32, 0);
    bytes.write('ftyp', 4, 'latin1');
    writeFileSync(join(dir, shot.output), bytes);
    lock.shots[shot.id] = completedEntry(shot, { path: shot.output, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
  }
  writeFileSync(manifest.lockFile, serializeLock(lock));
}

/**
 * What videogen does with a download, minus its checks, for the baselines: sha256 while
 * streaming `body` to `<dest>.part`, fsync, rename. Returns the byte count.
 */
export async function saveHashed(body, dest) {
  const hash = createHash('sha256');
  let bytes = 0;
  const hashing = new Transform({
    transform(chunk, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(body, hashing, createWriteStream(`${dest}.part`));
  hash.digest('hex');
  const handle = await open(`${dest}.part`, 'r');
  await handle.sync();
  await handle.close();
  await rename(`${dest}.part`, dest);
  return bytes;
}

/** Why a benchmark must be skipped for want of `need` bytes free in `dir`, or undefined when there is room. */
export function lacksSpace(dir, need) {
  const { bavail, bsize } = statfsSync(dir);
  if (bavail * bsize >= need) return undefined;
  return `needs ${(need / 1e9).toFixed(1)} GB free in ${tmpdir()}, has ${((bavail * bsize) / 1e9).toFixed(1)} GB`;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export const mb = (bytes) => (bytes === undefined ? 'n/a' : `${(bytes / 1e6).toFixed(0)} MB`);
export const ms = (value) => `${value.toFixed(0)} ms`;

export function printTable(rows) {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => String(row[i] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  '));
}

/**
 * A manifest of `shots` openai-videos shots against an emulator at `url` (one provider,
 * `bench`, key in $BENCH_API_KEY), as the apply benchmarks write it.
 */
export function openaiBenchManifest({ url, shots, concurrency, poll, prompt = (i) => `Shot ${i}: a lighthouse at dusk, waves`, id = (i) => `shot-${i}` }) {
  const lines = [
    'version: 1',
    'output_dir: out',
    'providers:',
    '  bench:',
    '    type: openai-videos',
    `    base_url: ${url}/v1`,
    '    api_key_env: BENCH_API_KEY',
    `    concurrency: ${concurrency}`,
    `    poll: ${poll}`,
    'defaults: { provider: bench, model: veo-3.1-fast-generate-001 }',
    'shots:',
  ];
  for (let i = 0; i < shots; i++) lines.push(`  - id: ${id(i)}`, `    prompt: "${prompt(i)}"`);
  return `${lines.join('\n')}\n`;
}
