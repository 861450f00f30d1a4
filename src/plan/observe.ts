/**
 * What the planner needs to know about outputs on disk, read before planning so the planner
 * stays pure. Only completed shots whose spec is unchanged are looked at (everything else is
 * regenerated or resumed regardless), and a file is hashed only when its size already
 * matches the lock, since a size change alone proves it changed.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Shot } from '../manifest/types.js';
import type { Lock } from '../lock/types.js';
import type { ObservedOutput } from './types.js';

/** Files hashed at once: enough to keep a disk busy, few enough to stay well under fd limits. */
const CONCURRENCY = 16;

export async function observeOutputs(manifestDir: string, shots: Shot[], lock: Lock): Promise<Map<string, ObservedOutput>> {
  const work = shots.filter((shot) => {
    const entry = Object.hasOwn(lock.shots, shot.id) ? lock.shots[shot.id] : undefined;
    return entry?.state === 'completed' && entry.spec_hash === shot.specHash;
  });
  const results: ObservedOutput[] = new Array<ObservedOutput>(work.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      const index = next++;
      const shot = work[index] as Shot;
      const expectedBytes = lock.shots[shot.id]?.output?.bytes;
      results[index] = await observeFile(resolve(manifestDir, shot.output), expectedBytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, worker));
  // In manifest order, whatever order the workers finished in.
  return new Map(work.map((shot, index) => [shot.id, results[index] as ObservedOutput]));
}

async function observeFile(path: string, expectedBytes: number | undefined): Promise<ObservedOutput> {
  let bytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return { exists: false };
    bytes = info.size;
  } catch (error) {
    if (isMissing(error)) return { exists: false };
    throw error;
  }
  if (expectedBytes === undefined || bytes !== expectedBytes) return { exists: true, bytes };
  try {
    return { exists: true, bytes, sha256: await hashFile(path) };
  } catch (error) {
    // Deleted between stat and read.
    if (isMissing(error)) return { exists: false };
    throw error;
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function isMissing(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? (error as NodeJS.ErrnoException).code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
