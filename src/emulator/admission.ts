import type { EmulatorResponse } from './http-io.js';
import type { RouteContext } from './router.js';

/**
 * The account a request acts for: its key, per API. A HeyGen key and an OpenAI key that
 * happen to be equal (say, the dummy key of an emulated quickstart) are still two
 * accounts with a limit each, as they would be at two real providers.
 */
export function accountOf(ctx: RouteContext, api: string): string {
  return `${api}:${ctx.apiKey}`;
}

/**
 * Whether a new job may start for this account: providers limit jobs in flight per account
 * (HeyGen: 10 on pay-as-you-go) and refuse the excess with a 429, creating nothing.
 * When refused, Retry-After says when the caller's next job ends, at least 1 s.
 */
export function admitJob(
  ctx: RouteContext,
  api: string,
): { ok: true } | { ok: false; retryAfterSeconds: number; outOfCredit?: EmulatorResponse } {
  const { jobs, options, stats } = ctx.env;
  const account = accountOf(ctx, api);
  const outOfCredit = creditRefusal(ctx, api);
  if (outOfCredit) return { ok: false, retryAfterSeconds: 0, outOfCredit };
  if (jobs.inFlightFor(account, ctx.now) < options.maxConcurrent) return { ok: true };
  stats.countFault('concurrencyLimited');
  const freesAt = jobs.nextSlotFreesAt(account, ctx.now) ?? ctx.now;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - ctx.now) / 1000)) };
}

/**
 * An account that has spent its credit is refused outright, busy or not, in the API's own
 * words; undefined while it has credit left.
 */
export function creditRefusal(ctx: RouteContext, api: string): EmulatorResponse | undefined {
  const { jobs, options, stats } = ctx.env;
  if (options.creditLimit === undefined || jobs.createdBy(accountOf(ctx, api)) < options.creditLimit) return undefined;
  stats.countFault('outOfCredit');
  return ctx.api.errors.outOfCredit();
}

/**
 * The random fate of a job being created: drawn once, then written into its id. A moderated
 * job fails too, with the API's content-policy answer instead of a generation failure.
 */
export function drawJobFate(ctx: RouteContext): { fails: boolean; moderated: boolean; latencyMs: number } {
  const moderated = ctx.env.dice.jobModerated();
  const fails = ctx.env.dice.jobFails() || moderated;
  return { fails, moderated, latencyMs: ctx.env.dice.latencyMs() };
}

/**
 * How long a new job waits for a slot when every job still running (`ends`: when each ends,
 * all after `now`) holds one: a slot is free once all but `maxConcurrent - 1` have ended.
 */
export function slotWaitMs(ends: readonly number[], maxConcurrent: number, now: number): number {
  if (ends.length < maxConcurrent) return 0;
  const sorted = [...ends].sort((a, b) => a - b);
  return (sorted[sorted.length - maxConcurrent] ?? now) - now;
}
