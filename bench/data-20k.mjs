// Data-driven shots (issue 11): one template × a CSV of 20,000 rows, in cold processes.
// `validate` and a first `plan` (no lock: 20,000 creates) are the goal; both again once every
// shot is completed (a lock of 20,000 entries, all outputs on disk, the hash cache warm) are
// measured beside them, since that is the nightly run of such a campaign.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, completeEveryShot, median, ROOT, timeCli, timeNode } from './lib.mjs';

const ROWS = 20_000;

const MANIFEST = `version: 1
providers:
  hg: { type: heygen-v3, emulate: true }
shots:
  - id: "hello-{{ slug }}"
    from: leads.csv
    prompt: "A presenter in a bright studio waves and says hello to {{ name }} from {{ city }}, friendly tone"
    resolution: "{{ resolution }}"
    tags: [outreach]
`;

export async function benchData20k({ runs = 5 } = {}) {
  const dir = benchDir('data');
  const lines = ['slug,name,city,resolution'];
  for (let i = 0; i < ROWS; i++) lines.push(`lead-${i},"Lead ${i}, Esq.",City ${i % 300},${i % 2 === 0 ? '768p' : '1080p'}`);
  writeFileSync(join(dir, 'leads.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'shots.yaml'), MANIFEST);

  const cold = async (args, expected) => {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const result = await timeCli(args, { cwd: dir });
      if (result.code !== expected) throw new Error(`${args.join(' ')} exited ${result.code}: ${result.stderr.slice(0, 500)}`);
      samples.push(result);
    }
    return { wallMs: median(samples.map((s) => s.wallMs)), cpuMs: median(samples.map((s) => s.cpuMs ?? 0)), peakRssBytes: Math.max(...samples.map((s) => s.rssBytes ?? 0)) };
  };
  const validate = await cold(['validate', 'shots.yaml'], 0);
  const firstPlan = await cold(['plan', 'shots.yaml', '--detailed-exitcode'], 2);

  await completeAll(dir);
  const completedValidate = await cold(['validate', 'shots.yaml'], 0);
  const completedPlan = await cold(['plan', 'shots.yaml', '--detailed-exitcode'], 0);
  const phases = await timeNode([join(ROOT, 'bench', 'plan-phases.mjs'), join(dir, 'shots.yaml')], { cwd: dir });
  return {
    rows: ROWS,
    runs,
    validate,
    firstPlan,
    completedValidate,
    completedPlan,
    // One more cold process, the completed plan timed phase by phase (without the CLI around it).
    completedPhasesMs: phases.code === 0 ? JSON.parse(phases.stdout) : undefined,
  };
}

/** Every shot completed, as the apply that made them would leave it (hash cache filled by a first plan). */
async function completeAll(dir) {
  const { loadManifest } = await import('../dist/manifest/load.js');
  await completeEveryShot(dir, await loadManifest(join(dir, 'shots.yaml')));
  await timeCli(['plan', 'shots.yaml'], { cwd: dir });
}
