/**
 * Stage 2 for `providers`: each entry's module supplies its defaults, its settings and
 * their checks; URLs and durations are checked here; the result is the ProviderConfig
 * objects the rest of videogen uses.
 */
import { findProviderModule, providerModules } from '../providers/registry.js';
import type { ProviderModule } from '../providers/module.js';
import { normaliseBaseUrl } from '../util/base-url.js';
import { parseDurationMs } from '../util/duration.js';
import { parseRatePerMinute, RATE_EXPECTED } from '../util/rate.js';
import { isRecord } from './issues.js';
import type { PathSegment } from './positions.js';
import { ManifestCode, problem, retiredProblem, type Problem } from './problems.js';
import type { ProviderInput } from './schema.js';
import type { ProviderConfig, ProviderType } from './types.js';

const DEFAULT_DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/**
 * When `providers:` is omitted, one entry named `heygen` exists, as it always has (older
 * manifests rely on it). The implicit `openai` entry went when OpenAI shut its Videos API
 * down: an OpenAI-compatible endpoint has no default base_url any more.
 */
const IMPLICIT_PROVIDERS: ReadonlyArray<[string, ProviderType]> = [['heygen', 'heygen']];

export interface ResolvedProviders {
  /** Every declared name, including entries with problems, so shots naming them are not "unknown". */
  names: ReadonlySet<string>;
  /** The names for messages: a few of them, backquoted. */
  namesForHumans: string;
  /** Entries that passed both stages. */
  configs: Map<string, ProviderConfig>;
  /** False when `providers` itself is unusable (not a mapping): provider checks on shots are skipped. */
  usable: boolean;
  /** True when the manifest has no `providers:` section (the implicit entries apply). */
  implicit: boolean;
  problems: Problem[];
  warnings: Problem[];
}

/**
 * @param raw the `providers` value as written (undefined when omitted)
 * @param failed names whose entry already failed stage 1 (skipped here)
 */
export function resolveProviders(raw: unknown, failed: ReadonlySet<string>): ResolvedProviders {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const configs = new Map<string, ProviderConfig>();
  if (raw === undefined) {
    for (const [name, type] of IMPLICIT_PROVIDERS) configs.set(name, buildConfig(name, { type }, problems, warnings));
    return described(IMPLICIT_PROVIDERS.map(([name]) => name), configs, true, true, problems, warnings);
  }
  if (!isRecord(raw)) return described([], configs, false, false, problems, warnings);
  const names = Object.keys(raw);
  if (names.length === 0) {
    problems.push(
      problem(
        ManifestCode.value,
        ['providers'],
        'expected at least one provider',
        'declare one, such as `studio: { type: heygen-v3 }`',
      ),
    );
  }
  for (const name of names) {
    if (failed.has(name)) continue;
    const config = buildConfig(name, raw[name] as ProviderInput, problems, warnings);
    configs.set(name, config);
  }
  return described(names, configs, true, false, problems, warnings);
}

function described(
  names: string[],
  configs: Map<string, ProviderConfig>,
  usable: boolean,
  implicit: boolean,
  problems: Problem[],
  warnings: Problem[],
): ResolvedProviders {
  const shown = names.slice(0, 10).map((n) => `\`${n}\``).join(', ');
  const namesForHumans = names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
  return { names: new Set(names), namesForHumans, configs, usable, implicit, problems, warnings };
}

function buildConfig(name: string, input: ProviderInput, problems: Problem[], warnings: Problem[]): ProviderConfig {
  const at = (...rest: PathSegment[]): PathSegment[] => ['providers', name, ...rest];
  // Stage 1 admitted only registered types.
  const module = findProviderModule(input.type)!;
  const emulate = input.emulate ?? false;
  const settings: Record<string, unknown> = {};
  for (const key of Object.keys(module.settings ?? {})) if (input[key] !== undefined) settings[key] = input[key];
  let baseUrl = '';
  // An emulated provider gets its URL when the emulator starts; a base_url there is simply unused.
  if (!emulate) {
    const written = input.base_url ?? module.defaultBaseUrl?.(settings) ?? module.defaults.baseUrl;
    const normalized = written === undefined ? missingBaseUrl(module) : normaliseBaseUrl(written);
    if (typeof normalized === 'string') baseUrl = normalized;
    else problems.push(problem(written === undefined ? ManifestCode.required : ManifestCode.value, at('base_url'), normalized.message, normalized.hint));
  }
  problems.push(...foreignSettings(module, input, at));
  const duration = (value: string | number | undefined, fallback: number, ...where: PathSegment[]): number => {
    if (value === undefined) return fallback;
    const ms = parseDurationMs(value);
    if (ms === undefined || ms <= 0) {
      problems.push(problem(ManifestCode.value, at(...where), 'expected a duration longer than 0, such as 5s or 15m'));
      return fallback;
    }
    return ms;
  };
  const initialMs = duration(input.poll?.initial, module.defaults.poll.initialMs, 'poll', 'initial');
  const maxMs = duration(input.poll?.max, Math.max(module.defaults.poll.maxMs, initialMs), 'poll', 'max');
  if (input.poll?.initial !== undefined && input.poll.max !== undefined && initialMs > maxMs) {
    problems.push(
      problem(ManifestCode.value, at('poll', 'initial'), '`poll.initial` is longer than `poll.max`', 'the delay starts at `initial` and grows up to `max`'),
    );
  }
  // The shape (`N/min`) was checked in stage 1; a rate of zero would never submit anything.
  const ratePerMinute = input.rate === undefined ? undefined : parseRatePerMinute(input.rate);
  if (input.rate !== undefined && ratePerMinute === undefined) {
    problems.push(problem(ManifestCode.value, at('rate'), `${RATE_EXPECTED}, above zero`, 'remove `rate` for no limit'));
  }
  const config: ProviderConfig = {
    name,
    type: input.type,
    baseUrl,
    apiKeyEnv: input.api_key_env ?? module.defaults.apiKeyEnv,
    concurrency: input.concurrency ?? module.defaults.concurrency,
    ...(ratePerMinute === undefined ? {} : { ratePerMinute }),
    emulate,
    settings,
    poll: { initialMs, maxMs },
    timeoutMs: duration(input.timeout, module.defaults.timeoutMs, 'timeout'),
    downloadTimeoutMs: duration(input.download_timeout, DEFAULT_DOWNLOAD_TIMEOUT_MS, 'download_timeout'),
  };
  for (const p of module.checkSettings?.(config) ?? []) problems.push(problem(ManifestCode.value, at(p.setting), p.message, p.hint));
  const retired = baseUrl === '' && !emulate ? undefined : module.retiredAt?.(config);
  if (retired) warnings.push(retiredProblem(at(input.base_url === undefined ? 'type' : 'base_url'), `${retired.what} was switched off`, retired));
  return config;
}

function missingBaseUrl(module: ProviderModule): { message: string; hint?: string } {
  return { message: `missing required key \`base_url\`: ${module.type} has no default endpoint`, hint: module.defaults.baseUrlHint };
}

/** A setting another provider type's module contributed: the shape passed, but this type takes no such key. */
function foreignSettings(module: ProviderModule, input: ProviderInput, at: (...rest: PathSegment[]) => PathSegment[]): Problem[] {
  const problems: Problem[] = [];
  const own = new Set(Object.keys(module.settings ?? {}));
  for (const key of Object.keys(input)) {
    if (own.has(key)) continue;
    const owners = providerModules().filter((other) => Object.hasOwn(other.settings ?? {}, key));
    if (owners.length === 0) continue;
    const types = owners.map((owner) => owner.type).join(', ');
    problems.push(
      problem(ManifestCode.unsupportedField, at(key), `${module.type} takes no \`${key}\``, `\`${key}\` is a setting of ${types}: remove it here`, 'key'),
    );
  }
  return problems;
}
