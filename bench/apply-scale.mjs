// `videogen apply` of a large campaign (10,000 or 100,000 shots) against the emulator in its
// own process (`videogen emulate`, 1 s per job), `--json` to a pipe as a nightly CI job runs
// it. Figures: wall time against the ideal ceil(shots / in flight) × latency, peak RSS of the
// apply process, and the bytes it wrote apart from the videos (see bytesWritten below), plus
// the emulator's own count of jobs created (one per shot: nothing billed twice).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchDir, nodeFlagsFrom, openaiBenchManifest, timeCli } from './lib.mjs';

const LATENCY = '1s';
const LATENCY_MS = 1000;

export async function benchApplyScale({ shots, concurrency }) {
  const emulator = await startEmulatorProcess(['--latency', LATENCY, '--max-concurrent', String(concurrency * 2), '--seed', '1']);
  const dir = benchDir(`apply-${shots}`);
  try {
    // Poll settings of a user who knows the jobs take about 1 s; the emulator's hint decides after the first poll.
    writeFileSync(join(dir, 'shots.yaml'), openaiBenchManifest({ url: emulator.url, shots, concurrency, poll: '{ initial: 1s, max: 5s }' }));
    const result = await timeCli(['apply', 'shots.yaml', '--yes', '--json', '--concurrency', String(concurrency)], {
      cwd: dir,
      env: { BENCH_API_KEY: 'bench-key' },
      keepStdout: false,
    });
    if (result.code !== 0) throw new Error(`apply exited ${result.code}: ${result.stderr.slice(-2000)}`);
    const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
    const emulatorCpuMs = emulator.cpuMs();
    const videoBytes = outputBytes(join(dir, 'shots.lock.yaml'));
    const idealMs = Math.ceil(shots / concurrency) * LATENCY_MS;
    return {
      shots,
      concurrency,
      latencyMs: LATENCY_MS,
      idealMs,
      wallMs: result.wallMs,
      efficiency: idealMs / result.wallMs,
      peakRssBytes: result.rssBytes,
      cpuMs: result.cpuMs,
      cpuUserMs: result.cpuUserMs,
      cpuSystemMs: result.cpuSystemMs,
      // The emulator shares the machine's CPUs with apply: on 2 CPUs the pair is what is CPU-bound.
      emulatorCpuMs,
      // Everything the process wrote with write() (wchar in /proc/<pid>/io, read by the probe at
      // exit) minus the videos (their sizes, from the lock) and the NDJSON on stdout. What is
      // left is the lock, the journal, the hash cache and the HTTP requests' bytes on their sockets:
      // an upper bound on what the lock and journal cost.
      bytesWritten: result.io ? result.io.wchar - videoBytes - result.stdoutBytes : undefined,
      diskBytesWritten: result.io?.write_bytes,
      videoBytes,
      stdoutBytes: result.stdoutBytes,
      jobsCreated: stats.jobs.created,
      maxInFlightAtEmulator: stats.jobs.maxInFlight,
      rejectedAsBusy: stats.faults.concurrencyLimited,
      stderr: result.stderr.split('\n').filter((line) => line.trim() !== '').slice(-5),
    };
  } finally {
    emulator.stop();
  }
}

function outputBytes(lockFile) {
  let total = 0;
  for (const match of readFileSync(lockFile, 'utf8').matchAll(/bytes: (\d+) }/g)) total += Number(match[1]);
  return total;
}

/** `videogen emulate --port 0` in its own process; resolves with its URL once it listens. */
function startEmulatorProcess(flags) {
  // BENCH_EMULATOR_FLAGS: Node flags for the emulator's process alone.
  const child = spawn(process.execPath, [...nodeFlagsFrom('BENCH_EMULATOR_FLAGS'), BIN, 'emulate', '--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening`)));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1], cpuMs: () => processCpuMs(child.pid), stop: () => child.kill('SIGTERM') });
    });
  });
}

/** The unit of /proc/<pid>/stat's times (USER_HZ): 100 on Linux almost everywhere, asked rather than assumed. */
const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a live process, from /proc (undefined where there is none). */
function processCpuMs(pid) {
  try {
    // Fields after the command name (which may hold spaces, hence from the last ')'): utime is the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
