/**
 * The object store on the AWS SDK: AWS S3 itself, or any S3-compatible service (R2, MinIO,
 * GCS interoperability) through `endpoint:` and `force_path_style:`. Imported only through
 * object-store.ts's openObjectStore, so nothing else pays for loading the SDK.
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, paginateListObjectsV2, type S3ClientConfig } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { StorageConfig } from './config.js';
import { StorageCode, StorageError } from './errors.js';
import { objectKey, SPEC_DIR, specHashOfFileName, specKey } from './layout.js';
import { UPLOADS, type ObjectStore, type TransferOptions } from './object-store.js';
import { credentialSecrets, isTransient, storageErrorFrom } from './s3-errors.js';
import { uploadFile } from './s3-upload.js';
import { parseSpecIndexEntry, serializeSpecIndexEntry, type SpecIndexEntry } from './spec-index.js';
import type { ExpectedBytes } from './verified-write.js';

/** Attempts at a download whose body broke off (the SDK retries the request, not the body). */
const DOWNLOAD_ATTEMPTS = 3;
const MAX_SPEC_BYTES = 1024 * 1024;

export class S3ObjectStore implements ObjectStore {
  readonly url: string;
  readonly #client: S3Client;
  readonly #config: StorageConfig;
  readonly #secrets: string[];
  readonly #uploads = pLimit(UPLOADS);

  constructor(config: StorageConfig, env: NodeJS.ProcessEnv) {
    this.url = config.url;
    this.#config = config;
    this.#secrets = credentialSecrets(env);
    // This SDK line is pinned (package.json) and supports Node 20; its warning about later
    // releases needing Node 22 would only be noise on every storage command's stderr.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const region = config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (config.endpoint ? 'us-east-1' : undefined);
    const clientConfig: S3ClientConfig = {
      ...(region ? { region } : {}),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle,
      // Since 2025 the SDK sends flexible checksums by default, streaming uploads as
      // `aws-chunked` bodies with trailers. S3-compatible stores that predate it (MinIO before
      // 2024, s3rver, some gateways) store that framing as the object's bytes. Checksums
      // only where an operation requires them; every video is verified by its sha256 anyway,
      // after upload (size) and on every download (sha256).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A dead store must fail in seconds, not hang; a stalled transfer ends after a minute
      // of silence. No total limit: a 2 GB upload takes as long as it takes.
      requestHandler: { connectionTimeout: 10_000, socketTimeout: 60_000, httpAgent: { keepAlive: true, maxSockets: 32 }, httpsAgent: { keepAlive: true, maxSockets: 32 } },
      maxAttempts: 4,
      // The SDK would print to the console when a streamed upload fails; failures are
      // reported as StorageErrors, with their cause and a hint, and nothing else.
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    };
    this.#client = new S3Client(clientConfig);
  }

  objectUrl(sha256: string): string {
    return `s3://${this.#config.bucket}/${this.#key(objectKey(sha256))}`;
  }

  async hasObject(output: ExpectedBytes): Promise<boolean> {
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.#config.bucket, Key: this.#key(objectKey(output.sha256)) }));
      return head.ContentLength === output.bytes;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw this.#error(error, `looking for ${this.objectUrl(output.sha256)}`);
    }
  }

  async upload(file: string, output: ExpectedBytes, options: TransferOptions = {}): Promise<void> {
    const target = this.objectUrl(output.sha256);
    await this.#uploads(() =>
      uploadFile(
        {
          client: this.#client,
          bucket: this.#config.bucket,
          key: this.#key(objectKey(output.sha256)),
          file,
          bytes: output.bytes,
          metadata: { sha256: output.sha256 },
          fail: (error) => this.#error(error, `upload to ${target}`),
        },
        options,
      ),
    );
    // A store that mangles bodies (chunked framing kept as bytes, a proxy cutting them) is
    // caught here, not by a teammate's pull.
    if (!(await this.hasObject(output))) {
      throw new StorageError(StorageCode.corrupt, `upload to ${target}: the store holds another size than the ${output.bytes} bytes sent`, 'the store or a proxy in front of it altered the upload; check its S3 compatibility');
    }
  }

  async download(output: ExpectedBytes, receive: (body: Readable) => Promise<void>, options: TransferOptions = {}): Promise<void> {
    const source = this.objectUrl(output.sha256);
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.#client.send(
          new GetObjectCommand({ Bucket: this.#config.bucket, Key: this.#key(objectKey(output.sha256)) }),
          options.signal ? { abortSignal: options.signal } : {},
        );
        await receive(answer.Body as Readable);
        return;
      } catch (error) {
        const failure = isNotFound(error)
          ? new StorageError(StorageCode.missing, `${source} is not in the store`, 'push it from a machine that has it (`videogen push`)')
          : this.#error(error, `download of ${source}`);
        if (attempt >= DOWNLOAD_ATTEMPTS || !isTransient(failure) || options.signal?.aborted) throw failure;
      }
    }
  }

  async listSpecs(): Promise<Set<string>> {
    const hashes = new Set<string>();
    await this.#list(SPEC_DIR, (name) => {
      const hash = specHashOfFileName(name.slice(name.lastIndexOf('/') + 1));
      if (hash) hashes.add(hash);
    });
    return hashes;
  }

  async listObjects(): Promise<Map<string, number>> {
    const objects = new Map<string, number>();
    await this.#list('sha256', (name, bytes) => {
      const match = /^[0-9a-f]{2}\/([0-9a-f]{64})\.mp4$/.exec(name);
      if (match && objectKey(match[1] as string) === `sha256/${name}`) objects.set(match[1] as string, bytes);
    });
    return objects;
  }

  /** Calls `found` with each key below `<prefix>/<dir>/` (relative to it) and its size. */
  async #list(dir: string, found: (name: string, bytes: number) => void): Promise<void> {
    const prefix = `${this.#key(dir)}/`;
    try {
      for await (const page of paginateListObjectsV2({ client: this.#client }, { Bucket: this.#config.bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) if (object.Key) found(object.Key.slice(prefix.length), object.Size ?? -1);
      }
    } catch (error) {
      throw this.#error(error, `listing s3://${this.#config.bucket}/${prefix}`);
    }
  }

  async getSpec(specHash: string): Promise<SpecIndexEntry | undefined | { problem: string }> {
    const key = this.#key(specKey(specHash));
    let text: string;
    try {
      const answer = await this.#client.send(new GetObjectCommand({ Bucket: this.#config.bucket, Key: key }));
      if ((answer.ContentLength ?? 0) > MAX_SPEC_BYTES) {
        (answer.Body as Readable | undefined)?.destroy();
        return { problem: `larger than ${MAX_SPEC_BYTES} bytes` };
      }
      text = (await answer.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw this.#error(error, `reading the spec index s3://${this.#config.bucket}/${key}`);
    }
    return parseSpecIndexEntry(text, specHash);
  }

  async putSpec(entry: SpecIndexEntry): Promise<void> {
    const key = this.#key(specKey(entry.spec_hash));
    try {
      await this.#client.send(
        new PutObjectCommand({ Bucket: this.#config.bucket, Key: key, Body: serializeSpecIndexEntry(entry), ContentType: 'application/json' }),
      );
    } catch (error) {
      throw this.#error(error, `writing the spec index s3://${this.#config.bucket}/${key}`);
    }
  }

  close(): void {
    this.#client.destroy();
  }

  #key(relative: string): string {
    return this.#config.prefix ? `${this.#config.prefix}/${relative}` : relative;
  }

  #error(error: unknown, doing: string): StorageError {
    return storageErrorFrom(error, doing, this.#config, this.#secrets);
  }
}

/** A missing key (GET: NoSuchKey; HEAD has no body, so only its 404). A missing bucket is not this. */
function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
}
