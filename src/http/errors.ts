/**
 * HTTP failures as one error class with a stable code per kind, a message that says what
 * was being done, where, and what the provider said, and a hint for what to do about it.
 */
import { VideogenError } from '../errors.js';
import { formatDuration } from '../util/duration.js';

export type HttpErrorKind =
  | 'auth'
  | 'credit'
  | 'rate_limit'
  | 'client'
  | 'server'
  | 'network'
  | 'timeout'
  | 'bad_response'
  | 'aborted';

export const HTTP_ERROR_CODES: Record<HttpErrorKind, string> = {
  auth: 'VIDEOGEN_HTTP_AUTH',
  credit: 'VIDEOGEN_HTTP_CREDIT',
  rate_limit: 'VIDEOGEN_HTTP_RATE_LIMIT',
  client: 'VIDEOGEN_HTTP_CLIENT',
  server: 'VIDEOGEN_HTTP_SERVER',
  network: 'VIDEOGEN_HTTP_NETWORK',
  timeout: 'VIDEOGEN_HTTP_TIMEOUT',
  bad_response: 'VIDEOGEN_HTTP_BAD_RESPONSE',
  aborted: 'VIDEOGEN_ABORTED',
};

/** Download-specific codes; they reuse the kinds above so callers can branch on either. */
export const DOWNLOAD_ERROR_CODES = {
  notMp4: 'VIDEOGEN_DOWNLOAD_NOT_MP4',
  tooLarge: 'VIDEOGEN_DOWNLOAD_TOO_LARGE',
  truncated: 'VIDEOGEN_DOWNLOAD_TRUNCATED',
  timeout: 'VIDEOGEN_DOWNLOAD_TIMEOUT',
} as const;

export interface HttpErrorOptions {
  status?: number;
  requestId?: string;
  hint?: string;
  cause?: unknown;
  /** Overrides the kind's code (the VIDEOGEN_DOWNLOAD_* codes). */
  code?: string;
  retryAfterMs?: number;
  providerCode?: string;
}

export class HttpError extends VideogenError {
  // `declare`: absent rather than `undefined` when not set, which keeps inspect() output short.
  declare readonly status?: number;
  declare readonly requestId?: string;
  /**
   * How long the server asked us to wait (Retry-After, retry-after-ms) before asking again.
   * Set even when the wait was longer than videogen is willing to sleep, so a caller can
   * tell "come back in a second" from "come back next year".
   */
  declare readonly retryAfterMs?: number;
  /** The provider's own error code or type from the body (`insufficient_quota`, `content_policy_violation`). */
  declare readonly providerCode?: string;
  readonly kind: HttpErrorKind;

  constructor(kind: HttpErrorKind, message: string, options: HttpErrorOptions = {}) {
    super(options.code ?? HTTP_ERROR_CODES[kind], message, { hint: options.hint, cause: options.cause });
    this.kind = kind;
    if (options.status !== undefined) this.status = options.status;
    if (options.requestId !== undefined) this.requestId = options.requestId;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
  }
}

/**
 * Provider codes that mean the account cannot pay, whatever the status (OpenAI answers
 * `insufficient_quota` with a 429): retrying will not help, so they are `credit`, never a
 * rate limit to wait out.
 */
const OUT_OF_CREDIT_CODES = new Set(['insufficient_quota', 'insufficient_credit', 'insufficient_credits', 'billing_hard_limit_reached']);

export interface ResponseErrorContext {
  /** Name (never the value) of the environment variable holding the key, for the auth hint. */
  apiKeyEnv?: string;
  /** Applied to the finished message, so a key echoed by the server never reaches the user. */
  redact?: (text: string) => string;
  /** Tries made so far, mentioned when more than one. */
  attempts?: number;
  /** The wait the server asked for, if any. */
  retryAfterMs?: number;
  /** The longest wait videogen honours; a longer request is mentioned in the message, since it is why we gave up. */
  maxRetryAfterMs?: number;
}

const MAX_PROVIDER_MESSAGE = 300;

/** Maps a non-2xx answer to an HttpError carrying the provider's own explanation. */
export function httpErrorFromResponse(
  status: number,
  headers: Record<string, string>,
  bodyText: string,
  purpose: string | undefined,
  url: string,
  context: ResponseErrorContext = {},
): HttpError {
  const providerCode = providerCodeFrom(bodyText);
  const kind = providerCode !== undefined && OUT_OF_CREDIT_CODES.has(providerCode.toLowerCase()) ? 'credit' : kindForStatus(status);
  const requestId = requestIdFrom(headers);
  const providerMessage = providerMessageFrom(bodyText);
  const parts = [`${purpose ?? 'request'}: HTTP ${status} from ${displayUrl(url)}`];
  if (providerMessage) parts.push(`: ${providerMessage}`);
  if (requestId) parts.push(` (request id ${requestId})`);
  if (context.attempts !== undefined && context.attempts > 1) parts.push(` after ${context.attempts} attempts`);
  const { retryAfterMs, maxRetryAfterMs } = context;
  if (retryAfterMs !== undefined && maxRetryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
    parts.push(`; it asked to be retried in ${formatDuration(retryAfterMs)}, longer than videogen waits (${formatDuration(maxRetryAfterMs)})`);
  }
  const clean = context.redact ?? ((text: string) => text);
  return new HttpError(kind, clean(parts.join('')), {
    status,
    requestId: requestId === undefined ? undefined : clean(requestId),
    hint: hintFor(kind, context.apiKeyEnv),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(providerCode === undefined ? {} : { providerCode }),
  });
}

/**
 * The machine-readable code in an error body: `{"error":{"code"|"type"}}` (OpenAI, HeyGen,
 * OpenRouter), `{"detail":[{"type"}]}` (fal), `{"error_type"}`. Numbers (OpenRouter's code is
 * the HTTP status) say nothing the status does not.
 */
export function providerCodeFrom(bodyText: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const error = value['error'];
  if (isRecord(error)) {
    const code = stringField(error, 'code') ?? stringField(error, 'type');
    if (code) return code;
  }
  const detail = value['detail'];
  if (Array.isArray(detail) && isRecord(detail[0])) {
    const type = stringField(detail[0], 'type');
    if (type) return type;
  }
  return stringField(value, 'error_type') ?? stringField(value, 'code');
}

export function kindForStatus(status: number): HttpErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'credit';
  if (status === 429) return 'rate_limit';
  if (status >= 400 && status < 500) return 'client';
  if (status >= 500) return 'server';
  return 'bad_response';
}

export function hintFor(kind: HttpErrorKind, apiKeyEnv?: string): string | undefined {
  switch (kind) {
    case 'auth':
      return apiKeyEnv
        ? `check the API key in $${apiKeyEnv} and that it may use this endpoint`
        : 'check the API key and that it may use this endpoint';
    case 'credit':
      return "the account is out of credit: top up with the provider, then rerun apply (finished shots are kept)";
    case 'rate_limit':
      return "the provider is limiting requests: lower the provider's `concurrency` or --concurrency, or wait and rerun apply";
    case 'client':
      return 'the provider rejected the request: check the shot fields against the provider documentation';
    case 'server':
      return 'the provider failed on its side; rerun apply later (submitted jobs are resumed, not paid twice)';
    case 'network':
      return 'check the network connection and the provider base_url';
    case 'timeout':
      return 'the provider did not answer in time; rerun apply later, or raise the timeout';
    case 'bad_response':
      return 'the endpoint answered with something that is not the expected API response: check base_url';
    case 'aborted':
      return undefined;
  }
}

export function requestIdFrom(headers: Record<string, string>): string | undefined {
  for (const name of ['x-request-id', 'request-id', 'x-amzn-requestid']) {
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === name && value) return value;
    }
  }
  return undefined;
}

/**
 * The provider's own words from `{"error":{"message",code}}`, `{"error":"..."}` or
 * `{"message"}`; failing that, a short plain-text body. HTML error pages say nothing useful.
 */
export function providerMessageFrom(bodyText: string): string | undefined {
  const text = bodyText.trim();
  if (!text) return undefined;
  let message: string | undefined;
  try {
    message = messageFromJson(JSON.parse(text));
  } catch {
    if (/^<(!doctype|html|\?xml)/i.test(text)) return undefined;
    message = text;
  }
  if (!message) return undefined;
  return truncate(message.replace(/\s+/g, ' ').trim(), MAX_PROVIDER_MESSAGE);
}

function messageFromJson(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const error = value['error'];
  if (typeof error === 'string' && error) return error;
  if (isRecord(error)) {
    const message = stringField(error, 'message');
    const code = stringField(error, 'code') ?? stringField(error, 'type');
    if (message && code && !message.includes(code)) return `${message} [${code}]`;
    if (message) return message;
    if (code) return code;
  }
  return stringField(value, 'message') ?? stringField(value, 'detail') ?? stringField(value, 'msg');
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Origin and path only: query strings of signed download URLs are credentials. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
