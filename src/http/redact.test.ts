import { describe, expect, it } from 'vitest';
import { REDACTED, redact, scrubParsedSecrets, scrubSecrets, SecretSet, secretsInAuth, secretsInHeaders } from './redact.js';

describe('redact', () => {
  it('replaces every occurrence of each registered secret', () => {
    const text = 'key mykeyvalue1 and again mykeyvalue1; other hg_live_xyz';
    expect(redact(text, ['mykeyvalue1', 'hg_live_xyz'])).toBe(`key ${REDACTED} and again ${REDACTED}; other ${REDACTED}`);
  });

  it('ignores secrets shorter than four characters', () => {
    expect(redact('a b abc', ['a', 'abc'])).toBe('a b abc');
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    expect(redact('token abcdef123', ['abcd', 'abcdef123'])).toBe(`token ${REDACTED}`);
  });

  it.each([
    ['Authorization: Bearer abc.def-ghi', `Authorization: Bearer ${REDACTED}`],
    ['authorization: Basic dXNlcjpwYXNz', `authorization: Basic ${REDACTED}`],
    ['Authorization: Key 6f1d-key-id:0a1b2c3d4e5f secret', `Authorization: Key ${REDACTED} secret`],
    ['X-Api-Key: hg_live_123 next', `X-Api-Key: ${REDACTED} next`],
    ['{"x-api-key":"abc123def"}', `{"x-api-key":"${REDACTED}"}`],
    ['Incorrect API key provided: sk-test-SECRET-abc123.', `Incorrect API key provided: ${REDACTED}.`],
    ['https://cdn.example/v.mp4?X-Amz-Signature=abc&sig=def&a=1', `https://cdn.example/v.mp4?X-Amz-Signature=${REDACTED}&sig=${REDACTED}&a=1`],
    ['a basic plan, sk-learn is fine', 'a basic plan, sk-learn is fine'],
  ])('scrubs token-shaped text: %s', (input, output) => {
    expect(redact(input, [])).toBe(output);
  });

  it('does not mangle text it already redacted', () => {
    const once = redact('Authorization: Bearer sk-test-SECRET-abc123', ['sk-test-SECRET-abc123']);
    expect(once).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact(once, [])).toBe(once);
  });
});

describe('secretsInHeaders', () => {
  it('finds the credential values in request headers', () => {
    expect(
      secretsInHeaders({ Authorization: 'Bearer sk-1234', 'X-Api-Key': 'hg-5678', accept: 'application/json' }),
    ).toEqual(['sk-1234', 'hg-5678']);
    expect(secretsInHeaders(undefined)).toEqual([]);
  });

  it("finds fal's `Key` credential without its scheme word", () => {
    expect(secretsInHeaders({ authorization: 'Key fal-id:fal-secret-42' })).toEqual(['fal-id:fal-secret-42']);
  });
});

describe('secretsInAuth', () => {
  it('takes each whole value and the credential after any scheme word (Bearer, Key)', () => {
    expect(secretsInAuth({ Authorization: 'Key fal-id:fal-secret-42' })).toEqual(['Key fal-id:fal-secret-42', 'fal-id:fal-secret-42']);
    expect(secretsInAuth({ 'X-Api-Key': 'hg-plain-key' })).toEqual(['hg-plain-key']);
  });
});

describe('scrubSecrets', () => {
  const key = 'hg-live-0123456789abcdef';

  it('replaces a registered secret in every string of a parsed answer, keys included', () => {
    const answer = {
      data: { status: 'failed', error: { code: `denied_${key}`, message: `the key ${key} may not use this model` } },
      list: [key, 7, null, true, { [key]: 'x' }],
    };
    expect(scrubSecrets(answer, [key])).toEqual({
      data: { status: 'failed', error: { code: `denied_${REDACTED}`, message: `the key ${REDACTED} may not use this model` } },
      list: [REDACTED, 7, null, true, { [REDACTED]: 'x' }],
    });
  });

  it('leaves token-shaped data alone: a signed URL is data, not a leak', () => {
    const url = 'https://files.example.com/v.mp4?X-Amz-Signature=abc123&token=xyz';
    expect(scrubSecrets({ video_url: url, auth: 'Bearer something' }, [key])).toEqual({ video_url: url, auth: 'Bearer something' });
  });

  it('returns the value unchanged without secrets', () => {
    const answer = { a: 'b' };
    expect(scrubSecrets(answer, [])).toBe(answer);
    expect(scrubSecrets('plain', ['abc'])).toBe('plain');
  });
});

describe('scrubParsedSecrets', () => {
  const key = 'hg-live-0123456789abcdef';
  const secrets = new SecretSet();
  secrets.add(key);

  it('hands back the parsed answer itself when its text holds no secret', () => {
    const text = '{"id":"video_1","status":"completed"}';
    const parsed: unknown = JSON.parse(text);
    expect(scrubParsedSecrets(text, parsed, secrets)).toBe(parsed);
  });

  it('scrubs an answer that echoes the key, even spelled with JSON escapes', () => {
    const plain = `{"error":"bad key ${key}"}`;
    expect(scrubParsedSecrets(plain, JSON.parse(plain), secrets)).toEqual({ error: `bad key ${REDACTED}` });
    // \u0068 is "h": the text does not contain the key, the parsed string does.
    const escaped = `{"error":"bad key \\u0068${key.slice(1)}"}`;
    expect(escaped).not.toContain(key);
    expect(scrubParsedSecrets(escaped, JSON.parse(escaped), secrets)).toEqual({ error: `bad key ${REDACTED}` });
  });
});

describe('SecretSet', () => {
  it('keeps secrets longest first and ignores short ones, so a secret inside another is never half replaced', () => {
    const secrets = new SecretSet();
    for (const secret of ['abcd', 'xyz', 'abcdefgh', 'abcd']) secrets.add(secret);
    expect(secrets.ordered).toEqual(['abcdefgh', 'abcd']);
    expect(redact('k=abcdefgh and abcd', secrets)).toBe(`k=${REDACTED} and ${REDACTED}`);
  });
});
