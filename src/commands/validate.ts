import type { CommandIO } from './options.js';
import { loadProject, printWarnings } from './project.js';
import { ExitCode } from '../errors.js';
import type { ExpandedEntry } from '../manifest/types.js';
import { readVerdicts } from '../review/review-file.js';

export async function runValidate(manifestPath: string, options: { json?: boolean }, io: CommandIO): Promise<number> {
  // Errors (InvalidInputError) propagate to the CLI's one catch, which prints every diagnostic and exits 3.
  const { manifest, lock, saveCaches } = await loadProject(manifestPath);
  // plan and apply read the review file too: a broken one is found here first.
  await readVerdicts(manifest.lockFile);
  await saveCaches();
  const shots = manifest.shots.length;
  const locked = Object.keys(lock.shots).length;
  const expanded = manifest.expanded ?? [];
  if (options.json) {
    const warnings = manifest.warnings;
    io.stdout.write(`${JSON.stringify({ valid: true, manifest: manifestPath, shots, providers: manifest.providers.size, locked, expanded, warnings })}\n`);
  } else {
    printWarnings(manifest, io);
    io.stdout.write(`${manifestPath}: valid (${plural(shots, 'shot')}, ${plural(manifest.providers.size, 'provider')}, ${locked} in the lockfile)\n`);
    for (const entry of expanded) io.stdout.write(`  ${describeExpansion(entry)}\n`);
  }
  return ExitCode.ok;
}

/** `shots[1] hello-{{ slug }}: 12 rows of leads.csv × 2 takes → 24 shots` */
export function describeExpansion(entry: ExpandedEntry): string {
  const parts: string[] = [];
  if (entry.rows !== undefined) parts.push(entry.from === undefined ? plural(entry.rows, 'row') : `${plural(entry.rows, 'row')} of ${entry.from}`);
  if (entry.takes !== undefined) parts.push(plural(entry.takes, 'take'));
  return `shots[${entry.index}] ${entry.id}: ${parts.join(' × ')} → ${plural(entry.shots, 'shot')}`;
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
