import { describe, expect, it } from 'vitest';
import { HttpError, displayUrl, httpErrorFromResponse, providerMessageFrom } from './errors.js';
import { VideogenError } from '../errors.js';

const URL_WITH_QUERY = 'https://api.example.com/v1/videos?token=abc#frag';

describe('httpErrorFromResponse', () => {
  it.each([
    [401, 'auth', 'VIDEOGEN_HTTP_AUTH'],
    [403, 'auth', 'VIDEOGEN_HTTP_AUTH'],
    [402, 'credit', 'VIDEOGEN_HTTP_CREDIT'],
    [429, 'rate_limit', 'VIDEOGEN_HTTP_RATE_LIMIT'],
    [400, 'client', 'VIDEOGEN_HTTP_CLIENT'],
    [404, 'client', 'VIDEOGEN_HTTP_CLIENT'],
    [500, 'server', 'VIDEOGEN_HTTP_SERVER'],
    [503, 'server', 'VIDEOGEN_HTTP_SERVER'],
  ])('maps %i to %s', (status, kind, code) => {
    const error = httpErrorFromResponse(status, {}, '', 'submit shot', URL_WITH_QUERY);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toBeInstanceOf(VideogenError);
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.hint).toBeTruthy();
  });

  it('quotes the provider message from the {"error":{...}} envelope, with the request id', () => {
    const body = JSON.stringify({ error: { code: 'invalid_api_key', message: 'Invalid API key' } });
    const error = httpErrorFromResponse(401, { 'x-request-id': 'req_123' }, body, 'submit coastal-city', URL_WITH_QUERY, {
      apiKeyEnv: 'HEYGEN_API_KEY',
    });
    expect(error.message).toBe(
      'submit coastal-city: HTTP 401 from https://api.example.com/v1/videos: Invalid API key [invalid_api_key] (request id req_123)',
    );
    expect(error.requestId).toBe('req_123');
    expect(error.hint).toContain('$HEYGEN_API_KEY');
    expect(error.message).not.toContain('token=');
  });

  it('reads the flat {"message"} envelope and X-Request-Id in any case', () => {
    const error = httpErrorFromResponse(402, { 'X-Request-Id': 'abc' }, '{"message":"insufficient credit"}', undefined, 'https://h/x');
    expect(error.message).toBe('request: HTTP 402 from https://h/x: insufficient credit (request id abc)');
    expect(error.hint).toMatch(/top up/);
  });

  it('truncates long messages and ignores HTML pages', () => {
    const long = httpErrorFromResponse(500, {}, JSON.stringify({ message: 'x'.repeat(5000) }), 'p', 'https://h/');
    expect(long.message.length).toBeLessThan(400);
    const html = httpErrorFromResponse(502, {}, '<!DOCTYPE html><html><body>Bad gateway</body></html>', 'p', 'https://h/');
    expect(html.message).toBe('p: HTTP 502 from https://h/');
  });

  it('redacts the finished message', () => {
    const error = httpErrorFromResponse(401, {}, '{"error":{"message":"bad key sk-test-SECRET-abc123"}}', 'p', 'https://h/', {
      redact: (text) => text.replaceAll('sk-test-SECRET-abc123', '[REDACTED]'),
    });
    expect(error.message).toContain('bad key [REDACTED]');
  });
});

describe('providerMessageFrom', () => {
  it.each([
    ['{"error":"plain string"}', 'plain string'],
    ['{"error":{"message":"m","type":"invalid_request_error"}}', 'm [invalid_request_error]'],
    ['{"detail":"FastAPI style"}', 'FastAPI style'],
    ['upstream   timed\nout', 'upstream timed out'],
    ['', undefined],
    ['{"data":null}', undefined],
  ])('%s → %s', (body, message) => {
    expect(providerMessageFrom(body)).toBe(message);
  });
});

describe('displayUrl', () => {
  it('keeps origin and path only', () => {
    expect(displayUrl('https://user:pw@cdn.example.com:8443/a/b.mp4?X-Amz-Signature=s#x')).toBe('https://cdn.example.com:8443/a/b.mp4');
  });
});
