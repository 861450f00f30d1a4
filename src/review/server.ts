/**
 * The review server: the contact sheet and its videos over loopback, and verdicts posted back
 * into the review file. Three routes, nothing else:
 *   GET  /                       the page, built from the project as it is now (reload = refresh)
 *   GET  /media/<sha256>.mp4     a video the current sheet shows, by the sha256 of its bytes
 *   POST /api/verdict            {shot, sha256, verdict: "approved" | "rejected" | null}
 * Every request passes guard.ts first (Host, token, Origin). Paths are matched as raw text
 * and never turned into file names: a video is found by sha256 in the sheet's own list.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { formatDiagnostic, InvalidInputError } from '../errors.js';
import { newToken, refusal } from './guard.js';
import type { MediaFile } from './media-files.js';
import { sendMedia, sendText } from './media-response.js';
import { renderPage } from './page.js';
import { SHA256_HEX_PATTERN } from './review-schema.js';
import type { ContactSheet } from './sheet.js';
import { VERDICTS, type Verdict } from './types.js';
import type { VerdictWriter } from './verdict-writer.js';

export interface SheetSnapshot {
  sheet: ContactSheet;
  media: Map<string, MediaFile>;
}

export interface ReviewServerOptions {
  /** 0 (the default): any free port. */
  port?: number;
  /** Reads the project afresh; called at start and on every page load. */
  loadSheet(): Promise<SheetSnapshot>;
  verdicts: VerdictWriter;
  /** Fixed only by tests; a fresh random token otherwise. */
  token?: string;
}

export interface RunningReviewServer {
  /** What to open: the origin, with the token. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** The sheet as last loaded. */
  snapshot(): SheetSnapshot;
  /** Stops accepting requests, then waits for verdicts already received to reach the disk. */
  close(): Promise<void>;
}

const MEDIA_PATH = /^\/media\/([0-9a-f]{64})\.mp4$/;
const MAX_BODY_BYTES = 4096;

const VerdictRequestSchema = z.strictObject({
  shot: z.string(),
  sha256: z.string().regex(SHA256_HEX_PATTERN),
  verdict: z.enum(VERDICTS as [Verdict, ...Verdict[]]).nullable(),
});

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // Another site's <video src="http://127.0.0.1:…/media/…"> gets nothing, even with a leaked token.
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startReviewServer(options: ReviewServerOptions): Promise<RunningReviewServer> {
  const token = options.token ?? newToken();
  let current = await options.loadSheet();
  let port = 0;

  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendText(res, 500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = refusal(req, port, token);
    if (refused) return sendText(res, refused.status, refused.message);
    const rawPath = (req.url ?? '').split('?', 1)[0] ?? '';

    if (rawPath === '/api/verdict') {
      if (req.method !== 'POST') return notAllowed(res, 'POST');
      return postVerdict(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return notAllowed(res, 'GET, HEAD');
    if (rawPath === '/') return sendPage(res);
    const media = MEDIA_PATH.exec(rawPath);
    const file = media ? current.media.get(media[1] as string) : undefined;
    if (!file) return sendText(res, 404, 'not found');
    return sendMedia(req, res, file);
  }

  async function sendPage(res: ServerResponse): Promise<void> {
    try {
      current = await options.loadSheet();
    } catch (error) {
      return sendText(res, error instanceof InvalidInputError ? 409 : 500, describeLoadError(error));
    }
    const query = `?token=${encodeURIComponent(token)}`;
    const { html, csp } = renderPage(current.sheet, {
      mode: 'server',
      mediaUrl: (sha) => (current.media.has(sha) ? `/media/${sha}.mp4${query}` : undefined),
    });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': `${csp}; frame-ancestors 'none'` });
    res.end(html);
  }

  async function postVerdict(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!/^application\/json(?:;|$)/i.test(req.headers['content-type'] ?? '')) return sendText(res, 415, 'expected application/json');
    const body = await readBody(req);
    if (body === undefined) return sendText(res, 413, `a verdict is at most ${MAX_BODY_BYTES} bytes`);
    let parsed: z.infer<typeof VerdictRequestSchema>;
    try {
      parsed = VerdictRequestSchema.parse(JSON.parse(body));
    } catch {
      return sendText(res, 400, 'expected {"shot": id, "sha256": hex, "verdict": "approved" | "rejected" | null}');
    }
    // Only the output the page showed for that shot: a verdict must judge bytes someone watched.
    const card = current.sheet.cards.find((candidate) => candidate.id === parsed.shot);
    if (!card || card.sha256 !== parsed.sha256) return sendText(res, 404, `${parsed.shot} has no output ${parsed.sha256.slice(0, 12)}… on this sheet: reload the page`);
    try {
      const record = await options.verdicts.record(parsed);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ shot: parsed.shot, sha256: parsed.sha256, verdict: record ?? null }));
    } catch (error) {
      if (error instanceof InvalidInputError) return sendText(res, 409, `not saved: ${describeLoadError(error)}`);
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    snapshot: () => current,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await options.verdicts.drain();
    },
  };
}

function notAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendText(res, 405, 'method not allowed');
}

/**
 * The body as text, or undefined when it is larger than a verdict can be. An oversized body is
 * still read to its end (and dropped) so the answer can be sent on the same connection; only
 * a request that passed the guard, token included, gets this far.
 */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

function describeLoadError(error: unknown): string {
  if (error instanceof InvalidInputError) return error.diagnostics.map(formatDiagnostic).join('\n');
  return error instanceof Error ? error.message : String(error);
}
