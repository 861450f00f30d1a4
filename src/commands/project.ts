/** Reading what a command works on: the `.env` beside the manifest, the manifest, the lock, the outputs. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadManifest } from '../manifest/load.js';
import { readLock } from '../lock/read.js';
import { observeOutputs } from '../plan/observe.js';
import type { Manifest } from '../manifest/types.js';
import type { Lock } from '../lock/types.js';
import type { ObservedOutput } from '../plan/types.js';

export interface Project {
  manifest: Manifest;
  lock: Lock;
}

/**
 * Loads `.env` beside the manifest first, so `api_key_env` can name a variable kept there.
 * Variables already set in the environment win, as with dotenv: CI secrets override a
 * developer's file.
 */
export function loadDotEnv(manifestPath: string, env: NodeJS.ProcessEnv): void {
  const file = join(dirname(resolve(manifestPath)), '.env');
  if (!existsSync(file)) return;
  const before = { ...env };
  process.loadEnvFile(file);
  for (const [key, value] of Object.entries(before)) env[key] = value;
}

export async function loadProject(manifestPath: string): Promise<Project> {
  const manifest = await loadManifest(manifestPath);
  const lock = await readLock(manifest.lockFile);
  return { manifest, lock };
}

export async function loadProjectWithOutputs(
  manifestPath: string,
): Promise<Project & { observed: Map<string, ObservedOutput> }> {
  const project = await loadProject(manifestPath);
  const observed = await observeOutputs(project.manifest.dir, project.manifest.shots, project.lock);
  return { ...project, observed };
}
