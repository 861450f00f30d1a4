/**
 * Stage 2: rules that need more than one field or the whole manifest. They run on the
 * parts that passed stage 1 (a shot with a shape problem is skipped here, other shots
 * are still checked), so one run reports everything.
 */
import path from 'node:path';
import { suggestKnownModel } from '../providers/field-rules.js';
import { findModel, type ShotRequest } from '../providers/module.js';
import { providerModule } from '../providers/registry.js';
import { parseDurationMs } from '../util/duration.js';
import { didYouMean } from './did-you-mean.js';
import { classifyImage, type ImageReference } from './images.js';
import { isRecord } from './issues.js';
import { fieldPath, optionPath, type MergedShot } from './normalize.js';
import type { PathSegment } from './positions.js';
import { describeValue, isYamlOnlyValue, ManifestCode, problem, retiredProblem, type Problem } from './problems.js';
import type { ResolvedProviders } from './provider-config.js';
import { SHOT_ID_MAX_LENGTH, SHOT_ID_PATTERN } from './schema.js';
import type { ProviderConfig } from './types.js';

export interface CheckedShot {
  merged: MergedShot;
  providerName: string | undefined;
  /** Undefined when the provider is unknown or its entry has problems. */
  provider: ProviderConfig | undefined;
  durationSeconds: number | undefined;
  reference: ImageReference | undefined;
  tail: ImageReference | undefined;
}

/** What per-shot checks share across one manifest. */
export interface ShotCheckContext {
  providers: ResolvedProviders;
  /** The manifest's directory: image paths start there. */
  dir: string;
  /** Image values already classified: 10,000 shots inheriting one image resolve it once. */
  imageCache: Map<string, ImageReference>;
  /** How many more values `options` may hold in the whole manifest (see checkOptionValues). */
  optionBudget: { left: number };
  /** Retired or unknown models, reported once per provider entry and model. */
  warnings: Problem[];
  /** `provider\0model` pairs already looked at for warnings. */
  modelsSeen: Set<string>;
}

/**
 * Most values all `options` together may hold once YAML aliases are expanded. yaml's
 * alias limit is per anchor, so many small anchors can still expand to millions of
 * values, and options are walked here and again when hashed: cap the total instead.
 */
export const MAX_OPTION_VALUES = 1_000_000;

const NO_FIELDS: ReadonlySet<string> = new Set();

/**
 * @param rejected fields stage 1 already reported for this shot (left out of `merged`): not
 *   reported again as missing, and a rejected `provider` means the shot's provider is unknown.
 */
export function checkShot(
  merged: MergedShot,
  context: ShotCheckContext,
  problems: Problem[],
  rejected: ReadonlySet<string> = NO_FIELDS,
): CheckedShot {
  const { providers } = context;
  const { fields, index } = merged;
  const providerName = rejected.has('provider') ? undefined : resolveProviderName(merged, providers, problems);
  const provider = providerName === undefined ? undefined : providers.configs.get(providerName);

  // prompt is optional in the schema only because `defaults` may supply it.
  if (fields.prompt === undefined && !rejected.has('prompt')) {
    const hint = 'write what the video shows, or set `defaults.prompt`';
    problems.push(problem(ManifestCode.required, ['shots', index, 'prompt'], 'missing required key `prompt`', hint));
  }

  let durationSeconds: number | undefined;
  if (fields.duration !== undefined) {
    const ms = parseDurationMs(fields.duration);
    if (ms === undefined || ms <= 0) {
      problems.push(problem(ManifestCode.value, fieldPath(merged, 'duration'), 'expected a duration longer than 0, such as 8 or 8s'));
    } else {
      durationSeconds = ms / 1000;
    }
  }

  // The defaults' own options are checked once by the caller, not once per shot.
  if (merged.shot.options) checkOptionValues(merged.shot.options, ['shots', index, 'options'], context.optionBudget, problems);

  if (provider) checkAgainstProvider(merged, provider, shotRequest(merged, durationSeconds), context, problems);

  const reference = checkImage(merged, 'reference_image', context, problems);
  const tail = checkImage(merged, 'tail_image', context, problems);
  return { merged, providerName, provider, durationSeconds, reference, tail };
}

/** The shot as its provider module sees it; images as written (checks only ask whether one is set). */
export function shotRequest(merged: MergedShot, durationSeconds: number | undefined, images: { reference?: string; tail?: string } = {}): ShotRequest {
  const { fields } = merged;
  const request: ShotRequest = { prompt: fields.prompt ?? '' };
  if (fields.model !== undefined) request.model = fields.model;
  if (fields.aspect_ratio !== undefined) request.aspect_ratio = fields.aspect_ratio;
  if (durationSeconds !== undefined) request.duration = durationSeconds;
  if (fields.size !== undefined) request.size = fields.size;
  if (fields.resolution !== undefined) request.resolution = fields.resolution;
  if (fields.seed !== undefined) request.seed = fields.seed;
  if (fields.audio !== undefined) request.audio = fields.audio;
  const reference = images.reference ?? fields.reference_image;
  const tail = images.tail ?? fields.tail_image;
  if (reference !== undefined) request.reference_image = reference;
  if (tail !== undefined) request.tail_image = tail;
  if (fields.options !== undefined) request.options = fields.options;
  return request;
}

/** What the provider's module says about the shot, and warnings about its model. */
function checkAgainstProvider(merged: MergedShot, provider: ProviderConfig, request: ShotRequest, context: ShotCheckContext, problems: Problem[]): void {
  const module = providerModule(provider.type);
  for (const p of module.checkShot(request, provider)) {
    const where = p.optionKey === undefined ? fieldPath(merged, p.field) : optionPath(merged, p.optionKey);
    // A field the type cannot take at all is pointed at by its key; a rejected value by its value.
    const target = p.kind === 'field' ? 'key' : 'value';
    problems.push(problem(ManifestCode.unsupportedField, where, `provider \`${provider.name}\`: ${p.message}`, p.hint, target));
  }
  const model = request.model;
  if (model === undefined) {
    if (module.defaults.model === undefined) {
      const known = module.models.filter((m) => !m.retired).map((m) => m.id);
      const hint = known.length > 0 ? `such as ${known.slice(0, 4).join(', ')} (\`videogen models ${module.type}\` lists the known ones)` : undefined;
      problems.push(problem(ManifestCode.required, ['shots', merged.index, 'model'], `missing required key \`model\`: ${module.type} has no default model`, hint));
    }
    return;
  }
  const seen = `${provider.name}\u0000${model}`;
  if (context.modelsSeen.has(seen)) return;
  context.modelsSeen.add(seen);
  const info = findModel(module, model);
  if (info?.retired) {
    context.warnings.push(retiredProblem(fieldPath(merged, 'model'), `provider \`${provider.name}\`: model ${model} was retired`, info.retired));
    return;
  }
  const close = info === undefined ? suggestKnownModel(module, model) : undefined;
  if (close !== undefined) {
    const message = `provider \`${provider.name}\`: ${module.type} does not list model ${model}`;
    context.warnings.push(problem(ManifestCode.unknownModel, fieldPath(merged, 'model'), message, `did you mean \`${close}\`? (new models are accepted as written)`));
  }
}

/** shot.provider ?? defaults.provider ?? the only declared provider (decision: DESIGN.md, manifest section). */
function resolveProviderName(merged: MergedShot, providers: ResolvedProviders, problems: Problem[]): string | undefined {
  if (!providers.usable) return undefined;
  const { names, namesForHumans } = providers;
  const only = names.size === 1 ? names.values().next().value : undefined;
  const name = merged.fields.provider ?? only;
  if (name === undefined) {
    if (names.size === 0) return undefined; // `providers: {}` is reported once, not per shot
    problems.push(
      problem(
        ManifestCode.required,
        ['shots', merged.index, 'provider'],
        'no provider for this shot',
        `set \`provider:\` on the shot or \`defaults.provider\` (one of ${namesForHumans})`,
      ),
    );
    return undefined;
  }
  if (!names.has(name)) {
    const close = didYouMean(name, [...names]);
    let hint = close === undefined ? `declared providers: ${namesForHumans}` : `did you mean \`${close}\`? (declared providers: ${namesForHumans})`;
    // Manifests without `providers:` once had an implicit `openai` entry pointing at OpenAI's Videos API.
    if (providers.implicit && name === 'openai') {
      hint = "OpenAI shut its Videos API down on 2026-09-24: declare an openai-videos provider under `providers:` with the base_url of a compatible service, such as https://api.huixingyun.com/v1";
    }
    problems.push(problem(ManifestCode.unknownProvider, fieldPath(merged, 'provider'), `unknown provider \`${name}\``, hint));
    return undefined;
  }
  return name;
}

function checkImage(
  merged: MergedShot,
  field: 'reference_image' | 'tail_image',
  context: ShotCheckContext,
  problems: Problem[],
): ImageReference | undefined {
  const value = merged.fields[field];
  if (value === undefined) return undefined;
  let reference = context.imageCache.get(value);
  if (reference === undefined) {
    reference = classifyImage(value, context.dir);
    context.imageCache.set(value, reference);
  }
  if (reference.kind === 'invalid') {
    problems.push(problem(ManifestCode.value, fieldPath(merged, field), reference.message, reference.hint));
    return undefined;
  }
  return reference;
}

/**
 * Options are hashed as JSON: YAML's .inf and .nan have no JSON form. Also spends the
 * manifest-wide budget of option values, reporting once when it runs out.
 */
export function checkOptionValues(options: Record<string, unknown>, at: PathSegment[], budget: { left: number }, problems: Problem[]): void {
  const where = [...at];
  const visit = (value: unknown): boolean => {
    if (--budget.left < 0) {
      if (budget.left === -1) {
        const message = `options hold more than ${MAX_OPTION_VALUES} values in total (counting YAML aliases expanded)`;
        problems.push(problem(ManifestCode.value, at, message, 'options are passed through to the provider: keep them small'));
      }
      return false;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      const message = `expected a finite number, got ${String(value)}`;
      problems.push(problem(ManifestCode.value, [...where], message, 'options are sent as JSON, which has no infinity or NaN'));
    } else if (isYamlOnlyValue(value)) {
      // YAML 1.1 tags (!!binary, !!set, !!omap, !!timestamp) read as Buffer, Set, Map or Date,
      // which JSON would silently turn into `{}` or a string: refuse rather than send that.
      const message = `expected a JSON value (text, number, true/false, null, list or mapping), got ${describeValue(value)}`;
      problems.push(problem(ManifestCode.value, [...where], message, 'options are sent as JSON: drop the YAML tag'));
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        where.push(i);
        const more = visit(value[i]);
        where.pop();
        if (!more) return false;
      }
    } else if (isRecord(value)) {
      for (const key of Object.keys(value)) {
        where.push(key);
        const more = visit(value[key]);
        where.pop();
        if (!more) return false;
      }
    }
    return true;
  };
  visit(options);
}

/** Shot ids that are well-formed strings, by index (shots with a broken id are skipped). */
function wellFormedId(shot: unknown): string | undefined {
  if (!isRecord(shot) || typeof shot.id !== 'string') return undefined;
  return shot.id.length <= SHOT_ID_MAX_LENGTH && SHOT_ID_PATTERN.test(shot.id) ? shot.id : undefined;
}

/**
 * Unique ids, and output paths that stay inside output_dir and do not collide. Runs over
 * every shot with a usable id, even shots with other problems: a duplicate is worth
 * knowing about either way. Returns each shot's output relative to output_dir.
 * @param describe how a message names another shot (an expanded one by its row: `leads.csv:3`)
 */
export function checkIdsAndOutputs(
  shots: readonly unknown[],
  problems: Problem[],
  describe: (index: number) => string = (index) => `shots[${index}]`,
): Map<number, string> {
  const firstById = new Map<string, number>();
  const ownerByOutput = new Map<string, { index: number; id: string }>();
  const outputs = new Map<number, string>();
  shots.forEach((shot, index) => {
    const id = wellFormedId(shot);
    if (id === undefined) return;
    const first = firstById.get(id);
    if (first !== undefined) {
      problems.push(
        problem(
          ManifestCode.duplicateId,
          ['shots', index, 'id'],
          `duplicate id \`${id}\` (also ${describe(first)})`,
          'ids must be unique: they name the output files and the lock entries',
        ),
      );
      return;
    }
    firstById.set(id, index);
    if (isWindowsDeviceName(id)) {
      const message = `id \`${id}\` names a Windows device (${id.split('.')[0]!.toUpperCase()}): its output file could not be written there`;
      problems.push(problem(ManifestCode.badId, ['shots', index, 'id'], message, 'choose another id, such as `shot-' + id + '`'));
      return;
    }

    const written = (shot as Record<string, unknown>).output;
    if (written !== undefined && typeof written !== 'string') return; // stage 1 reported it
    let output = `${id}.mp4`;
    if (typeof written === 'string') {
      const checked = checkOutputPath(written);
      if (typeof checked !== 'string') {
        problems.push(problem(ManifestCode.outputPath, ['shots', index, 'output'], checked.message, checked.hint));
        return;
      }
      output = checked;
    }
    // Compared without case: on macOS and Windows `A.mp4` and `a.mp4` are one file.
    const key = output.toLowerCase();
    const owner = ownerByOutput.get(key);
    if (owner) {
      const at: PathSegment[] = ['shots', index, written === undefined ? 'id' : 'output'];
      problems.push(
        problem(
          ManifestCode.outputPath,
          at,
          `output \`${output}\` is also written by shot \`${owner.id}\``,
          'give each shot its own `output` (paths differing only in case are the same file on macOS and Windows)',
        ),
      );
      return;
    }
    ownerByOutput.set(key, { index, id });
    outputs.set(index, output);
  });
  return outputs;
}

/**
 * An `output` must be a relative path inside output_dir ending in .mp4 (decision: the
 * manifest cannot make apply write or delete files elsewhere; output_dir is the one
 * explicit way to choose another place). Returns the normalised path, or the problem.
 */
export function checkOutputPath(raw: string): string | { message: string; hint?: string } {
  const inside = 'to write somewhere else, change `output_dir`';
  if (raw.includes('\0')) return { message: 'expected a path without NUL characters' };
  if (raw.includes('\\')) return { message: 'expected forward slashes (/) in the path', hint: 'the same manifest must work on every OS' };
  if (/^[a-zA-Z]:/.test(raw)) return { message: 'expected a path relative to output_dir, not a drive path', hint: inside };
  if (raw.startsWith('/')) return { message: 'expected a path relative to output_dir, not an absolute path', hint: inside };
  if (raw.split('/').includes('..')) return { message: 'expected a path that stays inside output_dir (no `..`)', hint: inside };
  // `:` would write an NTFS alternate data stream; the others cannot be in a Windows file name.
  if (/[<>:"|?*\u0000-\u001f]/.test(raw)) {
    return { message: 'expected a path without control characters or any of < > : " | ? *', hint: 'the same manifest must work on every OS' };
  }
  const device = raw.split('/').find(isWindowsDeviceName);
  if (device !== undefined) {
    return { message: `\`${device}\` names a Windows device, not a file`, hint: 'the same manifest must work on every OS: choose another name' };
  }
  const normalised = path.posix.normalize(raw);
  if (!/\.mp4$/i.test(normalised) || normalised.endsWith('/.mp4') || normalised === '.mp4') {
    return { message: 'expected a file name ending in .mp4', hint: 'for example `social/cafe.mp4`' };
  }
  return normalised;
}

/**
 * CON, PRN, AUX, NUL, COM0-9 and LPT0-9 are devices in every Windows directory, with any
 * extension (`nul.mp4` is NUL): a shot named so would write its video to the device.
 */
export function isWindowsDeviceName(name: string): boolean {
  const base = name.split('.')[0]!.trimEnd();
  return /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/i.test(base);
}
