/**
 * Stage 2 for `providers`: defaults per type, URL and duration checks, and the
 * ProviderConfig objects the rest of videogen uses.
 */
import { parseDurationMs } from '../util/duration.js';
import { parseRatePerMinute, RATE_EXPECTED } from '../util/rate.js';
import { DEFAULT_API_KEY_ENV, DEFAULT_BASE_URL } from './capabilities.js';
import { isRecord } from './issues.js';
import type { PathSegment } from './positions.js';
import { ManifestCode, problem, type Problem } from './problems.js';
import type { ProviderInput } from './schema.js';
import type { ProviderConfig, ProviderType } from './types.js';

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_POLL_INITIAL_MS = 5_000;
const DEFAULT_POLL_MAX_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 15 * 60_000;
const DEFAULT_DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/** When `providers:` is omitted, these two exist (decision: DESIGN.md "Manifest"). */
const IMPLICIT_PROVIDERS: ReadonlyArray<[string, ProviderType]> = [
  ['heygen', 'heygen'],
  ['openai', 'openai-videos'],
];

export interface ResolvedProviders {
  /** Every declared name, including entries with problems, so shots naming them are not "unknown". */
  names: ReadonlySet<string>;
  /** The names for messages: a few of them, backquoted. */
  namesForHumans: string;
  /** Entries that passed both stages. */
  configs: Map<string, ProviderConfig>;
  /** False when `providers` itself is unusable (not a mapping): provider checks on shots are skipped. */
  usable: boolean;
  problems: Problem[];
}

/**
 * @param raw the `providers` value as written (undefined when omitted)
 * @param failed names whose entry already failed stage 1 (skipped here)
 */
export function resolveProviders(raw: unknown, failed: ReadonlySet<string>): ResolvedProviders {
  const problems: Problem[] = [];
  const configs = new Map<string, ProviderConfig>();
  if (raw === undefined) {
    for (const [name, type] of IMPLICIT_PROVIDERS) configs.set(name, buildConfig(name, { type }, problems));
    return described(IMPLICIT_PROVIDERS.map(([name]) => name), configs, true, problems);
  }
  if (!isRecord(raw)) return described([], configs, false, problems);
  const names = Object.keys(raw);
  if (names.length === 0) {
    problems.push(
      problem(
        ManifestCode.value,
        ['providers'],
        'expected at least one provider',
        'remove `providers:` to use the implicit `heygen` and `openai` entries',
      ),
    );
  }
  for (const name of names) {
    if (failed.has(name)) continue;
    const config = buildConfig(name, raw[name] as ProviderInput, problems);
    configs.set(name, config);
  }
  return described(names, configs, true, problems);
}

function described(names: string[], configs: Map<string, ProviderConfig>, usable: boolean, problems: Problem[]): ResolvedProviders {
  const shown = names.slice(0, 10).map((n) => `\`${n}\``).join(', ');
  const namesForHumans = names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
  return { names: new Set(names), namesForHumans, configs, usable, problems };
}

function buildConfig(name: string, input: ProviderInput, problems: Problem[]): ProviderConfig {
  const at = (...rest: PathSegment[]): PathSegment[] => ['providers', name, ...rest];
  const emulate = input.emulate ?? false;
  let baseUrl = '';
  // An emulated provider gets its URL when the emulator starts; a base_url there is simply unused.
  if (!emulate) {
    const normalized = normaliseBaseUrl(input.base_url ?? DEFAULT_BASE_URL[input.type]);
    if (typeof normalized === 'string') baseUrl = normalized;
    else problems.push(problem(ManifestCode.value, at('base_url'), normalized.message, normalized.hint));
  }
  // reference_format picks an OpenAI-compatible dialect; HeyGen only takes uploaded-asset URLs.
  if (input.type === 'heygen' && input.reference_format !== undefined) {
    problems.push(
      problem(
        ManifestCode.unsupportedField,
        at('reference_format'),
        'heygen takes no `reference_format` (local images are uploaded as assets and passed by URL)',
        'remove `reference_format`, or use it on an openai-videos provider',
        'key',
      ),
    );
  }
  const duration = (value: string | number | undefined, fallback: number, ...where: PathSegment[]): number => {
    if (value === undefined) return fallback;
    const ms = parseDurationMs(value);
    if (ms === undefined || ms <= 0) {
      problems.push(problem(ManifestCode.value, at(...where), 'expected a duration longer than 0, such as 5s or 15m'));
      return fallback;
    }
    return ms;
  };
  const initialMs = duration(input.poll?.initial, DEFAULT_POLL_INITIAL_MS, 'poll', 'initial');
  const maxMs = duration(input.poll?.max, Math.max(DEFAULT_POLL_MAX_MS, initialMs), 'poll', 'max');
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
  return {
    name,
    type: input.type,
    baseUrl,
    apiKeyEnv: input.api_key_env ?? DEFAULT_API_KEY_ENV[input.type],
    concurrency: input.concurrency ?? DEFAULT_CONCURRENCY,
    ...(ratePerMinute === undefined ? {} : { ratePerMinute }),
    emulate,
    referenceFormat: input.reference_format ?? 'multipart',
    poll: { initialMs, maxMs },
    timeoutMs: duration(input.timeout, DEFAULT_TIMEOUT_MS, 'timeout'),
    downloadTimeoutMs: duration(input.download_timeout, DEFAULT_DOWNLOAD_TIMEOUT_MS, 'download_timeout'),
  };
}

const URL_EXPECTED = 'expected an http(s) URL such as https://api.example.com/v1';

/**
 * Origin + path without a trailing slash (`https://api.huixingyun.com/v1`). The value is
 * never echoed in messages: people paste URLs with keys in them.
 */
export function normaliseBaseUrl(raw: string): string | { message: string; hint?: string } {
  if (!/^https?:\/\//i.test(raw)) return { message: URL_EXPECTED };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { message: URL_EXPECTED };
  }
  if (url.hostname === '') return { message: URL_EXPECTED };
  if (url.username !== '' || url.password !== '') {
    return { message: 'base_url must not contain credentials', hint: 'put the key in the environment variable named by `api_key_env`' };
  }
  // The key travels in a header: over plain http anyone on the path reads it. Loopback
  // (an emulator, a local proxy) never leaves the machine.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      message: 'base_url must use https (the API key would cross the network unencrypted)',
      hint: 'plain http is accepted only for 127.0.0.1, localhost and [::1], such as `videogen emulate`',
    };
  }
  if (url.search !== '' || url.hash !== '') {
    return {
      message: 'base_url must not contain a query (?…) or fragment (#…)',
      hint: 'give the API root, such as https://api.example.com/v1; a key belongs in the variable named by `api_key_env`',
    };
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
