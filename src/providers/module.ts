/**
 * What a video API contributes to videogen, in one object per API (DESIGN.md "Providers").
 * The manifest schema and rules, spec building, auth, the emulator's base path, the docs'
 * provider table and `videogen models` all read these; nothing else in src/ names an API.
 *
 * A module's own file holds only pure data and functions (zod, no HTTP), so `validate` and
 * `plan` load every module without loading a single HTTP client; `loadClient` imports the
 * client when `apply` needs it.
 */
import type { z } from 'zod';
import type { Price } from '../cost/price.js';
import type { FailureClass } from '../lock/types.js';
import type { ProviderConfig, Spec } from '../manifest/types.js';
import type { ImageMime } from '../util/image-type.js';
import type { ProviderFactory } from './types.js';

export type { FailureClass };

/**
 * How the credential travels. Requests send it as `auth` headers, which the HTTP layer
 * redacts and never sends to another origin, whatever the header is called.
 */
export type AuthScheme =
  /** `<header>: <scheme> <key>`, or `<header>: <key>` without a scheme. */
  | { kind: 'header'; header: string; scheme?: string }
  /**
   * OAuth 2 access tokens as `Authorization: Bearer`: a ready token from the variable
   * `api_key_env` names, else the module's client finds credentials itself (Google ADC).
   */
  | { kind: 'oauth'; scope: string };

export interface ModuleDefaults {
  /** Absent when the API has no sensible default endpoint: `base_url` is then required. */
  baseUrl?: string;
  /** Without a default: what to write instead (named in the "missing base_url" hint). */
  baseUrlHint?: string;
  apiKeyEnv: string;
  /** Absent when no model is a sensible default: `model` is then required. */
  model?: string;
  concurrency: number;
  poll: { initialMs: number; maxMs: number };
  timeoutMs: number;
}

/** A model or API that was switched off, with the date and what to use instead. */
export interface Retirement {
  /** ISO date (YYYY-MM-DD). */
  since: string;
  replacement?: string;
  /** Where the date comes from. */
  source?: string;
}

/**
 * What a model is documented to take. Lists grow: a model missing from the table is
 * accepted (with a "did you mean" when it is close to a known one), and a value missing
 * from a known model's list is refused only where the document is definite.
 */
export interface ModelInfo {
  id: string;
  /** Seconds; absent when not documented (or not a parameter). */
  durations?: readonly number[];
  aspectRatios?: readonly string[];
  resolutions?: readonly string[];
  sizes?: readonly string[];
  /** The model turns a first-frame image into video. */
  referenceImage?: boolean;
  /** The model takes a last-frame image. */
  tailImage?: boolean;
  /** The model can generate sound (`audio`). */
  audio?: boolean;
  /** Seconds a shot gets when it names no duration (what a per-second price is multiplied by). */
  defaultDuration?: number;
  /** What the model costs, dated and sourced; absent when no public figure is known (the plan says "unknown"). */
  price?: Price;
  retired?: Retirement;
  note?: string;
}

/**
 * A shot as a module sees it: defaults merged, the duration in seconds, images in spec
 * form (`sha256:<hex>` of a local file's bytes, or the URL as written).
 */
export interface ShotRequest {
  /** As written (undefined: the module's default, if it has one). */
  model?: string;
  prompt: string;
  aspect_ratio?: string;
  duration?: number;
  size?: string;
  resolution?: string;
  seed?: number;
  audio?: boolean;
  reference_image?: string;
  tail_image?: string;
  options?: Record<string, unknown>;
}

/** Shot fields whose acceptance depends on the API. */
export type ShotField = Exclude<keyof ShotRequest, 'prompt'>;

export interface FieldProblem {
  field: ShotField;
  /** `field`: the API cannot take this field at all; `value`: it refuses this value. */
  kind: 'field' | 'value';
  /** For `options`: the offending key inside it. */
  optionKey?: string;
  message: string;
  hint?: string;
}

/** A provider setting beyond the common ones, for stage 2 (the shape is the zod schema). */
export interface SettingProblem {
  setting: string;
  message: string;
  hint?: string;
}

export interface ProviderModule {
  /** The manifest's `type:`. */
  readonly type: string;
  /** One line for tables: what API this is. */
  readonly title: string;
  readonly defaults: ModuleDefaults;
  readonly auth: AuthScheme;
  /** Where the emulator serves this API, relative to its origin (`''`, `/v1`, `/api/v1`). */
  readonly emulatorPath: string;
  /**
   * Settings naming further hosts of the API (fal's storage REST host), each mapped to where
   * the emulator serves that host, relative to its origin: an emulated entry gets these.
   */
  readonly emulatorSettings?: Readonly<Record<string, string>>;
  /**
   * Provider-level settings beyond the common ones (`reference_format`, `project`), each
   * with `.describe()`: they appear in the manifest's JSON Schema, and an entry of another
   * type that sets one is told that this type takes it.
   */
  readonly settings?: Readonly<Record<string, z.ZodType>>;
  /**
   * The endpoint when `base_url` is not written, for an API whose host depends on a setting
   * (Vertex AI's on `location`); undefined falls back to `defaults.baseUrl`. `base_url` still
   * wins, so proxies and the emulator can stand in.
   */
  defaultBaseUrl?(settings: Readonly<Record<string, unknown>>): string | undefined;
  readonly models: readonly ModelInfo[];
  /** Image types the API takes for local reference images. */
  readonly imageTypes: readonly ImageMime[];
  /**
   * The API takes an idempotency key on submissions (HeyGen v3): the executor derives one per
   * shot and attempt, records it with the intent before the POST, passes it as
   * CallContext.idempotencyKey, and after a crash replays it within `windowMs` instead of
   * risking a second job. Without it, a submission whose answer was lost is found again only
   * through Provider.findSubmitted, else resubmitted with a "may bill twice" warning.
   */
  readonly idempotency?: { windowMs: number };
  /** The largest local image an entry can send, and why (for the message), or undefined when none is documented. */
  imageLimit(config: ProviderConfig): { bytes: number; why: string; hint: string } | undefined;
  /** The API itself is switched off at this endpoint (HeyGen v1 at api.heygen.com): a warning. */
  retiredAt?(config: ProviderConfig): (Retirement & { what: string }) | undefined;
  /** Cross-field checks of the settings (the shapes are already checked). */
  checkSettings?(config: ProviderConfig): SettingProblem[];
  /** What this API cannot take from the shot. Pure. */
  checkShot(shot: ShotRequest, config: ProviderConfig): FieldProblem[];
  /**
   * Exactly the fields that change the video (DESIGN.md "Spec hash"). Pure. Never change
   * what an existing shot yields: that would make users pay to regenerate it
   * (test/spec-hash-pinning.test.ts).
   */
  spec(shot: ShotRequest, config: ProviderConfig): Spec;
  /** The HTTP client, imported on first use. */
  loadClient(): Promise<ProviderFactory>;
}

/** The spec fields every module includes (DESIGN.md "Spec hash"); absent fields are left out, never null. */
export function baseSpec(type: string, config: ProviderConfig, model: string, shot: ShotRequest): Spec {
  const spec: Spec = {
    provider: type,
    endpoint: config.emulate ? 'emulator' : config.baseUrl,
    model,
    // Surrounding whitespace (a block scalar's final newline) is not part of what was asked for.
    prompt: shot.prompt.trim(),
  };
  if (shot.options && Object.keys(shot.options).length > 0) spec.options = shot.options;
  if (shot.reference_image !== undefined) spec.reference_image = shot.reference_image;
  if (shot.tail_image !== undefined) spec.tail_image = shot.tail_image;
  return spec;
}

/** The model a shot runs on: as written, else the module's default (validation guarantees one exists). */
export function modelOf(module: ProviderModule, shot: ShotRequest): string {
  return shot.model ?? module.defaults.model ?? '';
}

export function findModel(module: ProviderModule, id: string): ModelInfo | undefined {
  return module.models.find((model) => model.id === id);
}

/** The header value(s) a credential travels in. */
export function authHeaders(scheme: AuthScheme, credential: string): Record<string, string> {
  if (scheme.kind === 'oauth') return { Authorization: `Bearer ${credential}` };
  return { [scheme.header]: scheme.scheme ? `${scheme.scheme} ${credential}` : credential };
}
