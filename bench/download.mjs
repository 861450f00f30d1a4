// Downloads: `videogen apply` of 8 shots whose videos the emulator pads to 256 MiB each, all
// 8 downloading at once. Throughput is compared with a plain undici GET of the same 8 URLs
// in a fresh process (bench/loopback-read.mjs) that hashes and writes the bytes the same
// way (sha256, file, fsync, rename) but checks nothing; a read that discards the bytes is
// reported too, as the ceiling of the loopback itself. Peak RSS of the apply process is
// measured at two file sizes: it must not grow with them. Files go to os.tmpdir() and are
// deleted after every run, so one run's worth of free space is enough.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lacksSpace, openaiBenchManifest, ROOT, timeCli, timeNode } from './lib.mjs';

const MiB = 1024 * 1024;
export const DOWNLOAD_DEFAULTS = { files: 8, bytes: 256 * MiB, smallBytes: 32 * MiB };
const LOOPBACK_READ = join(ROOT, 'bench', 'loopback-read.mjs');
const KEY = 'bench-key';
const EMULATOR_LATENCY_MS = 100;

export async function benchDownload(options = {}) {
  const { files, bytes, smallBytes } = { ...DOWNLOAD_DEFAULTS, ...options };
  const dir = mkdtempSync(join(tmpdir(), 'videogen-bench-download-'));
  try {
    // Outputs are deleted after each run, so one run's worth of space (plus slack) is enough.
    const skipped = lacksSpace(dir, files * bytes * 1.25);
    if (skipped) return { skipped };
    const small = await withEmulator(smallBytes, files, (emulator) => applyRun(dir, emulator, files));
    const { large, write, discard } = await withEmulator(bytes, files, async (emulator) => {
      // The plain read runs before and after apply, and the faster of the two counts, so
      // whatever the disk is still doing from one run cannot favour videogen.
      const before = await baselineRun(dir, 'write', await createJobs(emulator, files));
      const large = await applyRun(dir, emulator, files);
      const after = await baselineRun(dir, 'write', large.urls);
      const discard = await baselineRun(dir, 'discard', large.urls);
      const write = before.bytes / before.elapsedMs >= after.bytes / after.elapsedMs ? before : after;
      return { large, write: { ...write, runsMs: [before.elapsedMs, after.elapsedMs] }, discard };
    });
    const throughput = (large.totalBytes / large.downloadMs) * 1000;
    const writeThroughput = (write.bytes / write.elapsedMs) * 1000;
    return {
      files,
      bytesPerFile: bytes,
      wallMs: large.wallMs,
      downloadMs: large.downloadMs,
      throughputBytesPerSec: throughput,
      peakRssBytes: large.peakRssBytes,
      cpuMs: large.cpuMs,
      smallFiles: { bytesPerFile: smallBytes, peakRssBytes: small.peakRssBytes, downloadMs: small.downloadMs },
      baseline: {
        what: 'plain undici GET of the same URLs, concurrently, in a fresh process: sha256 while writing to a file, fsync, rename',
        elapsedMs: write.elapsedMs,
        runsMs: write.runsMs,
        throughputBytesPerSec: writeThroughput,
        peakRssBytes: write.peakRssBytes,
      },
      discardBaseline: {
        what: 'the same GETs, bytes discarded (the loopback and the emulator alone)',
        elapsedMs: discard.elapsedMs,
        throughputBytesPerSec: (discard.bytes / discard.elapsedMs) * 1000,
        peakRssBytes: discard.peakRssBytes,
      },
      ratio: throughput / writeThroughput,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withEmulator(videoBytes, files, use) {
  const { startEmulator } = await import('../dist/emulator/server.js');
  const emulator = await startEmulator({ latencyMs: EMULATOR_LATENCY_MS, videoBytes, maxConcurrent: files * 2, seed: 1 });
  try {
    return await use(emulator);
  } finally {
    await emulator.close();
  }
}

/** One apply of `files` shots against `emulator`; outputs deleted afterwards. */
async function applyRun(dir, emulator, files) {
  const runDir = mkdtempSync(join(dir, 'apply-'));
  try {
    const manifest = openaiBenchManifest({ url: emulator.url, shots: files, concurrency: files, poll: '{ initial: 100ms, max: 1s }', id: (i) => `big-${i}`, prompt: (i) => `Big video ${i}` });
    writeFileSync(join(runDir, 'shots.yaml'), manifest);
    const result = await timeCli(['apply', 'shots.yaml', '--yes', '--json', '--concurrency', String(files)], {
      cwd: runDir,
      env: { BENCH_API_KEY: KEY },
    });
    if (result.code !== 0) throw new Error(`apply exited ${result.code}: ${result.stderr}${result.stdout.slice(-2000)}`);
    const events = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((event) => event.type === 'shot');
    const at = (state) => events.filter((event) => event.state === state).map((event) => Date.parse(event.ts));
    const completed = events.filter((event) => event.state === 'completed');
    if (completed.length !== files) throw new Error(`apply completed ${completed.length} of ${files} downloads`);
    const jobIds = [...new Set(events.filter((event) => event.jobId).map((event) => event.jobId))];
    return {
      wallMs: result.wallMs,
      // From the first download starting to the last one recorded in the lock.
      downloadMs: Math.max(...at('completed')) - Math.min(...at('downloading')),
      totalBytes: completed.reduce((sum, event) => sum + event.bytes, 0),
      peakRssBytes: result.rssBytes,
      cpuMs: result.cpuMs,
      urls: jobIds.map((id) => `${emulator.url}/v1/videos/${id}/content?variant=video`),
    };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** Jobs for the plain read before apply has made any: created with the API, ready after the latency. */
async function createJobs(emulator, files) {
  const urls = [];
  for (let i = 0; i < files; i++) {
    const res = await fetch(`${emulator.url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sora-2', prompt: `Plain read ${i}`, size: '1280x720', seconds: '4' }),
    });
    if (!res.ok) throw new Error(`creating a job for the plain read: ${res.status} ${await res.text()}`);
    const { id } = await res.json();
    urls.push(`${emulator.url}/v1/videos/${id}/content?variant=video`);
  }
  await new Promise((resolve) => setTimeout(resolve, EMULATOR_LATENCY_MS + 50));
  return urls;
}

async function baselineRun(dir, mode, urls) {
  const runDir = mkdtempSync(join(dir, `baseline-${mode}-`));
  try {
    const result = await timeNode([LOOPBACK_READ, mode, runDir, `Bearer ${KEY}`, ...urls], { cwd: runDir });
    if (result.code !== 0) throw new Error(`loopback-read exited ${result.code}: ${result.stderr}`);
    return { ...JSON.parse(result.stdout), peakRssBytes: result.rssBytes };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}
