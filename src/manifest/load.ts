/**
 * Reading a manifest: bytes → text → YAML → expansion of data-driven entries and takes
 * (expand.ts) → stage 1 (zod shape) → stage 2 (rules) → normalised Manifest. Every problem
 * found is reported in one InvalidInputError.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../errors.js';
import { DataFiles } from './data-file.js';
import { expandShots, MAX_SHOTS, type Expansion, type ShotOrigin } from './expand.js';
import { ExpandedProblems } from './expanded-problems.js';
import { hashAndCheckImages } from './image-checks.js';
import type { HashedImage, ImageReference } from './images.js';
import { intendedKey, isRecord, problemsFromIssues } from './issues.js';
import { mergeShot } from './normalize.js';
import { readManifestText } from './manifest-file.js';
import type { SourceLocator } from './positions.js';
import { ManifestCode, problem, toDiagnostics, type Problem } from './problems.js';
import { resolveProviders, type ResolvedProviders } from './provider-config.js';
import { providerModule } from '../providers/registry.js';
import { checkIdsAndOutputs, checkOptionValues, checkShot, MAX_OPTION_VALUES, shotRequest, type CheckedShot } from './rules.js';
import { knownKeys, manifestSchema, type DefaultsInput, type ShotInput } from './schema.js';
import { specHash } from './spec-hash.js';
import type { ImageSource, Manifest, Shot } from './types.js';
import { parseYamlText, type YamlParseResult } from './yaml-source.js';
import { parseManifestYaml } from './parsed-cache.js';
import { resolveStorage } from '../storage/config.js';
import { didYouMean } from './did-you-mean.js';
import type { Pricing } from '../cost/price.js';
import type { StorageInput } from '../storage/schema.js';

const DEFAULT_OUTPUT_DIR = 'out';

export { MAX_MANIFEST_BYTES } from './manifest-file.js';

export async function loadManifest(file: string): Promise<Manifest> {
  return (await loadManifestAndCache(file)).manifest;
}

/** loadManifest, for a command that caches the parsed YAML (parsed-cache.ts) once it has done its work. */
export async function loadManifestAndCache(file: string): Promise<{ manifest: Manifest; saveCache(): Promise<void> }> {
  const absolute = path.resolve(file);
  const text = withoutByteOrderMark(await readManifestText(file, absolute));
  const yaml = await parseManifestYaml(absolute, text);
  return { manifest: await parseManifestText(text, file, path.dirname(absolute), yaml.parsed), saveCache: yaml.saveCache };
}

/**
 * @param file the manifest path as the caller wrote it (used in diagnostics)
 * @param dir the absolute directory the manifest's relative paths start from
 * @param parsed the text's YAML, when the caller has it already
 */
export async function parseManifestText(
  text: string,
  file: string,
  dir: string,
  parsed: YamlParseResult = parseYamlText(withoutByteOrderMark(text)),
): Promise<Manifest> {
  if (!parsed.ok) throw invalid(parsed.problems, file, undefined);
  const { locator } = parsed;
  const expansion = await expandShots(parsed.data, new DataFiles(dir, file, MAX_SHOTS));
  const { data } = expansion;
  const expanded = new ExpandedProblems(expansion, locator, file);
  // Until here problems name the manifest as written; from here on, the expanded shots.
  const reportAll = (problems: readonly Problem[]) =>
    invalid([...expansion.problems, ...expanded.rowProblems(), ...expanded.relocate(problems)], file, locator);

  // Stage 1: shape.
  const problems: Problem[] = [];
  const result = manifestSchema().safeParse(data);
  const issues = result.success ? [] : result.error.issues.filter((issue) => !(expansion.incomplete && isNoShots(issue)));
  const failed = issues.length === 0 ? NOTHING_FAILED : failedParts(issues);
  problems.push(...problemsFromIssues(issues, data));
  if (!isRecord(data)) throw reportAll(problems);

  // Stage 2: rules on the parts that are shape-valid.
  const providers = resolveProviders(failed.providers ? null : data.providers, failed.providerNames);
  problems.push(...providers.problems);
  const warnings: Problem[] = [...providers.warnings];
  const shotsData: unknown[] = Array.isArray(data.shots) ? data.shots : [];
  const outputs = checkIdsAndOutputs(shotsData, problems, (index) => expanded.describeShot(index));
  // A defaults problem would be echoed by every shot; report it alone.
  const defaults = failed.defaults ? undefined : (data.defaults as DefaultsInput | undefined);
  const checked: CheckedShot[] = [];
  if (!failed.defaults && !failed.shots) {
    const context = { providers, dir, imageCache: new Map(), optionBudget: { left: MAX_OPTION_VALUES }, warnings, modelsSeen: new Set<string>() };
    if (defaults?.options) checkOptionValues(defaults.options, ['defaults', 'options'], context.optionBudget, problems);
    shotsData.forEach((shot, index) => {
      const rejected = failed.shotFields.get(index);
      if (rejected === 'whole' || !isRecord(shot)) return;
      // The fields stage 1 rejected are left out, so the rest of the shot is still checked:
      // one run reports everything, not one problem per field per run.
      const usable = rejected ? withoutKeys(shot, rejected) : shot;
      checked.push(checkShot(mergeShot(index, usable as ShotInput, defaults), context, problems, rejected));
    });
  }
  const images = await hashAndCheckImages(checked, dir, problems);

  const outputDir = resolveOutputDir(data.output_dir, failed.outputDir, dir, problems);
  await checkOutputDirIsDirectory(outputDir, dir, problems);
  const storage = failed.storage ? undefined : resolveStorage(data.storage as StorageInput | undefined, problems);
  const pricing = failed.pricing ? undefined : checkPricing(data.pricing as Pricing | undefined, providers, problems);
  if (problems.length > 0 || expansion.problems.length > 0 || expansion.rowProblems.length > 0) throw reportAll(problems);

  const shots = checked.map((c): Shot => {
    const output = outputs.get(c.merged.index)!;
    return buildShot(c, images, path.posix.join(outputDir, output), expansion);
  });
  return {
    file: path.join(dir, path.basename(file)),
    dir,
    lockFile: path.join(dir, lockFileName(path.basename(file))),
    outputDir,
    providers: providers.configs,
    shots,
    ...(expansion.entries.length > 0 ? { expanded: expansion.entries } : {}),
    warnings: warnings.length === 0 ? [] : toDiagnostics(expanded.relocate(warnings), file, locator).map((d) => ({ ...d, severity: 'warning' as const })),
    ...(storage ? { storage } : {}),
    ...(pricing ? { pricing } : {}),
  };
}

/** `pricing:` names provider entries: each must exist (a typo would price nothing and say nothing). */
function checkPricing(pricing: Pricing | undefined, providers: ResolvedProviders, problems: Problem[]): Pricing | undefined {
  if (pricing === undefined || !providers.usable) return pricing;
  for (const name of Object.keys(pricing)) {
    if (providers.names.has(name)) continue;
    const close = didYouMean(name, [...providers.names]);
    const hint = close === undefined ? `declared providers: ${providers.namesForHumans}` : `did you mean \`${close}\`?`;
    problems.push(problem(ManifestCode.unknownProvider, ['pricing', name], `pricing for an unknown provider \`${name}\``, hint, 'key'));
  }
  return pricing;
}

function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** `shots.yaml` → `shots.lock.yaml`; `campaign.yml` → `campaign.lock.yaml`. */
export function lockFileName(manifestName: string): string {
  return `${manifestName.replace(/\.ya?ml$/i, '')}.lock.yaml`;
}

interface FailedParts {
  providers: boolean;
  providerNames: Set<string>;
  defaults: boolean;
  shots: boolean;
  /** Per shot index: the fields stage 1 rejected, or 'whole' when the shot itself is not a mapping. */
  shotFields: Map<number, Set<string> | 'whole'>;
  outputDir: boolean;
  storage: boolean;
  pricing: boolean;
}

const NOTHING_FAILED: FailedParts = {
  providers: false,
  providerNames: new Set(),
  defaults: false,
  shots: false,
  shotFields: new Map(),
  outputDir: false,
  storage: false,
  pricing: false,
};

/** `shots:` is empty: not worth saying when entries expanded into nothing because of their own problems. */
function isNoShots(issue: { path: PropertyKey[]; code?: string }): boolean {
  return issue.path.length === 1 && issue.path[0] === 'shots' && issue.code === 'too_small';
}

/** Which parts stage 1 rejected, from the issue paths, so stage 2 can skip exactly those. */
function failedParts(issues: ReadonlyArray<{ path: PropertyKey[]; code?: string; keys?: string[] }>): FailedParts {
  const failed: FailedParts = { ...NOTHING_FAILED, providerNames: new Set(), shotFields: new Map() };
  for (const issue of issues) {
    const at = issue.path;
    const [section, item] = at;
    if (section === 'providers') {
      if (item === undefined) failed.providers = true;
      else failed.providerNames.add(String(item));
    } else if (section === 'defaults') {
      failed.defaults = true;
    } else if (section === 'shots') {
      if (typeof item === 'number') markShotField(failed.shotFields, item, issue);
      else failed.shots = true;
    } else if (section === 'output_dir') {
      failed.outputDir = true;
    } else if (section === 'storage') {
      failed.storage = true;
    } else if (section === 'pricing') {
      failed.pricing = true;
    }
  }
  return failed;
}

function markShotField(
  shotFields: FailedParts['shotFields'],
  index: number,
  issue: { path: PropertyKey[]; code?: string; keys?: string[] },
): void {
  const field = issue.path[2];
  const fields = issue.code === 'unrecognized_keys' ? (issue.keys ?? []) : typeof field === 'string' ? [field] : undefined;
  const known = shotFields.get(index);
  if (fields === undefined || known === 'whole') {
    shotFields.set(index, 'whole');
    return;
  }
  const set = known ?? new Set<string>();
  for (const name of fields) {
    set.add(name);
    // `promt:` or `text:` is reported as an unknown key with "did you mean `prompt`?"; saying that
    // `prompt` is missing as well would be the same problem twice.
    const meant = intendedKey(name, knownKeys().shot);
    if (meant !== undefined) set.add(meant);
  }
  shotFields.set(index, set);
}

function withoutKeys(record: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.has(key)));
}

/** output_dir relative to the manifest's directory, with forward slashes ('.' for the directory itself). */
function resolveOutputDir(raw: unknown, failed: boolean, dir: string, problems: Problem[]): string {
  if (failed) return DEFAULT_OUTPUT_DIR;
  const written = typeof raw === 'string' ? raw : DEFAULT_OUTPUT_DIR;
  if (written.includes('\0')) {
    problems.push(problem(ManifestCode.value, ['output_dir'], 'expected a directory path without NUL characters'));
    return DEFAULT_OUTPUT_DIR;
  }
  // On POSIX a backslash is an ordinary character (`out\x` would be one odd directory name);
  // on Windows it separates. The same manifest must mean the same place everywhere (an
  // absolute Windows path is machine-specific anyway, so there it may be written natively).
  if (written.includes('\\') && !(process.platform === 'win32' && path.win32.isAbsolute(written))) {
    problems.push(problem(ManifestCode.value, ['output_dir'], 'expected forward slashes (/) in the path', 'the same manifest must work on every OS'));
    return DEFAULT_OUTPUT_DIR;
  }
  if (process.platform !== 'win32' && /^[a-zA-Z]:/.test(written)) {
    const hint = 'write a path relative to the manifest, or an absolute path of this system';
    problems.push(problem(ManifestCode.value, ['output_dir'], 'expected a directory path, not a Windows drive path', hint));
    return DEFAULT_OUTPUT_DIR;
  }
  // Absolute or outside the manifest's directory is allowed: it is the user's explicit choice.
  const relative = path.relative(dir, path.resolve(dir, written)).split(path.sep).join('/');
  return relative === '' ? '.' : relative;
}

/** An output_dir that exists but is a file would fail every download, after the jobs were paid for. */
async function checkOutputDirIsDirectory(outputDir: string, dir: string, problems: Problem[]): Promise<void> {
  const info = await stat(path.resolve(dir, outputDir)).catch(() => undefined);
  if (info && !info.isDirectory()) {
    problems.push(problem(ManifestCode.value, ['output_dir'], `\`${outputDir}\` exists and is not a directory`, 'point output_dir at a directory (it is created when missing)'));
  }
}

function imageSource(reference: ImageReference | undefined, hashed: Map<string, HashedImage>): ImageSource | undefined {
  if (reference === undefined || reference.kind === 'invalid') return undefined;
  if (reference.kind === 'url') return { kind: 'url', url: reference.url };
  const result = hashed.get(reference.path);
  return result?.ok ? result.image : undefined;
}

function buildShot(c: CheckedShot, hashed: Map<string, HashedImage>, output: string, expansion: Expansion): Shot {
  // Stage 2 passed, so the provider resolved and every image was found.
  const provider = c.provider!;
  const referenceImage = imageSource(c.reference, hashed);
  const tailImage = imageSource(c.tail, hashed);
  const request = shotRequest(c.merged, c.durationSeconds, {
    ...(referenceImage ? { reference: imageSpec(referenceImage) } : {}),
    ...(tailImage ? { tail: imageSpec(tailImage) } : {}),
  });
  const spec = providerModule(provider.type).spec(request, provider);
  const origin = expansion.origins?.[c.merged.index];
  // Added after the module's spec, and only to takes: no existing shot's spec hash changes.
  if (origin?.take !== undefined) spec.take = origin.take;
  const shot: Shot = {
    id: c.merged.shot.id,
    providerName: provider.name,
    spec,
    specHash: specHash(spec),
    tags: [...new Set(c.merged.fields.tags ?? [])],
    output,
  };
  if (referenceImage) shot.referenceImage = referenceImage;
  if (tailImage) shot.tailImage = tailImage;
  if (origin?.row !== undefined || origin?.take !== undefined) Object.assign(shot, selectedAlsoBy(shot.id, origin, expansion));
  return shot;
}

/** The names `--only` also selects an expanded shot by: its entry's template id, and what it is a take of. */
function selectedAlsoBy(id: string, origin: ShotOrigin, expansion: Expansion): Pick<Shot, 'template' | 'takeOf'> {
  const also: Pick<Shot, 'template' | 'takeOf'> = {};
  const template = expansion.dataOf.get(origin.entry)?.template.entry.id;
  if (typeof template === 'string') also.template = template;
  if (origin.take !== undefined) also.takeOf = id.slice(0, -`.${origin.take}`.length);
  return also;
}

/** A local image enters the spec by its bytes' hash (renaming it regenerates nothing), a URL as written. */
function imageSpec(image: ImageSource): string {
  return image.kind === 'file' ? `sha256:${image.sha256}` : image.url;
}

function invalid(problems: readonly Problem[], file: string, locator: SourceLocator | undefined): InvalidInputError {
  return new InvalidInputError('VIDEOGEN_MANIFEST_INVALID', toDiagnostics(problems, file, locator));
}
