import { describe, expect, it } from 'vitest';
import { resultOutcome } from './result.js';

const detail = (type: string, msg = 'm', loc: unknown[] = ['body', 'prompt']) => ({ detail: [{ loc, msg, type }] });

describe("fal result answers (COMPLETED means finished, not succeeded)", () => {
  it('finds the video URL of a good result', () => {
    expect(resultOutcome(200, {}, { video: { url: 'https://v3b.fal.media/files/x/out.mp4', file_size: 3 }, seed: 1 })).toEqual({
      kind: 'video',
      url: 'https://v3b.fal.media/files/x/out.mp4',
    });
    expect(resultOutcome(200, {}, { images: [] })).toMatchObject({ kind: 'failed', error: { code: 'no_output', class: 'failed' } });
  });

  it('says moderation for a content_policy_violation, the one error never worth repeating unchanged', () => {
    const outcome = resultOutcome(422, { 'x-fal-retryable': 'false' }, detail('content_policy_violation', 'flagged by content checker'));
    expect(outcome).toEqual({
      kind: 'failed',
      error: { code: 'content_policy_violation', message: 'fal: flagged by content checker (body.prompt)', class: 'moderation' },
    });
  });

  it('says invalid for a refused input, failed when fal says another try may work or the request was cancelled', () => {
    expect(resultOutcome(422, {}, detail('literal_error', "Input should be '4s'", ['body', 'duration']))).toMatchObject({
      error: { code: 'literal_error', class: 'invalid', message: "fal: Input should be '4s' (body.duration)" },
    });
    expect(resultOutcome(422, { 'x-fal-retryable': 'true' }, detail('generation_failed'))).toMatchObject({ error: { class: 'failed' } });
    expect(resultOutcome(499, {}, { detail: 'cancelled', error_type: 'client_cancelled' })).toMatchObject({
      error: { code: 'client_cancelled', class: 'failed', message: 'fal: cancelled' },
    });
    expect(resultOutcome(400, {}, { detail: 'bad' })).toMatchObject({ error: { code: 'http_400', class: 'invalid' } });
  });

  it("treats a runner's or the model's own 5xx as the job's (not charged: transient), anything else as a failed fetch", () => {
    expect(resultOutcome(503, { 'x-fal-error-type': 'runner_disconnected' }, { detail: 'gone', error_type: 'runner_disconnected' })).toMatchObject({
      error: { code: 'runner_disconnected', class: 'transient' },
    });
    expect(resultOutcome(504, {}, { detail: 'timed out', error_type: 'request_timeout' })).toMatchObject({ error: { class: 'transient' } });
    expect(resultOutcome(500, {}, detail('internal_server_error', 'boom', ['body']))).toMatchObject({ error: { class: 'transient' } });
    expect(resultOutcome(500, { 'x-fal-retryable': 'false' }, detail('internal_server_error'))).toMatchObject({ error: { class: 'failed' } });
    expect(resultOutcome(500, { 'x-fal-error-type': 'internal_error' }, { detail: 'Internal server error', error_type: 'internal_error' })).toEqual({ kind: 'unclear' });
    expect(resultOutcome(502, {}, '<html>Bad gateway</html>')).toEqual({ kind: 'unclear' });
  });

  it('says gone when the result is no longer kept', () => {
    expect(resultOutcome(404, {}, { detail: 'Request not found' })).toEqual({ kind: 'gone' });
    expect(resultOutcome(410, {}, '')).toEqual({ kind: 'gone' });
  });
});
