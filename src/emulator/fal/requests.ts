import type { JobExtra, JobFacts, JobKind } from '../job-id.js';
import type { DetailItem } from './errors.js';

/** fal's request ids are opaque; the emulator's carry the request's fate (job-id.ts). */
export const FAL_JOBS: JobKind = { api: 'fal', prefix: '' };

/** How a request ends, decided when it is created and kept in its id. */
export type FalOutcome = 'ok' | 'moderated' | 'runner' | 'model' | 'invalid';

/**
 * What a request's id carries beyond the common facts, in short keys since ids travel in
 * every URL: `q` the wait for a free slot (ms), `o` how a failing request fails (moderation
 * is the common `moderated` fact), `p` an invalid input's first problems.
 */
export function requestExtra(queueMs: number, outcome: FalOutcome, problems: readonly DetailItem[]): JobExtra | undefined {
  const extra: JobExtra = {};
  if (queueMs > 0) extra.q = queueMs;
  if (outcome !== 'ok' && outcome !== 'moderated') extra.o = outcome;
  if (problems.length > 0) extra.p = JSON.stringify(problems.slice(0, 3));
  return Object.keys(extra).length > 0 ? extra : undefined;
}

export function queueMsOf(facts: JobFacts): number {
  return Number(facts.extra?.q ?? 0);
}

export function outcomeOf(facts: JobFacts): FalOutcome {
  if (!facts.fails) return 'ok';
  if (facts.moderated) return 'moderated';
  return (facts.extra?.o as FalOutcome | undefined) ?? 'runner';
}

export function problemsOf(facts: JobFacts): DetailItem[] {
  return JSON.parse(String(facts.extra?.p ?? '[]')) as DetailItem[];
}

export type FalPhase = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';

/** The share of its run time a request still spends IN_QUEUE once a runner is free (scheduling). */
const SCHEDULING_SHARE = 0.1;

/** Where a request stands: waiting for a free slot, then running, then COMPLETED, whatever its outcome. */
export function requestPhase(facts: JobFacts, now: number): FalPhase {
  const endsAt = facts.createdAt + facts.latencyMs;
  if (now >= endsAt) return 'COMPLETED';
  const queueMs = queueMsOf(facts);
  const runMs = facts.latencyMs - queueMs;
  return now < facts.createdAt + queueMs + runMs * SCHEDULING_SHARE ? 'IN_QUEUE' : 'IN_PROGRESS';
}

export function resultExpired(facts: JobFacts, now: number, resultTtlMs: number): boolean {
  return now >= facts.createdAt + facts.latencyMs + resultTtlMs;
}
