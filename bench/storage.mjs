// Storage: `videogen push` of 8 outputs of 256 MiB each to s3rver (a real S3 protocol
// implementation, in this process, on 127.0.0.1, port 0, storing into a temp directory),
// then `videogen pull` of the same 8 into a clone with no outputs and no cache. Both are
// cold CLI processes; throughput is bytes / wall time of the process (startup included).
// Each is compared with the same transfers done with bare node:http in a fresh process
// (bench/s3-plain.mjs), which is what the store and the loopback allow. Peak RSS is measured
// at two file sizes and must not grow with them. Files go to os.tmpdir() and everything is
// deleted afterwards.
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completedEntry, lacksSpace, ROOT, timeCli, timeNode } from './lib.mjs';

const PLAIN = join(ROOT, 'bench', 's3-plain.mjs');
/** As many transfers at once as videogen runs: 2 uploads (src/storage/object-store.ts UPLOADS), 2 pulls (src/commands/transfer-report.ts PULLS). */
const PLAIN_PUTS = 2;
const PLAIN_GETS = 2;

const MiB = 1024 * 1024;
export const STORAGE_DEFAULTS = { files: 8, bytes: 256 * MiB, smallBytes: 32 * MiB };
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
};

export async function benchStorage(options = {}) {
  const { files, bytes, smallBytes } = { ...STORAGE_DEFAULTS, ...options };
  const dir = mkdtempSync(join(tmpdir(), 'videogen-bench-storage-'));
  try {
    // Outputs, the store's copies (videogen's and the baseline's) and multipart parts, and
    // the pulled copy (plus slack).
    const skipped = lacksSpace(dir, files * bytes * 5.5);
    if (skipped) return { skipped };
    const small = await roundTrip(dir, files, smallBytes);
    const large = await roundTrip(dir, files, bytes);
    return {
      files,
      bytesPerFile: bytes,
      push: large.push,
      pull: large.pull,
      smallFiles: { bytesPerFile: smallBytes, push: small.push, pull: small.pull },
      store: 's3rver 3.7 in the bench process (single-threaded, writes every object to disk; multipart parts are joined by rewriting them)',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function plain(args) {
  const result = await timeNode([PLAIN, ...args.map(String)]);
  if (result.code !== 0) throw new Error(`s3-plain ${args[0]} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The plain GETs into a folder of their own, deleted at once so they cost the next run no disk. */
async function plainGet(runDir, base, keys) {
  const dest = mkdtempSync(join(runDir, 'plain-get-'));
  try {
    return await plain(['get', PLAIN_GETS, base, dest, ...keys]);
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}

const faster = (a, b) => (a.bytes / a.elapsedMs >= b.bytes / b.elapsedMs ? a : b);

/** Push from one project, pull into a clone of it; everything deleted afterwards. */
async function roundTrip(dir, files, bytes) {
  const { default: S3rver } = await import('s3rver');
  const runDir = mkdtempSync(join(dir, `round-${bytes / MiB}-`));
  const s3Dir = join(runDir, 's3');
  mkdirSync(s3Dir);
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir, configureBuckets: [{ name: 'videos' }] });
  const { port } = await server.run();
  try {
    const origin = join(runDir, 'origin');
    const clone = join(runDir, 'clone');
    mkdirSync(origin);
    mkdirSync(clone);
    const manifest = await writeProject(origin, `http://127.0.0.1:${port}`, files, bytes);
    writeFileSync(join(clone, 'shots.yaml'), manifest.text);
    writeFileSync(join(clone, 'shots.lock.yaml'), manifest.lock);

    // Each baseline runs before and after videogen and the faster run counts, so whatever
    // the disk is still flushing from one run cannot favour videogen.
    const base = `http://127.0.0.1:${port}/videos`;
    const sources = manifest.outputs.map((output) => join(origin, output.path));
    const putBefore = await plain(['put', PLAIN_PUTS, base, ...sources]);
    const push = await timeCli(['push', 'shots.yaml'], { cwd: origin, env: AWS_ENV });
    if (push.code !== 0) throw new Error(`push exited ${push.code}: ${push.stderr}${push.stdout}`);
    const plainPut = faster(putBefore, await plain(['put', PLAIN_PUTS, base, ...sources]));
    rmSync(origin, { recursive: true, force: true });

    const keys = manifest.outputs.map((output) => `bench/sha256/${output.sha256.slice(0, 2)}/${output.sha256}.mp4`);
    const getBefore = await plainGet(runDir, base, keys);
    const pull = await timeCli(['pull', 'shots.yaml'], { cwd: clone, env: AWS_ENV });
    if (pull.code !== 0) throw new Error(`pull exited ${pull.code}: ${pull.stderr}${pull.stdout}`);
    if (!pull.stdout.includes(`Pulled ${files} outputs (0 from the local cache, ${files} from the store)`)) throw new Error(`pull: ${pull.stdout}`);
    const plainGot = faster(getBefore, await plainGet(runDir, base, keys));
    const total = files * bytes;
    const figures = (run, baseline) => ({
      wallMs: run.wallMs,
      throughputBytesPerSec: (total / run.wallMs) * 1000,
      peakRssBytes: run.rssBytes,
      cpuMs: run.cpuMs,
      plain: { elapsedMs: baseline.elapsedMs, throughputBytesPerSec: (baseline.bytes / baseline.elapsedMs) * 1000 },
    });
    return { push: figures(push, plainPut), pull: figures(pull, plainGot) };
  } finally {
    await server.close();
    rmSync(runDir, { recursive: true, force: true });
  }
}

/**
 * A manifest with `storage:` and a lock whose completed entries name `files` outputs of
 * `bytes` random bytes each (random, so nothing on the way can compress them).
 */
async function writeProject(dir, endpoint, files, bytes) {
  const { loadManifest } = await import('../dist/manifest/load.js');
  const { serializeLock } = await import('../dist/lock/serialize.js');
  const lines = ['version: 1', 'storage:', '  url: s3://videos/bench', `  endpoint: ${endpoint}`, '  force_path_style: true', 'providers:', '  hg: { type: heygen }', 'shots:'];
  for (let i = 0; i < files; i++) lines.push(`  - id: big-${i}`, `    prompt: "Big video ${i}"`);
  const text = `${lines.join('\n')}\n`;
  writeFileSync(join(dir, 'shots.yaml'), text);
  const manifest = await loadManifest(join(dir, 'shots.yaml'));
  mkdirSync(join(dir, 'out'));
  const lock = { version: 1, shots: {} };
  for (const shot of manifest.shots) {
    lock.shots[shot.id] = completedEntry(shot, { path: shot.output, ...randomFile(join(dir, shot.output), bytes) });
  }
  const lockText = serializeLock(lock);
  writeFileSync(join(dir, 'shots.lock.yaml'), lockText);
  return { text, lock: lockText, outputs: Object.values(lock.shots).map((entry) => entry.output) };
}

function randomFile(path, bytes) {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(4 * MiB);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; written += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, bytes - written));
      randomFillSync(part);
      hash.update(part);
      writeSync(fd, part);
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), bytes };
}
