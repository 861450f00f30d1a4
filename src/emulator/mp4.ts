import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { nearestAspectRatio, type AspectRatio } from './ratios.js';

/**
 * The videos the emulator serves: tiny committed MP4s (assets/videos/, made once by
 * scripts/make-emulator-videos.sh) with a top-level `free` box appended that names the
 * job. Players skip `free` boxes, so the file stays valid and playable, while its bytes
 * (and sha256) differ per job and stay identical on every download of the same job.
 */

/** Resolves from src/emulator/ (tests) and dist/emulator/ (the package) alike. */
const ASSET_DIR = new URL('../../assets/videos/', import.meta.url);
const PAD_CHUNK = Buffer.alloc(1024 * 1024);
const FREE_BOX_MARKER = 'videogen-emulator job=';
const MAX_32BIT_BOX = 0xffffffff;

export interface EmulatorVideo {
  /** Exact byte length, for Content-Length. */
  size: number;
  /** A fresh stream of the bytes; padding is generated as it is read, never held in memory. */
  stream(): Readable;
}

const cache = new Map<string, Buffer>();

function asset(fileName: string): Buffer {
  let bytes = cache.get(fileName);
  if (!bytes) {
    bytes = readFileSync(new URL(fileName, ASSET_DIR));
    cache.set(fileName, bytes);
  }
  return bytes;
}

function assetStem(ratio: AspectRatio): string {
  return ratio.replace(':', 'x');
}

/** The MP4 for a job: the asset nearest `aspectRatio`, plus a free box with the job id (padded to `padToBytes`). */
export function emulatorVideoFor(aspectRatio: string, jobId: string, padToBytes = 0): EmulatorVideo {
  const base = asset(`${assetStem(nearestAspectRatio(aspectRatio))}.mp4`);
  const marker = Buffer.from(`${FREE_BOX_MARKER}${jobId}\n`, 'utf8');
  const smallest = base.length + 8 + marker.length;
  const size = Math.max(smallest, Math.floor(padToBytes));
  const boxSize = size - base.length;
  // A box larger than 4 GiB needs the 64-bit "largesize" header (size field = 1).
  const header =
    boxSize > MAX_32BIT_BOX
      ? Buffer.concat([u32(1), Buffer.from('free', 'latin1'), u64(boxSize)])
      : Buffer.concat([u32(boxSize), Buffer.from('free', 'latin1')]);
  const padding = Math.max(0, boxSize - header.length - marker.length);
  const totalSize = base.length + header.length + marker.length + padding;

  return {
    size: totalSize,
    stream: () => Readable.from(videoChunks(base, header, marker, padding), { objectMode: false }),
  };
}

function* videoChunks(base: Buffer, header: Buffer, marker: Buffer, padding: number): Generator<Buffer> {
  yield base;
  yield Buffer.concat([header, marker]);
  let left = padding;
  while (left > 0) {
    const n = Math.min(left, PAD_CHUNK.length);
    yield n === PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, n);
    left -= n;
  }
}

export type PreviewVariant = 'thumbnail' | 'spritesheet';

/** The still images of OpenAI's `variant=thumbnail|spritesheet`. */
export function previewImageFor(aspectRatio: string, variant: PreviewVariant): { bytes: Buffer; contentType: string } {
  const stem = assetStem(nearestAspectRatio(aspectRatio));
  return variant === 'thumbnail'
    ? { bytes: asset(`${stem}.thumbnail.webp`), contentType: 'image/webp' }
    : { bytes: asset(`${stem}.spritesheet.jpg`), contentType: 'image/jpeg' };
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function u64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}
