/**
 * One shot's way through apply: submit → record the job id → poll → download → record the
 * output. Resume enters at poll; fetch enters at download and falls back to generating
 * again when the provider no longer serves the video.
 *
 * The lock only ever says `failed` when the provider said so (or refused the submission);
 * a timeout, a poll error or a failed download leaves the job `submitted`, because the job
 * is paid for and the next apply can still collect it.
 */
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import type { Shot } from '../manifest/types.js';
import type { PlanAction } from '../plan/types.js';
import type { DownloadedFile } from '../http/types.js';
import type { LockChange } from '../lock/lock-writer.js';
import type { LockEntry, LockOutput, LockRemote } from '../lock/types.js';
import { providerModule } from '../providers/registry.js';
import { keepOutput, type KeptOutput } from '../storage/outputs.js';
import type { CompletedJob, FindAnswer, Provider, SubmitResult } from '../providers/types.js';
import { shotCost } from '../cost/plan-costs.js';
import { formatUsd } from '../cost/estimate.js';
import { formatDuration } from '../util/duration.js';
import { linkedSignal } from '../util/linked-signal.js';
import { formatRate } from '../util/rate.js';
import { describeError, type ErrorInfo } from '../errors.js';
import {
  describeFailure,
  errorStatus,
  isDefinitelyGone,
  isGoneError,
  isPermanent,
  refusedAtTheDoor,
  retryAfterOf,
  wasRefused,
} from './failures.js';
import { idempotencyKeyFor } from './idempotency.js';
import { completedEntry, failedEntry, intentEntry, submissionOf, submittedEntry, type Submission } from './lock-entries.js';
import { readMp4DurationSeconds } from './mp4-duration.js';
import { pollDelayMs } from './poll-schedule.js';
import { emit, isoNow, recordChange, type RunContext } from './run-context.js';
import { sleepUnlessStopped } from './sleep.js';
import { restoreShot } from './restore-shot.js';
import { extend } from '../util/extend.js';

export type ShotOutcome =
  /** `notPushed`: the output is safe on disk and in the lock, but the store refused it. */
  | { kind: 'completed'; bytes: number; videoSeconds: number; notPushed?: boolean }
  | { kind: 'failed'; error: ErrorInfo; gone?: boolean }
  /** Still running remotely, recorded as `submitted`: the next apply collects it. */
  | { kind: 'pending'; jobId: string }
  /** Never submitted (interrupted while queued). */
  | { kind: 'skipped' };

type WatchOutcome = ShotOutcome | { kind: 'done'; job: CompletedJob; reportedCost?: number };

/**
 * Submissions are never aborted by the first Ctrl-C: cutting a POST off mid-flight could
 * leave a billed job whose id we never learn. A second Ctrl-C exits the process instead.
 */
const NEVER_ABORTED = new AbortController().signal;
// Shared by every submission in flight; many listeners are expected.
setMaxListeners(0, NEVER_ABORTED);

export async function runShotAction(ctx: RunContext, action: PlanAction, shot: Shot): Promise<ShotOutcome> {
  // A video that exists already comes from the cache or the store: no provider, no job.
  if (action.reuse) return restoreShot(ctx, action, shot);
  const provider = ctx.providers.get(shot.providerName);
  if (!provider) throw new Error(`provider "${shot.providerName}" was not created`);
  const runner = new ShotRunner(ctx, action, shot, provider);
  switch (action.action) {
    case 'create':
    case 'replace':
    case 'retry':
      return runner.generate();
    case 'resume':
      return action.job_id ? runner.resume(action.job_id) : runner.recover();
    case 'fetch':
      return action.job_id ? runner.refetch(action.job_id) : runner.generate();
    default:
      throw new Error(`action ${action.action} does no work`);
  }
}

class ShotRunner {
  private readonly startedAt: number;
  private lastReported = '';
  #estimate: { usd: number | undefined } | undefined;
  /** This run submitted the job, so its charge is this run's spend. */
  #reserved = false;

  constructor(
    private readonly ctx: RunContext,
    private readonly action: PlanAction,
    private readonly shot: Shot,
    private readonly provider: Provider,
  ) {
    this.startedAt = ctx.now();
  }

  async generate(): Promise<ShotOutcome> {
    const watched = await this.ctx.slots.run(this.shot.providerName, async (): Promise<WatchOutcome> => {
      if (this.ctx.stop.aborted) return { kind: 'skipped' };
      if (this.ctx.quota.isStopped(this.shot.providerName)) {
        this.report('skipped', { note: `provider ${this.shot.providerName} is out of credit: not submitted; the next apply tries again` });
        return { kind: 'skipped' };
      }
      if (!this.reserveBudget()) return { kind: 'skipped' };
      const submitted = await this.submit();
      if ('kind' in submitted) {
        // Never sent: its estimate was not spent.
        if (submitted.kind === 'skipped') {
          this.ctx.budget.release(this.estimatedUsd, this.provider.config.emulate);
          this.#reserved = false;
        }
        return submitted;
      }
      return this.watch(submitted.jobId, submitted.answeredAt);
    });
    return watched.kind === 'done' ? this.collect(watched.job, { reportedCost: watched.reportedCost }) : watched;
  }

  async resume(jobId: string): Promise<ShotOutcome> {
    const watched = await this.ctx.slots.run(this.shot.providerName, async (): Promise<WatchOutcome> => {
      if (this.ctx.stop.aborted) return { kind: 'pending', jobId };
      this.report('submitted', { jobId, note: 'resuming' });
      return this.watch(jobId);
    });
    return watched.kind === 'done' ? this.collect(watched.job, { reportedCost: watched.reportedCost }) : watched;
  }

  /**
   * The last apply stopped between sending a submission and recording its answer. Ask the
   * provider for the job that submission created; submit again only if there is none, or
   * if the provider's API cannot be asked (then say that it may be billed twice).
   */
  async recover(): Promise<ShotOutcome> {
    if (this.ctx.stop.aborted) return { kind: 'skipped' };
    const intent = this.ctx.lock.get(this.shot.id);
    const since = intent?.submitted_at;
    const idempotency = providerModule(this.provider.type).idempotency;
    if (idempotency && intent?.idempotency_key && since && this.ctx.now() - Date.parse(since) < idempotency.windowMs) {
      // The API remembers the key: sending it again returns the job the interrupted submission made.
      this.report('queued', { note: 'the last apply stopped while submitting; sending the same idempotency key returns that job' });
      return this.generate();
    }
    const find = this.provider.findSubmitted?.bind(this.provider);
    if (!find || !since) {
      const why = idempotency ? 'its idempotency key has expired' : `${this.provider.type} cannot be asked whether that created a job`;
      this.report('queued', { note: `the last apply stopped while submitting and ${why}; submitting again, which may bill it twice` });
      return this.generate();
    }
    // One recovery at a time, so two shots cannot adopt the same job.
    const answer = await this.ctx.recoveries(async (): Promise<FindAnswer | { lookupFailed: unknown }> => {
      let found: FindAnswer;
      try {
        found = await find(this.shot, since, this.ctx.lock.jobIds(), { signal: this.ctx.stop });
      } catch (error) {
        return { lookupFailed: error };
      }
      if (typeof found === 'object') await this.record(() => submittedEntry(this.shot, found.jobId, submissionOf(intent, since), found.remote), found.jobId);
      return found;
    });
    if (this.ctx.stop.aborted) return { kind: 'skipped' };
    if (typeof answer !== 'object' || 'lookupFailed' in answer) {
      // Submitting again risks a second bill; never finishing is worse.
      const why =
        answer === 'none'
          ? 'the interrupted submission created no job; submitting'
          : answer === 'unknown'
            ? "the provider's job list cannot tell this shot's job apart from others; submitting again, which may bill it twice"
            : `could not look for the interrupted submission (${describeError(answer.lookupFailed).code}); submitting again, which may bill it twice`;
      this.report('queued', { note: why });
      return this.generate();
    }
    const jobId = answer.jobId;
    this.report('submitted', { jobId, note: 'found the job of the interrupted submission' });
    return this.resume(jobId);
  }

  /** The output is missing or changed: download the finished job again, or generate anew if it is gone. */
  async refetch(jobId: string): Promise<ShotOutcome> {
    if (this.ctx.stop.aborted) return { kind: 'skipped' };
    let job: CompletedJob | undefined;
    try {
      const result = await this.provider.poll(jobId, { signal: this.ctx.stop, ...this.remoteOf(jobId) });
      if (result.state === 'completed') job = result.job;
    } catch (error) {
      if (this.ctx.stop.aborted) return { kind: 'skipped' };
      // 403 on a poll means a bad key, not a vanished job; only a 404/410 says the job is gone.
      const status = errorStatus(error);
      if (status !== 404 && status !== 410) return this.fail(describeFailure(error, this.provider));
    }
    if (job) {
      const outcome = await this.collect(job, { goneIsExpected: true });
      if (outcome.kind !== 'failed' || !outcome.gone) return outcome;
    }
    this.report('queued', { note: `the provider no longer serves job ${jobId}; generating it again` });
    return this.generate();
  }

  /** What a new job of this shot is estimated to cost; undefined when its price is unknown. */
  private get estimatedUsd(): number | undefined {
    this.#estimate ??= { usd: shotCost(this.shot, this.ctx.manifest.pricing).usd };
    return this.#estimate.usd;
  }

  /** Counts this submission's estimate in the run's spend; under `--max-cost`, reports the shot skipped when it does not fit. */
  private reserveBudget(): boolean {
    const { budget } = this.ctx;
    const usd = this.estimatedUsd;
    if (budget.reserve(usd, this.provider.config.emulate)) return (this.#reserved = true);
    const why =
      usd === undefined
        ? 'its price is unknown, so --max-cost cannot guard it (give it one under `pricing:`)'
        : `it would take this run's estimated spend to ${formatUsd(budget.after(usd))}, past --max-cost ${formatUsd(budget.maxUsd ?? 0)}`;
    this.report('skipped', { note: `budget: not submitted: ${why}; the next apply tries again` });
    return false;
  }

  /**
   * Returns the job id once it is durably in the lock, with when the provider answered (the
   * job's clock runs from there, not from the end of the record), or the outcome when there is no job.
   */
  private async submit(): Promise<{ jobId: string; answeredAt: number } | ShotOutcome> {
    this.report('submitting');
    if (!(await this.submissionTurn())) return { kind: 'skipped' };
    const timeoutMs = this.provider.config.timeoutMs;
    // The budget starts now, not when the shot was queued: waiting for a slot is not waiting for the provider.
    const submitStarted = this.ctx.now();
    const previous = this.ctx.lock.get(this.shot.id);
    const intendedAt = isoNow(this.ctx);
    const idempotency = providerModule(this.provider.type).idempotency;
    const idempotencyKey = idempotency && idempotencyKeyFor(this.shot, previous, this.ctx.now(), idempotency.windowMs);
    const submission: Submission = { at: intendedAt, idempotencyKey: idempotencyKey || undefined, estimated: this.estimatedUsd };
    await this.record(() => intentEntry(this.shot, submission));
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 && !(await this.submissionTurn())) {
        // Interrupted while waiting for a turn: nothing went out since the last refusal.
        await this.record(() => previous);
        return { kind: 'skipped' };
      }
      let result: SubmitResult;
      try {
        result = await this.provider.submit(this.shot, {
          signal: NEVER_ABORTED,
          retryWaitSignal: this.ctx.stop,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        });
      } catch (error) {
        const left = timeoutMs - (this.ctx.now() - submitStarted);
        // A server asking for longer than the job may take (a Retry-After of a year) is a refusal, not a pause.
        const asked = retryAfterOf(error);
        if (refusedAtTheDoor(error)) {
          // A 429, or a 503 with Retry-After, is a refusal at the door (the HTTP layer has
          // already honoured Retry-After a few times): no job exists, so waiting for room and
          // asking again is safe, and a busy account is not a failed shot.
          const waitable = left > 0 && (asked === undefined || asked <= left);
          const pause = Math.min(left, Math.max(asked ?? 0, Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)) * (0.5 + this.ctx.random() / 2)));
          if (waitable && !this.ctx.stop.aborted) this.report('submitting', { note: `rate limited; asking again in ${formatDuration(pause)}` });
          if (this.ctx.stop.aborted || (waitable && (await sleepUnlessStopped(pause, this.ctx.stop)))) {
            // Every attempt was refused at the door, so no job exists: put the entry back as it was.
            await this.record(() => previous);
            return { kind: 'skipped' };
          }
          if (waitable) continue;
        }
        const info = describeFailure(error, this.provider);
        if (!wasRefused(error, Boolean(idempotencyKey))) {
          // A 5xx, a reset or a garbled answer: the provider may have created (and billed) the
          // job anyway. The intent stays in the lock so the next apply looks for it first.
          const next = idempotencyKey
            ? 'the next apply sends the same idempotency key, which returns that job instead of making another'
            : this.provider.findSubmitted
              ? 'the next apply looks for it before submitting again'
              : `${this.provider.type} cannot be asked, so the next apply submits again and may bill it twice`;
          return this.fail({ ...info, message: `${info.message}; the job may have been created anyway: ${next}` });
        }
        const at = isoNow(this.ctx);
        await this.record((intent) => failedEntry(intent ?? intentEntry(this.shot, extend(submission, { at })), info, at));
        if (info.class === 'quota') this.ctx.quota.stop(this.shot.providerName, info);
        return this.fail(info);
      }
      // The job exists and is billed from here on: record it before anything else.
      const answeredAt = this.ctx.now();
      const at = isoNow(this.ctx);
      await this.record(() => submittedEntry(this.shot, result.jobId, extend(submission, { at }), result.remote), result.jobId);
      this.report('submitted', { jobId: result.jobId });
      return { jobId: result.jobId, answeredAt };
    }
  }

  /**
   * Waits for this submission's turn under the provider's `rate:` (at once without one).
   * False when an interrupt came first. A shot held back says so, and so does the run, once.
   */
  private async submissionTurn(): Promise<boolean> {
    const rate = this.ctx.rates.get(this.shot.providerName);
    if (!rate) return true;
    const limit = `rate limit ${formatRate(rate.perMinute)}`;
    const turn = await rate.take(this.ctx.stop, (waitMs, first) => {
      if (first) this.ctx.reporter.onMessage?.({ level: 'info', text: `${limit} at ${this.shot.providerName}: holding submissions back` });
      this.report('submitting', { note: `${limit}: waiting ${formatDuration(waitMs)}` });
    });
    if (turn) this.report('submitting');
    return turn;
  }

  /** Polls until the job ends. `since`: when its clock started, if before now (the submission's answer, whose record took a moment). */
  private async watch(jobId: string, since = this.ctx.now()): Promise<WatchOutcome> {
    const { poll, timeoutMs } = this.provider.config;
    const deadline = this.ctx.now() + timeoutMs;
    const timedOut = () =>
      this.fail({
        code: 'VIDEOGEN_JOB_TIMEOUT',
        message: `job ${jobId} did not finish within ${formatDuration(timeoutMs)}; it stays submitted and the next apply resumes it`,
      });
    let hintMs: number | undefined;
    for (let attempt = 0; ; attempt++) {
      // The first wait counts from `since`; each later one from the poll before it.
      const spent = attempt === 0 ? this.ctx.now() - since : 0;
      const delay = Math.min(Math.max(0, pollDelayMs(attempt, poll, this.ctx.random, hintMs) - spent), Math.max(0, deadline - this.ctx.now()));
      if (await sleepUnlessStopped(delay, this.ctx.stop)) {
        return this.pending(jobId);
      }
      if (this.ctx.now() >= deadline) return timedOut();
      // One poll must not outlive the job: the HTTP layer's own limits (60 s headers and body
      // timeouts, 5 tries, a Retry-After of up to 5 minutes) are far longer than a short timeout.
      const pollDeadline = linkedSignal(this.ctx.stop, Math.max(1, deadline - this.ctx.now()));
      let result;
      try {
        result = await this.provider.poll(jobId, { signal: pollDeadline.signal, ...this.remoteOf(jobId) });
      } catch (error) {
        if (this.ctx.stop.aborted) return this.pending(jobId);
        if (pollDeadline.expired()) return timedOut();
        const info = describeFailure(error, this.provider);
        if (isPermanent(error)) {
          return this.fail({ ...info, message: `${info.message}; job ${jobId} stays submitted for the next apply` });
        }
        this.report('running', { jobId, note: `poll failed (${info.code}); trying again` });
        hintMs = undefined;
        continue;
      } finally {
        pollDeadline.dispose();
      }
      hintMs = result.pollAfterMs;
      if (result.state === 'completed' && result.job) {
        return { kind: 'done', job: result.job, ...(result.reportedCost === undefined ? {} : { reportedCost: result.reportedCost }) };
      }
      if (result.state === 'failed' || result.state === 'not_found' || result.state === 'completed') {
        const info: ErrorInfo =
          result.state === 'failed'
            ? { class: 'failed', ...(result.error ?? { code: 'generation_failed', message: 'the provider reported a failure without a reason' }) }
            : result.state === 'not_found'
              ? { code: 'job_not_found', class: 'failed', message: `the provider does not know job ${jobId} (expired or deleted)` }
              : { code: 'no_output', class: 'failed', message: `job ${jobId} completed without a video` };
        const at = isoNow(this.ctx);
        await this.record((previous) => failedEntry(previous ?? submittedEntry(this.shot, jobId, { at }), info, at));
        return this.fail(info, jobId);
      }
      this.report('running', { jobId, ...(result.progress === undefined ? {} : { progress: result.progress }) });
    }
  }

  private collect(job: CompletedJob, options: { goneIsExpected?: boolean; reportedCost?: number | undefined } = {}): Promise<ShotOutcome> {
    return this.ctx.downloads(async () => {
      if (this.ctx.stop.aborted) return this.pending(job.jobId);
      const dest = resolve(this.ctx.manifest.dir, this.shot.output);
      let current = job;
      for (let attempt = 1; ; attempt++) {
        this.report('downloading', { jobId: job.jobId, bytes: 0 });
        let file: DownloadedFile;
        try {
          file = await this.provider.download(current, dest, {
            signal: this.ctx.stop,
            maxBytes: this.ctx.maxDownloadBytes,
            onProgress: (bytes) => this.report('downloading', { jobId: job.jobId, bytes }),
          });
        } catch (error) {
          if (this.ctx.stop.aborted) return this.pending(job.jobId);
          // Temporary URLs expire (HeyGen's do within hours): ask once for a fresh one.
          if (attempt === 1 && isGoneError(error)) {
            const fresh = await this.provider.poll(job.jobId, { signal: this.ctx.stop, ...this.remoteOf(job.jobId) }).catch(() => undefined);
            if (fresh?.state === 'completed' && fresh.job) {
              current = fresh.job;
              continue;
            }
          }
          const info = describeFailure(error, this.provider);
          // A refetch falls back to generating when the video is gone: that is its call to report.
          if (options.goneIsExpected && isGoneError(error)) return { kind: 'failed', error: info, gone: true };
          // Gone even at the fresh URL a new poll handed out (a poll that no longer says
          // completed is a flapping server: then the job stays submitted, as below).
          if (attempt > 1 && isDefinitelyGone(error)) return this.videoGone(job.jobId, info);
          return this.fail({ ...info, message: `${info.message}; job ${job.jobId} stays submitted, the next apply downloads it again` }, job.jobId);
        }
        const at = isoNow(this.ctx);
        const output = { path: this.shot.output, sha256: file.sha256, bytes: file.bytes };
        const previous = this.ctx.lock.get(this.shot.id) ?? submittedEntry(this.shot, job.jobId, { at });
        const completed = completedEntry(previous, output, at, current.remote, options.reportedCost);
        if (options.reportedCost !== undefined && this.#reserved) this.ctx.budget.settle(previous.cost?.estimated, options.reportedCost);
        // Stored before it is marked completed (DESIGN.md "Executor"); storage failing never
        // stops the record: the video is paid for and safe on disk.
        const kept = await this.keep(job.jobId, dest, completed);
        await this.record(() => completed, job.jobId);
        const note = kept?.storeError ? `not in the store yet: ${kept.storeError.code}: ${kept.storeError.message}; \`videogen push\` uploads it later` : undefined;
        this.report('completed', {
          jobId: job.jobId,
          bytes: file.bytes,
          elapsedMs: this.ctx.now() - this.startedAt,
          ...(completed.cost ? { cost: completed.cost } : {}),
          ...(note ? { note } : {}),
        });
        // The duration the spec asked for, or else the one the file says (seen by the download,
        // or read from the file: a few syscalls and allocations a shot, which 100,000 shots feel).
        const videoSeconds = this.shot.spec.duration ?? file.durationSeconds ?? (await readMp4DurationSeconds(dest)) ?? 0;
        return { kind: 'completed', bytes: file.bytes, videoSeconds, ...(kept?.pushed === false ? { notPushed: true } : {}) };
      }
    });
  }

  /**
   * The provider finished the job but no longer serves its video, even at a fresh URL (OpenAI
   * keeps content about an hour): the job can never be collected, so it is a failure the next
   * apply regenerates, not a shot left `submitted` for ever.
   */
  private async videoGone(jobId: string, cause: ErrorInfo): Promise<ShotOutcome> {
    const info: ErrorInfo = {
      code: 'VIDEOGEN_VIDEO_GONE',
      class: 'failed',
      message: `the provider no longer serves the video of job ${jobId} (${cause.message}); the next apply generates it again`,
    };
    const at = isoNow(this.ctx);
    await this.record((previous) => failedEntry(previous ?? submittedEntry(this.shot, jobId, { at }), info, at), jobId);
    return this.fail(info, jobId);
  }

  /** Into the local cache, and the store when there is one; undefined when the run keeps no outputs (library use). */
  private async keep(jobId: string, dest: string, completed: LockEntry & { output: LockOutput }): Promise<KeptOutput | undefined> {
    const outputs = this.ctx.outputs;
    if (!outputs) return undefined;
    if (outputs.store) this.report('downloading', { jobId, bytes: completed.output.bytes, note: `uploading to ${outputs.store.url}` });
    // Ctrl-C ends an upload, never the record: the video is then completed and not pushed.
    return keepOutput(outputs, dest, this.shot.id, completed, { signal: this.ctx.stop });
  }

  private record(change: LockChange, jobId?: string): Promise<void> {
    return recordChange(this.ctx, this.shot.id, change, jobId);
  }

  /** The lock's `remote` for this job, for the provider to find it again by (CallContext.remote). */
  private remoteOf(jobId: string): { remote?: LockRemote } {
    const entry = this.ctx.lock.get(this.shot.id);
    return entry?.job_id === jobId && entry.remote ? { remote: entry.remote } : {};
  }

  private pending(jobId: string): ShotOutcome {
    this.report('pending', { jobId, note: 'still running remotely; the next apply collects it' });
    return { kind: 'pending', jobId };
  }

  private fail(error: ErrorInfo, jobId?: string): { kind: 'failed'; error: ErrorInfo } {
    this.report('failed', { error, ...(jobId ? { jobId } : {}), elapsedMs: this.ctx.now() - this.startedAt });
    return { kind: 'failed', error };
  }

  private report(state: Parameters<typeof emit>[1]['state'], extra: Partial<Parameters<typeof emit>[1]> = {}): void {
    // Progress polls repeat themselves; pass on only what changed.
    const key = `${state}|${extra.progress ?? ''}|${extra.bytes ?? ''}|${extra.note ?? ''}`;
    if (key === this.lastReported) return;
    this.lastReported = key;
    emit(this.ctx, { id: this.shot.id, action: this.action.action, provider: this.shot.providerName, state, ...extra });
  }
}
