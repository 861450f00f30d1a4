/** Generated manifests for end-to-end runs, and the emulator and project folder they run against. */
import { afterEach } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server.js';
import { HttpClient } from '../../src/http/client.js';
import { serializeLock } from '../../src/lock/serialize.js';
import type { Lock } from '../../src/lock/types.js';
import { loadManifest } from '../../src/manifest/load.js';
import { EMULATOR_ACCESS_TOKEN } from '../../src/emulator/vertex/tokens.js';
import { createProvider, providerModule } from '../../src/providers/registry.js';
import { createWorkspace, type Workspace } from './workspace.js';
import type { LockWriter } from '../../src/lock/lock-writer.js';
import { emptyLock } from '../../src/lock/types.js';
import type { Manifest } from '../../src/manifest/types.js';
import { planShots } from '../../src/plan/plan.js';
import type { Provider } from '../../src/providers/types.js';
import type { ShotEvent } from '../../src/report/types.js';
import { executePlan, type ExecuteResult } from '../../src/run/executor.js';

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

export type CampaignType = 'heygen' | 'openai-videos' | 'heygen-v3' | 'fal' | 'openrouter' | 'vertex-veo' | 'replicate' | 'runway';

/**
 * How each type's provider entry is written against the emulator: its name, key variable and
 * model (every other shot `alternate`, where set), settings beyond base_url, and per-shot
 * fields its API needs. The base URL is the emulator's plus the module's own path.
 */
interface CampaignEntry {
  name: string;
  keyEnv: keyof typeof TEST_KEYS;
  model: string;
  alternate?: string;
  settings?: (emulatorUrl: string) => string[];
  shot?: string[];
}

const ENTRY: Record<CampaignType, CampaignEntry> = {
  heygen: { name: 'hg', keyEnv: 'TEST_HEYGEN_KEY', model: 'veo_3_1' },
  'openai-videos': { name: 'oa', keyEnv: 'TEST_OPENAI_KEY', model: 'veo-3.1-fast-generate-001', shot: ['duration: 4'] },
  'heygen-v3': { name: 'h3', keyEnv: 'TEST_HEYGEN_KEY', model: 'heygen-video-1' },
  // Two fal families, so both duration spellings ("4s", "4") go out.
  fal: {
    name: 'fa',
    keyEnv: 'TEST_FAL_KEY',
    model: 'fal-ai/veo3.1/fast',
    alternate: 'bytedance/seedance-2.0/text-to-video',
    settings: (url) => [`rest_url: ${url}/fal/rest`, `platform_url: ${url}/fal/api`],
    shot: ['duration: 4'],
  },
  openrouter: { name: 'or', keyEnv: 'TEST_OPENROUTER_KEY', model: 'google/veo-3.1-fast', shot: ['duration: 4'] },
  'vertex-veo': { name: 'vx', keyEnv: 'TEST_VERTEX_TOKEN', model: 'veo-3.1-fast-generate-001', settings: (url) => ['project: campaign-test', `storage_url: ${url}/storage/v1`] },
  replicate: { name: 'rep', keyEnv: 'TEST_REPLICATE_TOKEN', model: 'google/veo-3.1' },
  runway: { name: 'rw', keyEnv: 'TEST_RUNWAY_SECRET', model: 'gen4.5', shot: ['duration: 5'] },
};

export const ALL_CAMPAIGN_TYPES = Object.keys(ENTRY) as CampaignType[];

export function campaignManifest(options: CampaignOptions): string {
  const types = options.types ?? ['heygen', 'openai-videos'];
  const poll = options.poll ?? { initial: '100ms', max: '300ms' };
  const concurrency = options.concurrency ?? 4;
  const providers: string[] = [];
  for (const type of types) {
    const entry = ENTRY[type];
    providers.push(
      `  ${entry.name}:`,
      `    type: ${type}`,
      `    base_url: ${options.emulatorUrl}${providerModule(type).emulatorPath}`,
      ...(entry.settings?.(options.emulatorUrl) ?? []).map((line) => `    ${line}`),
      `    api_key_env: ${entry.keyEnv}`,
      `    concurrency: ${concurrency}`,
      `    poll: { initial: ${poll.initial}, max: ${poll.max} }`,
      ...(options.timeout ? [`    timeout: ${options.timeout}`] : []),
    );
  }
  const shots: string[] = [];
  for (let i = 0; i < options.shots; i++) {
    const entry = ENTRY[types[i % types.length]!];
    const id = `shot-${String(i).padStart(3, '0')}`;
    const suffix = options.promptSuffix?.(i) ?? '';
    shots.push(`  - id: ${id}`);
    shots.push(`    provider: ${entry.name}`);
    shots.push(`    model: ${i % 2 === 1 && entry.alternate ? entry.alternate : entry.model}`);
    shots.push(`    prompt: "Scene number ${i}, slow dolly shot${suffix}"`);
    shots.push(`    aspect_ratio: "${i % 3 === 0 ? '9:16' : '16:9'}"`);
    for (const line of entry.shot ?? []) shots.push(`    ${line}`);
    shots.push(`    tags: [${i % 2 === 0 ? 'even' : 'odd'}]`);
  }
  return ['version: 1', 'output_dir: out', 'providers:', ...providers, 'shots:', ...shots, ''].join('\n');
}

export const TEST_KEYS = {
  TEST_HEYGEN_KEY: 'hg-test-key-0001',
  TEST_OPENAI_KEY: 'sk-test-key-0002',
  TEST_FAL_KEY: 'fal-test-key-id:fal-test-key-0003',
  TEST_OPENROUTER_KEY: 'sk-or-test-key-0004',
  // The emulator's Vertex routes take exactly the access token they issue.
  TEST_VERTEX_TOKEN: EMULATOR_ACCESS_TOKEN,
  TEST_REPLICATE_TOKEN: 'r8_test_token_0005',
  TEST_RUNWAY_SECRET: 'key_test_secret_0006',
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

/**
 * What a crash right after each submission's POST leaves: the provider has the jobs, the lock
 * only the intents (`submitted` without a job id), recorded a second before.
 */
export async function submitAndLoseTheAnswers(ws: Workspace): Promise<void> {
  const manifest = await loadManifest(ws.path('shots.yaml'));
  const http = new HttpClient();
  const intents: Lock = { version: 1, shots: {} };
  const submittedAt = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  try {
    for (const shot of manifest.shots) {
      const config = manifest.providers.get(shot.providerName)!;
      const apiKey = (TEST_KEYS as Record<string, string>)[config.apiKeyEnv] ?? '';
      await (await createProvider(config, { http, apiKey })).submit(shot, { signal: new AbortController().signal });
      intents.shots[shot.id] = { spec_hash: shot.specHash, spec: shot.spec, state: 'submitted', provider: shot.providerName, submitted_at: submittedAt };
    }
  } finally {
    await http.close();
  }
  await ws.write('shots.lock.yaml', serializeLock(intents));
}

/** The manifest's providers on `http`, each with its test key (TEST_KEYS, by the entry's key variable). */
export async function testProviders(manifest: Manifest, http: HttpClient): Promise<Map<string, Provider>> {
  const entries = await Promise.all(
    [...manifest.providers.values()].map(
      async (config) => [config.name, await createProvider(config, { http, apiKey: (TEST_KEYS as Record<string, string>)[config.apiKeyEnv] ?? '' })] as const,
    ),
  );
  return new Map(entries);
}

/** Every shot of `manifest`, none in the lock yet, through the executor with `lock`; its summary and the events it reported. */
export async function executeAllNew(
  manifest: Manifest,
  providers: Map<string, Provider>,
  lock: LockWriter,
): Promise<{ summary: ExecuteResult['summary']; events: ShotEvent[] }> {
  const events: ShotEvent[] = [];
  const { summary } = await executePlan({
    manifest,
    plan: planShots(manifest.shots, emptyLock(), new Map()),
    lock,
    providers,
    reporter: { onShot: (event) => events.push(event) },
    stop: new AbortController().signal,
  });
  return { summary, events };
}
