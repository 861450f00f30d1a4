import { z } from 'zod';
import { HttpError, hintFor } from '../http/errors.js';
import { redact } from '../http/redact.js';

/**
 * Shared by the providers: turn whatever a provider answered into typed data, or into a
 * VIDEOGEN_PROVIDER_BAD_RESPONSE error that says which request got which answer. A
 * malformed answer must never surface as a TypeError deep inside the executor.
 */

export const BAD_RESPONSE = 'VIDEOGEN_PROVIDER_BAD_RESPONSE';

/** An optional string field of an answer: absent, null, or in an unexpected shape all read as undefined. */
export const optionalString = z.string().nullish().catch(undefined);

const SNIPPET_CHARS = 200;

function snippet(body: unknown): string {
  let text: string;
  try {
    text = typeof body === 'string' ? body : JSON.stringify(body) ?? String(body);
  } catch {
    text = String(body);
  }
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
}

/** `secrets` are scrubbed from the quoted answer, in case a server echoes a credential back. */
export function badResponse(purpose: string, problem: string, body?: unknown, secrets: string[] = []): HttpError {
  const seen = body === undefined ? '' : `; got ${redact(snippet(body), secrets)}`;
  // An HttpError of kind bad_response, so callers branching on the HTTP kinds see it too.
  return new HttpError('bad_response', `${purpose}: unexpected answer from the provider: ${problem}${seen}`, {
    code: BAD_RESPONSE,
    hint: hintFor('bad_response'),
  });
}

export function parseAnswer<T extends z.ZodType>(
  schema: T,
  body: unknown,
  purpose: string,
  secrets: string[] = [],
): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw badResponse(purpose, `${where}${issue?.message ?? 'invalid'}`, body, secrets);
}

/** Providers report progress as 0..100 when they report it at all; anything else is ignored. */
export function progressFrom(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.min(100, Math.max(0, value));
}

/** A positive integer header such as `openai-poll-after-ms`, or undefined. */
export function positiveIntHeader(headers: Record<string, string>, name: string): number | undefined {
  const raw = headers[name] ?? headers[name.toLowerCase()];
  if (raw === undefined) return undefined;
  const value = Number(raw.trim());
  return Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;
}
