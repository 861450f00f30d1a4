/**
 * Finding the prediction of a submission whose answer was never recorded (Provider.findSubmitted
 * on Replicate): list the account's predictions since the intent, adopt only an unclaimed one of
 * the same model whose input is exactly this shot's, and say `unknown` whenever that cannot be told.
 */
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../src/emulator/server.js';
import type { ProviderConfig } from '../src/manifest/types.js';
import { createReplicateProvider } from '../src/providers/replicate/client.js';
import { replicateModule } from '../src/providers/replicate/index.js';
import { moduleShot, type ShotImages } from './helpers/module-shot.js';
import { pngBytes, providerConfig, useProviderHarness, writeImage } from './providers-helpers.js';

const KEY = 'r8_reconcile_token';
const signal = new AbortController().signal;
const since = () => new Date(Date.now() - 2000).toISOString();
const none = new Set<string>();

const harness = useProviderHarness('replicate-reconcile');

async function setup(options: EmulatorOptions = {}) {
  const { emu, http } = await harness.start({ latencyMs: 300, seed: 2, ...options });
  const cfg: ProviderConfig = providerConfig('replicate', `${emu.url}/v1`, { name: 'rep', apiKeyEnv: 'REPLICATE_API_TOKEN', settings: {} });
  const provider = createReplicateProvider(cfg, { http, apiKey: KEY });
  const make = (id: string, request: Parameters<typeof moduleShot>[3] = {}, images: ShotImages = {}) => moduleShot(replicateModule, cfg, id, request, images);
  return { emu, provider, make };
}

describe('replicate findSubmitted', () => {
  it('adopts the unclaimed prediction whose input is this shot\'s, and nothing else', async () => {
    const { provider, make } = await setup();
    const shot = make('a', { prompt: 'fog rolling over a pier', duration: 6 });
    const { jobId } = await provider.submit(shot, { signal });
    await provider.submit(make('b', { prompt: 'fog rolling over a pier', duration: 4 }), { signal });
    expect(await provider.findSubmitted!(shot, since(), none, { signal })).toEqual({ jobId });
    // Owned by another lock entry already: not this shot's.
    expect(await provider.findSubmitted!(shot, since(), new Set([jobId]), { signal })).toBe('none');
    // Another prompt, or another model: nothing was created for it.
    expect(await provider.findSubmitted!(make('c', { prompt: 'something else' }), since(), none, { signal })).toBe('none');
    const version = make('d', { model: `someone/model:${'b'.repeat(64)}`, prompt: 'fog rolling over a pier', duration: 6 });
    expect(await provider.findSubmitted!(version, since(), none, { signal })).toBe('none');
  });

  it('of two identical submissions adopts the earlier, then the other', async () => {
    const { provider, make } = await setup();
    const shot = make('take', { prompt: 'the same twice' });
    const first = await provider.submit(shot, { signal });
    const second = await provider.submit(shot, { signal });
    expect(await provider.findSubmitted!(shot, since(), none, { signal })).toEqual({ jobId: first.jobId });
    expect(await provider.findSubmitted!(shot, since(), new Set([first.jobId]), { signal })).toEqual({ jobId: second.jobId });
  });

  it('finds a version\'s prediction by its version, and a small inline image by its data URL', async () => {
    const { provider, make } = await setup();
    const image = await writeImage(harness.dir, 'small.png', pngBytes(6, 6));
    const shot = make('v', { model: `someone/model:${'c'.repeat(64)}`, seed: 3 }, { referenceImage: image });
    const { jobId } = await provider.submit(shot, { signal });
    expect(await provider.findSubmitted!(shot, since(), none, { signal })).toEqual({ jobId });
  });

  it('says unknown where the list cannot tell: an uploaded image, an input already deleted', async () => {
    const { provider, make } = await setup({ latencyMs: 20, contentTtlMs: 100 });
    const large = await writeImage(harness.dir, 'large.png', Buffer.concat([pngBytes(8, 8), Buffer.alloc(300 * 1024)]));
    const uploaded = make('up', {}, { referenceImage: large });
    await provider.submit(uploaded, { signal });
    expect(await provider.findSubmitted!(uploaded, since(), none, { signal })).toBe('unknown');

    const { provider: later, make: makeLater } = await setup({ latencyMs: 20, contentTtlMs: 100 });
    const shot = makeLater('old');
    await later.submit(shot, { signal });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await later.findSubmitted!(shot, since(), none, { signal })).toBe('unknown');
  });

  it('follows `next` through more than one page', async () => {
    const { emu, provider, make } = await setup({ maxConcurrent: 200, latencyMs: 5000 });
    const wanted = make('first', { prompt: 'the one to find' });
    const { jobId } = await provider.submit(wanted, { signal });
    for (let i = 0; i < 105; i++) await provider.submit(make(`other-${i}`), { signal });
    expect(await provider.findSubmitted!(wanted, since(), none, { signal })).toEqual({ jobId });
    expect(emu.stats().requests['GET /v1/predictions']).toBe(2);
  });
});
