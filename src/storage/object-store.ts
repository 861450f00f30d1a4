/**
 * The object store behind `storage:`, as the rest of videogen sees it. The implementation
 * (s3-store.ts, on the AWS SDK) is imported only when a command opens a store, so `--help`,
 * `validate` and a `plan` without `storage:` never load the SDK.
 */
import type { Readable } from 'node:stream';
import type { StorageConfig } from './config.js';
import type { SpecIndexEntry } from './spec-index.js';
import type { ExpectedBytes } from './verified-write.js';

/** Small requests (HEAD, spec index reads) to the store at once: enough to hide latency, few enough for any store's rate limits. */
export const STORE_CONCURRENCY = 16;

/**
 * Videos uploading at once, each streaming a few parts (s3-upload.ts). Two keep peak RSS
 * near 120 MB; four reached 140–185 MB with no gain in throughput (BENCHMARKS.md, "Storage").
 */
export const UPLOADS = 2;

export interface TransferOptions {
  signal?: AbortSignal;
  /** Bytes moved so far. */
  onProgress?: (bytes: number) => void;
}

export interface ObjectStore {
  /** `s3://bucket/prefix`, for messages. */
  readonly url: string;
  /** Where one video lives (`s3://bucket/prefix/sha256/9f/9f2c….mp4`), for messages. */
  objectUrl(sha256: string): string;
  /** Whether the video is there with the right size (its bytes are checked whenever it is read). */
  hasObject(output: ExpectedBytes): Promise<boolean>;
  /** Uploads a local file (already verified against `output`) as the video named by its sha256; streamed, never buffered whole. */
  upload(file: string, output: ExpectedBytes, options?: TransferOptions): Promise<void>;
  /**
   * Hands the video's bytes to `receive` (which verifies them as it writes), asking again
   * when the connection breaks off mid-body.
   */
  download(output: ExpectedBytes, receive: (body: Readable) => Promise<void>, options?: TransferOptions): Promise<void>;
  /** Every spec hash with an index entry in the store (a listing, a thousand per request). */
  listSpecs(): Promise<Set<string>>;
  /** Every video in the store, sha256 → bytes (a listing, a thousand per request). */
  listObjects(): Promise<Map<string, number>>;
  /** The spec index entry, undefined when there is none, or why the one there cannot be trusted. */
  getSpec(specHash: string): Promise<SpecIndexEntry | undefined | { problem: string }>;
  putSpec(entry: SpecIndexEntry): Promise<void>;
  close(): void;
}

/** Opens the store; credentials come from `env` and the AWS credential chain, never the manifest. */
export async function openObjectStore(config: StorageConfig, env: NodeJS.ProcessEnv): Promise<ObjectStore> {
  const { S3ObjectStore } = await import('./s3-store.js');
  return new S3ObjectStore(config, env);
}
