// `npm run bench`: prints a table of figures and writes bench/results.json (machine-specific,
// git-ignored; the recorded figures live in BENCHMARKS.md). `node bench/run.mjs download`
// runs only the named benchmarks: plan, plan-100k, orchestration, download, storage, startup,
// apply-10k, apply-100k (the last two take about 3 minutes each).
// Goals (issue 5): plan of 10k shots < 1 s and < 300 MB; orchestration efficiency >= 0.95;
// download peak RSS < 150 MB and throughput >= 80% of a plain loopback read; --help < 150 ms.
// Goals (issue 12): push and pull of 8 × 256 MiB against s3rver with peak RSS < 150 MB, flat in file size.
// Goals (issue 9): plan of 10k < 0.5 s, of 100k < 3 s; apply of 10k at 64 in flight:
// ideal / actual >= 0.95, peak RSS <= 300 MB, <= 100 MB written; apply of 100k at 1000 in
// flight: ideal / actual >= 0.90, peak RSS <= 1 GB.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { benchApplyScale } from './apply-scale.mjs';
import { benchDownload } from './download.mjs';
import { benchOrchestrationMedian } from './orchestration.mjs';
import { benchPlan } from './plan-scale.mjs';
import { benchStartup } from './startup.mjs';
import { benchStorage } from './storage.mjs';
// Goal (issue 11): validate and plan of a 20,000-row CSV × 1 take, each in a cold process < 1 s.
import { benchData20k } from './data-20k.mjs';
import { mb, ms, printTable, recentCleanupWarning } from './lib.mjs';

const only = process.argv.slice(2);
const earlyWarning = recentCleanupWarning();
if (earlyWarning) process.stderr.write(`${earlyWarning}\n`);
const want = (name) => only.length === 0 || only.includes(name);
const results = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version, platform: process.platform },
  date: new Date().toISOString(),
  // The figures are only as quiet as the machine: a load average near the CPU count means
  // something else was competing for it.
  loadAverageAtStart: loadavg().map((n) => Number(n.toFixed(2))),
};

const step = async (name, run) => {
  if (!want(name)) return;
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = await run();
};
await step('plan', () => benchPlan({ shots: 10_000 }));
await step('plan-100k', () => benchPlan({ shots: 100_000, runs: 3 }));
await step('orchestration', async () => ({
  openai: await benchOrchestrationMedian({ type: 'openai-videos', runs: 3 }),
  heygen: await benchOrchestrationMedian({ type: 'heygen', runs: 1 }),
}));
await step('download', () => benchDownload());
await step('data', () => benchData20k());
await step('storage', () => benchStorage());
await step('startup', () => benchStartup());
await step('apply-10k', () => benchApplyScale({ shots: 10_000, concurrency: 64 }));
await step('apply-100k', () => benchApplyScale({ shots: 100_000, concurrency: 1000 }));
results.loadAverageAtEnd = loadavg().map((n) => Number(n.toFixed(2)));

const verdict = (ok) => (ok ? 'ok' : 'MISSED');
const ratio = (value) => value.toFixed(3);
const rate = (bytesPerSec) => `${(bytesPerSec / 1e6).toFixed(0)} MB/s`;
const rows = [['benchmark', 'figure', 'goal', '']];
if (results.plan) {
  rows.push(['plan 10k shots (cold process)', ms(results.plan.wallMs), '< 500 ms', verdict(results.plan.wallMs < 500)]);
  rows.push(['  its CPU time (user + system)', ms(results.plan.cpuMs), '', '']);
  rows.push(['  same, caches cold (first plan)', `${ms(results.plan.coldCachesMs)} (CPU ${ms(results.plan.coldCachesCpuMs)})`, '', '']);
  rows.push(['plan 10k peak RSS', mb(results.plan.peakRssBytes), '< 300 MB', verdict(results.plan.peakRssBytes < 300e6)]);
}
if (results['plan-100k']) {
  const run = results['plan-100k'];
  rows.push(['plan 100k shots (cold process)', ms(run.wallMs), '< 3000 ms', verdict(run.wallMs < 3000)]);
  rows.push(['  its CPU time (user + system)', ms(run.cpuMs), '', '']);
  rows.push(['  same, caches cold (first plan)', `${ms(run.coldCachesMs)} (CPU ${ms(run.coldCachesCpuMs)})`, '', '']);
  rows.push(['plan 100k peak RSS', mb(run.peakRssBytes), '', '']);
}
for (const [name, goal] of [
  ['apply-10k', { efficiency: 0.95, rss: 300e6, written: 100e6 }],
  ['apply-100k', { efficiency: 0.9, rss: 1e9 }],
]) {
  const run = results[name];
  if (!run) continue;
  const what = `${run.shots} shots, ${run.concurrency} in flight, ${run.latencyMs / 1000} s each`;
  rows.push([`${name}: ideal / actual`, `${ratio(run.efficiency)} (${what})`, `>= ${goal.efficiency}`, verdict(run.efficiency >= goal.efficiency)]);
  rows.push([`${name}: peak RSS`, mb(run.peakRssBytes), `<= ${mb(goal.rss)}`, verdict(run.peakRssBytes <= goal.rss)]);
  rows.push([`${name}: CPU time of apply`, `${ms(run.cpuMs)} (${(run.cpuMs / run.shots).toFixed(2)} ms per shot)`, '', '']);
  if (run.emulatorCpuMs !== undefined) rows.push([`${name}: CPU time of the emulator`, ms(run.emulatorCpuMs), '', '']);
  const written = `${mb(run.bytesWritten)} (of it the lock and journal: at most that)`;
  rows.push([`${name}: written, videos aside`, written, goal.written ? `<= ${mb(goal.written)}` : '', goal.written ? verdict(run.bytesWritten <= goal.written) : '']);
  rows.push([`${name}: jobs created`, `${run.jobsCreated} (${run.maxInFlightAtEmulator} in flight at most)`, `${run.shots}`, verdict(run.jobsCreated === run.shots)]);
}
if (results.orchestration) {
  for (const [label, run] of Object.entries(results.orchestration)) {
    const what = `${run.shots} shots, ${run.concurrency} at once, ${run.latencyMs / 1000} s each`;
    const isGoal = label === 'openai';
    rows.push([`${label}: ideal / actual`, `${ratio(run.efficiency)} (${what})`, isGoal ? '>= 0.95' : '(no hint)', isGoal ? verdict(run.efficiency >= 0.95) : '']);
    rows.push([`${label}: HTTP requests / shot`, run.requestsPerShot.toFixed(2), '', '']);
    rows.push([`${label}: videogen CPU / shot`, `${run.cpuMsPerShot.toFixed(1)} ms`, '', '']);
  }
}
if (results.download) {
  const d = results.download;
  if (d.skipped) {
    rows.push(['download', `skipped: ${d.skipped}`, '', '']);
  } else {
    const files = `${d.files} × ${d.bytesPerFile / 2 ** 20} MiB`;
    rows.push([`download ${files}`, `${rate(d.throughputBytesPerSec)} vs ${rate(d.baseline.throughputBytesPerSec)} plain = ${(d.ratio * 100).toFixed(0)}%`, '>= 80%', verdict(d.ratio >= 0.8)]);
    rows.push(['download peak RSS', mb(d.peakRssBytes), '< 150 MB', verdict(d.peakRssBytes < 150e6)]);
    rows.push([`  same at ${d.smallFiles.bytesPerFile / 2 ** 20} MiB files`, mb(d.smallFiles.peakRssBytes), '(must not grow)', '']);
    rows.push(['  plain read, bytes discarded', rate(d.discardBaseline.throughputBytesPerSec), '(loopback ceiling)', '']);
  }
}
if (results.storage) {
  const st = results.storage;
  if (st.skipped) {
    rows.push(['storage', `skipped: ${st.skipped}`, '', '']);
  } else {
    const files = `${st.files} × ${st.bytesPerFile / 2 ** 20} MiB`;
    for (const [name, run] of [['push', st.push], ['pull', st.pull]]) {
      rows.push([`${name} ${files} (s3rver)`, `${rate(run.throughputBytesPerSec)} vs ${rate(run.plain.throughputBytesPerSec)} bare node:http`, '', '']);
      rows.push([`${name} peak RSS`, mb(run.peakRssBytes), '< 150 MB', verdict(run.peakRssBytes < 150e6)]);
      rows.push([`  same at ${st.smallFiles.bytesPerFile / 2 ** 20} MiB files`, mb(st.smallFiles[name].peakRssBytes), '(must not grow)', '']);
    }
  }
}
if (results.startup) {
  rows.push(['--help (cold)', ms(results.startup.helpMs), '< 150 ms', verdict(results.startup.helpMs < 150)]);
  rows.push(['validate small (cold)', ms(results.startup.validateMs), '', '']);
  rows.push(['bare node -e 0', ms(results.startup.bareNodeMs), '(floor)', '']);
}
if (results.data) {
  const d = results.data;
  rows.push(['validate, 20k-row CSV (cold)', ms(d.validate.wallMs), '< 1000 ms', verdict(d.validate.wallMs < 1000)]);
  rows.push(['plan, 20k-row CSV, no lock (cold)', ms(d.firstPlan.wallMs), '< 1000 ms', verdict(d.firstPlan.wallMs < 1000)]);
  rows.push(['  peak RSS', mb(Math.max(d.validate.peakRssBytes, d.firstPlan.peakRssBytes)), '', '']);
  rows.push(['validate, 20k-row CSV, all completed', ms(d.completedValidate.wallMs), '(a 20k-entry lock)', '']);
  rows.push(['plan, 20k-row CSV, all completed', ms(d.completedPlan.wallMs), '(the nightly run)', '']);
}
printTable(rows);
console.log(`\nload average ${results.loadAverageAtStart.join(' ')} at start, ${results.loadAverageAtEnd.join(' ')} at end (${results.machine.cpus} CPUs)`);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/results.json');
