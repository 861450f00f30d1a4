// `npm run bench`: prints a table of figures and writes bench/results.json.
// Goals (issue 5): plan of 10k shots < 1 s and < 300 MB; --help < 150 ms.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchPlan10k } from './plan-10k.mjs';
import { benchStartup } from './startup.mjs';
import { mb, ms, printTable } from './lib.mjs';

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
const results = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version, platform: process.platform },
  date: new Date().toISOString(),
};

if (want('plan')) results.plan = await benchPlan10k();
if (want('startup')) results.startup = await benchStartup();

const rows = [['benchmark', 'figure', 'goal', '']];
if (results.plan) {
  rows.push(['plan 10k shots (cold)', ms(results.plan.wallMs), '< 1000 ms', results.plan.wallMs < 1000 ? 'ok' : 'MISSED']);
  rows.push(['plan 10k peak RSS', mb(results.plan.peakRssBytes), '< 300 MB', results.plan.peakRssBytes < 300e6 ? 'ok' : 'MISSED']);
}
if (results.startup) {
  rows.push(['--help (cold)', ms(results.startup.helpMs), '< 150 ms', results.startup.helpMs < 150 ? 'ok' : 'MISSED']);
  rows.push(['validate small (cold)', ms(results.startup.validateMs), '', '']);
  rows.push(['bare node -e 0', ms(results.startup.bareNodeMs), '(floor)', '']);
}
printTable(rows);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwrote bench/results.json');
