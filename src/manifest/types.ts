/** What the rest of videogen sees of a manifest once it has been loaded, validated and normalised. */
import type { Diagnostic } from '../errors.js';
import type { Pricing } from '../cost/price.js';
import type { StorageConfig } from '../storage/config.js';
import type { ImageMime } from '../util/image-type.js';

/** A provider module's `type` (heygen, openai-videos, openrouter, …): see src/providers/registry.ts. */
export type ProviderType = string;

export interface ProviderConfig {
  /** The name shots use to refer to it (the key under `providers:`). */
  name: string;
  type: ProviderType;
  /** Absolute base URL, without a trailing slash; for `emulate: true` it is filled in when the emulator starts. */
  baseUrl: string;
  /** The name of the environment variable holding the key, never the key itself. */
  apiKeyEnv: string;
  concurrency: number;
  /** Most submissions per minute (`rate:`); undefined: no limit. */
  ratePerMinute?: number;
  emulate: boolean;
  /** The module's own settings (`reference_format`, `project`, …) as written, shape-checked by its schema. */
  settings: Readonly<Record<string, unknown>>;
  poll: { initialMs: number; maxMs: number };
  timeoutMs: number;
  downloadTimeoutMs: number;
}

/** An image given to a shot: a local file (hashed by its bytes) or a URL kept as written. */
export type ImageSource =
  /** `mime`: the type the first bytes show (absent when they show none videogen knows). */
  | { kind: 'file'; path: string; sha256: string; bytes: number; mime?: ImageMime }
  | { kind: 'url'; url: string };

/**
 * Exactly the fields that change the generated video. Its canonical JSON is hashed into
 * `spec_hash`; it is also stored in the lock so `plan` can show field-level diffs.
 * Optional fields are absent (never null) when unset, so adding a field later does not
 * change the hash of shots that do not use it.
 */
export interface Spec {
  provider: ProviderType;
  /**
   * The endpoint: base_url's origin and path without a trailing slash
   * (`https://api.huixingyun.com/v1`), or `emulator` for an emulated provider. The path is
   * kept (DESIGN.md says "origin") because two APIs can share a host under different paths.
   */
  endpoint: string;
  model: string;
  prompt: string;
  aspect_ratio?: string;
  /** Seconds. */
  duration?: number;
  size?: string;
  options?: Record<string, unknown>;
  /** `sha256:<hex>` of a local file's bytes, or the URL as written. */
  reference_image?: string;
  tail_image?: string;
  /** Whatever else the provider module's API takes (resolution, seed, audio, take, …): JSON values. */
  [field: string]: unknown;
}

export interface Shot {
  id: string;
  /** The provider entry's name (`heygen`, `hx`, `local`). */
  providerName: string;
  spec: Spec;
  specHash: string;
  tags: string[];
  /** Output path relative to the manifest's directory, with forward slashes. */
  output: string;
  referenceImage?: ImageSource;
  tailImage?: ImageSource;
  /** For a shot of a data-driven entry: the entry's id as written (`hello-{{ slug }}`), which `--only` also takes. */
  template?: string;
  /** For a take (`hero.2`): the id it is a take of (`hero`), which `--only` also takes. */
  takeOf?: string;
}

/** An entry of `shots:` that became several shots (`from:`, `rows:`, `takes:`), as `validate` reports it. */
export interface ExpandedEntry {
  /** Index in the manifest's `shots:`. */
  index: number;
  /** The entry's id as written: a template such as `hello-{{ slug }}`, or a plain id with `takes:`. */
  id: string;
  /** The data file, as `from:` names it. */
  from?: string;
  /** How many rows its data has (a file's, or `rows:`). */
  rows?: number;
  takes?: number;
  /** How many shots it became. */
  shots: number;
}

export interface Manifest {
  /** Absolute path of the manifest file. */
  file: string;
  /** Directory holding the manifest; outputs and the lock are relative to it. */
  dir: string;
  /** Absolute path of `shots.lock.yaml` beside the manifest. */
  lockFile: string;
  /** `output_dir` relative to `dir`. */
  outputDir: string;
  providers: Map<string, ProviderConfig>;
  /** In manifest order, data-driven entries and takes expanded. */
  shots: Shot[];
  /** The entries that became several shots; absent or empty when none did. */
  expanded?: ExpandedEntry[];
  /** Things worth knowing that change nothing (a retired model or API); printed by validate, plan and apply. */
  warnings: Diagnostic[];
  /** The content-addressed output store (`storage:`), when the manifest names one. */
  storage?: StorageConfig;
  /** `pricing:`: prices that override the modules' tables, by provider entry and model. */
  pricing?: Pricing;
}
