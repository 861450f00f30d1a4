/** Builders for lock and planner tests: shots and entries without the manifest loader. */
import { createHash } from 'node:crypto';
import type { Shot, Spec } from '../src/manifest/types.js';
import type { LockEntry } from '../src/lock/types.js';

/** Stand-in for src/manifest/spec-hash.ts: any stable hash of the spec serves the tests. */
export function testSpecHash(spec: Spec): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(spec)).digest('hex')}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface ShotOverrides extends Partial<Spec> {
  tags?: string[];
  output?: string;
  providerName?: string;
}

export function makeShot(id: string, overrides: ShotOverrides = {}): Shot {
  const { tags = [], output = `out/${id}.mp4`, providerName = 'heygen', ...specFields } = overrides;
  const spec: Spec = {
    provider: 'heygen',
    endpoint: 'https://api.heygen.com',
    model: 'veo_3_1',
    prompt: `prompt for ${id}`,
    aspect_ratio: '16:9',
    ...specFields,
  };
  return { id, providerName, spec, specHash: testSpecHash(spec), tags, output };
}

export function submittedEntryFor(shot: Shot, jobId = `job-${shot.id}`): LockEntry {
  return {
    spec_hash: shot.specHash,
    spec: shot.spec,
    state: 'submitted',
    job_id: jobId,
    provider: shot.providerName,
    submitted_at: '2026-11-21T10:00:00.000Z',
  };
}

export function completedEntryFor(shot: Shot, content = `video of ${shot.id}`, path = shot.output): LockEntry {
  return {
    ...submittedEntryFor(shot),
    state: 'completed',
    completed_at: '2026-11-21T10:03:12.000Z',
    output: { path, sha256: sha256Hex(content), bytes: Buffer.byteLength(content) },
  };
}

export function failedEntryFor(shot: Shot): LockEntry {
  return {
    ...submittedEntryFor(shot),
    state: 'failed',
    completed_at: '2026-11-21T10:03:12.000Z',
    error: { code: 'VIDEOGEN_JOB_FAILED', message: 'content policy: rejected' },
  };
}
