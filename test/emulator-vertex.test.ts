/** The emulator's Veo on Vertex AI, its Cloud Storage and its OAuth token endpoint, over real HTTP with plain fetch. */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/server.js';
import { EMULATOR_ACCESS_TOKEN } from '../src/emulator/vertex/tokens.js';
import { PNG_1X1, expectServedMp4, mp4Boxes, observe, useEmulators } from './emulator-helpers.js';

const start = useEmulators();
const MODEL_PATH = 'projects/p1/locations/us-central1/publishers/google/models/veo-3.1-generate-001';

async function call(emu: RunningEmulator, path: string, json: unknown, token: string | null = EMULATOR_ACCESS_TOKEN): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${emu.url}${path}`, { method: 'POST', headers, body: JSON.stringify(json) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

const predict = (emu: RunningEmulator, body: unknown, modelPath = MODEL_PATH, token?: string | null) => call(emu, `/v1/${modelPath}:predictLongRunning`, body, token);
const fetchOperation = (emu: RunningEmulator, name: string) => call(emu, `/v1/${name.slice(0, name.indexOf('/operations/'))}:fetchPredictOperation`, { operationName: name });

function body(parameters: Record<string, unknown> = {}, instance: Record<string, unknown> = {}) {
  return { instances: [{ prompt: 'a paper boat drifts down a rainy gutter', ...instance }], parameters: { durationSeconds: 8, generateAudio: true, ...parameters } };
}

async function finished(emu: RunningEmulator, name: string): Promise<any> {
  const seen = await observe(async () => (await fetchOperation(emu, name)).body, (operation) => operation.done === true);
  return seen.at(-1);
}

describe('Vertex Veo: operations', () => {
  it('starts an operation named under the model, running without `done`, then done with the video inline as base64', async () => {
    const emu = await start({ latencyMs: 300 });
    const created = await predict(emu, body({ aspectRatio: '9:16' }));
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ name: expect.stringMatching(new RegExp(`^${MODEL_PATH}/operations/veo[A-Za-z0-9_-]+$`)) });
    const name: string = created.body.name;
    expect((await fetchOperation(emu, name)).body).toEqual({ name });

    const done = await finished(emu, name);
    expect(done).toMatchObject({ name, done: true, response: { '@type': 'type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse' } });
    expect(done.response.videos).toHaveLength(1);
    expect(done.response.videos[0].mimeType).toBe('video/mp4');
    const video = Buffer.from(done.response.videos[0].bytesBase64Encoded, 'base64');
    expect(mp4Boxes(video)[0]?.type).toBe('ftyp');
    expect(emu.stats().jobs).toMatchObject({ created: 1, completed: 1 });
  });

  it('writes to Cloud Storage under the storageUri, one folder per operation, served to the same token only', async () => {
    const emu = await start({ latencyMs: 100 });
    const name: string = (await predict(emu, body({ storageUri: 'gs://out/run42/', sampleCount: 2 }))).body.name;
    const done = await finished(emu, name);
    const id = name.split('/').at(-1)!;
    expect(done.response.videos).toEqual([
      { gcsUri: `gs://out/run42/${id}/sample_0.mp4`, mimeType: 'video/mp4' },
      { gcsUri: `gs://out/run42/${id}/sample_1.mp4`, mimeType: 'video/mp4' },
    ]);
    const object = `${emu.url}/storage/v1/b/out/o/${encodeURIComponent(`run42/${id}/sample_1.mp4`)}`;
    const auth = { authorization: `Bearer ${EMULATOR_ACCESS_TOKEN}` };
    await expectServedMp4(await fetch(`${object}?alt=media`, { headers: auth }), `${id}/1`);
    expect(await (await fetch(object, { headers: auth })).json()).toMatchObject({ kind: 'storage#object', bucket: 'out', contentType: 'video/mp4' });
    expect((await fetch(`${object}?alt=media`)).status).toBe(401);
    expect((await fetch(`${object}?alt=media`, { headers: { authorization: 'Bearer ya29.not-the-one' } })).status).toBe(401);
    // Another bucket, or a sample that was never made, does not exist.
    expect((await fetch(object.replace('/b/out/', '/b/other/') + '?alt=media', { headers: auth })).status).toBe(404);
    expect((await fetch(object.replace('sample_1', 'sample_2') + '?alt=media', { headers: auth })).status).toBe(404);
  });

  it('answers a moderated job with a filtered result, not an error, and a failed one with done + error', async () => {
    const moderated = await start({ latencyMs: 50, moderationRate: 1 });
    const filtered = await finished(moderated, (await predict(moderated, body())).body.name);
    expect(filtered.error).toBeUndefined();
    expect(filtered.response.videos).toBeUndefined();
    expect(filtered.response.raiMediaFilteredCount).toBe(1);
    expect(filtered.response.raiMediaFilteredReasons[0]).toContain('You will not be charged');

    const failing = await start({ latencyMs: 50, failRate: 1 });
    const failed = await finished(failing, (await predict(failing, body())).body.name);
    expect(failed.error).toEqual({ code: 13, message: expect.any(String) });
  });

  it('forgets finished operations after contentTtlMs, and never knows foreign ones', async () => {
    const emu = await start({ latencyMs: 50, contentTtlMs: 200 });
    const name: string = (await predict(emu, body())).body.name;
    await finished(emu, name);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetchOperation(emu, name)).status).toBe(404);
    expect((await fetchOperation(emu, `${MODEL_PATH}/operations/1234567890`)).status).toBe(404);
    // An operation asked for at another model's path.
    const fresh: string = (await predict(emu, body())).body.name;
    const elsewhere = await call(emu, `/v1/${MODEL_PATH.replace('veo-3.1-generate-001', 'veo-3.1-fast-generate-001')}:fetchPredictOperation`, { operationName: fresh });
    expect(elsewhere).toMatchObject({ status: 400, body: { error: { status: 'INVALID_ARGUMENT' } } });
  });
});

describe('Vertex Veo: what it refuses', () => {
  it.each([
    ['an unknown instance field', body({}, { negative_prompt: 'x' }), /Unknown name "negative_prompt"/],
    ['no prompt and no image', { instances: [{}], parameters: { durationSeconds: 8, generateAudio: true } }, /prompt is required/],
    ['a duration Veo does not make', body({ durationSeconds: 5 }), /durationSeconds 5/],
    ['durationSeconds as a string', body({ durationSeconds: '8' }), /durationSeconds "8"/],
    ['no generateAudio on Veo 3', { instances: [{ prompt: 'x' }], parameters: { durationSeconds: 8 } }, /generateAudio/],
    ['a 1:1 aspect ratio', body({ aspectRatio: '1:1' }), /aspectRatio "1:1"/],
    ['4k', body({ resolution: '4k' }), /resolution "4k"/],
    ['a seed beyond uint32', body({ seed: 2 ** 32 }), /seed/],
    ['an image with the wrong mimeType', body({}, { image: { bytesBase64Encoded: PNG_1X1.toString('base64'), mimeType: 'image/jpeg' } }), /image\/png, not image\/jpeg/],
    ['an image with two sources', body({}, { image: { bytesBase64Encoded: PNG_1X1.toString('base64'), gcsUri: 'gs://a/b.png', mimeType: 'image/png' } }), /exactly one/],
    ['reference images at 6 seconds', body({ durationSeconds: 6 }, { referenceImages: [{ image: { gcsUri: 'gs://a/b.png', mimeType: 'image/png' }, referenceType: 'asset' }] }), /durationSeconds 8/],
    ['a style reference on Veo 3.1', body({}, { referenceImages: [{ image: { gcsUri: 'gs://a/b.png', mimeType: 'image/png' }, referenceType: 'style' }] }), /"asset"/],
    ['a storageUri that is not gs://', body({ storageUri: 'https://storage.googleapis.com/out/' }), /storageUri/],
  ])('%s: 400 INVALID_ARGUMENT, nothing created', async (_what, request, message) => {
    const emu = await start();
    const answer = await predict(emu, request);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('takes first and last frames inline', async () => {
    const emu = await start();
    const image = { bytesBase64Encoded: PNG_1X1.toString('base64'), mimeType: 'image/png' };
    expect((await predict(emu, body({}, { image, lastFrame: image }))).status).toBe(200);
  });

  it('answers retired and unknown models, and unknown methods, 404 as Vertex does', async () => {
    const emu = await start();
    for (const model of ['veo-3.0-generate-001', 'veo-3.0-fast-generate-001', 'veo-2.0-generate-001', 'veo-9']) {
      const answer = await predict(emu, body(), MODEL_PATH.replace('veo-3.1-generate-001', model));
      expect(answer.status, model).toBe(404);
      expect(answer.body.error).toMatchObject({ status: 'NOT_FOUND', message: expect.stringContaining(`models/${model}`) });
    }
    expect((await call(emu, `/v1/${MODEL_PATH}:predict`, body())).status).toBe(404);
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('accepts only the tokens it issued: none, another token or an API key is 401 UNAUTHENTICATED', async () => {
    const emu = await start();
    for (const token of [null, 'ya29.someone-elses', 'sk-an-openai-key']) {
      const answer = await predict(emu, body(), MODEL_PATH, token);
      expect(answer.status).toBe(401);
      expect(answer.body.error.status).toBe('UNAUTHENTICATED');
    }
    expect((await predict(emu, body(), MODEL_PATH, 'videogen-emulator')).status).toBe(200);
  });

  it('out of credit (creditLimit): 403 PERMISSION_DENIED about billing, as Google refuses a project that cannot pay', async () => {
    const emu = await start({ creditLimit: 1 });
    expect((await predict(emu, body())).status).toBe(200);
    const refused = await predict(emu, body());
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ status: 'PERMISSION_DENIED', message: expect.stringContaining('billing') });
  });
});

describe('Google OAuth token endpoint', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  function assertion(claims: Record<string, unknown>): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({
      iss: 'videogen-test@p1.iam.gserviceaccount.com',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      aud: 'https://oauth2.googleapis.com/token',
      iat: now,
      exp: now + 3600,
      ...claims,
    })}`;
    return `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
  }
  async function token(emu: RunningEmulator, form: Record<string, string>): Promise<{ status: number; body: any }> {
    const response = await fetch(`${emu.url}/token`, { method: 'POST', body: new URLSearchParams(form) });
    return { status: response.status, body: await response.json() };
  }
  const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

  it('exchanges a service account\'s signed assertion for the token the API accepts', async () => {
    const emu = await start();
    const answer = await token(emu, { grant_type: grant, assertion: assertion({}) });
    expect(answer).toEqual({ status: 200, body: { access_token: EMULATOR_ACCESS_TOKEN, expires_in: 3599, token_type: 'Bearer' } });
  });

  it.each([
    ['another scope', { scope: 'https://www.googleapis.com/auth/devstorage.read_only' }, /scope/],
    ['another audience', { aud: 'https://example.com/oauth' }, /aud/],
    ['an expired assertion', { iat: 1_000_000, exp: 1_003_600 }, /short-lived/],
    ['no issuer', { iss: undefined }, /iss/],
  ])('refuses %s with invalid_grant', async (_what, claims, message) => {
    const emu = await start();
    const answer = await token(emu, { grant_type: grant, assertion: assertion(claims) });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(message) });
  });

  it('refuses garbage and unknown grants', async () => {
    const emu = await start();
    expect((await token(emu, { grant_type: grant, assertion: 'not.a.jwt!' })).body.error).toBe('invalid_grant');
    expect((await token(emu, { grant_type: 'password', username: 'a' })).body.error).toBe('unsupported_grant_type');
  });
});
