/**
 * `videogen status`: per shot, what the lock says, whether the output on disk still matches
 * it, and (with `storage:`) whether the store has it.
 */
import { resolve } from 'node:path';
import { describeError, ExitCode } from '../errors.js';
import { storeInventory } from '../storage/inventory.js';
import { openOutputSources } from '../storage/sources.js';
import { observeFile } from '../plan/observe.js';
import { readVerdicts } from '../review/review-file.js';
import type { Verdict } from '../review/types.js';
import type { Lock, LockCost, LockEntry } from '../lock/types.js';
import { campaignCost, type CampaignCost } from '../cost/campaign-cost.js';
import { formatAmount, formatUsd } from '../cost/estimate.js';
import type { Manifest } from '../manifest/types.js';
import type { ObservedOutput } from '../plan/types.js';
import { colorEnabled } from '../report/choose-reporter.js';
import type { CommandIO } from './options.js';
import { loadProjectWithOutputs } from './project.js';

export type OutputStatus = 'ok' | 'missing' | 'modified' | 'none';

export interface ShotStatus {
  id: string;
  /** `new` when the lock does not know the shot, `orphan` when the manifest no longer has it. */
  state: LockEntry['state'] | 'new' | 'orphan';
  /** Whether the lock's spec still matches the manifest. */
  current: boolean;
  output: OutputStatus;
  /** With `storage:`, for recorded outputs: whether the store has the video (`unknown` when it could not be asked). */
  store?: 'present' | 'missing' | 'unknown';
  path?: string;
  job_id?: string;
  error?: { code: string; message: string };
  cost?: LockCost;
  /** The verdict `videogen review` recorded for the output the lock names. */
  review?: Verdict;
}

export async function runStatus(manifestPath: string, options: { json?: boolean }, io: CommandIO): Promise<number> {
  const { manifest, lock, observed, saveCaches } = await loadProjectWithOutputs(manifestPath);
  const rows = await shotStatuses(manifest, lock, observed);
  markVerdicts(rows, lock, await readVerdicts(manifest.lockFile));
  if (manifest.storage) await checkStore(manifest, lock, rows, io);
  await saveCaches();
  const cost = campaignCost(Object.values(lock.shots));
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ shots: rows, cost })}\n`);
  } else {
    io.stdout.write(renderStatus(rows, colorEnabled(io.stdout, io.env)) + renderCost(cost, manifest));
  }
  return ExitCode.ok;
}

/**
 * One row per manifest shot, in manifest order, then the orphans. `observed` is what the plan
 * looked at; it is completed here with every other recorded output, since status (and the
 * review's contact sheet) report on all of them: shots whose manifest changed since, and orphans.
 */
export async function shotStatuses(manifest: Manifest, lock: Lock, observed: Map<string, ObservedOutput>): Promise<ShotStatus[]> {
  for (const [id, entry] of Object.entries(lock.shots)) {
    if (entry.state === 'completed' && entry.output && !observed.has(id)) {
      observed.set(id, await observeFile(resolve(manifest.dir, entry.output.path), entry.output.bytes));
    }
  }
  const rows: ShotStatus[] = manifest.shots.map((shot) => {
    // hasOwn: a shot may be called `constructor`.
    const entry = Object.hasOwn(lock.shots, shot.id) ? lock.shots[shot.id] : undefined;
    if (!entry) return { id: shot.id, state: 'new', current: false, output: 'none' };
    return statusRow(shot.id, entry, entry.spec_hash === shot.specHash, observed.get(shot.id));
  });
  const inManifest = new Set(manifest.shots.map((shot) => shot.id));
  for (const [id, entry] of Object.entries(lock.shots)) {
    if (!inManifest.has(id)) rows.push({ ...statusRow(id, entry, false, observed.get(id)), state: 'orphan' });
  }
  return rows;
}

function statusRow(id: string, entry: LockEntry, current: boolean, seen: ObservedOutput | undefined): ShotStatus {
  const output: OutputStatus =
    entry.state !== 'completed' || !entry.output
      ? 'none'
      : !seen
        ? 'none'
        : !seen.exists
          ? 'missing'
          : seen.sha256 === entry.output.sha256
            ? 'ok'
            : 'modified';
  return {
    id,
    state: entry.state,
    current,
    output,
    ...(entry.output ? { path: entry.output.path } : {}),
    ...(entry.job_id ? { job_id: entry.job_id } : {}),
    ...(entry.error ? { error: entry.error } : {}),
    ...(entry.cost ? { cost: entry.cost } : {}),
  };
}

/** The review's verdict on each recorded output (verdicts are kept by output sha256). */
function markVerdicts(rows: ShotStatus[], lock: Lock, verdicts: Map<string, Verdict>): void {
  if (verdicts.size === 0) return;
  for (const row of rows) {
    const sha = Object.hasOwn(lock.shots, row.id) ? lock.shots[row.id]!.output?.sha256 : undefined;
    const verdict = sha === undefined ? undefined : verdicts.get(sha);
    if (verdict) row.review = verdict;
  }
}

function renderStatus(rows: ShotStatus[], color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const width = Math.max(4, ...rows.map((row) => row.id.length));
  const costs = rows.map((row) => shotCostText(row.cost));
  const costWidth = Math.max(0, ...costs.map((text) => text.length));
  const lines = rows.map((row, index) => {
    const state = row.state === 'completed' ? paint('32', row.state) : row.state === 'failed' ? paint('31', row.state) : row.state;
    const parts = [row.id.padEnd(width), state.padEnd(color ? state.length : 10)];
    if (costWidth > 0) parts.push(costs[index]!.padStart(costWidth));
    if (!row.current && row.state !== 'new' && row.state !== 'orphan') parts.push('(manifest changed since)');
    if (row.output === 'ok') parts.push(row.path ?? '');
    if (row.output === 'missing') parts.push(paint('33', `${row.path} missing`));
    if (row.output === 'modified') parts.push(paint('33', `${row.path} changed on disk`));
    if (row.review === 'approved') parts.push(paint('32', 'approved'));
    if (row.review === 'rejected') parts.push(paint('33', 'rejected in review'));
    if (row.store === 'missing') parts.push(paint('33', 'not pushed'));
    if (row.store === 'unknown') parts.push('store unknown');
    if (row.state === 'submitted' && row.job_id) parts.push(`job ${row.job_id}`);
    if (row.error) parts.push(`${row.error.code}: ${row.error.message}`);
    return parts.join('  ').trimEnd();
  });
  const count = (state: string) => rows.filter((row) => row.state === state).length;
  const notPushed = rows.filter((row) => row.store === 'missing').length;
  lines.push(
    `${rows.length} shots: ${count('completed')} completed, ${count('submitted')} submitted, ${count('failed')} failed, ${count('new')} new, ${count('orphan')} orphaned` +
      (notPushed > 0 ? `; ${notPushed} not pushed (\`videogen push\` uploads them)` : '') +
      reviewed(rows),
  );
  return `${lines.join('\n')}\n`;
}

/** What the shot's job cost: the provider's charge where it said, else the estimate; blank when unknown. */
function shotCostText(cost: LockCost | undefined): string {
  const usd = cost?.reported ?? cost?.estimated;
  return usd === undefined ? '' : formatUsd(usd);
}

/** `; reviewed: 3 approved, 1 rejected`, when anything was. */
function reviewed(rows: ShotStatus[]): string {
  const approved = rows.filter((row) => row.review === 'approved').length;
  const rejected = rows.filter((row) => row.review === 'rejected').length;
  return approved + rejected === 0 ? '' : `; reviewed: ${approved} approved, ${rejected} rejected`;
}

/**
 * `Cost of the videos in the lock: $14.40, $2.10 of it reported by the provider`, then a line
 * per provider: reported by the provider where it said, estimated at submission elsewhere.
 */
function renderCost(cost: CampaignCost, manifest: Manifest): string {
  if (cost.providers.length === 0) return '';
  const describe = (sum: CampaignCost['total']) => {
    const how =
      sum.usd === 0 ? '' : sum.reported === 0 ? ' estimated' : sum.reported === sum.usd ? ' reported by the provider' : `, ${formatUsd(sum.reported)} of it reported by the provider`;
    return formatAmount(sum.usd, sum.unknown, 'job', how);
  };
  // Priced as the real API would charge, but the built-in emulator bills nothing: say so.
  const emulated = (name: string) => (manifest.providers.get(name)?.emulate ? ' (emulated: not billed)' : '');
  const lines = cost.providers.map((sum) => `  ${sum.provider}: ${describe(sum)}${emulated(sum.provider)}`);
  return `Cost of the videos in the lock: ${describe(cost.total)}\n${lines.join('\n')}\n`;
}

/** Asks the store about every recorded output; a store that cannot be asked makes the column `unknown`, not the command fail. */
async function checkStore(manifest: Manifest, lock: Lock, rows: ShotStatus[], io: CommandIO): Promise<void> {
  const recorded = rows.flatMap((row) => {
    const entry = Object.hasOwn(lock.shots, row.id) ? lock.shots[row.id] : undefined;
    return entry?.state === 'completed' && entry.output ? [{ row, output: entry.output, specHash: entry.spec_hash }] : [];
  });
  if (recorded.length === 0) return;
  const sources = await openOutputSources(manifest, io.env);
  try {
    const inventory = await storeInventory(
      sources.store!,
      recorded.map(({ output }) => output),
      recorded.map(({ specHash }) => specHash),
    );
    // Pushed means what push completes: the video, and a spec index entry that makes it reusable.
    for (const { row, output, specHash } of recorded) row.store = inventory.hasObject(output) && inventory.hasSpec(specHash) ? 'present' : 'missing';
  } catch (error) {
    const info = describeError(error);
    io.stderr.write(`warning: could not ask ${manifest.storage!.url} which outputs it has: ${info.code}: ${info.message}\n`);
    if (info.hint) io.stderr.write(`hint: ${info.hint}\n`);
    for (const { row } of recorded) row.store = 'unknown';
  } finally {
    sources.close();
  }
}
