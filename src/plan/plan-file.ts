/**
 * Saved plans (`plan --out plan.json`, `apply plan.json`; DESIGN.md "Planner"): what a team
 * reviewed in a pull request is what runs after the merge, or nothing runs. The file holds
 * the plan with a digest of what it was made from (the manifest after expansion, the lock
 * and its journal) and a checksum of itself, so an edited manifest, a lock another apply
 * moved on, or a hand-edited or truncated file is refused (exit 3) instead of applied.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { ExitCode, VideogenError } from '../errors.js';
import { journalFileFor } from '../lock/journal.js';
import type { Manifest } from '../manifest/types.js';
import { canonicalJson } from '../manifest/spec-hash.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { PLAN_VERSION, type ActionKind, type Plan, type Selectors } from './types.js';

export const PLAN_FILE_FORMAT = 'videogen-plan';
/** Bumped when a plan file written by this version could be misread by another. */
export const PLAN_FILE_VERSION = 1;

export interface PlanFile {
  format: typeof PLAN_FILE_FORMAT;
  version: typeof PLAN_FILE_VERSION;
  /** The videogen that wrote it, for the message when another one cannot read it. */
  videogen: string;
  created_at: string;
  /** `path` is relative to the plan file's folder, with forward slashes. */
  manifest: { path: string; sha256: string };
  lock: { sha256: string };
  /** What `plan` was asked for (`--only`, `--replace`, `--force`, `--shard`): a fresh plan to compare with is made the same way. */
  selectors: Selectors;
  plan: Plan;
  /** sha256 of every other field's canonical JSON: a hand edit shows. */
  checksum: string;
}

/**
 * What decides which videos a plan makes and what they cost: every shot after expansion (its
 * spec hash covers the prompt, the model, the reference image's bytes, a CSV row's values),
 * its output path, `pricing:` and `storage:`. Comments, key order, poll intervals and
 * concurrency do not: changing them leaves a reviewed plan valid.
 */
export function manifestDigest(manifest: Manifest): string {
  const shots = manifest.shots.map((shot) => [shot.id, shot.providerName, shot.specHash, shot.output]);
  const storage = manifest.storage ? { url: manifest.storage.url } : null;
  return sha256(canonicalJson({ shots, pricing: manifest.pricing ?? null, storage }));
}

/**
 * sha256 of the lock and its journal together (not lockDigest, the lock alone, which keys the
 * parsed-lock cache): any transition recorded since the plan was made changes it.
 */
export async function lockStateDigest(lockFile: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [lockFile, journalFileFor(lockFile)]) {
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    // Absent and empty differ, and the lengths keep the two files from running into each other.
    hash.update(bytes === undefined ? 'absent\n' : `${bytes.length}\n`);
    if (bytes) hash.update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}

export async function writePlanFile(
  file: string,
  content: { manifest: Manifest; plan: Plan; selectors: Selectors; videogen: string; now?: Date },
): Promise<void> {
  const body: Omit<PlanFile, 'checksum'> = {
    format: PLAN_FILE_FORMAT,
    version: PLAN_FILE_VERSION,
    videogen: content.videogen,
    created_at: (content.now ?? new Date()).toISOString(),
    manifest: { path: relative(dirname(resolve(file)), content.manifest.file).split(sep).join('/'), sha256: manifestDigest(content.manifest) },
    lock: { sha256: await lockStateDigest(content.manifest.lockFile) },
    selectors: content.selectors,
    plan: content.plan,
  };
  await writeFileAtomic(file, `${JSON.stringify({ ...body, checksum: sha256(canonicalJson(body)) }, null, 2)}\n`);
}

/** Reads and checks a plan file: its format, version and checksum. Every refusal is exit 3 and names the file. */
export async function readPlanFile(file: string): Promise<PlanFile & { manifestPath: string }> {
  const refuse = (why: string, hint?: string): never => {
    throw new VideogenError('VIDEOGEN_PLAN_FILE', `${file}: ${why}; nothing was applied`, { exitCode: ExitCode.invalid, ...(hint ? { hint } : {}) });
  };
  const remake = 'make a new one with `videogen plan --out`';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return refuse(`cannot read the plan file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse('is not a complete JSON document (truncated, or not a plan file)', remake);
  }
  if (!isRecord(parsed) || parsed.format !== PLAN_FILE_FORMAT) return refuse('is not a videogen plan file', remake);
  if (parsed.version !== PLAN_FILE_VERSION) {
    return refuse(
      `is a plan file of format version ${JSON.stringify(parsed.version)} (written by videogen ${String(parsed.videogen)}); this videogen reads version ${PLAN_FILE_VERSION}`,
      `make the plan again with this videogen (\`videogen plan --out\`), or apply it with the version that wrote it`,
    );
  }
  const { checksum, ...body } = parsed;
  if (checksum !== sha256(canonicalJson(body))) return refuse('was changed after `videogen plan` wrote it (its checksum does not match)', remake);
  const planFile = parsed as unknown as PlanFile;
  if (!isPlan(planFile.plan) || !isRecord(planFile.selectors) || !isRecord(planFile.manifest)) return refuse('holds no plan this videogen can run', remake);
  return { ...planFile, manifestPath: resolve(dirname(resolve(file)), planFile.manifest.path) };
}

/** Refuses, naming what changed, when the manifest or the lock is no longer what the plan was made from. */
export async function checkPlanFileCurrent(file: string, planFile: PlanFile, manifest: Manifest, replanned: () => Promise<Plan>): Promise<void> {
  if (manifestDigest(manifest) !== planFile.manifest.sha256) {
    const changed = describeChanges(planFile.plan, await replanned());
    throw new VideogenError('VIDEOGEN_PLAN_STALE', `${manifest.file} changed since ${file} was made${changed}; nothing was applied`, {
      exitCode: ExitCode.invalid,
      hint: 'review a new plan: `videogen plan --out` again',
    });
  }
  if ((await lockStateDigest(manifest.lockFile)) !== planFile.lock.sha256) {
    throw new VideogenError(
      'VIDEOGEN_PLAN_STALE',
      `${manifest.lockFile} changed since ${file} was made (another apply or a merge recorded work since); nothing was applied`,
      { exitCode: ExitCode.invalid, hint: 'review a new plan: `videogen plan --out` again' },
    );
  }
}

/** `: hero now replace (was keep), city new` — the shots whose action a fresh plan would change. */
function describeChanges(saved: Plan, fresh: Plan): string {
  const before = new Map<string, ActionKind>(saved.actions.map((action) => [action.id, action.action]));
  const after = new Map<string, ActionKind>(fresh.actions.map((action) => [action.id, action.action]));
  const lines: string[] = [];
  for (const [id, action] of after) {
    const was = before.get(id);
    if (was === undefined) lines.push(`${id} now ${action} (not in the plan)`);
    else if (was !== action) lines.push(`${id} now ${action} (planned: ${was})`);
  }
  for (const [id, action] of before) if (!after.has(id)) lines.push(`${id} no longer planned (planned: ${action})`);
  if (lines.length === 0) return ' (its shots plan the same actions, but their specs, pricing or storage differ)';
  const shown = lines.slice(0, 5).join(', ');
  return `: ${shown}${lines.length > 5 ? ` and ${lines.length - 5} more` : ''}`;
}

function isPlan(value: unknown): value is Plan {
  return isRecord(value) && value.version === PLAN_VERSION && Array.isArray(value.actions) && isRecord(value.summary);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}
