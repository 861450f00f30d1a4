/**
 * After a crash between sending a submission and recording its answer, the lock holds an
 * intent (`submitted`, no job id) and we do not know whether the job exists. An
 * OpenAI-compatible endpoint can be asked: list the account's recent videos and adopt the
 * one this submission created, instead of paying for a second.
 *
 * A video matches when model, size, seconds and prompt equal what we would have sent, it was
 * created no earlier than the intent (less a clock-skew allowance), and no other lock entry
 * has claimed it. The list shows neither reference images nor extra options, and resellers
 * may leave the prompt out: adopting a job on a partial match could save another shot's
 * video as this one's, so then the answer is `unknown` and the caller decides.
 */
import { z } from 'zod';
import type { HttpClient } from '../../http/client.js';
import type { ProviderConfig, Shot } from '../../manifest/types.js';
import type { CallContext, FindAnswer } from '../types.js';

/** Servers' clocks are not ours; a job may look this much older than our intent. */
const CLOCK_SKEW_SECONDS = 300;
const PAGE_SIZE = 100;
const MAX_PAGES = 10;

const ListedVideo = z.object({
  id: z.string(),
  model: z.string().nullish(),
  prompt: z.string().nullish(),
  size: z.string().nullish(),
  seconds: z.union([z.string(), z.number()]).nullish(),
  created_at: z.number().nullish(),
});
const VideoList = z.object({
  data: z.array(z.unknown()),
  has_more: z.boolean().nullish(),
  last_id: z.string().nullish(),
});

export interface ExpectedVideo {
  model: string;
  prompt: string;
  size?: string;
  seconds?: string;
}

export async function findSubmittedVideo(
  http: HttpClient,
  config: ProviderConfig,
  auth: Record<string, string>,
  expected: ExpectedVideo,
  shot: Shot,
  since: string,
  claimed: ReadonlySet<string>,
  ctx: CallContext,
): Promise<FindAnswer> {
  // Two shots differing only in image or options look the same in the list.
  if (shot.referenceImage || shot.tailImage || Object.keys(shot.spec.options ?? {}).length > 0) return 'unknown';
  const earliest = Math.floor(Date.parse(since) / 1000) - CLOCK_SKEW_SECONDS;
  let after: string | undefined;
  let oldest: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), order: 'desc', ...(after ? { after } : {}) });
    const response = await http.request<unknown>({
      method: 'GET',
      url: `${config.baseUrl}/videos?${query}`,
      auth,
      retry: 'idempotent',
      signal: ctx.signal,
      purpose: `look for the interrupted submission of ${shot.id}`,
      apiKeyEnv: config.apiKeyEnv,
    });
    const list = VideoList.safeParse(response.body);
    if (!list.success) return 'unknown';
    let reachedOlder = false;
    for (const item of list.data.data) {
      const video = ListedVideo.safeParse(item);
      if (!video.success) continue;
      const created = video.data.created_at;
      if (typeof created === 'number' && created < earliest) {
        reachedOlder = true;
        continue;
      }
      if (claimed.has(video.data.id) || !matches({ ...video.data, prompt: expected.prompt }, expected)) continue;
      // Same model, size and seconds but no prompt shown: it cannot be told apart from another shot's.
      if (video.data.prompt == null) return 'unknown';
      // Newest first: the last match seen is the earliest, the one the interrupted submission made.
      if (video.data.prompt === expected.prompt) oldest = video.data.id;
    }
    if (reachedOlder || !list.data.has_more || !list.data.last_id) break;
    after = list.data.last_id;
  }
  return oldest === undefined ? 'none' : { jobId: oldest };
}

function matches(video: z.output<typeof ListedVideo>, expected: ExpectedVideo): boolean {
  if (video.model && video.model !== expected.model) return false;
  if (video.prompt !== expected.prompt) return false;
  if (video.size && expected.size && video.size !== expected.size) return false;
  if (video.seconds != null && expected.seconds && String(video.seconds) !== expected.seconds) return false;
  return true;
}
