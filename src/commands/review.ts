/**
 * `videogen review`: the contact sheet, served on loopback until Ctrl-C, or written once as a
 * static page with `--static`. Reading the project lives here; src/review/ serves and renders.
 */
import { once } from 'node:events';
import { ExitCode, UsageError } from '../errors.js';
import { loadManifest } from '../manifest/load.js';
import { readReview, reviewFileFor } from '../review/review-file.js';
import { startReviewServer, type SheetSnapshot } from '../review/server.js';
import { buildContactSheet } from '../review/sheet.js';
import { writeStaticReport } from '../review/static-report.js';
import { VerdictWriter } from '../review/verdict-writer.js';
import type { CommandIO } from './options.js';
import { loadProjectWithOutputs } from './project.js';
import { shotStatuses } from './status.js';

export interface ReviewFlags {
  port?: number;
  static?: string;
}

export async function runReview(manifestPath: string, flags: ReviewFlags, io: CommandIO): Promise<number> {
  if (flags.static !== undefined) {
    if (flags.port !== undefined) throw new UsageError('--port with --static', 'a static report is a file, not a server: drop --port');
    if (!/\.html?$/i.test(flags.static)) throw new UsageError(`--static ${JSON.stringify(flags.static)} is not an .html file name`, 'name the report, e.g. --static review.html');
    const snapshot = await loadSheet(manifestPath);
    await writeStaticReport(flags.static, snapshot);
    io.stdout.write(`wrote ${flags.static}: ${describe(snapshot)}; videos are linked relative to it\n`);
    return ExitCode.ok;
  }

  const reviewFile = reviewFileFor((await loadManifest(manifestPath)).lockFile);
  const server = await startReviewServer({
    port: flags.port ?? 0,
    loadSheet: () => loadSheet(manifestPath),
    verdicts: new VerdictWriter(reviewFile),
  });
  io.stdout.write(
    [
      `videogen review of ${manifestPath}: ${describe(server.snapshot())}`,
      `  open ${server.url}`,
      `  verdicts are written to ${server.snapshot().sheet.reviewFile}; reload the page after an apply`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  // Ctrl-C is how a server is stopped (as with `emulate`): exit 0 once verdicts in flight are
  // written. A second Ctrl-C leaves at once; each verdict is written atomically, so none is torn.
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  const force = () => process.exit(ExitCode.interrupted);
  process.once('SIGINT', force);
  try {
    await server.close();
  } finally {
    process.removeListener('SIGINT', force);
  }
  return ExitCode.ok;
}

async function loadSheet(manifestPath: string): Promise<SheetSnapshot> {
  const { manifest, lock, observed } = await loadProjectWithOutputs(manifestPath);
  const statuses = await shotStatuses(manifest, lock, observed);
  const reviewFile = reviewFileFor(manifest.lockFile);
  return buildContactSheet({ manifest, lock, statuses, review: await readReview(reviewFile), reviewFile });
}

function describe({ sheet }: SheetSnapshot): string {
  const withVideo = sheet.cards.filter((card) => card.sha256).length;
  return `${sheet.cards.length} ${sheet.cards.length === 1 ? 'shot' : 'shots'}, ${withVideo} with a video`;
}
