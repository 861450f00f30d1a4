import { randomUint32 } from './random-pool.js';
import { decodeJobId, encodeJobId, type JobExtra, type JobFacts, type JobKind } from './job-id.js';

export type JobState = 'queued' | 'running' | 'completed' | 'failed';

export interface JobStatus {
  state: JobState;
  /** 0..100, whole numbers; 100 once completed. */
  progress: number;
  /** Unix ms at which the job is (or was) terminal. */
  endsAt: number;
  /** Ms until terminal; 0 once terminal. */
  remainingMs: number;
}

/** The share of the latency a job spends `queued` before it starts `running`. */
const QUEUED_SHARE = 0.1;

/** Where a job stands at `now`: a pure function of its facts, so any process agrees. */
export function jobStatusAt(facts: JobFacts, now: number): JobStatus {
  const endsAt = facts.createdAt + facts.latencyMs;
  const elapsed = now - facts.createdAt;
  if (now >= endsAt) {
    return facts.fails
      ? { state: 'failed', progress: 0, endsAt, remainingMs: 0 }
      : { state: 'completed', progress: 100, endsAt, remainingMs: 0 };
  }
  const remainingMs = endsAt - now;
  if (elapsed < facts.latencyMs * QUEUED_SHARE) return { state: 'queued', progress: 0, endsAt, remainingMs };
  const progress = Math.min(99, Math.max(0, Math.floor((100 * elapsed) / facts.latencyMs)));
  return { state: 'running', progress, endsAt, remainingMs };
}

/** A job as this process knows it. Jobs decoded from another process's id lack the extras. */
export interface JobRecord {
  id: string;
  facts: JobFacts;
  /** The key that created it (in-memory jobs only): concurrency and listing are per key. */
  ownerKey?: string;
  prompt?: string;
  remixedFrom?: string;
  /** The request body as received, for APIs that list it back (fal's requests/by-endpoint). */
  input?: unknown;
}

export interface NewJob {
  kind: JobKind;
  latencyMs: number;
  fails: boolean;
  /** HeyGen v1: a failure with no error object at all, as happens in practice. */
  silentFailure?: boolean;
  /** HeyGen v1: the completed output carries the URL flat at `data.output.video_url`. */
  flatOutput?: boolean;
  /** The job fails with the API's content-policy answer. */
  moderated?: boolean;
  extra?: JobExtra;
  aspectRatio: JobFacts['aspectRatio'];
  size?: JobFacts['size'];
  seconds?: JobFacts['seconds'];
  model?: string;
  ownerKey: string;
  prompt?: string;
  remixedFrom?: string;
  input?: unknown;
}

export interface JobCounts {
  created: number;
  completed: number;
  failed: number;
  inFlight: number;
  maxInFlight: number;
}

/**
 * The in-memory side of jobs: what listing, deletion, per-key concurrency and stats
 * need. Job state itself is never stored: it is derived from the id and the clock.
 */
export class JobStore {
  private readonly records = new Map<string, JobRecord>();
  private readonly deleted = new Set<string>();
  /** End times of this process's jobs still in flight; pruned lazily. */
  private inFlightEnds: number[] = [];
  private readonly inFlightEndsByKey = new Map<string, number[]>();
  /**
   * Per API and key, the jobs not ended when last looked at, oldest first: what a queue or a
   * slot wait needs, without walking every job made so far (100,000 of them in a big run).
   */
  private readonly unfinishedByOwner = new Map<string, JobRecord[]>();
  private maxInFlight = 0;
  private readonly createdByKey = new Map<string, number>();
  /** Per API: jobs created, and of those, jobs that fail (for deterministic variety in answers). */
  private readonly createdByApi = new Map<string, { created: number; failing: number }>();

  create(job: NewJob, now: number): JobRecord {
    const facts: JobFacts = {
      api: job.kind.api,
      createdAt: now,
      latencyMs: job.latencyMs,
      fails: job.fails,
      flatOutput: job.flatOutput ?? false,
      ...(job.moderated ? { moderated: true } : {}),
      silentFailure: job.silentFailure ?? false,
      aspectRatio: job.aspectRatio,
      nonce: randomUint32(),
    };
    if (job.size !== undefined) facts.size = job.size;
    if (job.seconds !== undefined) facts.seconds = job.seconds;
    if (job.model !== undefined) facts.model = job.model;
    if (job.extra !== undefined) facts.extra = job.extra;
    this.createdByKey.set(job.ownerKey, (this.createdByKey.get(job.ownerKey) ?? 0) + 1);
    const counts = this.createdCounts(job.kind.api);
    counts.created++;
    if (job.fails) counts.failing++;

    const record: JobRecord = { id: encodeJobId(facts, job.kind.prefix), facts, ownerKey: job.ownerKey };
    if (job.prompt !== undefined) record.prompt = job.prompt;
    if (job.remixedFrom !== undefined) record.remixedFrom = job.remixedFrom;
    if (job.input !== undefined) record.input = job.input;
    this.records.set(record.id, record);
    const owner = ownerOf(facts.api, job.ownerKey);
    const owned = this.unfinishedByOwner.get(owner);
    if (owned) owned.push(record);
    else this.unfinishedByOwner.set(owner, [record]);

    const endsAt = now + facts.latencyMs;
    this.inFlightEnds = stillRunning(this.inFlightEnds, now);
    this.inFlightEnds.push(endsAt);
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlightEnds.length);
    const keyEnds = stillRunning(this.inFlightEndsByKey.get(job.ownerKey) ?? [], now);
    keyEnds.push(endsAt);
    this.inFlightEndsByKey.set(job.ownerKey, keyEnds);
    return record;
  }

  /** Jobs of one API this process created so far, and how many of them fail. */
  createdCounts(api: string): { created: number; failing: number } {
    let counts = this.createdByApi.get(api);
    if (!counts) this.createdByApi.set(api, (counts = { created: 0, failing: 0 }));
    return counts;
  }

  /** A live job: one this process created, or any well-formed id of this API not deleted here. */
  find(id: string, kind: JobKind): JobRecord | undefined {
    if (this.deleted.has(id)) return undefined;
    const known = this.records.get(id);
    if (known) return known.facts.api === kind.api ? known : undefined;
    const facts = decodeJobId(id, kind);
    return facts ? { id, facts } : undefined;
  }

  delete(id: string): void {
    this.deleted.add(id);
  }

  /** This process's live jobs of one API created with `ownerKey`, oldest first. */
  list(api: string, ownerKey: string): JobRecord[] {
    return [...this.records.values()].filter(
      (record) => record.facts.api === api && record.ownerKey === ownerKey && !this.deleted.has(record.id),
    );
  }

  /** This process's live jobs of one API created with `ownerKey` that have not ended by `now`, oldest first. */
  unfinished(api: string, ownerKey: string, now: number): JobRecord[] {
    const owner = ownerOf(api, ownerKey);
    const jobs = (this.unfinishedByOwner.get(owner) ?? []).filter(
      (record) => record.facts.createdAt + record.facts.latencyMs > now && !this.deleted.has(record.id),
    );
    this.unfinishedByOwner.set(owner, jobs);
    return jobs;
  }

  /** Jobs `ownerKey` created in this process, ever (its spending, for creditLimit). */
  createdBy(ownerKey: string): number {
    return this.createdByKey.get(ownerKey) ?? 0;
  }

  inFlightFor(ownerKey: string, now: number): number {
    return stillRunning(this.inFlightEndsByKey.get(ownerKey) ?? [], now).length;
  }

  /** When the next of `ownerKey`'s in-flight jobs ends, or undefined if none is in flight. */
  nextSlotFreesAt(ownerKey: string, now: number): number | undefined {
    const ends = stillRunning(this.inFlightEndsByKey.get(ownerKey) ?? [], now);
    return ends.length === 0 ? undefined : Math.min(...ends);
  }

  counts(now: number): JobCounts {
    let completed = 0;
    let failed = 0;
    for (const { facts } of this.records.values()) {
      if (now < facts.createdAt + facts.latencyMs) continue;
      if (facts.fails) failed++;
      else completed++;
    }
    this.inFlightEnds = stillRunning(this.inFlightEnds, now);
    return {
      created: this.records.size,
      completed,
      failed,
      inFlight: this.inFlightEnds.length,
      maxInFlight: this.maxInFlight,
    };
  }

  reset(): void {
    this.records.clear();
    this.deleted.clear();
    this.inFlightEnds = [];
    this.inFlightEndsByKey.clear();
    this.unfinishedByOwner.clear();
    this.maxInFlight = 0;
    this.createdByApi.clear();
    this.createdByKey.clear();
  }
}

function ownerOf(api: string, ownerKey: string): string {
  return `${api}\n${ownerKey}`;
}

/** A job is in flight from its creation until its end time (terminal at exactly endsAt). */
function stillRunning(ends: number[], now: number): number[] {
  return ends.filter((endsAt) => endsAt > now);
}
