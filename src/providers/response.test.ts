import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { BAD_RESPONSE, parseAnswer, positiveIntHeader, progressFrom } from './response.js';

describe('parseAnswer', () => {
  const Schema = z.object({ data: z.object({ id: z.string() }) });

  it('returns the typed value', () => {
    expect(parseAnswer(Schema, { data: { id: 'x', extra: 1 } }, 'submit a')).toEqual({ data: { id: 'x' } });
  });

  it.each([null, 'oops', 42, [], { data: null }, { data: { id: 7 } }, '<html>502 Bad Gateway</html>'])(
    'turns %j into a VIDEOGEN_PROVIDER_BAD_RESPONSE naming the request',
    (body) => {
      let caught: unknown;
      try {
        parseAnswer(Schema, body, 'submit a');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(HttpError);
      expect((caught as HttpError).kind).toBe('bad_response');
      expect(caught).not.toBeInstanceOf(TypeError);
      expect((caught as HttpError).code).toBe(BAD_RESPONSE);
      expect((caught as HttpError).message).toContain('submit a');
    },
  );

  it('scrubs secrets a server echoed back and cuts long bodies short', () => {
    const secret = 'sk-videogen-SECRET-4f9a1234567890';
    const error = (() => {
      try {
        parseAnswer(Schema, { echo: secret, pad: 'x'.repeat(1000) }, 'poll j', [secret]);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a throw');
    })();
    expect(error.message).not.toContain(secret);
    expect(error.message.length).toBeLessThan(500);
  });
});

describe('progressFrom', () => {
  it('keeps finite numbers clamped to 0..100 and drops everything else', () => {
    expect(progressFrom(45)).toBe(45);
    expect(progressFrom(140)).toBe(100);
    expect(progressFrom(-3)).toBe(0);
    expect(progressFrom(null)).toBeUndefined();
    expect(progressFrom('45')).toBeUndefined();
    expect(progressFrom(Number.NaN)).toBeUndefined();
  });
});

describe('positiveIntHeader', () => {
  it('reads positive numbers only', () => {
    expect(positiveIntHeader({ 'openai-poll-after-ms': '1500' }, 'openai-poll-after-ms')).toBe(1500);
    expect(positiveIntHeader({ 'openai-poll-after-ms': ' 20 ' }, 'openai-poll-after-ms')).toBe(20);
    expect(positiveIntHeader({ 'openai-poll-after-ms': '0' }, 'openai-poll-after-ms')).toBeUndefined();
    expect(positiveIntHeader({ 'openai-poll-after-ms': 'soon' }, 'openai-poll-after-ms')).toBeUndefined();
    expect(positiveIntHeader({}, 'openai-poll-after-ms')).toBeUndefined();
  });
});
