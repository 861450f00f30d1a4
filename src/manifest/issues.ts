/**
 * Stage 1 results (zod issues) as manifest problems: a stable code per kind of mistake,
 * a message that says what was expected, and hints for the usual slips.
 */
import type { z } from 'zod';
import { didYouMean, didYouMeanHint } from './did-you-mean.js';
import type { PathSegment } from './positions.js';
import { describeKind, describeValue, ManifestCode, problem, type Problem } from './problems.js';
import { isDurationKey, knownKeys } from './schema.js';

type Issue = z.core.$ZodIssue;
type Location = keyof ReturnType<typeof knownKeys>;

export function problemsFromIssues(issues: readonly Issue[], data: unknown): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(unknownKeyProblem([...path, key], locationOf(path)));
      continue;
    }
    const branch = mappingBranch(issue, data, path);
    if (branch) {
      problems.push(...problemsFromIssues(branch.map((inner) => ({ ...inner, path: [...path, ...inner.path] })), data));
      continue;
    }
    problems.push(problemFromIssue(issue, path, data));
  }
  return problems;
}

/**
 * A mapping given where a union takes text or a mapping (`storage:`): the mapping branch's
 * own issues (`storage.region: expected text`) say far more than "invalid input".
 */
function mappingBranch(issue: Issue, data: unknown, path: readonly PathSegment[]): readonly Issue[] | undefined {
  if (issue.code !== 'invalid_union' || !isRecord(valueAt(data, path))) return undefined;
  const fitting = issue.errors.filter((errors) => !errors.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
  return fitting.length === 1 ? fitting[0] : undefined;
}

function problemFromIssue(issue: Issue, path: PathSegment[], data: unknown): Problem {
  const last = path[path.length - 1];
  const parent = valueAt(data, path.slice(0, -1));
  const missing = typeof last === 'string' && isRecord(parent) && !Object.prototype.hasOwnProperty.call(parent, last);
  if (missing) return problem(ManifestCode.required, path, `missing required key \`${last}\``, REQUIRED_HINTS[last]);
  if (path.length === 0 && (data === null || data === undefined)) {
    return problem(ManifestCode.required, path, 'the manifest is empty', 'start with `version: 1` and a `shots:` list, or run `videogen init`');
  }

  const value = valueAt(data, path);
  // Never echo what may be a pasted secret.
  const shown = last === 'api_key_env' || last === 'base_url' || last === 'endpoint' ? describeKind(value) : describeValue(value);

  if (path.length === 1 && last === 'version') {
    return problem(ManifestCode.version, path, `expected \`version: 1\`, got ${shown}`, 'this videogen reads manifest version 1');
  }
  const isShotId = path.length === 3 && path[0] === 'shots' && last === 'id';

  switch (issue.code) {
    case 'invalid_type': {
      if (issue.expected === 'int' && typeof value === 'number') {
        return problem(ManifestCode.value, path, `expected a whole number, got ${shown}`);
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return problem(ManifestCode.type, path, `expected ${expected}, got ${shown}`, typeHint(issue.expected, value, last));
    }
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const hint = typeof value === 'string' ? didYouMeanHint(value, allowed) : undefined;
      return problem(ManifestCode.value, path, `expected one of ${allowed.join(', ')}, got ${shown}`, hint);
    }
    case 'invalid_union': {
      const code = typeof value === 'string' || typeof value === 'number' ? ManifestCode.value : ManifestCode.type;
      return problem(code, path, `${issue.message}, got ${shown}`, durationHint(value));
    }
    case 'invalid_key':
      return problem(ManifestCode.value, path, `${issue.issues[0]?.message ?? issue.message}, got ${JSON.stringify(String(last))}`, undefined, 'key');
    default: {
      const code = isShotId ? ManifestCode.badId : ManifestCode.value;
      return problem(code, path, `${issue.message}, got ${shown}`, valueHint(path, value));
    }
  }
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  version: 'add `version: 1` at the top of the manifest',
  shots: 'add a `shots:` list with at least one shot',
  id: 'give every shot a unique `id`, such as `id: hero-shot`',
  type: 'set `type:` to the API this endpoint speaks (`videogen models` lists them)',
};

function typeHint(expected: string, value: unknown, key: PathSegment | undefined): string | undefined {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return `quote it to make it text: ${String(key)}: "${String(value)}"`;
  }
  if ((expected === 'number' || expected === 'int') && typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) {
    return 'write the number without quotes';
  }
  if (expected === 'string' && key === 'prompt' && value !== null && typeof value === 'object') {
    return 'a prompt is text: for several lines use a block scalar (`prompt: |` followed by indented lines)';
  }
  if (expected === 'array' && typeof value === 'string') return `write a list: [${value}]`;
  return undefined;
}

const UNIT_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/^(milliseconds?|millis?|msecs?)$/, 'ms'],
  [/^(seconds?|secs?|sec)$/, 's'],
  [/^(minutes?|mins?)$/, 'm'],
  [/^(hours?|hrs?)$/, 'h'],
];

function durationHint(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value);
  if (!match) return 'write 250ms, 5s, 15m or 1h';
  const unit = UNIT_WORDS.find(([pattern]) => pattern.test(match[2]!.toLowerCase()))?.[1];
  return unit ? `write \`${match[1]}${unit}\`` : 'write 250ms, 5s, 15m or 1h';
}

function valueHint(path: readonly PathSegment[], value: unknown): string | undefined {
  const last = path[path.length - 1];
  if (path.length === 3 && path[0] === 'shots' && last === 'id') return idHint(value);
  if (isDurationKey(last)) return durationHint(value);
  if (last === 'api_key_env') {
    return 'api_key_env is the NAME of the environment variable holding the key (e.g. OPENAI_API_KEY); the key itself never goes in the manifest';
  }
  return undefined;
}

function idHint(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === '') return 'give the shot a non-empty id, such as `hero-shot`';
  if (value.includes('/') || value.includes('\\')) return 'an id names a file, so it has no slashes: use `output:` to put the video in a subfolder';
  if (value.includes('..')) return 'an id must not contain ".."';
  if (/[A-Z]/.test(value) && /^[a-z0-9][a-z0-9._-]*$/.test(value.toLowerCase())) return `use lowercase: \`${value.toLowerCase()}\``;
  if (/\s/.test(value)) return `use "-" instead of spaces: \`${value.trim().toLowerCase().replace(/\s+/g, '-')}\``;
  return undefined;
}

/** Which strict object a path points at, from the shape of the path. */
function locationOf(path: readonly PathSegment[]): Location {
  if (path.length === 0) return 'root';
  if (path[0] === 'providers') return path.length >= 3 && path[2] === 'poll' ? 'poll' : 'provider';
  if (path[0] === 'defaults') return 'defaults';
  if (path[0] === 'storage') return 'storage';
  if (path[0] === 'pricing') return 'price';
  return 'shot';
}

/** Keys people reach for that mean one of ours. */
const SYNONYMS: Readonly<Record<string, string>> = {
  seconds: 'duration',
  length: 'duration',
  ratio: 'aspect_ratio',
  aspect: 'aspect_ratio',
  aspectratio: 'aspect_ratio',
  size_px: 'size',
  generate_audio: 'audio',
  sound: 'audio',
  image: 'reference_image',
  input_reference: 'reference_image',
  reference_image_url: 'reference_image',
  first_frame: 'reference_image',
  last_frame: 'tail_image',
  end_image: 'tail_image',
  tail_image_url: 'tail_image',
  config: 'options',
  params: 'options',
  parameters: 'options',
  name: 'id',
  file: 'output',
  path: 'output',
  tag: 'tags',
  labels: 'tags',
  text: 'prompt',
  description: 'prompt',
  url: 'base_url',
  endpoint: 'base_url',
  baseurl: 'base_url',
  api_key: 'api_key_env',
  key: 'api_key_env',
  api_key_var: 'api_key_env',
  max_concurrency: 'concurrency',
  parallelism: 'concurrency',
  emulator: 'emulate',
};

function unknownKeyProblem(path: PathSegment[], location: Location): Problem {
  const key = String(path[path.length - 1]);
  const known = knownKeys()[location];
  const where = LOCATION_NAMES[location];
  const message = `unknown key \`${key}\` in ${where}`;
  return problem(ManifestCode.unknownKey, path, message, unknownKeyHint(key, location, known), 'key');
}

const LOCATION_NAMES: Record<Location, string> = {
  root: 'the manifest',
  provider: 'a provider',
  poll: '`poll`',
  defaults: '`defaults`',
  shot: 'a shot',
  storage: '`storage`',
  price: 'a price under `pricing`',
};

/** The known key an unknown one most likely meant: a synonym (`text` → `prompt`), else a near spelling. */
export function intendedKey(key: string, known: readonly string[]): string | undefined {
  const synonym = SYNONYMS[key.toLowerCase().replace(/[-\s]/g, '_')] ?? SYNONYMS[key.toLowerCase()];
  if (synonym && known.includes(synonym)) return synonym;
  return didYouMean(key, known);
}

function unknownKeyHint(key: string, location: Location, known: readonly string[]): string | undefined {
  if (key === '<<') return 'YAML merge keys are not supported: put shared fields under `defaults:`';
  if (location === 'storage' && /key|secret|token|credential|password|profile/i.test(key)) {
    return 'credentials come from the AWS environment and credential chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, an instance role), never the manifest';
  }
  const meant = intendedKey(key, known);
  if (meant !== undefined) {
    const extra = meant === 'api_key_env' ? ' (the NAME of the environment variable, never the key itself)' : '';
    return `did you mean \`${meant}\`?${extra}`;
  }
  if ((location === 'shot' || location === 'defaults') && knownKeys().provider.includes(key)) {
    return `\`${key}\` is a provider setting: put it under \`providers.<name>\``;
  }
  if (location === 'defaults' && (key === 'id' || key === 'output')) return `\`${key}\` belongs on each shot, not in \`defaults\``;
  if (location === 'root' && knownKeys().shot.includes(key)) return `\`${key}\` is a shot field: put it on each shot or under \`defaults:\``;
  if (location === 'root' && knownKeys().provider.includes(key)) return `\`${key}\` is a provider setting: put it under \`providers.<name>\``;
  if (location === 'shot' || location === 'defaults') {
    return 'provider-specific request fields go under `options:` (passed through to the API as given)';
  }
  return `expected one of ${known.join(', ')}`;
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current)) current = Object.prototype.hasOwnProperty.call(current, segment) ? current[segment] : undefined;
    else return undefined;
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
