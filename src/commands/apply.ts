/**
 * `videogen apply`: hold the apply mutex, plan, confirm, then execute. Everything that talks
 * to the network (HTTP client, providers, the in-process emulator, the object store) is set
 * up here and torn down in finally blocks; the work itself is run/executor.ts.
 */
import { existsSync } from 'node:fs';
import { ExitCode, UsageError } from '../errors.js';
import { acquireApplyMutex } from '../lock/apply-mutex.js';
import { journalFileFor } from '../lock/journal.js';
import { ensureJournalIgnored } from '../lock/journal-ignore.js';
import { LockWriter } from '../lock/lock-writer.js';
import { readLockAndCache } from '../lock/read.js';
import { writeLock } from '../lock/write.js';
import { loadManifestAndCache } from '../manifest/load.js';
import { renderPlan } from '../plan/render.js';
import { chooseReporter, colorEnabled } from '../report/choose-reporter.js';
import { createNdjsonReporter } from '../report/ndjson-reporter.js';
import { DEFAULT_CONCURRENCY, emptySummary, executePlan } from '../run/executor.js';
import { handleInterrupts } from '../run/interrupt.js';
import { confirmOrRefuse } from './confirm.js';
import type { CommandIO } from './options.js';
import { isPlanFileName, refuseUnmatchedSelectors, selectorsFromFlags, type SelectorFlags } from './plan.js';
import { checkPlanFileCurrent, readPlanFile, type PlanFile } from '../plan/plan-file.js';
import { withShardLimits, type ShardLimits } from '../run/shard-limits.js';
import { loadDotEnv, observeProjectOutputs, planWithReuse, printWarnings } from './project.js';
import { OutputPrefetch } from '../plan/output-prefetch.js';
import { openOutputSources, type OpenOutputSources, type OutputSources } from '../storage/sources.js';
import { connectProviders, readApiKeys, type ProviderConnection } from './connect-providers.js';
import type { Manifest } from '../manifest/types.js';
import type { Plan } from '../plan/types.js';
import { readVerdicts } from '../review/review-file.js';
import { refuseOverBudget } from '../cost/budget-check.js';
import { boundHeapGrowth } from '../util/heap-growth.js';

export interface ApplyFlags extends SelectorFlags {
  yes?: boolean;
  concurrency?: number;
  json?: boolean;
  /** US dollars. */
  maxCost?: number;
  shardLimits?: ShardLimits;
}

/** `target` is a manifest, or a plan file saved by `plan --out` (a name ending in .json). */
export async function runApply(target: string, flags: ApplyFlags, io: CommandIO): Promise<number> {
  const saved = isPlanFileName(target) ? await readSavedPlan(target, flags) : undefined;
  const selectors = saved ? saved.selectors : selectorsFromFlags(flags);
  const manifestPath = saved ? saved.manifestPath : target;
  loadDotEnv(manifestPath, io.env);
  // Reads the outputs' hash cache meanwhile, and stats the outputs once the mutex is held.
  const prefetch = OutputPrefetch.start(manifestPath);
  const { manifest, saveCache: saveManifestCache } = await loadManifestAndCache(manifestPath);
  printWarnings(manifest, io);
  const color = colorEnabled(io.stdout, io.env);

  const mutex = await acquireApplyMutex(manifest.lockFile);
  let sources: OpenOutputSources | undefined;
  try {
    if (mutex.tookOverFrom !== undefined) {
      io.stderr.write(`note: took over ${manifest.lockFile}.pid from process ${mutex.tookOverFrom}, which is no longer running\n`);
    }
    prefetch?.look(manifest);
    const { lock, saveCache: saveLockCache } = await readLockAndCache(manifest.lockFile);
    sources = await openOutputSources(manifest, io.env);
    const outputs = sources;
    const freshPlan = async () => {
      const observed = await observeProjectOutputs(manifest, lock, prefetch);
      // Rejected takes are regenerated and approved ones pinned against --force, as `plan` showed.
      const verdicts = await readVerdicts(manifest.lockFile);
      return planWithReuse({ manifest, lock, observed }, selectors, verdicts, outputs, (text) => io.stderr.write(`warning: ${text}\n`));
    };
    let plan: Plan;
    if (saved) {
      // What was reviewed runs, or nothing does.
      await checkPlanFileCurrent(target, saved, manifest, freshPlan);
      plan = saved.plan;
    } else {
      plan = await freshPlan();
      refuseUnmatchedSelectors(plan);
    }

    // With --json, stdout carries NDJSON only; the plan travels as its first event.
    if (!flags.json) io.stdout.write(renderPlan(plan, { color, manifestLabel: saved ? saved.manifest.path : manifestPath }));
    if (plan.summary.changes === 0) {
      // A journal left by a crashed apply is folded into the lock even when there is nothing to do.
      if (existsSync(journalFileFor(manifest.lockFile))) await writeLock(manifest.lockFile, lock);
      else await saveLockCache();
      await saveManifestCache();
      if (flags.json) {
        // The same stream shape as a run that did work: the plan, then a summary.
        const reporter = createNdjsonReporter(io.stdout);
        reporter.onPlan?.(plan);
        reporter.onSummary?.(emptySummary(plan));
      }
      return ExitCode.ok;
    }
    if (flags.maxCost !== undefined) refuseOverBudget(plan, flags.maxCost);
    const keys = readApiKeys(manifest, plan, io.env);
    // A saved plan was reviewed before it was saved (Terraform's rule): it runs without asking again.
    if (!saved && !(await confirmOrRefuse(io, 'Do you want to apply this plan?', flags.yes))) {
      io.stderr.write('Apply cancelled.\n');
      return ExitCode.ok;
    }

    await ensureJournalIgnored(journalFileFor(manifest.lockFile));
    // N shards on one key share its limits, unless each has its own (--shard-limits full).
    const limited = withShardLimits(manifest, plan.shard, flags.shardLimits);
    const connection = await connectProviders(limited, keys);
    // A large run keeps its heap nearer to what it holds (util/heap-growth.ts).
    boundHeapGrowth(plan.summary.changes);
    try {
      const code = await execute(limited, plan, new LockWriter(manifest.lockFile, lock), connection, sources, flags, io, color);
      // The lock's cache is written with the lock; the manifest's once the run is over.
      await saveManifestCache();
      return code;
    } finally {
      await connection.close();
    }
  } finally {
    prefetch?.stop();
    sources?.close();
    await mutex.release();
  }
}

/** A saved plan carries its own selectors: giving others too would run something no one reviewed. */
async function readSavedPlan(file: string, flags: ApplyFlags): Promise<PlanFile & { manifestPath: string }> {
  const given = [flags.only?.length ? '--only' : '', flags.replace?.length ? '--replace' : '', flags.force ? '--force' : '', flags.shard ? '--shard' : ''].filter(Boolean);
  if (given.length > 0) {
    throw new UsageError(`${given.join(', ')} cannot change a saved plan (${file})`, 'give them to `videogen plan --out` instead');
  }
  return readPlanFile(file);
}

async function execute(
  manifest: Manifest,
  plan: Plan,
  lockWriter: LockWriter,
  connection: ProviderConnection,
  outputs: OutputSources,
  flags: ApplyFlags,
  io: CommandIO,
  color: boolean,
): Promise<number> {
  const reporter = await chooseReporter({
    json: flags.json ?? false,
    isTTY: Boolean(io.stdout.isTTY),
    color,
    stdout: io.stdout,
    stderr: io.stderr,
  });
  const interrupts = handleInterrupts(
    (signalName) =>
      reporter.onMessage?.({
        level: 'warn',
        text: `${signalName}: no new submissions; waiting for in-flight submissions to be recorded (press Ctrl-C again to exit at once)`,
      }),
    () => {
      // Every transition so far is already on disk; nothing is lost by leaving now.
      if (io.stderr.isTTY) io.stderr.write('\x1b[?25h');
      io.stderr.write('\nexiting at once; the lockfile is consistent, the next apply collects running jobs\n');
      process.exit(ExitCode.interrupted);
    },
  );
  try {
    reporter.onPlan?.(plan);
    const { summary } = await executePlan({
      manifest,
      plan,
      lock: lockWriter,
      providers: connection.providers,
      reporter,
      concurrency: flags.concurrency ?? DEFAULT_CONCURRENCY,
      stop: interrupts.signal,
      outputs,
      ...(flags.maxCost === undefined ? {} : { maxCostUsd: flags.maxCost }),
    });
    // The end of the run, or of an interrupted one: the journal is folded into the lock.
    await lockWriter.close();
    reporter.onSummary?.(summary);
    if (summary.interrupted) return ExitCode.interrupted;
    // A shot left unsubmitted (a provider out of credit) is as worth noticing as a failed one;
    // an output the store refused is safe on disk, but the run is not done until it is pushed.
    return summary.failed > 0 || summary.skipped > 0 || summary.notPushed > 0 ? ExitCode.failure : ExitCode.ok;
  } finally {
    await reporter.close?.();
    interrupts.dispose();
  }
}

