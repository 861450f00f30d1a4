// Where a cold `plan` spends its time, phase by phase, in a fresh process (run by plan-10k.mjs):
//   node plan-phases.mjs <manifest>   →   {"importsMs":…,"loadManifestMs":…,…}
const phases = {};
let last = performance.now();
const mark = (name) => {
  const now = performance.now();
  phases[name] = Math.round(now - last);
  last = now;
};
const { loadManifest } = await import('../dist/manifest/load.js');
const { readLock } = await import('../dist/lock/read.js');
const { observeOutputs } = await import('../dist/plan/observe.js');
const { planShots } = await import('../dist/plan/plan.js');
const { renderPlan } = await import('../dist/plan/render.js');
mark('importsMs');
const manifest = await loadManifest(process.argv[2]);
mark('loadManifestMs');
const lock = await readLock(manifest.lockFile);
mark('readLockMs');
const observed = await observeOutputs(manifest.dir, manifest.shots, lock);
mark('observeOutputsMs');
const plan = planShots(manifest.shots, lock, observed);
mark('planShotsMs');
renderPlan(plan, { color: false });
mark('renderPlanMs');
process.stdout.write(JSON.stringify({ bootMs: Math.round(performance.nodeTiming.bootstrapComplete), ...phases }));
