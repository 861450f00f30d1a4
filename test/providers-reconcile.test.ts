/**
 * Finding the job of a submission whose answer was never recorded (Provider.findSubmitted on
 * OpenAI-compatible endpoints): adopt only what can be told apart, never another shot's video.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http/client.js';
import { createOpenAiVideosProvider } from '../src/providers/openai-videos/client.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { providerConfig, shot, writeImage, tempDir } from './providers-helpers.js';

const signal = new AbortController().signal;
const since = () => new Date(Date.now() - 2000).toISOString();

describe('OpenAI-compatible findSubmitted', () => {
  let emulator: RunningEmulator | undefined;
  let http: HttpClient | undefined;
  afterEach(async () => {
    await http?.close();
    await emulator?.close();
  });

  async function setup() {
    emulator = await startEmulator({ latencyMs: 200 });
    http = new HttpClient();
    return createOpenAiVideosProvider(providerConfig('openai-videos', `${emulator.url}/v1`), { http, apiKey: 'k' });
  }

  it('adopts the unclaimed job with the same prompt, model, size and seconds', async () => {
    const provider = await setup();
    const a = shot('a', { provider: 'openai-videos', model: 'sora-2', size: '1280x720', duration: 4 });
    const { jobId } = await provider.submit(a, { signal });
    expect(await provider.findSubmitted!(a, since(), new Set(), { signal })).toEqual({ jobId });
    // Already owned by another lock entry: not this shot's.
    expect(await provider.findSubmitted!(a, since(), new Set([jobId]), { signal })).toBe('none');
    // Another prompt: nothing was created for this shot.
    const b = shot('b', { provider: 'openai-videos', model: 'sora-2', size: '1280x720', duration: 4, prompt: 'something else' });
    expect(await provider.findSubmitted!(b, since(), new Set(), { signal })).toBe('none');
  });

  it('cannot tell apart shots that differ only by a reference image or options', async () => {
    const provider = await setup();
    const dir = await tempDir('reconcile');
    try {
      const image = await writeImage(dir.dir, 'ref.png');
      const withImage = shot('c', { provider: 'openai-videos', model: 'sora-2', size: '1280x720' }, { referenceImage: image });
      await provider.submit(withImage, { signal });
      expect(await provider.findSubmitted!(withImage, since(), new Set(), { signal })).toBe('unknown');
      const withOptions = shot('d', { provider: 'openai-videos', model: 'sora-2', size: '1280x720', options: { user: 'x' } });
      expect(await provider.findSubmitted!(withOptions, since(), new Set(), { signal })).toBe('unknown');
    } finally {
      await dir.remove();
    }
  });
});
