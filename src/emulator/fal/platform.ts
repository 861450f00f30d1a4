import { accountOf } from '../admission.js';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import type { Route, RouteContext } from '../router.js';
import { falDetail } from './errors.js';
import { FAL_JOBS, outcomeOf, requestPhase, type FalOutcome } from './requests.js';

/**
 * fal's platform API (api.fal.ai, here /fal/api): `GET /v1/models/requests/by-endpoint`
 * lists an endpoint's requests with their input and output (reference/fal-queue.md, "Finding
 * a lost request"). The document names the fields `request_id`, `status_code`, `json_input`
 * and `json_output`, a 24-hour default window and cursor paging, but not the names of the
 * list and the cursor: here `items` and `next_cursor` (a `cursor` query parameter). Only
 * requests this emulator process created are listed, with the key's own requests only.
 */

export const FAL_PLATFORM_PATH = '/fal/api';

const DEFAULT_WINDOW_MS = 24 * 3600_000;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

/** The HTTP status each outcome's result answers with (queue.ts). */
const STATUS_CODES: Readonly<Record<FalOutcome, number>> = { ok: 200, moderated: 422, runner: 500, model: 422, invalid: 422 };

export const platformRoutes: readonly Route[] = [
  { method: 'GET', pattern: `${FAL_PLATFORM_PATH}/v1/models/requests/by-endpoint`, faults: 'api', handle: byEndpoint },
];

function byEndpoint(ctx: RouteContext): EmulatorResponse {
  const query = ctx.url.searchParams;
  const endpoint = query.get('endpoint_id');
  if (!endpoint) return falDetail(422, 'endpoint_id is required');
  const [endAt, startAt] = [time(query.get('end')), time(query.get('start'))];
  // Refused before the defaults apply: `??` would take an unreadable time (null) for an absent one.
  if (startAt === null || endAt === null) return falDetail(422, 'start and end must be ISO 8601 times');
  const end = endAt ?? ctx.now;
  const start = startAt ?? end - DEFAULT_WINDOW_MS;
  const limit = Number(query.get('limit') ?? DEFAULT_LIMIT);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return falDetail(422, `limit must be between 1 and ${MAX_LIMIT}`);
  const offset = Number(query.get('cursor') ?? 0);
  if (!Number.isInteger(offset) || offset < 0) return falDetail(422, 'Invalid cursor');

  const requests = ctx.env.jobs
    .list(FAL_JOBS.api, accountOf(ctx, FAL_JOBS.api))
    .filter((job) => job.facts.model === endpoint && job.facts.createdAt >= start && job.facts.createdAt <= end)
    // A stable sort: requests of the same millisecond keep the order they were made in (the
    // list's), not the order of their random ids.
    .sort((a, b) => a.facts.createdAt - b.facts.createdAt);
  const page = requests.slice(offset, offset + limit);
  const items = page.map((job) => {
    const done = requestPhase(job.facts, ctx.now) === 'COMPLETED';
    return {
      request_id: job.id,
      endpoint_id: endpoint,
      status_code: done ? STATUS_CODES[outcomeOf(job.facts)] : null,
      started_at: new Date(job.facts.createdAt).toISOString(),
      json_input: job.input ?? null,
      json_output: null,
    };
  });
  const more = offset + limit < requests.length;
  return jsonResponse(200, { items, next_cursor: more ? String(offset + limit) : null });
}

/** Unix ms of an ISO time; undefined when absent, null when unreadable. */
function time(text: string | null): number | undefined | null {
  if (text === null) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
