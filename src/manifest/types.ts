/** What the rest of videogen sees of a manifest once it has been loaded, validated and normalised. */
import type { StorageConfig } from '../storage/config.js';

export type ProviderType = 'heygen' | 'openai-videos';
export type ReferenceFormat = 'multipart' | 'object' | 'string';

export interface ProviderConfig {
  /** The name shots use to refer to it (the key under `providers:`). */
  name: string;
  type: ProviderType;
  /** Absolute base URL, without a trailing slash; for `emulate: true` it is filled in when the emulator starts. */
  baseUrl: string;
  /** The name of the environment variable holding the key, never the key itself. */
  apiKeyEnv: string;
  concurrency: number;
  emulate: boolean;
  referenceFormat: ReferenceFormat;
  poll: { initialMs: number; maxMs: number };
  timeoutMs: number;
  downloadTimeoutMs: number;
}

/** An image given to a shot: a local file (hashed by its bytes) or a URL kept as written. */
export type ImageSource =
  | { kind: 'file'; path: string; sha256: string; bytes: number }
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
  /** In manifest order. */
  shots: Shot[];
  /** The content-addressed output store (`storage:`), when the manifest names one. */
  storage?: StorageConfig;
}
