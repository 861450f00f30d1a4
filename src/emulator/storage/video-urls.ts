import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Several APIs hand out temporary, signed video URLs on another host (like S3 presigned
 * URLs): no API key is needed, or wanted, to fetch them, and they expire. The URL names the
 * API whose job it is, so the storage host knows how to read the job id.
 *
 * The signing key is a constant on purpose: a URL stays verifiable by a later emulator
 * process, just as job ids do. It signs, it does not protect anything.
 */
const SIGNING_KEY = 'videogen-emulator/temporary-video-urls';
const PATH_PREFIX = '/_emulator/videos/';

/** A fresh URL for a job's video (a new nonce every time), valid for `ttlMs`. */
export function signVideoUrl(origin: string, api: string, jobId: string, now: number, ttlMs: number): string {
  const token = `${jobId}.${randomBytes(6).toString('hex')}`;
  const expires = now + ttlMs;
  return `${origin}${PATH_PREFIX}${encodeURIComponent(api)}/${token}.mp4?expires=${expires}&signature=${signature(`${api}/${token}`, expires)}`;
}

export type VideoUrlCheck =
  | { ok: true; jobId: string }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** Checks `/_emulator/videos/<api>/<token>.mp4?expires=<unix ms>&signature=<hex>`. */
export function verifyVideoUrl(api: string, fileName: string, query: URLSearchParams, now: number): VideoUrlCheck {
  const match = /^(.+)\.([0-9a-f]{12})\.mp4$/.exec(fileName);
  const expires = Number(query.get('expires'));
  const given = query.get('signature') ?? '';
  if (!match || !Number.isSafeInteger(expires)) return { ok: false, reason: 'malformed' };
  const token = `${match[1]}.${match[2]}`;
  const expected = signature(`${api}/${token}`, expires);
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    return { ok: false, reason: 'signature' };
  }
  if (now >= expires) return { ok: false, reason: 'expired' };
  return { ok: true, jobId: match[1] ?? '' };
}

function signature(token: string, expires: number): string {
  return createHmac('sha256', SIGNING_KEY).update(`${token}\n${expires}`).digest('hex').slice(0, 32);
}
