/**
 * After a crash between sending a submission and recording its answer, the lock holds an
 * intent without a request id. fal lists an endpoint's requests with the input each was
 * given (`GET https://api.fal.ai/v1/models/requests/by-endpoint`, reference/fal-queue.md,
 * "Finding a lost request"), so the request that submission created can be adopted instead
 * of paying for a second.
 *
 * The match is exact: a request whose `json_input` is the very body this shot sends, made
 * no earlier than the intent (less a clock-skew allowance), and not claimed by another lock
 * entry. A local image was uploaded to a CDN URL the crashed process never recorded, so such
 * a shot cannot be recognised: `unknown`. So is any listed request without its input.
 *
 * What the document leaves open, read defensively: the answer's list and cursor field names
 * (`items` and `next_cursor`, else `requests`/`data` and `cursor`), the time format (ISO 8601
 * is sent), and how soon a new request appears in the list (a lagging list would make a
 * fresh request look absent, as with any such list).
 */
import { z } from 'zod';
import type { HttpClient } from '../../http/client.js';
import { canonicalJson } from '../../manifest/spec-hash.js';
import type { ProviderConfig, Shot } from '../../manifest/types.js';
import type { CallContext, FindAnswer } from '../types.js';
import { falHost } from './index.js';
import { falRequestBody } from './request.js';
import { builtRequestUrls } from './urls.js';

/** Servers' clocks are not ours; a request may look this much older than our intent. */
const CLOCK_SKEW_MS = 5 * 60_000;
const PAGE_SIZE = 100;
const MAX_PAGES = 10;

const ListedRequest = z.object({ request_id: z.string().min(1), json_input: z.unknown().optional() });
const RequestList = z.object({
  items: z.array(z.unknown()).optional(),
  requests: z.array(z.unknown()).optional(),
  data: z.array(z.unknown()).optional(),
  next_cursor: z.string().nullish().catch(undefined),
  cursor: z.string().nullish().catch(undefined),
});

export interface FalConnection {
  http: HttpClient;
  config: ProviderConfig;
  auth: Record<string, string>;
}

export async function findSubmittedRequest(
  { http, config, auth }: FalConnection,
  shot: Shot,
  since: string,
  claimed: ReadonlySet<string>,
  ctx: CallContext,
): Promise<FindAnswer> {
  const images = { reference: shot.referenceImage, tail: shot.tailImage };
  if (images.reference?.kind === 'file' || images.tail?.kind === 'file') return 'unknown';
  const expected = canonicalJson(
    falRequestBody(shot.spec, {
      ...(images.reference ? { reference: images.reference.url } : {}),
      ...(images.tail ? { tail: images.tail.url } : {}),
    }),
  );
  const model = shot.spec.model;
  const platformUrl = falHost(config, 'platform_url');
  const window = { start: new Date(Date.parse(since) - CLOCK_SKEW_MS).toISOString(), end: new Date(Date.now() + CLOCK_SKEW_MS).toISOString() };
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ endpoint_id: model, ...window, limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) });
    const response = await http.request<unknown>({
      method: 'GET',
      url: `${platformUrl}/v1/models/requests/by-endpoint?${query}`,
      auth,
      retry: 'idempotent',
      signal: ctx.signal,
      purpose: `look for the interrupted submission of ${shot.id}`,
      apiKeyEnv: config.apiKeyEnv,
    });
    const list = RequestList.safeParse(response.body);
    const items = list.success ? (list.data.items ?? list.data.requests ?? list.data.data) : undefined;
    if (!list.success || !items) return 'unknown';
    for (const item of items) {
      const request = ListedRequest.safeParse(item);
      if (!request.success) return 'unknown';
      const { request_id: id, json_input: input } = request.data;
      // Without its input a request could be this shot's or any other's.
      if (input === undefined || input === null) return 'unknown';
      if (claimed.has(id) || !sameJson(input, expected)) continue;
      // Any exact match is this shot's request or an identical one nobody claimed: the same video.
      return { jobId: id, remote: { ...builtRequestUrls(config.baseUrl, model, id) } };
    }
    cursor = list.data.next_cursor ?? list.data.cursor ?? undefined;
    if (!cursor) return 'none';
  }
  // More pages than we read: what we did not read could hold it.
  return 'unknown';
}

function sameJson(value: unknown, expected: string): boolean {
  try {
    return canonicalJson(value) === expected;
  } catch {
    return false;
  }
}
