import type { CommandIO } from './options.js';
import { loadProjectWithOutputs, planWithReuse, printWarnings } from './project.js';
import { openOutputSources } from '../storage/sources.js';
import { planToJson, renderPlan } from '../plan/render.js';
import { ExitCode, UsageError } from '../errors.js';
import { colorEnabled } from '../report/choose-reporter.js';
import type { Plan, Selectors } from '../plan/types.js';
import { readVerdicts } from '../review/review-file.js';
import { parseShard } from '../plan/shard.js';
import { videogenVersion } from '../util/version.js';

export interface SelectorFlags {
  only?: string[];
  replace?: string[];
  force?: boolean;
  /** `k/N`, parsed by selectorsFromFlags. */
  shard?: string;
}

/** `--force --replace hero` is meaningful: --force passes approved takes by, --replace names those to redo anyway. */
export function selectorsFromFlags(flags: SelectorFlags): Selectors {
  // Checked before anything is read: `--only ""` (an unset shell variable, say) is a mistake, not "no filter".
  for (const [flag, selectors] of [['--only', flags.only], ['--replace', flags.replace]] as const) {
    for (const selector of selectors ?? []) {
      if (selector.trim() === '' || selector.trim() === 'tag:') {
        throw new UsageError(`${flag} was given an empty selector (${JSON.stringify(selector)})`, 'a selector is an id, a glob such as hero-*, or tag:name');
      }
    }
  }
  return {
    only: flags.only ?? [],
    replace: flags.replace ?? [],
    force: flags.force ?? false,
    ...(flags.shard === undefined ? {} : { shard: parseShard(flags.shard) }),
  };
}

/** `apply plan.json` runs a saved plan; any other argument is a manifest. */
export function isPlanFileName(path: string): boolean {
  return /\.json$/i.test(path);
}

/** A selector that matches no shot is almost always a typo: refuse rather than silently plan nothing. */
export function refuseUnmatchedSelectors(plan: Plan): void {
  if (plan.unmatched && plan.unmatched.length > 0) {
    throw new UsageError(`no shot matches ${plan.unmatched.map((s) => `"${s}"`).join(', ')}`, 'selectors are ids, globs such as hero-*, or tag:name');
  }
}

export async function runPlan(
  manifestPath: string,
  options: SelectorFlags & { json?: boolean; detailedExitcode?: boolean; showKept?: boolean; out?: string },
  io: CommandIO,
): Promise<number> {
  const selectors = selectorsFromFlags(options);
  if (options.out !== undefined && !isPlanFileName(options.out)) {
    throw new UsageError(`--out ${options.out}: a plan file's name ends in .json`, 'apply tells a plan file from a manifest by it: `videogen plan --out plan.json`');
  }
  const project = await loadProjectWithOutputs(manifestPath);
  printWarnings(project.manifest, io);
  const sources = await openOutputSources(project.manifest, io.env);
  let plan: Plan;
  try {
    const verdicts = await readVerdicts(project.manifest.lockFile);
    plan = await planWithReuse(project, selectors, verdicts, sources, (text) => io.stderr.write(`warning: ${text}\n`));
  } finally {
    sources.close();
  }
  refuseUnmatchedSelectors(plan);
  await project.saveCaches();
  if (options.out !== undefined) {
    const { writePlanFile } = await import('../plan/plan-file.js');
    await writePlanFile(options.out, { manifest: project.manifest, plan, selectors, videogen: videogenVersion() });
    io.stderr.write(`Saved the plan to ${options.out}: \`videogen apply ${options.out}\` runs exactly these actions, or nothing if the manifest or lock changes.\n`);
  }
  if (options.json) {
    io.stdout.write(`${planToJson(plan)}\n`);
  } else {
    io.stdout.write(renderPlan(plan, { color: colorEnabled(io.stdout, io.env), manifestLabel: manifestPath, showKept: options.showKept ?? false }));
  }
  if (options.detailedExitcode && plan.summary.changes > 0) return ExitCode.changes;
  return ExitCode.ok;
}
