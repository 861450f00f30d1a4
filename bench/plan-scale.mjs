// `videogen plan` on a manifest of 10,000 or 100,000 shots whose lockfile matches and whose
// outputs are all on disk (so every output is stat'ed): cold process, wall time and peak RSS.
// The median is taken with warm caches (.videogen/: output hashes, the parsed lock), as every
// plan but the first after a clone or a lock change runs; the first run, before .videogen/
// exists, gives the cold-cache figure (every output hashed, the lock's YAML parsed and checked).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, completeEveryShot, median, ROOT, timeCli, timeNode } from './lib.mjs';

export async function benchPlan({ shots = 10_000, runs = 5 } = {}) {
  const { loadManifest } = await import('../dist/manifest/load.js');
  const dir = benchDir('plan');
  const lines = ['version: 1', 'output_dir: out', 'providers:', '  hg: { type: heygen-v3 }', 'shots:'];
  for (let i = 0; i < shots; i++) {
    lines.push(`  - id: shot-${i}`, `    prompt: "Shot ${i}: drone footage over a coastal city at golden hour, cinematic"`, `    tags: [batch-${i % 10}]`);
  }
  writeFileSync(join(dir, 'shots.yaml'), `${lines.join('\n')}\n`);
  await completeEveryShot(dir, await loadManifest(join(dir, 'shots.yaml')));
  const plan = async () => {
    const result = await timeCli(['plan', 'shots.yaml', '--detailed-exitcode'], { cwd: dir });
    if (result.code !== 0) throw new Error(`plan exited ${result.code}: ${result.stderr}${result.stdout.slice(0, 500)}`);
    return result;
  };
  const coldCaches = await plan();
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await plan());
  const phases = await timeNode([join(ROOT, 'bench', 'plan-phases.mjs'), join(dir, 'shots.yaml')], { cwd: dir });
  return {
    shots,
    runs,
    coldCachesMs: coldCaches.wallMs,
    coldCachesCpuMs: coldCaches.cpuMs,
    // One more cold process, timed phase by phase (without the CLI around it).
    phasesMs: phases.code === 0 ? JSON.parse(phases.stdout) : undefined,
    wallMs: median(samples.map((s) => s.wallMs)),
    // user + system: what the process itself spent, whatever else competed for the CPUs.
    cpuMs: median(samples.map((s) => s.cpuMs)),
    peakRssBytes: Math.max(...samples.map((s) => s.rssBytes ?? 0)),
  };
}
