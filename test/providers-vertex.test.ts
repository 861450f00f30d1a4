/** The vertex-veo provider against the built-in emulator over loopback: every outcome, both ways a video comes back, both ways a token is found. */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../src/emulator/server.js';
import { EMULATOR_ACCESS_TOKEN } from '../src/emulator/vertex/tokens.js';
import { HttpError } from '../src/http/errors.js';
import type { ProviderConfig } from '../src/manifest/types.js';
import { createVertexVeoProvider } from '../src/providers/vertex-veo/client.js';
import { vertexVeoModule } from '../src/providers/vertex-veo/index.js';
import type { ShotRequest } from '../src/providers/module.js';
import type { PollResult, Provider } from '../src/providers/types.js';
import {
  FAST_RETRIES,
  pollUntilTerminal,
  providerConfig,
  sha256Hex,
  shot,
  startsWithFtyp,
  useProviderHarness,
} from './providers-helpers.js';

const signal = new AbortController().signal;
const dl = { signal, maxBytes: 200 * 1024 * 1024 };
const harness = useProviderHarness('vertex');
const { dest } = harness;

function vertexConfig(emuUrl: string, settings: Record<string, unknown> = {}, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return providerConfig('vertex-veo', `${emuUrl}/v1`, {
    name: 'veo',
    apiKeyEnv: 'GOOGLE_OAUTH_ACCESS_TOKEN',
    settings: { project: 'test-project-1', storage_url: `${emuUrl}/storage/v1`, ...settings },
    ...overrides,
  });
}

/** A shot whose spec is what the module builds from `request`, as validate and plan would. */
function vertexShot(id: string, config: ProviderConfig, request: Partial<ShotRequest> = {}, images: Parameters<typeof shot>[2] = {}) {
  const spec = vertexVeoModule.spec({ prompt: `prompt for ${id}`, ...request }, config);
  return shot(id, { ...spec, provider: 'vertex-veo', model: spec.model }, images);
}

async function setup(
  options: EmulatorOptions = {},
  settings: Record<string, unknown> = {},
  token = EMULATOR_ACCESS_TOKEN,
): Promise<{ emu: RunningEmulator; provider: Provider; config: ProviderConfig }> {
  const { emu, http } = await harness.start({ latencyMs: [100, 200], seed: 5, ...options }, FAST_RETRIES);
  const config = vertexConfig(emu.url, settings);
  return { emu, provider: createVertexVeoProvider(config, { http, apiKey: token }), config };
}

async function generate(provider: Provider, config: ProviderConfig, id: string, request: Partial<ShotRequest> = {}): Promise<PollResult> {
  const { jobId } = await provider.submit(vertexShot(id, config, request), { signal });
  return pollUntilTerminal(provider, jobId);
}

const ROUTE = 'POST /v1/projects/:project/locations/:location/publishers/google/models/:modelAction';

describe('vertex-veo: videos inline and in Cloud Storage', () => {
  it('inline: the operation name is the job id, the video is decoded from the operation into a verified MP4', async () => {
    const { emu, provider, config } = await setup({ videoBytes: 3 * 1024 * 1024 + 7 });
    const { jobId } = await provider.submit(vertexShot('boat', config, { aspect_ratio: '9:16', duration: 6 }), { signal });
    expect(jobId).toMatch(/^projects\/test-project-1\/locations\/us-central1\/publishers\/google\/models\/veo-3\.1-fast-generate-001\/operations\/\S+$/);
    const seen: PollResult[] = [];
    const result = await pollUntilTerminal(provider, jobId, { seen });
    expect(seen.slice(0, -1).every((r) => r.state === 'running')).toBe(true);
    expect(result).toMatchObject({ state: 'completed', job: { jobId, url: '' } });

    const file = dest('boat');
    const downloaded = await provider.download(result.job!, file, dl);
    expect(await startsWithFtyp(file)).toBe(true);
    expect(downloaded.bytes).toBe(3 * 1024 * 1024 + 7);
    expect(downloaded.bytes).toBe((await stat(file)).size);
    expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    expect(emu.stats().jobs.created).toBe(1);
  });

  it('storage_uri: the video is written under <prefix><shot id>/ and read through the JSON API with the same token', async () => {
    const { emu, provider, config } = await setup({}, { storage_uri: 'gs://acme-videos/q4' });
    const result = await generate(provider, config, 'city', { resolution: '1080p' });
    expect(result.state).toBe('completed');
    const gcsUri = result.job?.remote?.gcs_uri ?? '';
    expect(gcsUri).toMatch(/^gs:\/\/acme-videos\/q4\/city\/veo\S+\/sample_0\.mp4$/);
    expect(result.job?.url).toBe(`${emu.url}/storage/v1/b/acme-videos/o/${encodeURIComponent(gcsUri.slice('gs://acme-videos/'.length))}?alt=media`);
    const file = dest('city');
    const downloaded = await provider.download(result.job!, file, dl);
    expect(await startsWithFtyp(file)).toBe(true);
    expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    expect(emu.stats().requests['GET /storage/v1/b/:bucket/o/:object']).toBe(1);
  });

  it('rides out rate limits and 503s on submit without duplicate jobs, and drops and cuts on Cloud Storage downloads', async () => {
    const { emu, provider, config } = await setup(
      { rateLimitRate: 0.3, errorRate: 0.1, dropRate: 0.3, truncateRate: 0.3, seed: 14 },
      { storage_uri: 'gs://acme-videos/faults/' },
    );
    for (let i = 0; i < 3; i++) {
      const result = await generate(provider, config, `f${i}`);
      expect(result.state).toBe('completed');
      const file = dest(`f${i}`);
      const downloaded = await provider.download(result.job!, file, dl);
      expect(downloaded.sha256).toBe(sha256Hex(await readFile(file)));
    }
    const stats = emu.stats();
    expect(stats.jobs.created).toBe(3);
    expect(stats.faults.rateLimited + stats.faults.errors).toBeGreaterThan(0);
    expect(stats.faults.drops + stats.faults.truncations).toBeGreaterThan(0);
  });
});

describe('vertex-veo: how jobs end badly', () => {
  it('a filtered result (done, raiMediaFilteredCount, no video) is a moderation failure with Vertex\'s words', async () => {
    const { provider, config } = await setup({ moderationRate: 1 });
    const result = await generate(provider, config, 'refused');
    expect(result).toMatchObject({ state: 'failed', error: { code: 'rai_media_filtered', class: 'moderation' } });
    expect(result.error?.message).toContain('You will not be charged');
  });

  it('done with an error is a failed job, classed by its google.rpc code', async () => {
    const { provider, config } = await setup({ failRate: 1 });
    const result = await generate(provider, config, 'broken');
    expect(result).toMatchObject({ state: 'failed', error: { code: 'INTERNAL', class: 'failed' } });
  });

  it('an operation Vertex does not know is not_found; an id that is no operation name is a bad answer', async () => {
    const { provider } = await setup();
    const unknown = 'projects/test-project-1/locations/us-central1/publishers/google/models/veo-3.1-generate-001/operations/veoAAAA';
    await expect(provider.poll(unknown, { signal })).resolves.toEqual({ state: 'not_found' });
    await expect(provider.poll('video_123', { signal })).rejects.toMatchObject({ kind: 'bad_response' });
  });

  it('an inline video whose operation expired before the download is gone (404), so the next apply regenerates it', async () => {
    const { provider, config } = await setup({ latencyMs: 100, contentTtlMs: 300 });
    const result = await generate(provider, config, 'late');
    expect(result.state).toBe('completed');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const error = await provider.download(result.job!, dest('late'), dl).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'client', status: 404 });
  });

  it('a retired model answers 404, with a hint naming its replacement', async () => {
    const { emu, provider, config } = await setup();
    const error = await provider.submit(vertexShot('old', config, { model: 'veo-3.0-generate-001' }), { signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 404, hint: 'veo-3.0-generate-001 was retired on 2026-06-30: use veo-3.1-generate-001' });
    expect(provider.classify!(error)).toBe('invalid');
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('a project that cannot pay (403 billing) is quota: the executor stops submitting there', async () => {
    const { provider, config } = await setup({ creditLimit: 1 });
    await provider.submit(vertexShot('paid', config), { signal });
    const error = await provider.submit(vertexShot('unpaid', config), { signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', status: 403, hint: 'enable billing on project test-project-1, then rerun apply (finished shots are kept)' });
    expect(provider.classify!(error)).toBe('quota');
  });

  it('too many operations in flight is a rate limit to wait out, not a failure', async () => {
    const { emu, provider, config } = await setup({ maxConcurrent: 1, latencyMs: 5000 });
    const refusing = createVertexVeoProvider(config, {
      http: new (await import('../src/http/client.js')).HttpClient({ retryPolicy: { ...FAST_RETRIES, maxAttempts: 1 } }),
      apiKey: EMULATOR_ACCESS_TOKEN,
    });
    await provider.submit(vertexShot('first', config), { signal });
    const error = await refusing.submit(vertexShot('second', config), { signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429 });
    expect(refusing.classify!(error)).toBe('transient');
    expect(emu.stats().jobs.created).toBe(1);
  });
});

describe('vertex-veo: access tokens', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CLOUD_PROJECT']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('a token from the variable is sent as the Bearer; any other token is refused by the emulator, as by Google', async () => {
    const { emu, provider, config } = await setup();
    expect((await generate(provider, config, 'ok')).state).toBe('completed');
    const { http } = await harness.start({});
    const stranger = createVertexVeoProvider(vertexConfig(emu.url), { http, apiKey: 'ya29.some-other-token-0123456789' });
    const error = await stranger.submit(vertexShot('no', config), { signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect((error as HttpError).hint).toContain('$GOOGLE_OAUTH_ACCESS_TOKEN');
    expect(provider.classify!(error)).toBe('invalid');
  });

  it('without a token, application default credentials (an external-account file whose token_url is the emulator) supply one', async () => {
    const { emu, http } = await harness.start({ latencyMs: 100 });
    const subject = path.join(harness.dir, 'subject-token.txt');
    await writeFile(subject, 'a-subject-token-from-the-ci-provider');
    const credentials = path.join(harness.dir, 'external-account.json');
    await writeFile(
      credentials,
      JSON.stringify({
        type: 'external_account',
        audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/providers/github',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${emu.url}/token`,
        credential_source: { file: subject },
      }),
    );
    process.env.GOOGLE_APPLICATION_CREDENTIALS = credentials;
    const config = vertexConfig(emu.url);
    const provider = createVertexVeoProvider(config, { http, apiKey: '' });
    expect((await generate(provider, config, 'adc')).state).toBe('completed');
    expect(emu.stats().requests['POST /token']).toBeGreaterThanOrEqual(1);
  });

  it('without a token or credentials: an auth error that says where tokens come from, and never a trip to the internet', async () => {
    const { emu, http } = await harness.start({});
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(harness.dir, 'no-such-key.json');
    const config = vertexConfig(emu.url);
    const provider = createVertexVeoProvider(config, { http, apiKey: '' });
    const error = await provider.submit(vertexShot('none', config), { signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', code: 'VIDEOGEN_HTTP_AUTH' });
    expect((error as HttpError).hint).toMatch(/GOOGLE_OAUTH_ACCESS_TOKEN.*GOOGLE_APPLICATION_CREDENTIALS/);
    expect(provider.classify!(error)).toBe('invalid');
    expect(emu.stats().jobs.created).toBe(0);
  });
});
