/**
 * Keeps API keys out of everything a user might paste into an issue: error messages,
 * stacks, causes. Known secrets are replaced wherever they occur; token-shaped text is
 * scrubbed as well, for keys nobody registered (a server echoing a different key, say).
 */

export const REDACTED = '[REDACTED]';

/** Shorter strings would redact ordinary words; no real key is this short. */
const MIN_SECRET_LENGTH = 4;

const TOKEN = String.raw`[^\s"',;&\[\]]+`;
const TOKEN_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`],
  [
    new RegExp(
      String.raw`\b((?:x-api-key|api[_-]?key|authorization)["']?\s*[:=]\s*["']?(?:(?:Basic|Token|Key)\s+)?)(?!Bearer\s)` + TOKEN,
      'gi',
    ),
    `$1${REDACTED}`,
  ],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/([?&](?:api[_-]?key|key|token|access_token|sig|[\w-]*signature|[\w-]*credential)=)[^&#\s"']+/gi, `$1${REDACTED}`],
];

/**
 * Secrets kept in the order redaction walks them (longest first, so a secret that contains
 * another is replaced whole), sorted once per new secret instead of once per call: a client
 * redacts every answer's request id and scrubs every JSON answer, a thousand a second at scale.
 */
export class SecretSet implements Iterable<string> {
  #all = new Set<string>();
  #ordered: readonly string[] = [];

  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH || this.#all.has(secret)) return;
    this.#all.add(secret);
    this.#ordered = [...this.#all].sort((a, b) => b.length - a.length);
  }

  get ordered(): readonly string[] {
    return this.#ordered;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#all[Symbol.iterator]();
  }
}

function ordered(secrets: Iterable<string>): readonly string[] {
  if (secrets instanceof SecretSet) return secrets.ordered;
  return [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of ordered(secrets)) {
    result = result.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of TOKEN_PATTERNS) {
    result = result.replace(pattern, replacement);
  }
  return result;
}

/**
 * A parsed JSON answer with every registered secret replaced in every string (keys and
 * values). Only exact secrets: token-shaped patterns would mangle legitimate data such as
 * a signed video URL. A server that echoes our key back (in a job's error message, say)
 * must not get it into the lockfile or the terminal through a field nobody redacts.
 */
export function scrubSecrets(value: unknown, secrets: Iterable<string>): unknown {
  const walked = ordered(secrets);
  if (walked.length === 0) return value;
  const scrubString = (text: string): string => {
    let result = text;
    for (const secret of walked) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    return result;
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return scrubString(node);
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[scrubString(key)] = walk(child);
      return out;
    }
    return node;
  };
  return walk(value);
}

/**
 * scrubSecrets of `value`, the JSON.parse of `text`, without walking (and copying) it when the
 * text holds no secret. Only when no escape is in the text either: `\u0041` parses to `A`, so an
 * escaped secret would not be seen in the text.
 */
export function scrubParsedSecrets(text: string, value: unknown, secrets: Iterable<string>): unknown {
  if (!text.includes('\\') && !ordered(secrets).some((secret) => text.includes(secret))) return value;
  return scrubSecrets(value, secrets);
}

/**
 * The secrets in credential headers a provider module declared (`auth`): each whole value
 * and, after a scheme word (`Bearer`, fal's `Key`), the credential itself.
 */
export function secretsInAuth(auth: Record<string, string> | undefined): string[] {
  const found: string[] = [];
  for (const value of Object.values(auth ?? {})) {
    const whole = value.trim();
    if (!whole) continue;
    found.push(whole);
    const afterScheme = /^[A-Za-z]+\s+(\S.*)$/.exec(whole)?.[1];
    if (afterScheme) found.push(afterScheme.trim());
  }
  return found;
}

/** The credential values in a request's headers, so the client can redact keys nobody registered. */
export function secretsInHeaders(headers: Record<string, string> | undefined): string[] {
  if (!headers) return [];
  const found: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      const token = value.replace(/^\s*(Bearer|Basic|Token|Key)\s+/i, '').trim();
      if (token) found.push(token);
    } else if (lower === 'x-api-key' || lower === 'api-key' || lower === 'cookie') {
      if (value.trim()) found.push(value.trim());
    }
  }
  return found;
}
