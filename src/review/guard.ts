/**
 * Who may talk to the review server. It listens on loopback only, but any web page open in
 * the reviewer's browser can also reach 127.0.0.1, so every request must prove it comes from
 * the page this run printed:
 * - the Host header names this server (127.0.0.1:port or localhost:port), which defeats DNS
 *   rebinding (evil.example resolving to 127.0.0.1 still sends `Host: evil.example`);
 * - it carries the per-run token: in the query for page and video loads (the URL the terminal
 *   printed), in the `X-Videogen-Token` header for verdicts. A custom header cannot be sent
 *   cross-origin without a CORS preflight, which this server never grants, and the token
 *   cannot be read by another origin, so no other page can post a verdict;
 * - a POST with an Origin header comes from this server's own origin.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-videogen-token';

export interface Refusal {
  status: number;
  message: string;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** Why this request is refused, or undefined when it may proceed to routing. */
export function refusal(req: IncomingMessage, port: number, token: string): Refusal | undefined {
  if (!isLoopback(req.socket.remoteAddress)) return { status: 403, message: 'only loopback clients are served' };
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedOrigins(port).some((origin) => origin === `http://${host}`)) {
    return { status: 403, message: `unexpected Host header ${JSON.stringify(req.headers.host ?? '')}: open the URL videogen printed` };
  }
  if (req.method === 'POST') {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins(port).includes(origin)) return { status: 403, message: `cross-origin request from ${origin}` };
    if (!sameToken(headerValue(req.headers[TOKEN_HEADER]), token)) return { status: 403, message: `missing or wrong ${TOKEN_HEADER} header` };
    return undefined;
  }
  if (!sameToken(queryToken(req.url ?? ''), token)) return { status: 403, message: 'missing or wrong token: open the URL videogen printed, token included' };
  return undefined;
}

function queryToken(rawUrl: string): string | undefined {
  const query = rawUrl.indexOf('?');
  if (query === -1) return undefined;
  return new URLSearchParams(rawUrl.slice(query + 1)).get('token') ?? undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
