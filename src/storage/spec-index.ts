/**
 * A spec index entry (`specs/<hex>.json`): which video a spec produced, and which job at
 * which provider made it, when. It is what turns "this exact spec was generated before,
 * anywhere" into a reuse instead of a second bill.
 *
 * Entries come from a shared bucket anyone on the team can write to, so one is trusted only
 * when the spec it carries hashes to the name it is stored under: a mislabelled entry would
 * otherwise hand one shot another shot's video.
 */
import { z } from 'zod';
import { SpecSchema } from '../lock/schema.js';
import type { LockEntry } from '../lock/types.js';
import { specHash } from '../manifest/spec-hash.js';
import type { Spec } from '../manifest/types.js';

export interface SpecIndexEntry {
  version: 1;
  spec_hash: string;
  spec: Spec;
  output: { sha256: string; bytes: number };
  /** The job that generated the video, and the manifest's name for the provider it ran at. */
  job_id?: string;
  provider?: string;
  /** The shot id it was generated for (ids change; the spec is what counts). */
  shot?: string;
  generated_at?: string;
}

// Not strict: a newer videogen may add fields, and an older one should still reuse the video.
const SpecIndexEntrySchema = z.object({
  version: z.literal(1),
  spec_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  spec: SpecSchema,
  output: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() }),
  job_id: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  shot: z.string().min(1).optional(),
  generated_at: z.iso.datetime({ offset: true }).optional(),
});

/** The entry for a completed lock entry's output. */
export function specIndexEntry(shotId: string, entry: LockEntry & { output: NonNullable<LockEntry['output']> }): SpecIndexEntry {
  // A reused output keeps naming the job that really generated it.
  const origin = entry.reused_from;
  const jobId = origin?.job_id ?? entry.job_id;
  const provider = origin?.provider ?? entry.provider;
  const generatedAt = origin?.generated_at ?? entry.completed_at;
  return {
    version: 1,
    spec_hash: entry.spec_hash,
    spec: entry.spec,
    output: { sha256: entry.output.sha256, bytes: entry.output.bytes },
    ...(jobId ? { job_id: jobId } : {}),
    ...(provider ? { provider } : {}),
    shot: origin ? (origin.shot ?? shotId) : shotId,
    ...(generatedAt ? { generated_at: generatedAt } : {}),
  };
}

export function serializeSpecIndexEntry(entry: SpecIndexEntry): string {
  return `${JSON.stringify(entry, null, 2)}\n`;
}

/** The entry stored under `expectedSpecHash`, or why it cannot be trusted. */
export function parseSpecIndexEntry(text: string, expectedSpecHash: string): SpecIndexEntry | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not JSON' };
  }
  const parsed = SpecIndexEntrySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}` };
  }
  const entry = parsed.data as SpecIndexEntry;
  if (entry.spec_hash !== expectedSpecHash) return { problem: `it names spec ${entry.spec_hash}` };
  if (specHash(entry.spec) !== expectedSpecHash) return { problem: 'its spec does not hash to its name' };
  return entry;
}
