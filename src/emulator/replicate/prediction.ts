/**
 * A Replicate prediction as the API shows it at a moment (reference/replicate-and-runway.md,
 * "Get"): `starting` → `processing` → `succeeded` | `failed` | `canceled` | `aborted`. A file
 * output appears while the prediction is still processing; inputs, outputs and logs are
 * deleted a while after it ends (`data_removed`: an hour at Replicate, the emulator's
 * contentTtlMs). Pure but for the notes (inputs, cancellations) this process keeps.
 */
import type { JobKind } from '../job-id.js';
import { JobNotes } from '../job-notes.js';
import { jobStatusAt, type JobRecord } from '../jobs.js';
import type { RouteContext } from '../router.js';
import { OFFICIAL_MODELS } from './validation.js';

export const REPLICATE_JOBS: JobKind = { api: 'replicate', prefix: 'rp-' };

/** The input each prediction was created with (listing shows it; another process's jobs have none). */
export const predictionInputs = new JobNotes<Record<string, unknown>>();
/** When a prediction was canceled through `POST /predictions/{id}/cancel`. */
export const cancellations = new JobNotes<number>();

/** The output URL appears once processing is this far along, before the prediction has succeeded. */
const EARLY_OUTPUT_PROGRESS = 80;

export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';

export interface PredictionState {
  status: PredictionStatus;
  startedAt?: number;
  /** When it ended (any terminal status). */
  endedAt?: number;
  /** Its data is deleted (terminal only). */
  removed: boolean;
  /** Processing far enough along that the output URL is shown already. */
  outputShown: boolean;
}

/** `extra.end`: how a failing job that was not moderated ends. */
export type FailureEnd = 'failed' | 'canceled' | 'aborted';

export function predictionState(ctx: RouteContext, job: JobRecord): PredictionState {
  const { facts } = job;
  const status = jobStatusAt(facts, ctx.now);
  const startsAt = facts.createdAt + Math.round(facts.latencyMs * 0.1);
  const canceledAt = cancellations.get(ctx.env.jobs, job.id);
  const removedAfter = (endedAt: number): boolean => ctx.now >= endedAt + ctx.env.options.contentTtlMs;
  if (canceledAt !== undefined && canceledAt < status.endsAt) {
    // Canceled before it started: Replicate calls that `aborted` only for deadlines; a cancel is `canceled`.
    return { status: 'canceled', ...(canceledAt >= startsAt ? { startedAt: startsAt } : {}), endedAt: canceledAt, removed: removedAfter(canceledAt), outputShown: false };
  }
  switch (status.state) {
    case 'queued':
      return { status: 'starting', removed: false, outputShown: false };
    case 'running':
      return { status: 'processing', startedAt: startsAt, removed: false, outputShown: !facts.fails && status.progress >= EARLY_OUTPUT_PROGRESS };
    case 'completed':
      return { status: 'succeeded', startedAt: startsAt, endedAt: status.endsAt, removed: removedAfter(status.endsAt), outputShown: true };
    case 'failed': {
      const end = facts.moderated ? 'failed' : ((facts.extra?.end as FailureEnd | undefined) ?? 'failed');
      // An aborted prediction never started, and is not charged.
      return { status: end, ...(end === 'aborted' ? {} : { startedAt: startsAt }), endedAt: status.endsAt, removed: removedAfter(status.endsAt), outputShown: false };
    }
  }
}

/** The prediction object of `GET /v1/predictions/{id}`, of a create answer and of list results. */
export function predictionResource(ctx: RouteContext, job: JobRecord): Record<string, unknown> {
  const state = predictionState(ctx, job);
  const { facts } = job;
  const version = facts.extra?.v;
  const getUrl = `${ctx.origin}/v1/predictions/${job.id}`;
  const terminal = state.endedAt !== undefined;
  const output = state.outputShown && !state.removed ? outputOf(ctx, job) : null;
  return {
    id: job.id,
    // A version's model name is not known to the emulator, which keeps no registry of versions.
    model: facts.model ?? 'replicate/community-model',
    version: typeof version === 'string' ? version : 'hidden',
    input: state.removed ? {} : (predictionInputs.get(ctx.env.jobs, job.id) ?? {}),
    logs: state.removed ? null : '',
    output,
    data_removed: state.removed,
    error: state.status === 'failed' ? failureText(job) : null,
    status: state.status,
    source: 'api',
    created_at: iso(facts.createdAt),
    started_at: state.startedAt === undefined ? null : iso(state.startedAt),
    completed_at: terminal ? iso(state.endedAt!) : null,
    urls: { get: getUrl, cancel: `${getUrl}/cancel`, web: `${ctx.origin}/p/${job.id}` },
    ...(state.status === 'succeeded' && state.startedAt !== undefined ? { metrics: { predict_time: (state.endedAt! - state.startedAt) / 1000 } } : {}),
  };
}

/** Where the delivery host serves a prediction's output (delivery.ts). */
export function deliveryUrl(origin: string, jobId: string): string {
  return `${origin}/_emulator/replicate-delivery/${jobId}/output.mp4`;
}

function outputOf(ctx: RouteContext, job: JobRecord): string | string[] {
  const url = deliveryUrl(ctx.origin, job.id);
  const official = job.facts.model === undefined ? undefined : OFFICIAL_MODELS[job.facts.model];
  // Veo returns one URI; a model of unknown shape (any version) the emulator answers with a list.
  return official?.output === 'uri' ? url : [url];
}

/** The safety checker's refusal in the words Replicate's models use (E005), or a plain failure. */
function failureText(job: JobRecord): string {
  return job.facts.moderated
    ? 'The input or output was flagged as sensitive. Please try again with different inputs. (E005) (emulated)'
    : 'Prediction failed: the model could not generate this video (emulated failure).';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
