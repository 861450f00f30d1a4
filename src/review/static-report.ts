/**
 * `videogen review --static report.html`: the contact sheet as one read-only file for CI
 * artifacts. Style, script and data are inline; videos are linked relative to the HTML file's
 * own folder, so the report plays wherever it travels together with the outputs.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { renderPage } from './page.js';
import type { SheetSnapshot } from './server.js';

export async function writeStaticReport(htmlFile: string, snapshot: SheetSnapshot): Promise<void> {
  const target = resolve(htmlFile);
  const { html } = renderPage(snapshot.sheet, {
    mode: 'static',
    mediaUrl: (sha) => {
      const media = snapshot.media.get(sha);
      return media ? relativeUrl(dirname(target), media.file) : undefined;
    },
  });
  // CI writes reports into artifact folders that may not exist yet.
  await mkdir(dirname(target), { recursive: true });
  await writeFileAtomic(target, html);
}

/** `out/hero shot.mp4` → `out/hero%20shot.mp4`, from `fromDir`, with forward slashes on every OS. */
export function relativeUrl(fromDir: string, file: string): string {
  return relative(fromDir, file).split(sep).map(encodeURIComponent).join('/');
}
