import { describe, expect, it } from 'vitest';
import { operationOutcome } from './operation.js';

const NAME = 'projects/p/locations/us-central1/publishers/google/models/veo-3.1-generate-001/operations/8c1e';
const done = (response: unknown) => operationOutcome({ name: NAME, done: true, response });

describe('operationOutcome', () => {
  it('is running until done, whatever else it carries', () => {
    expect(operationOutcome({ name: NAME })).toEqual({ state: 'running' });
    expect(operationOutcome({ name: NAME, done: false, metadata: { progressPercent: 40 } })).toEqual({ state: 'running', progress: 40 });
    expect(operationOutcome({ name: NAME, metadata: { progressPercent: 'soon' } })).toEqual({ state: 'running' });
  });

  it('finds the video in videos[].gcsUri and in generatedSamples, as strings or objects', () => {
    expect(done({ videos: [{ gcsUri: 'gs://out/run42/8c1e/sample_0.mp4', mimeType: 'video/mp4' }] })).toEqual({ state: 'stored', gcsUri: 'gs://out/run42/8c1e/sample_0.mp4' });
    expect(done({ generatedSamples: ['gs://out/a.mp4'] })).toEqual({ state: 'stored', gcsUri: 'gs://out/a.mp4' });
    expect(done({ generatedSamples: [{ video: { uri: 'gs://out/b.mp4' } }] })).toEqual({ state: 'stored', gcsUri: 'gs://out/b.mp4' });
  });

  it('takes a filtered result as a refusal, except the audio filter, which is worth another try', () => {
    const reasons = ["Your video was blocked. You will not be charged. Support codes: 42237218"];
    expect(done({ raiMediaFilteredCount: 1, raiMediaFilteredReasons: reasons })).toEqual({
      state: 'failed',
      error: { code: 'rai_media_filtered', message: reasons[0], class: 'moderation' },
    });
    expect(done({ raiMediaFilteredCount: 1 })).toMatchObject({ error: { class: 'moderation', message: expect.stringContaining('raiMediaFilteredCount 1') } });
    const audio = done({ raiMediaFilteredCount: 1, raiMediaFilteredReasons: ['The generated audio was filtered. Support codes: 58061214'] });
    expect(audio).toMatchObject({ state: 'failed', error: { code: 'rai_audio_filtered', class: 'failed' } });
  });

  it('classes a failed operation by its google.rpc code', () => {
    const failed = (error: unknown) => operationOutcome({ name: NAME, done: true, error });
    expect(failed({ code: 13, message: 'boom' })).toEqual({ state: 'failed', error: { code: 'INTERNAL', message: 'boom', class: 'failed' } });
    expect(failed({ code: 8, message: 'Quota exceeded' })).toMatchObject({ error: { code: 'RESOURCE_EXHAUSTED', class: 'transient' } });
    expect(failed({ code: 429, message: 'Quota exceeded' })).toMatchObject({ error: { code: 'RESOURCE_EXHAUSTED', class: 'transient' } });
    expect(failed({ code: 3, message: 'durationSeconds is invalid' })).toMatchObject({ error: { code: 'INVALID_ARGUMENT', class: 'invalid' } });
    expect(failed({ code: 3, message: "The prompt violates Vertex AI's usage guidelines." })).toMatchObject({ error: { class: 'moderation' } });
    expect(failed({})).toMatchObject({ error: { code: 'UNKNOWN', class: 'failed', message: 'the operation failed (UNKNOWN)' } });
  });

  it('is a failure, not a hang, when done carries nothing usable; garbage is malformed', () => {
    expect(done({})).toMatchObject({ state: 'failed', error: { code: 'no_output', class: 'failed' } });
    expect(done({ videos: [{ mimeType: 'video/mp4' }] })).toMatchObject({ error: { message: expect.stringContaining('no gcsUri') } });
    expect(operationOutcome('nope')).toEqual({ state: 'malformed', problem: 'not an operation object' });
  });
});
