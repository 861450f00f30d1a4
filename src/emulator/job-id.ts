import { createHash } from 'node:crypto';
import { ASPECT_RATIOS, VIDEO_SECONDS, VIDEO_SIZES, type AspectRatio, type VideoSeconds, type VideoSize } from './ratios.js';

/**
 * A job's whole fate is written into its id: when it was created, how long it takes,
 * whether it fails, its shape. Any emulator process can therefore answer polls and
 * downloads for jobs another process created, which is what lets `videogen apply`
 * resume (or re-download) after a crash even against the in-process emulator of the
 * quickstart, whose process died with the previous run.
 */

/** An emulated API's jobs: its name (facts.api) and the prefix its ids carry (`node-gw-`, `video_`). */
export interface JobKind {
  api: string;
  prefix: string;
}

/** API-specific facts a job keeps in its id (a duration, a resolution, how it fails): small JSON scalars. */
export type JobExtra = Record<string, string | number | boolean>;

export interface JobFacts {
  api: string;
  /** Unix ms. */
  createdAt: number;
  latencyMs: number;
  fails: boolean;
  /** HeyGen: the failure is reported with no error object at all, as happens in practice. */
  silentFailure: boolean;
  /** HeyGen: the completed output carries the URL flat at `data.output.video_url`. */
  flatOutput: boolean;
  /** A failing job whose failure is a content-policy refusal (absent on ids from before it existed). */
  moderated?: boolean;
  aspectRatio: AspectRatio;
  /** OpenAI only. */
  size?: VideoSize;
  seconds?: VideoSeconds;
  model?: string;
  /** Makes ids unique among jobs created in the same millisecond. */
  nonce: number;
  /** Whatever else the API's routes need to answer for the job later, from any process. */
  extra?: JobExtra;
}

/** 1: the original layout; 2: the same followed by `extra` as length-prefixed JSON. */
const VERSION = 1;
const VERSION_WITH_EXTRA = 2;
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
const FLAG_MODERATED = 8;

export function encodeJobId(facts: JobFacts, prefix: string): string {
  const head = Buffer.alloc(19);
  head.writeUInt8(facts.extra === undefined ? VERSION : VERSION_WITH_EXTRA, 0);
  head.writeUIntBE(Math.max(0, Math.floor(facts.createdAt)), 1, 6);
  head.writeUInt32BE(Math.min(0xffffffff, Math.max(0, Math.round(facts.latencyMs))), 7);
  head.writeUInt8(
    (facts.fails ? FLAG_FAILS : 0) |
      (facts.silentFailure ? FLAG_SILENT_FAILURE : 0) |
      (facts.flatOutput ? FLAG_FLAT_OUTPUT : 0) |
      (facts.moderated ? FLAG_MODERATED : 0),
    11,
  );
  head.writeUInt8(ASPECT_RATIOS.indexOf(facts.aspectRatio), 12);
  head.writeUInt8(facts.size === undefined ? NONE : VIDEO_SIZES.indexOf(facts.size), 13);
  head.writeUInt8(facts.seconds === undefined ? NONE : VIDEO_SECONDS.indexOf(facts.seconds), 14);
  head.writeUInt32BE(facts.nonce >>> 0, 15);
  const parts = [head, encodeModel(facts.model)];
  if (facts.extra !== undefined) {
    const json = Buffer.from(JSON.stringify(facts.extra), 'utf8');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(json.length);
    parts.push(json, length);
  }
  const payload = Buffer.concat(parts);
  return prefix + Buffer.concat([payload, checksum(prefix, payload)]).toString('base64url');
}

/** The facts behind an id, or undefined for anything this emulator did not issue. */
export function decodeJobId(id: string, kind: JobKind): JobFacts | undefined {
  const { api, prefix } = kind;
  if (!id.startsWith(prefix)) return undefined;
  const encoded = id.slice(prefix.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64url');
  // Only the canonical spelling: otherwise two ids (differing in unused low bits) would name one job.
  if (bytes.toString('base64url') !== encoded) return undefined;
  if (bytes.length < 20 + CHECKSUM_BYTES) return undefined;
  let payload = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  if (!checksum(prefix, payload).equals(bytes.subarray(bytes.length - CHECKSUM_BYTES))) return undefined;
  const version = payload.readUInt8(0);
  if (version !== VERSION && version !== VERSION_WITH_EXTRA) return undefined;
  let extra: JobExtra | undefined;
  if (version === VERSION_WITH_EXTRA) {
    // The JSON sits at the end, its length in the last two bytes, so the model can be found as before.
    const length = payload.readUInt16BE(payload.length - 2);
    const start = payload.length - 2 - length;
    if (start < 20) return undefined;
    try {
      extra = JSON.parse(payload.subarray(start, payload.length - 2).toString('utf8')) as JobExtra;
    } catch {
      return undefined;
    }
    payload = payload.subarray(0, start);
  }

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
  if ((flags & FLAG_MODERATED) !== 0) facts.moderated = true;
  if (sizeIndex !== NONE) facts.size = VIDEO_SIZES[sizeIndex];
  if (secondsIndex !== NONE) facts.seconds = VIDEO_SECONDS[secondsIndex];
  if (model !== undefined) facts.model = model;
  if (extra !== undefined) facts.extra = extra;
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
