/**
 * After a crash between sending a prediction and recording its answer, the lock holds an
 * intent and Replicate may hold a prediction we never heard of. Replicate lists an account's
 * predictions newest first, filtered by `created_after` (reference/replicate-and-runway.md,
 * "List / lost predictions"), and shows each one's model and input for an hour: enough to
 * adopt the prediction whose input is exactly what this shot would send.
 *
 * The rules are those of providers/openai-videos/reconcile.ts: only an unclaimed prediction of
 * the same model (or version) whose input equals ours is adopted. Anything that cannot be told
 * apart (an input already deleted, an image Replicate does not echo, fields we did not send)
 * makes the answer `unknown`, and the caller resubmits with a warning rather than adopt
 * another shot's video.
 */
import { sameOrigin } from '../../util/base-url.js';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { HttpClient } from '../../http/client.js';
import type { ProviderConfig, Shot } from '../../manifest/types.js';
import type { CallContext, FindAnswer } from '../types.js';
import type { PredictionRequest } from './input.js';

/** Servers' clocks are not ours; a prediction may look this much older than our intent. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** 100 predictions a page: ten pages is a thousand predictions within minutes of the crash. */
const MAX_PAGES = 10;

/** Stands in the expected input for an image whose value cannot be known without uploading it again. */
export const UPLOADED_IMAGE = '\u0000an uploaded file';

const optionalString = z.string().nullish().catch(undefined);
const ListedPrediction = z.object({
  id: z.string().min(1),
  model: optionalString,
  version: optionalString,
  input: z.unknown().optional(),
  created_at: optionalString,
  data_removed: z.boolean().nullish().catch(undefined),
});
const PredictionPage = z.object({ results: z.array(z.unknown()), next: optionalString });

type Verdict = 'same' | 'maybe' | 'other';

export interface ExpectedPrediction {
  request: PredictionRequest;
  input: Record<string, unknown>;
  /** Input names holding images: a data URL or an upload may come back differently. */
  imageNames: readonly string[];
}

export async function findSubmittedPrediction(
  http: HttpClient,
  config: ProviderConfig,
  auth: Record<string, string>,
  expected: ExpectedPrediction,
  shot: Shot,
  since: string,
  claimed: ReadonlySet<string>,
  ctx: CallContext,
): Promise<FindAnswer> {
  const earliest = Date.parse(since) - CLOCK_SKEW_MS;
  if (!Number.isFinite(earliest)) return 'unknown';
  let url: string | undefined = `${config.baseUrl}/predictions?${new URLSearchParams({ created_after: new Date(earliest).toISOString() })}`;
  let adopt: string | undefined;
  let doubt = false;
  for (let page = 0; url !== undefined; page++) {
    // A cursor on another host would take the key with it; a list we cannot finish cannot say `none`.
    if (page >= MAX_PAGES || !sameOrigin(url, config.baseUrl)) return adopt === undefined ? 'unknown' : { jobId: adopt };
    const response = await http.request<unknown>({
      method: 'GET',
      url,
      auth,
      retry: 'idempotent',
      signal: ctx.signal,
      purpose: `look for the interrupted submission of ${shot.id}`,
      apiKeyEnv: config.apiKeyEnv,
    });
    const parsed = PredictionPage.safeParse(response.body);
    if (!parsed.success) return 'unknown';
    for (const item of parsed.data.results) {
      const listed = ListedPrediction.safeParse(item);
      if (!listed.success) {
        doubt = true;
        continue;
      }
      const prediction = listed.data;
      const created = prediction.created_at ? Date.parse(prediction.created_at) : Number.NaN;
      if (claimed.has(prediction.id) || created < earliest) continue;
      const verdict = compare(prediction, expected);
      // Newest first: the last exact match seen is the earliest, the one the interrupted submission made.
      if (verdict === 'same') adopt = prediction.id;
      else if (verdict === 'maybe') doubt = true;
    }
    url = parsed.data.next ?? undefined;
  }
  if (adopt !== undefined) return { jobId: adopt };
  return doubt ? 'unknown' : 'none';
}

function compare(prediction: z.output<typeof ListedPrediction>, expected: ExpectedPrediction): Verdict {
  const { request } = expected;
  const target = request.model !== undefined ? prediction.model : prediction.version;
  const wanted = request.model ?? request.version;
  if (target == null) return prediction.data_removed ? 'maybe' : compareInput(prediction.input, expected);
  if (target !== wanted) return 'other';
  if (prediction.data_removed) return 'maybe';
  return compareInput(prediction.input, expected);
}

/**
 * `other` as soon as a field we send differs; `maybe` when only what cannot be compared differs
 * (images sent inline or uploaded, an input not shown, fields we did not send, which may be
 * Replicate's defaults or another shot's options).
 */
function compareInput(listed: unknown, expected: ExpectedPrediction): Verdict {
  if (typeof listed !== 'object' || listed === null || Array.isArray(listed) || Object.keys(listed).length === 0) return 'maybe';
  const seen = listed as Record<string, unknown>;
  let verdict: Verdict = 'same';
  for (const [name, value] of Object.entries(expected.input)) {
    if (isDeepStrictEqual(seen[name], value)) continue;
    const incomparable = expected.imageNames.includes(name) && typeof value === 'string' && (value === UPLOADED_IMAGE || value.startsWith('data:'));
    if (!incomparable) return 'other';
    verdict = 'maybe';
  }
  if (Object.keys(seen).some((name) => !Object.hasOwn(expected.input, name))) verdict = 'maybe';
  return verdict;
}
