/**
 * The API key never leaks through an error: not in the message, the stack, String(),
 * JSON.stringify() or util.inspect() (which walks causes and hidden properties), whether
 * the key is refused or the network misbehaves.
 */
import { inspect } from 'node:util';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/emulator/server.js';
import { HttpClient } from '../src/http/client.js';
import type { ProviderConfig, ProviderType } from '../src/manifest/types.js';
import { createProvider, providerModule } from '../src/providers/registry.js';
import type { PollResult, Provider, SubmitResult } from '../src/providers/types.js';
import { falConfig } from './fal-helpers.js';
import { providerConfig, shot, tempDir, writeImage } from './providers-helpers.js';

const SECRET = 'sk-videogen-SECRET-4f9a0c7e1b2d3a4f5e6d';
/** Distinctive fragments too: a half-redacted key is still a leaked key. */
const FRAGMENTS = [SECRET, 'SECRET-4f9a', '4f9a0c7e1b2d3a4f5e6d', 'fal-key-id-7c1d2e3f'];
const signal = new AbortController().signal;
const dl = { signal, maxBytes: 50 * 1024 * 1024 };
const TYPES: ProviderType[] = ['heygen', 'openai-videos', 'heygen-v3', 'openrouter', 'vertex-veo', 'fal', 'replicate', 'runway'];
const MODEL: Record<string, string> = {
  heygen: 'veo_3_1',
  'openai-videos': 'sora-2',
  'heygen-v3': 'heygen-video-1',
  openrouter: 'google/veo-3.1-fast',
  'vertex-veo': 'veo-3.1-fast-generate-001',
  fal: 'fal-ai/veo3.1',
  replicate: 'google/veo-3.1',
  runway: 'gen4.5',
};
/** A URL on the emulator that wants the key, for a download the key is refused on. */
const KEYED_PATH: Record<string, string> = {
  heygen: '/v1/workflows/executions/x',
  'heygen-v3': '/v1/workflows/executions/x',
  'openai-videos': '/v1/videos/x/content?variant=video',
  openrouter: '/api/v1/videos/x/content?index=0',
  'vertex-veo': '/storage/v1/b/secrets-bucket/o/run%2Fx%2Fsample_0.mp4?alt=media',
  fal: '/fal/queue/fal-ai/veo3.1/requests/x',
  replicate: '/v1/predictions/x',
  runway: '/v1/tasks/x',
};
/** Vertex needs a project, and (for faulted GET downloads) its videos in Cloud Storage; its key is an OAuth token. */
const SETTINGS: Record<string, (emuUrl: string) => Record<string, unknown>> = {
  'vertex-veo': (emuUrl) => ({ project: 'secrets-test', storage_uri: 'gs://secrets-bucket/run/', storage_url: `${emuUrl}/storage/v1` }),
};
/** Spec fields the API needs that the module's spec() would write out. */
const SPEC: Record<string, Record<string, unknown>> = {
  'vertex-veo': { aspect_ratio: '16:9', duration: 8, resolution: '720p', audio: true },
  runway: { ratio: '1280:720', duration: 5 },
};

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir('secrets');
});
afterAll(async () => {
  await tmp.remove();
});

function renderings(error: unknown): string[] {
  const e = error as Error;
  let json = '';
  try {
    json = JSON.stringify(error) ?? '';
  } catch {
    json = '';
  }
  return [
    e.message ?? '',
    e.stack ?? '',
    String(error),
    json,
    inspect(error, { depth: Infinity, showHidden: true }),
    inspect((error as { cause?: unknown }).cause, { depth: Infinity, showHidden: true }),
  ];
}

function expectNoKey(errors: unknown[]): void {
  for (const error of errors) {
    for (const text of renderings(error)) {
      for (const fragment of FRAGMENTS) expect(text).not.toContain(fragment);
    }
  }
}

async function caught(promise: Promise<unknown>, into: unknown[]): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    into.push(error);
    return undefined;
  }
}

/** An entry of `type` whose every host is the emulator at `emuUrl`. */
function configFor(type: ProviderType, emuUrl: string): ProviderConfig {
  const config = type === 'fal' ? falConfig(emuUrl) : providerConfig(type, emuUrl + providerModule(type).emulatorPath, SETTINGS[type] ? { settings: SETTINGS[type](emuUrl) } : {});
  // A download retries until its deadline; under every fault at once a short one keeps the
  // test quick, and the errors it ends with are what this test reads.
  return { ...config, downloadTimeoutMs: 1500 };
}

/** fal's `Authorization: Key` carries a `KEY_ID:KEY_SECRET` pair: neither half may show either. */
const SECRET_FOR: Record<string, string> = { fal: `fal-key-id-7c1d2e3f:${SECRET}` };

describe.each(TYPES)('%s: the key stays out of errors', (type) => {
  it('when the key is refused (401) on submit, upload, poll and download', async () => {
    const emu = await startEmulator({ latencyMs: 100, apiKey: 'the-key-the-emulator-wants' });
    const http = new HttpClient({ retryPolicy: { maxAttempts: 2, baseDelayMs: 1, capDelayMs: 5 } });
    try {
      const provider = await createProvider(configFor(type, emu.url), { http, apiKey: SECRET_FOR[type] ?? SECRET });
      const image = await writeImage(tmp.dir, `${type}-ref.png`);
      const errors: unknown[] = [];
      await caught(provider.submit(shot('a', { provider: type, model: MODEL[type]!, ...SPEC[type] }), { signal, idempotencyKey: 'vg-a-1' }), errors);
      await caught(provider.submit(shot('b', { provider: type, model: MODEL[type]!, ...SPEC[type] }, { referenceImage: image }), { signal }), errors);
      const url = `${emu.url}${KEYED_PATH[type]!}`;
      // fal finds a request by the URLs the lock recorded; the others ignore them.
      await caught(provider.poll('node-gw-unknown', { signal, remote: { status_url: `${url}/status`, response_url: url } }), errors);
      await caught(provider.download({ jobId: 'x', url }, path.join(tmp.dir, `${type}-401.mp4`), dl), errors);
      expect(errors.length).toBeGreaterThanOrEqual(3);
      expect(errors.some((e) => (e as { kind?: string }).kind === 'auth')).toBe(true);
      expectNoKey(errors);
    } finally {
      await http.close();
      await emu.close();
    }
  });

  it('when every kind of fault is on', async () => {
    const emu = await startEmulator({
      latencyMs: [50, 150],
      apiKey: SECRET,
      seed: 21,
      failRate: 0.3,
      moderationRate: 0.2,
      rateLimitRate: 0.25,
      errorRate: 0.25,
      dropRate: 0.25,
      truncateRate: 0.4,
    });
    // One try only, so the faults surface as errors instead of being retried away.
    const http = new HttpClient({ retryPolicy: { maxAttempts: 1 } });
    try {
      const provider: Provider = await createProvider(configFor(type, emu.url), { http, apiKey: SECRET });
      const image = await writeImage(tmp.dir, `${type}-faults.png`);
      const errors: unknown[] = [];
      const failures: PollResult[] = [];
      // The twelve shots at once, as apply runs them: the waiting is the emulator's latency.
      const runShot = async (i: number): Promise<void> => {
        const s = shot(`f${i}`, { provider: type, model: MODEL[type]!, ...SPEC[type] }, i % 3 === 0 ? { referenceImage: image } : {});
        // Keyed where the API takes a key (the others ignore it), so keyed retries and replays are covered too.
        const submitted = (await caught(provider.submit(s, { signal, idempotencyKey: `vg-f${i}-1` }), errors)) as SubmitResult | undefined;
        if (!submitted) return;
        for (let tries = 0; tries < 60; tries += 1) {
          const poll = provider.poll(submitted.jobId, { signal, ...(submitted.remote ? { remote: submitted.remote } : {}) });
          const result = (await caught(poll, errors)) as PollResult | undefined;
          if (result?.state === 'failed') failures.push(result);
          if (result?.state === 'completed' && result.job) {
            await caught(provider.download(result.job, path.join(tmp.dir, `${type}-${i}.mp4`), dl), errors);
            return;
          }
          if (result?.state === 'failed' || result?.state === 'not_found') return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await Promise.all(Array.from({ length: 12 }, (_, i) => runShot(i)));
      // Faults of several kinds really surfaced (not just one repeated error).
      expect(new Set(errors.map((e) => (e as { code?: string }).code)).size).toBeGreaterThan(1);
      expectNoKey(errors);
      for (const failure of failures) expect(JSON.stringify(failure)).not.toContain(SECRET);
    } finally {
      await http.close();
      await emu.close();
    }
  });
});
