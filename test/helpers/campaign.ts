/** Generated manifests for end-to-end runs, and the emulator and project folder they run against. */
import { afterEach } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server.js';
import { createWorkspace, type Workspace } from './workspace.js';

export interface CampaignOptions {
  emulatorUrl: string;
  shots: number;
  /** Which provider types to use; shots alternate between them. */
  types?: CampaignType[];
  concurrency?: number;
  poll?: { initial: string; max: string };
  timeout?: string;
  promptSuffix?: (index: number) => string;
}

export type CampaignType = 'heygen' | 'openai-videos' | 'heygen-v3';

/** Each type's provider entry name and the model its shots use. */
const ENTRY: Record<CampaignType, { name: string; model: string }> = {
  heygen: { name: 'hg', model: 'veo_3_1' },
  'openai-videos': { name: 'oa', model: 'veo-3.1-fast-generate-001' },
  'heygen-v3': { name: 'h3', model: 'heygen-video-1' },
};

export function campaignManifest(options: CampaignOptions): string {
  const types = options.types ?? ['heygen', 'openai-videos'];
  const poll = options.poll ?? { initial: '100ms', max: '300ms' };
  const concurrency = options.concurrency ?? 4;
  const providers: string[] = [];
  if (types.includes('heygen')) {
    providers.push(
      '  hg:',
      '    type: heygen',
      `    base_url: ${options.emulatorUrl}`,
      '    api_key_env: TEST_HEYGEN_KEY',
      `    concurrency: ${concurrency}`,
      `    poll: { initial: ${poll.initial}, max: ${poll.max} }`,
      ...(options.timeout ? [`    timeout: ${options.timeout}`] : []),
    );
  }
  if (types.includes('openai-videos')) {
    providers.push(
      '  oa:',
      '    type: openai-videos',
      `    base_url: ${options.emulatorUrl}/v1`,
      '    api_key_env: TEST_OPENAI_KEY',
      `    concurrency: ${concurrency}`,
      `    poll: { initial: ${poll.initial}, max: ${poll.max} }`,
      ...(options.timeout ? [`    timeout: ${options.timeout}`] : []),
    );
  }
  if (types.includes('heygen-v3')) {
    providers.push(
      '  h3:',
      '    type: heygen-v3',
      `    base_url: ${options.emulatorUrl}`,
      '    api_key_env: TEST_HEYGEN_KEY',
      `    concurrency: ${concurrency}`,
      `    poll: { initial: ${poll.initial}, max: ${poll.max} }`,
      ...(options.timeout ? [`    timeout: ${options.timeout}`] : []),
    );
  }
  const shots: string[] = [];
  for (let i = 0; i < options.shots; i++) {
    const type = types[i % types.length];
    const id = `shot-${String(i).padStart(3, '0')}`;
    const suffix = options.promptSuffix?.(i) ?? '';
    shots.push(`  - id: ${id}`);
    shots.push(`    provider: ${ENTRY[type!].name}`);
    shots.push(`    model: ${ENTRY[type!].model}`);
    shots.push(`    prompt: "Scene number ${i}, slow dolly shot${suffix}"`);
    shots.push(`    aspect_ratio: "${i % 3 === 0 ? '9:16' : '16:9'}"`);
    if (type === 'openai-videos') shots.push('    duration: 4');
    shots.push(`    tags: [${i % 2 === 0 ? 'even' : 'odd'}]`);
  }
  return ['version: 1', 'output_dir: out', 'providers:', ...providers, 'shots:', ...shots, ''].join('\n');
}

export const TEST_KEYS = {
  TEST_HEYGEN_KEY: 'hg-test-key-0001',
  TEST_OPENAI_KEY: 'sk-test-key-0002',
};

/**
 * Jobs the emulator created (and a real provider would have billed), both APIs. Refused
 * submissions (429, 503) are requests but not jobs, so they do not count.
 */
export function submissions(stats: { jobs: { created: number } }): number {
  return stats.jobs.created;
}

/**
 * Starts campaigns: an emulator, and a workspace whose `shots.yaml` sends every shot to it.
 * Both are closed after the test that started them.
 */
export function useCampaigns(): (
  emulatorOptions: EmulatorOptions,
  manifest: Omit<CampaignOptions, 'emulatorUrl'>,
) => Promise<{ emulator: RunningEmulator; ws: Workspace }> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return async (emulatorOptions, manifest) => {
    const emulator = await startEmulator(emulatorOptions);
    cleanups.push(() => emulator.close());
    const ws = await createWorkspace();
    cleanups.push(() => ws.remove());
    await ws.write('shots.yaml', campaignManifest({ ...manifest, emulatorUrl: emulator.url }));
    return { emulator, ws };
  };
}
