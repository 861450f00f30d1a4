import type { CommandIO } from './options.js';
import { loadProject, printWarnings } from './project.js';
import { ExitCode } from '../errors.js';
import { readVerdicts } from '../review/review-file.js';

export async function runValidate(manifestPath: string, options: { json?: boolean }, io: CommandIO): Promise<number> {
  // Errors (InvalidInputError) propagate to the CLI's one catch, which prints every diagnostic and exits 3.
  const { manifest, lock } = await loadProject(manifestPath);
  // plan and apply read the review file too: a broken one is found here first.
  await readVerdicts(manifest.lockFile);
  const shots = manifest.shots.length;
  const locked = Object.keys(lock.shots).length;
  if (options.json) {
    const warnings = manifest.warnings;
    io.stdout.write(`${JSON.stringify({ valid: true, manifest: manifestPath, shots, providers: manifest.providers.size, locked, warnings })}\n`);
  } else {
    printWarnings(manifest, io);
    io.stdout.write(`${manifestPath}: valid (${shots} shot${shots === 1 ? '' : 's'}, ${manifest.providers.size} provider${manifest.providers.size === 1 ? '' : 's'}, ${locked} in the lockfile)\n`);
  }
  return ExitCode.ok;
}
