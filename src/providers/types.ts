import type { HttpClient } from '../http/client.js';
import type { DownloadedFile } from '../http/types.js';
import type { FailureClass, LockRemote } from '../lock/types.js';
import type { ProviderConfig, ProviderType, Shot } from '../manifest/types.js';

/**
 * A video API's client (the live half of a ProviderModule). It knows the wire format and
 * nothing else: the executor owns polling cadence, timeouts, slots and the lockfile; the
 * HTTP client owns retries.
 */
export interface Provider {
  readonly type: ProviderType;
  readonly config: ProviderConfig;
  /**
   * What kind of failure an error from submit/poll/download is (DESIGN.md "Executor"):
   * the executor stops submitting on `quota`, and the planner never retries `moderation`
   * with the same spec. Without it, classifyHttpError (providers/classify.ts) decides.
   */
  classify?(error: unknown): FailureClass;
  submit(shot: Shot, ctx: CallContext): Promise<SubmitResult>;
  poll(jobId: string, ctx: CallContext): Promise<PollResult>;
  download(job: CompletedJob, dest: string, ctx: DownloadContext): Promise<DownloadedFile>;
  /**
   * After a crash between sending a submission and recording its answer: find the job that
   * submission created, if the API can list jobs. `since` is when the submission was
   * recorded as intended; `claimed` are job ids other lock entries already own. Providers
   * whose API cannot list jobs (HeyGen) leave this out.
   */
  findSubmitted?(shot: Shot, since: string, claimed: ReadonlySet<string>, ctx: CallContext): Promise<FindAnswer>;
}

/**
 * What a provider's job list says about an interrupted submission: its job, `none` (it
 * created nothing), or `unknown` (the list cannot tell this shot's job from another's).
 */
export type FindAnswer = SubmitResult | 'none' | 'unknown';

export interface CallContext {
  signal: AbortSignal;
  /**
   * Submissions to an API that takes an idempotency key (HeyGen v3): derived from the spec
   * hash and the attempt, durable in the lock before the request is sent, and the same on
   * every retry of this submission, including after a crash.
   */
  idempotencyKey?: string;
  /** Ends waits between retries but never a request in flight (see HttpRequest.retryWaitSignal). */
  retryWaitSignal?: AbortSignal;
  /**
   * Polls: what the lock recorded in `remote` for this job (SubmitResult.remote, merged with
   * what completion added). An API that hands out the URLs to ask (fal's status_url and
   * response_url) finds its job again through them, in this process or the next.
   */
  remote?: LockRemote;
}

export interface DownloadContext extends CallContext {
  maxBytes: number;
  onProgress?: (bytes: number) => void;
}

export interface SubmitResult {
  jobId: string;
  remote?: LockRemote;
}

export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'not_found';

export interface PollResult {
  state: JobState;
  /** 0..100 when the provider says. */
  progress?: number;
  /** Failed only; `class` defaults to `failed` (worth another try on the next apply). */
  error?: { code: string; message: string; class?: FailureClass };
  /** Completed only: what download() needs. */
  job?: CompletedJob;
  remote?: LockRemote;
  /** The provider asked for this delay before the next poll (openai-poll-after-ms). */
  pollAfterMs?: number;
  /** What the provider says the job cost, in USD (OpenRouter's usage.cost): recorded as cost.reported. */
  reportedCost?: number;
}

export interface CompletedJob {
  jobId: string;
  /**
   * Where the bytes are; for HeyGen a temporary URL on another host (never sent the key).
   * A module whose API returns the video inline (Vertex's base64) keeps what its download()
   * needs in `remote` or its own closure and may leave this empty.
   */
  url: string;
  remote?: LockRemote;
}

export interface ProviderDeps {
  http: HttpClient;
  /** Read from the environment by the caller; providers never look at process.env. */
  apiKey: string;
}

export type ProviderFactory = (config: ProviderConfig, deps: ProviderDeps) => Provider;
