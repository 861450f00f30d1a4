import { createHash } from 'node:crypto';
import { ASPECT_RATIOS, VIDEO_SECONDS, VIDEO_SIZES, type AspectRatio, type VideoSeconds, type VideoSize } from './ratios.js';

/**
 * A job's whole fate is written into its id: when it was created, how long it takes,
 * whether it fails, its shape. Any emulator process can therefore answer polls and
 * downloads for jobs another process created, which is what lets `videogen apply`
 * resume (or re-download) after a crash even against the in-process emulator of the
 * quickstart, whose process died with the previous run.
 */

export type JobApi = 'heygen' | 'openai';

export const JOB_ID_PREFIX: Record<JobApi, string> = { heygen: 'node-gw-', openai: 'video_' };

export interface JobFacts {
  api: JobApi;
  /** Unix ms. */
  createdAt: number;
  latencyMs: number;
  fails: boolean;
  /** HeyGen: the failure is reported with no error object at all, as happens in practice. */
  silentFailure: boolean;
  /** HeyGen: the completed output carries the URL flat at `data.output.video_url`. */
  flatOutput: boolean;
  aspectRatio: AspectRatio;
  /** OpenAI only. */
  size?: VideoSize;
  seconds?: VideoSeconds;
  model?: string;
  /** Makes ids unique among jobs created in the same millisecond. */
  nonce: number;
}

const VERSION = 1;
const NONE = 0xff;
const INLINE_MODEL = 0xfe;
const CHECKSUM_BYTES = 4;
/** Models stored as one byte; anything else is stored inline. Append only. */
const KNOWN_MODELS = [
  'sora-2',
  'sora-2-pro',
  'sora-2-2025-10-06',
  'sora-2-pro-2025-10-06',
  'sora-2-2025-12-08',
  'veo-3.1-fast-generate-001',
  'veo-3.1-generate-001',
] as const;

const FLAG_FAILS = 1;
const FLAG_SILENT_FAILURE = 2;
const FLAG_FLAT_OUTPUT = 4;

export function encodeJobId(facts: JobFacts): string {
  const head = Buffer.alloc(19);
  head.writeUInt8(VERSION, 0);
  head.writeUIntBE(Math.max(0, Math.floor(facts.createdAt)), 1, 6);
  head.writeUInt32BE(Math.min(0xffffffff, Math.max(0, Math.round(facts.latencyMs))), 7);
  head.writeUInt8(
    (facts.fails ? FLAG_FAILS : 0) | (facts.silentFailure ? FLAG_SILENT_FAILURE : 0) | (facts.flatOutput ? FLAG_FLAT_OUTPUT : 0),
    11,
  );
  head.writeUInt8(ASPECT_RATIOS.indexOf(facts.aspectRatio), 12);
  head.writeUInt8(facts.size === undefined ? NONE : VIDEO_SIZES.indexOf(facts.size), 13);
  head.writeUInt8(facts.seconds === undefined ? NONE : VIDEO_SECONDS.indexOf(facts.seconds), 14);
  head.writeUInt32BE(facts.nonce >>> 0, 15);
  const payload = Buffer.concat([head, encodeModel(facts.model)]);
  const prefix = JOB_ID_PREFIX[facts.api];
  return prefix + Buffer.concat([payload, checksum(prefix, payload)]).toString('base64url');
}

/** The facts behind an id, or undefined for anything this emulator did not issue. */
export function decodeJobId(id: string, api: JobApi): JobFacts | undefined {
  const prefix = JOB_ID_PREFIX[api];
  if (!id.startsWith(prefix)) return undefined;
  const encoded = id.slice(prefix.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64url');
  // Only the canonical spelling: otherwise two ids (differing in unused low bits) would name one job.
  if (bytes.toString('base64url') !== encoded) return undefined;
  if (bytes.length < 20 + CHECKSUM_BYTES) return undefined;
  const payload = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  if (!checksum(prefix, payload).equals(bytes.subarray(bytes.length - CHECKSUM_BYTES))) return undefined;
  if (payload.readUInt8(0) !== VERSION) return undefined;

  const aspectRatio = ASPECT_RATIOS[payload.readUInt8(12)];
  if (aspectRatio === undefined) return undefined;
  const sizeIndex = payload.readUInt8(13);
  const secondsIndex = payload.readUInt8(14);
  const model = decodeModel(payload.subarray(19));
  if (model === null) return undefined;
  const flags = payload.readUInt8(11);
  const facts: JobFacts = {
    api,
    createdAt: payload.readUIntBE(1, 6),
    latencyMs: payload.readUInt32BE(7),
    fails: (flags & FLAG_FAILS) !== 0,
    silentFailure: (flags & FLAG_SILENT_FAILURE) !== 0,
    flatOutput: (flags & FLAG_FLAT_OUTPUT) !== 0,
    aspectRatio,
    nonce: payload.readUInt32BE(15),
  };
  if (sizeIndex !== NONE) facts.size = VIDEO_SIZES[sizeIndex];
  if (secondsIndex !== NONE) facts.seconds = VIDEO_SECONDS[secondsIndex];
  if (model !== undefined) facts.model = model;
  if ((sizeIndex !== NONE && facts.size === undefined) || (secondsIndex !== NONE && facts.seconds === undefined)) {
    return undefined;
  }
  return facts;
}

function encodeModel(model: string | undefined): Buffer {
  if (model === undefined) return Buffer.from([NONE]);
  const known = (KNOWN_MODELS as readonly string[]).indexOf(model);
  if (known >= 0) return Buffer.from([known]);
  const text = Buffer.from(model, 'utf8').subarray(0, 255);
  return Buffer.concat([Buffer.from([INLINE_MODEL, text.length]), text]);
}

/** undefined = no model; null = malformed. */
function decodeModel(bytes: Buffer): string | undefined | null {
  const tag = bytes[0];
  if (tag === undefined) return null;
  if (tag === NONE) return bytes.length === 1 ? undefined : null;
  if (tag === INLINE_MODEL) {
    const length = bytes[1];
    if (length === undefined || bytes.length !== 2 + length) return null;
    return bytes.subarray(2).toString('utf8');
  }
  return bytes.length === 1 ? (KNOWN_MODELS[tag] ?? null) : null;
}

/** Not a secret: it only makes typos and made-up ids "not found" instead of odd jobs. */
function checksum(prefix: string, payload: Buffer): Buffer {
  return createHash('sha256').update(prefix).update(payload).digest().subarray(0, CHECKSUM_BYTES);
}
