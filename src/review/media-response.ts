/**
 * Streams one video to a `<video>` element. Browsers fetch media with Range requests (to
 * read the moov box, to seek, to loop), so single byte ranges are answered with 206; a
 * multi-range request gets the whole file, which the standard allows.
 */
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { realFileInside, type MediaFile } from './media-files.js';

export async function sendMedia(req: IncomingMessage, res: ServerResponse, media: MediaFile): Promise<void> {
  // Checked again at every request: a symlink can be swapped in after the page was built.
  const real = await realFileInside(media.root, media.file);
  if (!real) return sendText(res, 404, 'no such video');
  const handle = await open(real, 'r');
  try {
    const { size } = await handle.stat();
    if (size !== media.bytes) return sendText(res, 409, 'the video changed on disk since the page was loaded: reload the page');
    const range = parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    const [start, end] = range ?? [0, size - 1];
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'video/mp4',
      'Accept-Ranges': 'bytes',
      'Content-Length': String(Math.max(0, end - start + 1)),
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    const stream = handle.createReadStream({ start, end, autoClose: false });
    await new Promise<void>((resolve) => {
      stream.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  } finally {
    await handle.close();
  }
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against `size`; undefined means "send it all". */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
}
