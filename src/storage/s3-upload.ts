/**
 * Uploading one video file: a PutObject for small ones, a multipart upload for the rest, in
 * both cases with the body streamed straight from disk (a range of the file per part), so
 * memory stays flat whatever the size of the videos.
 *
 * Why not @aws-sdk/lib-storage's Upload: it cuts a stream into parts by concatenating
 * buffers, one new part-sized buffer per part, and V8 collects that garbage only after tens
 * of megabytes of it. Measured (BENCHMARKS.md, "Storage"): 160–270 MB peak RSS for 8 videos
 * of 256 MiB whatever its partSize and queueSize, against a flat ~100 MB this way. A
 * multipart upload is three documented calls; the SDK still signs, sends and parses them.
 *
 * Streams still allocate a buffer per chunk, and V8 collects those only after tens of
 * megabytes: that, not the data in flight, is what bounds memory, hence few uploads at once
 * (s3-store.ts) rather than many.
 */
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { mapLimit } from '../util/map-limit.js';
import type { StorageError } from './errors.js';
import type { TransferOptions } from './object-store.js';
import { isTransient } from './s3-errors.js';

/** Parts of 16 MiB: a 2 GiB video is 128 parts; S3's limit is 10,000 parts of at least 5 MiB. */
export const PART_BYTES = 16 * 1024 * 1024;
/** Parts of one upload in flight at once. */
const PARTS_AT_ONCE = 4;
/**
 * Attempts per request. The SDK does not retry a streamed body (it cannot read it twice), so
 * each attempt here opens the file range anew.
 */
const ATTEMPTS = 3;

export interface UploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  file: string;
  bytes: number;
  /** Object metadata (`x-amz-meta-*`). */
  metadata: Record<string, string>;
  /** Maps an SDK error to a StorageError (whose code says whether trying again can help). */
  fail: (error: unknown) => StorageError;
}

export async function uploadFile(target: UploadTarget, options: TransferOptions = {}): Promise<void> {
  const { client, bucket, key, file, bytes } = target;
  const sent = new Map<number, number>();
  const progress = (part: number, partBytes: number) => {
    sent.set(part, partBytes);
    let total = 0;
    for (const value of sent.values()) total += value;
    options.onProgress?.(total);
  };
  const send = { abortSignal: options.signal };

  if (bytes <= PART_BYTES) {
    await withRetries(target, options, () =>
      client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: rangeStream(file, 0, bytes, (n) => progress(0, n)),
          ContentLength: bytes,
          ContentType: 'video/mp4',
          Metadata: target.metadata,
        }),
        send,
      ),
    );
    return;
  }

  // Requests without a streamed body are retried by the SDK itself.
  const created = await client
    .send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'video/mp4', Metadata: target.metadata }), send)
    .catch((error: unknown) => Promise.reject(target.fail(error)));
  const uploadId = created.UploadId as string;
  try {
    const parts = Array.from({ length: Math.ceil(bytes / PART_BYTES) }, (_, index) => index + 1);
    const etags = await mapLimit(parts, PARTS_AT_ONCE, async (number) => {
      const start = (number - 1) * PART_BYTES;
      const length = Math.min(PART_BYTES, bytes - start);
      const answer = await withRetries(target, options, () =>
        client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: number,
            Body: rangeStream(file, start, length, (n) => progress(number, n)),
            ContentLength: length,
          }),
          send,
        ),
      );
      return { PartNumber: number, ETag: answer.ETag };
    });
    await client
      .send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: etags } }), send)
      .catch((error: unknown) => Promise.reject(target.fail(error)));
  } catch (error) {
    // Parts of an abandoned upload are billed storage until aborted; best effort, the failure
    // that matters is the one being thrown.
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => {});
    throw error;
  }
}

/**
 * `length` bytes of `file` from `start`, counted as the request reads them. Counted in a
 * Transform, not with a 'data' listener: that would start the stream flowing before the
 * SDK pipes it (it waits for `100 Continue` first), and the first chunks would be lost.
 */
function rangeStream(file: string, start: number, length: number, onBytes: (bytes: number) => void): Readable {
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes((read += chunk.length));
      callback(null, chunk);
    },
  });
  const source = createReadStream(file, { start, end: start + length - 1 });
  source.on('error', (error) => counter.destroy(error));
  return source.pipe(counter);
}

async function withRetries<T>(target: UploadTarget, options: TransferOptions, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const failure = target.fail(error);
      if (tries >= ATTEMPTS || !isTransient(failure) || options.signal?.aborted) throw failure;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** tries));
    }
  }
}
