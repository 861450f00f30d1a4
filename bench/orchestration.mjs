// Orchestration efficiency: `videogen apply` of 400 shots against the emulator (started here,
// in the bench process, on port 0) with a fixed generation latency and enough concurrency.
// The ideal is ceil(shots / concurrency) × latency; `ideal / actual` of 1.0 is perfect.
// Also: HTTP requests per shot (from the emulator's own counters) and the CPU time the
// videogen process spent per shot (user + system, from the probe in rss-probe.mjs).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, timeCli } from './lib.mjs';

export const ORCHESTRATION_DEFAULTS = { shots: 400, concurrency: 50, latencyMs: 2000 };

/**
 * Poll settings as a user who knows their jobs take about 2 s would write them. OpenAI-style
 * endpoints send `openai-poll-after-ms`, which the executor follows after the first poll;
 * HeyGen sends no hint, so the fixed cadence (initial, ×1.5, capped at max) decides alone.
 */
const PROVIDERS = {
  'openai-videos': { api: { api: 'openai', prefix: 'video_' }, baseUrl: (url) => `${url}/v1`, poll: '{ initial: 1s, max: 5s }', model: 'sora-2' },
  heygen: { api: { api: 'heygen', prefix: 'node-gw-' }, baseUrl: (url) => url, poll: '{ initial: 250ms, max: 500ms }', model: 'veo_3_1' },
};

export async function benchOrchestration({ type = 'openai-videos', ...options } = {}) {
  const { shots, concurrency, latencyMs } = { ...ORCHESTRATION_DEFAULTS, ...options };
  const { startEmulator } = await import('../dist/emulator/server.js');
  const provider = PROVIDERS[type];
  // maxConcurrent above the concurrency: the run must never be refused for being busy.
  const emulator = await startEmulator({ latencyMs, maxConcurrent: concurrency * 2, seed: 1 });
  const dir = benchDir('orch');
  try {
    const lines = [
      'version: 1',
      'output_dir: out',
      'providers:',
      '  bench:',
      `    type: ${type}`,
      `    base_url: ${provider.baseUrl(emulator.url)}`,
      '    api_key_env: BENCH_API_KEY',
      `    concurrency: ${concurrency}`,
      `    poll: ${provider.poll}`,
      'defaults:',
      '  provider: bench',
      `  model: ${provider.model}`,
      'shots:',
    ];
    for (let i = 0; i < shots; i++) lines.push(`  - id: shot-${i}`, `    prompt: "Shot ${i}: a lighthouse at dusk, waves, cinematic"`);
    writeFileSync(join(dir, 'shots.yaml'), `${lines.join('\n')}\n`);

    const spawnedAt = Date.now();
    // This process runs only the emulator (and reads the child's pipes) meanwhile.
    const cpuBefore = process.cpuUsage();
    const result = await timeCli(['apply', 'shots.yaml', '--yes', '--json', '--concurrency', String(concurrency)], {
      cwd: dir,
      env: { BENCH_API_KEY: 'bench-key' },
    });
    if (result.code !== 0) throw new Error(`apply exited ${result.code}: ${result.stderr}${result.stdout.slice(-2000)}`);
    const exitedAt = Date.now();
    const emulatorCpu = emulatorCpuMs(cpuBefore);
    const stats = emulator.stats();
    const requests = Object.values(stats.requests).reduce((sum, n) => sum + n, 0);
    const idealMs = Math.ceil(shots / concurrency) * latencyMs;
    return {
      provider: type,
      shots,
      concurrency,
      latencyMs,
      poll: provider.poll,
      idealMs,
      wallMs: result.wallMs,
      efficiency: idealMs / result.wallMs,
      requestsPerShot: requests / shots,
      requests: stats.requests,
      rejectedAsBusy: stats.faults.concurrencyLimited,
      // Should equal the concurrency: fewer means videogen never filled its slots.
      maxInFlightAtEmulator: stats.jobs.maxInFlight,
      cpuMsPerShot: result.cpuMs === undefined ? undefined : result.cpuMs / shots,
      cpuMs: result.cpuMs,
      cpuUserMs: result.cpuUserMs,
      cpuSystemMs: result.cpuSystemMs,
      peakRssBytes: result.rssBytes,
      emulatorCpuMs: emulatorCpu,
      // Anything the CLI printed on stderr (warnings) is a finding of its own.
      stderr: result.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('(Use `node')),
      ...(await cadence(result.stdout, provider.api, spawnedAt, exitedAt)),
    };
  } finally {
    await emulator.close();
  }
}

/**
 * Where the time beyond the ideal went, from the NDJSON events and the job ids (the emulator
 * writes each job's creation time and latency into its id):
 * - startupMs: process spawned → first shot starts submitting (boot, manifest, plan);
 * - submitMs: a shot starts submitting → the emulator creates its job (the lock write of the
 *   intent, then the POST);
 * - noticeMs: the job is done → videogen has seen it (the poll that finds it);
 * - collectMs: download, hash, fsync and recording the output in the lock;
 * - tailMs: the last shot recorded → the process has exited.
 * submitMs + noticeMs are paid once per wave on the critical path; the rest once per run.
 */
async function cadence(ndjson, api, spawnedAt, exitedAt) {
  const { decodeJobId } = await import('../dist/emulator/job-id.js');
  const shots = new Map();
  for (const line of ndjson.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line);
    if (event.type !== 'shot') continue;
    const shot = shots.get(event.id) ?? {};
    shots.set(event.id, shot);
    shot[event.state] ??= Date.parse(event.ts);
    if (event.jobId) shot.jobId = event.jobId;
  }
  const submitMs = [];
  const noticeMs = [];
  const collectMs = [];
  let firstSubmitting = Infinity;
  let lastCompleted = -Infinity;
  for (const shot of shots.values()) {
    firstSubmitting = Math.min(firstSubmitting, shot.submitting);
    lastCompleted = Math.max(lastCompleted, shot.completed);
    const job = shot.jobId === undefined ? undefined : decodeJobId(shot.jobId, api);
    if (!job) continue;
    submitMs.push(job.createdAt - shot.submitting);
    noticeMs.push(shot.downloading - (job.createdAt + job.latencyMs));
    collectMs.push(shot.completed - shot.downloading);
  }
  return {
    startupMs: firstSubmitting - spawnedAt,
    tailMs: exitedAt - lastCompleted,
    submitMs: quantiles(submitMs),
    noticeMs: quantiles(noticeMs),
    collectMs: quantiles(collectMs),
  };
}

function emulatorCpuMs(before) {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function quantiles(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1] };
}

/** `runs` runs of one provider; the one with the median efficiency, plus every run's efficiency. */
export async function benchOrchestrationMedian({ runs = 3, ...options } = {}) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await benchOrchestration(options));
  const sorted = [...results].sort((a, b) => a.efficiency - b.efficiency);
  return { ...sorted[Math.floor(sorted.length / 2)], runs, efficiencies: results.map((r) => Number(r.efficiency.toFixed(3))) };
}
