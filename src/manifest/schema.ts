/**
 * Stage 1 of manifest validation: the shape, as zod schemas. `schemas/manifest.schema.json`
 * is generated from ManifestSchema with z.toJSONSchema, so every field carries a
 * description and every object is strict (additionalProperties: false). No transforms
 * here: normalisation happens in normalize.ts, so the JSON Schema describes exactly what
 * a user writes. Rules that need the whole manifest live in rules.ts (stage 2).
 */
import { z } from 'zod';
import { providerModules, registryGeneration } from '../providers/registry.js';
import { PRICE_KEYS, PricingSchema } from '../cost/price.js';
import { STORAGE_KEYS, StorageSchema } from '../storage/schema.js';
import { MAX_CONCURRENCY } from '../util/limits.js';
import { RATE_EXPECTED, RATE_PATTERN } from '../util/rate.js';

/** Shot ids name output files and appear in CLI selectors: lowercase, no path tricks, at most 128 characters. */
export const SHOT_ID_PATTERN = /^(?!.*\.\.)[a-z0-9][a-z0-9._-]*$/;
export const SHOT_ID_MAX_LENGTH = 128;
export const PROVIDER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const ENV_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
export const DURATION_PATTERN = /^\d+(?:\.\d+)?(?:ms|s|m|h)?$/;
export const ASPECT_RATIO_PATTERN = /^[1-9]\d*:[1-9]\d*$/;
export const SIZE_PATTERN = /^[1-9]\d*x[1-9]\d*$/;
export const RESOLUTION_PATTERN = /^[1-9]\d*[pPkK]$/;
export const PROMPT_MAX_LENGTH = 32_000;
const CONCURRENCY_EXPECTED = `expected a whole number from 1 to ${MAX_CONCURRENCY}`;

export const DURATION_EXPECTED = 'expected a duration such as 250ms, 5s, 15m, 1h, or a number of seconds';

const Duration = z.union([z.number().nonnegative(DURATION_EXPECTED), z.string().regex(DURATION_PATTERN, DURATION_EXPECTED)], {
  error: DURATION_EXPECTED,
});
const DURATION_KEYS: ReadonlySet<string> = new Set(['duration', 'timeout', 'download_timeout', 'initial', 'max']);

/** Whether a key holds a duration (for hints). */
export function isDurationKey(key: unknown): boolean {
  return typeof key === 'string' && DURATION_KEYS.has(key);
}


export const PollSchema = z
  .strictObject({
    initial: Duration.describe('Delay before the first status poll. Default 5s.').optional(),
    max: Duration.describe('Longest delay between polls (the delay grows ×1.5 up to this). Default 30s.').optional(),
  })
  .describe('Polling cadence for jobs at this endpoint.');

/** Provider settings every type shares; each provider module adds its own (see providerSchema). */
const ProviderCommonShape = {
  base_url: z
    .string()
    .min(1)
    .meta({ format: 'uri' })
    .describe('Base URL of the API (https; http only on loopback). Default: the provider type\'s own (none for openai-videos).')
    .optional(),
  api_key_env: z
    .string()
    .regex(ENV_NAME_PATTERN, 'expected the name of an environment variable, such as HEYGEN_API_KEY ([A-Z_][A-Z0-9_]*)')
    .describe('Name of the environment variable holding the API key (never the key itself). Default: the type\'s conventional one (HEYGEN_API_KEY, OPENROUTER_API_KEY, …).')
    .optional(),
  concurrency: z
    .number()
    .int(CONCURRENCY_EXPECTED)
    .min(1, CONCURRENCY_EXPECTED)
    .max(MAX_CONCURRENCY, CONCURRENCY_EXPECTED)
    .describe(`Most jobs in flight at this endpoint at once, up to ${MAX_CONCURRENCY}. Default: the type's own (4 for most).`)
    .optional(),
  rate: z
    .string({ error: RATE_EXPECTED })
    .regex(RATE_PATTERN, RATE_EXPECTED)
    .describe('Most submissions per minute at this endpoint, such as 60/min (also N/s or N/h). Default: no limit.')
    .optional(),
  emulate: z.boolean().describe('Use the built-in emulator (in-process, loopback, no key) instead of the real API. Default false.').optional(),
  poll: PollSchema.optional(),
  timeout: Duration.describe(
    'How long one job may run before apply gives up on it for now (it stays submitted and is resumed next time). Default 15m.',
  ).optional(),
  download_timeout: Duration.describe('How long one video download may take. Default 10m.').optional(),
};

/**
 * The provider entry: `type` is one of the registered modules, and every module's own
 * settings are known keys (stage 2 refuses one that another type's module contributed).
 */
function providerSchema() {
  const types = providerModules().map((module) => module.type) as [string, ...string[]];
  const settings: Record<string, z.ZodType> = {};
  for (const module of providerModules()) {
    for (const [key, schema] of Object.entries(module.settings ?? {})) settings[key] ??= schema.optional();
  }
  return z
    .strictObject({ type: z.enum(types).describe('The API this endpoint speaks.'), ...ProviderCommonShape, ...settings })
    .describe('A named endpoint that shots refer to by name.');
}

/** Fields a shot and `defaults` share: `defaults` may hold any shot field except `id` and `output`. */
export const ShotFieldsShape = {
  prompt: z
    .string()
    .max(PROMPT_MAX_LENGTH, `expected at most ${PROMPT_MAX_LENGTH} characters`)
    .regex(/\S/, 'expected a non-empty prompt')
    .describe('What the video shows. Any change, even a comma, regenerates the shot.')
    .optional(),
  provider: z
    .string()
    .min(1, 'expected a provider name')
    .describe('Name of an entry under `providers` (or heygen/openai when `providers` is omitted).')
    .optional(),
  model: z
    .string()
    .min(1, 'expected a model name')
    .describe('The model, as the provider names it (`videogen models` lists the known ones); required where the provider type has no default.')
    .optional(),
  aspect_ratio: z
    .string()
    .regex(ASPECT_RATIO_PATTERN, 'expected an aspect ratio W:H such as "16:9" or "9:16"')
    .describe('Aspect ratio W:H. Default "16:9". On openai-videos it maps to a size (16:9 → 1280x720, 9:16 → 720x1280).')
    .optional(),
  duration: Duration.describe('Length in seconds; which lengths a model takes depends on the provider (`videogen models`).').optional(),
  size: z
    .string()
    .regex(SIZE_PATTERN, 'expected a size WxH such as 1280x720')
    .describe('Frame size WxH (openai-videos); overrides the aspect-ratio mapping.')
    .optional(),
  resolution: z
    .string()
    .regex(RESOLUTION_PATTERN, 'expected a resolution such as 720p, 1080p or 4k')
    .describe('Output resolution (720p, 1080p, 4k, …) where the API takes one (heygen-v3, openrouter, fal, vertex-veo).')
    .optional(),
  seed: z
    .number()
    .int('expected a whole number')
    .min(0, 'expected a whole number of at least 0')
    .max(4_294_967_295, 'expected a whole number below 2^32')
    .describe('Random seed, where the API takes one; determinism is not guaranteed by any provider.')
    .optional(),
  audio: z.boolean().describe('Generate sound where the model can (generate_audio); the API\'s default when absent.').optional(),
  reference_image: z
    .string()
    .min(1, 'expected a file path or an https URL')
    .describe('First-frame/reference image: a file relative to the manifest (hashed by its bytes) or an http(s) URL.')
    .optional(),
  tail_image: z
    .string()
    .min(1, 'expected a file path or an https URL')
    .describe('Last-frame image where the API takes one: a file relative to the manifest or an http(s) URL.')
    .optional(),
  options: z
    .record(z.string(), z.unknown())
    .describe('Provider-specific request fields passed through as given (HeyGen `input.config`, extra body fields of other APIs).')
    .optional(),
  tags: z
    .array(z.string().regex(/^\S+$/, 'expected a tag without spaces').describe('A tag.'))
    .describe('Labels for selecting shots (`--only tag:name`); they do not change the video.')
    .optional(),
};

export const DefaultsSchema = z
  .strictObject(ShotFieldsShape)
  .describe('Shot fields merged under every shot (the shot wins; options are merged key by key; tags are combined).');

/** Most takes of one shot: a reviewer picks from a handful, and a typo of `takes: 1000` would bill a thousand. */
export const MAX_TAKES = 100;

/**
 * How one entry of `shots:` becomes several shots (expand.ts). Expansion happens before the
 * shape is checked, so these keys never reach a shot; they are here for the JSON Schema.
 */
export const ExpansionShape = {
  from: z
    .string()
    .min(1, 'expected a data file path')
    .describe(
      'A data file beside the manifest: CSV with a header row (.csv) or one JSON object per line (.jsonl, .ndjson). One shot per row; `{{ column }}` in any text of the entry is replaced by the row\'s value.',
    )
    .optional(),
  rows: z
    .array(z.record(z.string(), z.unknown()).describe('One row: field name → value.'))
    .min(1, 'expected at least one row')
    .describe('Rows written in the manifest, as `from:` reads them from a file: one shot per row, `{{ field }}` replaced by its value.')
    .optional(),
  takes: z
    .number()
    .int('expected a whole number of takes')
    .min(1, `expected from 1 to ${MAX_TAKES} takes`)
    .max(MAX_TAKES, `expected from 1 to ${MAX_TAKES} takes`)
    .describe('Independent generations of the shot to choose from: ids `<id>.1` … `<id>.N`, outputs `<name>.1.mp4` …; the take number is part of each spec.')
    .optional(),
};

export const ShotSchema = z
  .strictObject({
    id: z
      .string()
      .max(SHOT_ID_MAX_LENGTH, `expected an id of at most ${SHOT_ID_MAX_LENGTH} characters`)
      .regex(SHOT_ID_PATTERN, 'expected an id of lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, without ".."')
      .describe('Unique id; names the output file. [a-z0-9][a-z0-9._-]*. With `takes: N`, the shots are `<id>.1` … `<id>.N`.'),
    ...ShotFieldsShape,
    output: z
      .string()
      .min(1, 'expected a path ending in .mp4')
      .describe('Output file relative to output_dir, ending in .mp4 (default <id>.mp4).')
      .optional(),
    ...ExpansionShape,
  })
  .describe('One video to generate.');

function buildManifestSchema() {
  return manifestObject(ShotSchema);
}

/**
 * The manifest around a schema for its `shots:` entries: the expanded shots for validation,
 * or the entries as written for the JSON Schema (written-schema.ts).
 */
export function manifestObject<Shot extends z.ZodType>(shot: Shot) {
  return z
  .strictObject({
    // Required, so a future format can be told apart instead of half-understood.
    version: z.literal(1).describe('Manifest format version: 1.'),
    output_dir: z
      .string()
      .min(1, 'expected a directory path')
      .describe('Where videos are written, relative to the manifest (or absolute). Default "out".')
      .optional(),
    storage: StorageSchema.optional(),
    providers: z
      .record(
        z.string().regex(PROVIDER_NAME_PATTERN, 'expected a provider name of letters, digits, ".", "_" and "-"').describe('Provider name.'),
        providerSchema(),
      )
      .describe('Named endpoints. When omitted, one named `heygen` (type heygen) exists.')
      .optional(),
    pricing: PricingSchema.optional(),
    defaults: DefaultsSchema.optional(),
    // Required and non-empty: an empty manifest is almost always a mistake.
    shots: z.array(shot).min(1, 'expected at least one shot').describe('The videos to generate, in order.'),
  })
  .describe('A videogen manifest (shots.yaml).')
  .meta({ title: 'videogen manifest' });
}

let built: { generation: number; schema: ReturnType<typeof buildManifestSchema> } | undefined;

/** The manifest schema, assembled from the registered provider modules (rebuilt when one is added). */
export function manifestSchema(): ReturnType<typeof buildManifestSchema> {
  if (built?.generation !== registryGeneration()) built = { generation: registryGeneration(), schema: buildManifestSchema() };
  return built.schema;
}

/** A manifest as written (what the YAML holds once it passes stage 1). */
export type ManifestInput = z.input<ReturnType<typeof buildManifestSchema>>;
/** A provider entry as written: the common fields, `type`, and any module's settings. */
export type ProviderInput = z.input<z.ZodObject<typeof ProviderCommonShape>> & { type: string } & Record<string, unknown>;
export type ShotInput = z.input<typeof ShotSchema>;
export type DefaultsInput = z.input<typeof DefaultsSchema>;

/** Known keys per location, for "did you mean" on unknown keys. */
export function knownKeys(): Record<'root' | 'provider' | 'poll' | 'defaults' | 'shot' | 'storage' | 'price', readonly string[]> {
  const providerSettings = providerModules().flatMap((module) => Object.keys(module.settings ?? {}));
  return {
    root: Object.keys(manifestSchema().shape),
    provider: ['type', ...Object.keys(ProviderCommonShape), ...new Set(providerSettings)],
    poll: Object.keys(PollSchema.shape),
    defaults: Object.keys(DefaultsSchema.shape),
    shot: Object.keys(ShotSchema.shape),
    storage: STORAGE_KEYS,
    price: PRICE_KEYS,
  };
}
