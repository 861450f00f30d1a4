/**
 * API keys never leave the process except in the one header the provider needs: a full
 * campaign with recognisable keys and every fault on (rate limits, 5xx, dropped
 * connections, truncated downloads, failed jobs), as plain text and as NDJSON, a run whose
 * every request is refused with 401, `validate`, `plan` and `status`, and keys read from a
 * `.env` beside the manifest. Then every byte of stdout, stderr and every file written is
 * searched for each key, for distinctive fragments of it and for its base64 forms (as in a
 * Basic auth header or a dumped buffer): zero hits.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { parseLockText } from '../src/lock/read.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const OPENAI_KEY = 'sk-videogen-SECRET-7f3a9c1e5b';
const HEYGEN_KEY = 'hg-videogen-SECRET-2d8e4b6a0c';
const KEYS = [OPENAI_KEY, HEYGEN_KEY];
const ENV = { TEST_HEYGEN_KEY: HEYGEN_KEY, TEST_OPENAI_KEY: OPENAI_KEY };
const FAULTS = { rateLimitRate: 0.15, errorRate: 0.1, dropRate: 0.05, truncateRate: 0.05, failRate: 0.15 };

/**
 * What would betray a key: the key, its distinctive tail (a half-redacted key is still a
 * leaked key) and its base64 at each of the three byte alignments it could have inside a
 * longer encoded string, in standard and URL-safe alphabets.
 */
function needles(key: string): string[] {
  const found = new Set<string>([key, key.slice(-10), key.slice(0, 12), 'videogen-SECRET']);
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.from('\0'.repeat(shift) + key).toString('base64');
    // Drop the characters that also encode the padding bytes in front or the group at the end.
    const core = encoded.slice(Math.ceil((shift * 4) / 3) + (shift ? 1 : 0), encoded.length - 4);
    found.add(core);
    found.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...found];
}

const NEEDLES = KEYS.flatMap((key) => needles(key).map((needle) => ({ key, needle })));

interface Captured {
  label: string;
  bytes: Buffer;
}

/** Everything the runs printed and every file under the workspaces, but the `.env` the user wrote. */
const captured: Captured[] = [];

function capture(label: string, result: CliResult): CliResult {
  captured.push({ label: `${label} stdout`, bytes: Buffer.from(result.stdout) });
  captured.push({ label: `${label} stderr`, bytes: Buffer.from(result.stderr) });
  return result;
}

async function captureFiles(ws: Workspace): Promise<string[]> {
  const files = await ws.files();
  for (const file of files) {
    if (file === '.env') continue;
    captured.push({ label: `${ws.dir}/${file}`, bytes: await readFile(ws.path(file)) });
  }
  return files;
}

function manifest(heygenUrl: string, openaiUrl: string, shots: number): string {
  const lines = [
    'version: 1',
    'output_dir: out',
    'providers:',
    '  hg:',
    '    type: heygen',
    `    base_url: ${heygenUrl}`,
    '    api_key_env: TEST_HEYGEN_KEY',
    '    poll: { initial: 100ms, max: 200ms }',
    '    timeout: 20s',
    '  oa:',
    '    type: openai-videos',
    `    base_url: ${openaiUrl}/v1`,
    '    api_key_env: TEST_OPENAI_KEY',
    '    poll: { initial: 100ms, max: 200ms }',
    '    timeout: 20s',
    'shots:',
  ];
  for (let i = 0; i < shots; i++) {
    const heygen = i % 2 === 0;
    lines.push(
      `  - id: shot-${i}`,
      `    provider: ${heygen ? 'hg' : 'oa'}`,
      `    model: ${heygen ? 'veo_3_1' : 'sora-2'}`,
      `    prompt: "Secret-keeping scene ${i}, slow pan"`,
      `    aspect_ratio: "${i % 3 === 0 ? '9:16' : '16:9'}"`,
      ...(heygen ? [] : ['    duration: 4']),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('no API key in any output or file', () => {
  const emulators: RunningEmulator[] = [];
  const workspaces: Workspace[] = [];

  async function emulator(options: Parameters<typeof startEmulator>[0]): Promise<RunningEmulator> {
    const running = await startEmulator({ latencyMs: [50, 150], ...options });
    emulators.push(running);
    return running;
  }

  async function workspace(): Promise<Workspace> {
    const ws = await createWorkspace('videogen-secrets-');
    workspaces.push(ws);
    return ws;
  }

  const cli = (ws: Workspace, label: string, args: string[], env: Record<string, string> = ENV) =>
    runCli(args, { cwd: ws.dir, env, timeoutMs: 60_000 }).then((result) => capture(label, result));

  // Each emulator demands exactly its key, so a run that completes shots proves the key was sent.
  let heygen: RunningEmulator;
  let openai: RunningEmulator;
  beforeAll(async () => {
    heygen = await emulator({ seed: 101, apiKey: HEYGEN_KEY, ...FAULTS });
    openai = await emulator({ seed: 202, apiKey: OPENAI_KEY, ...FAULTS });
  });

  afterAll(async () => {
    await Promise.all(emulators.map((e) => e.close()));
    await Promise.all(workspaces.map((ws) => ws.remove()));
  });

  it('a campaign under every fault, as text and as NDJSON, then validate, plan and status', async () => {
    const ws = await workspace();
    await ws.write('shots.yaml', manifest(heygen.url, openai.url, 12));

    expect((await cli(ws, 'validate', ['validate', 'shots.yaml'])).code).toBe(0);
    expect((await cli(ws, 'validate --json', ['validate', 'shots.yaml', '--json'])).code).toBe(0);
    expect((await cli(ws, 'plan', ['plan', 'shots.yaml', '--detailed-exitcode'])).code).toBe(2);

    const text = await cli(ws, 'apply', ['apply', 'shots.yaml', '--yes', '--concurrency', '6']);
    expect([0, 1], text.stderr + text.stdout).toContain(text.code);
    const json = await cli(ws, 'apply --json', ['apply', 'shots.yaml', '--yes', '--json']);
    expect([0, 1], json.stderr).toContain(json.code);
    // NDJSON: every stdout line is one JSON event.
    for (const line of json.stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();

    await cli(ws, 'plan --json', ['plan', 'shots.yaml', '--json']);
    await cli(ws, 'status', ['status', 'shots.yaml']);
    await cli(ws, 'status --json', ['status', 'shots.yaml', '--json']);

    // The runs did real work through real faults.
    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    expect(Object.values(lock.shots).filter((entry) => entry.state === 'completed').length).toBeGreaterThan(4);
    const stats = [heygen.stats(), openai.stats()];
    expect(stats.reduce((n, s) => n + s.faults.rateLimited + s.faults.errors, 0)).toBeGreaterThan(0);
    expect(stats.reduce((n, s) => n + s.jobs.failed, 0)).toBeGreaterThan(0);
    // HeyGen's video URLs are another host: they never saw the key.
    expect(heygen.stats().authOnVideoUrls).toBe(0);

    const files = await captureFiles(ws);
    expect(files.some((f) => f.endsWith('.mp4'))).toBe(true);
    expect(files).toContain('shots.lock.yaml');
  });

  it('every request refused with 401: the errors say so, never with the key', async () => {
    const refusing = await emulator({ seed: 303, apiKey: 'the-right-key-is-something-else' });
    const ws = await workspace();
    await ws.write('shots.yaml', manifest(refusing.url, refusing.url, 4));

    const text = await cli(ws, 'apply 401', ['apply', 'shots.yaml', '--yes']);
    expect(text.code).toBe(1);
    expect(text.stdout + text.stderr).toContain('VIDEOGEN_HTTP_AUTH');
    const json = await cli(ws, 'apply 401 --json', ['apply', 'shots.yaml', '--yes', '--json']);
    expect(json.code).toBe(1);
    expect(json.stdout).toContain('VIDEOGEN_HTTP_AUTH');
    await cli(ws, 'status 401', ['status', 'shots.yaml']);

    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    expect(Object.values(lock.shots).every((entry) => entry.state === 'failed' && entry.error?.code === 'VIDEOGEN_HTTP_AUTH')).toBe(true);
    await captureFiles(ws);
  });

  it('keys from a .env beside the manifest are found, used, and never printed', async () => {
    const hg = await emulator({ seed: 404, apiKey: HEYGEN_KEY });
    const oa = await emulator({ seed: 505, apiKey: OPENAI_KEY });
    const ws = await workspace();
    await ws.write('shots.yaml', manifest(hg.url, oa.url, 4));
    await ws.write('.env', `# local keys\nTEST_HEYGEN_KEY=${HEYGEN_KEY}\nTEST_OPENAI_KEY="${OPENAI_KEY}"\n`);

    // No key in the environment: without the .env this is VIDEOGEN_API_KEY_MISSING.
    const result = await cli(ws, 'apply .env', ['apply', 'shots.yaml', '--yes'], {});
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    expect(Object.values(lock.shots).map((entry) => entry.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(hg.stats().jobs.created + oa.stats().jobs.created).toBe(4);
    await cli(ws, 'status .env', ['status', 'shots.yaml'], {});
    await cli(ws, 'plan .env', ['plan', 'shots.yaml', '--json'], {});
    await captureFiles(ws);
  });

  it('a missing key is named by its variable', async () => {
    const ws = await workspace();
    await ws.write('shots.yaml', manifest(heygen.url, openai.url, 2));
    const result = await cli(ws, 'apply missing key', ['apply', 'shots.yaml', '--yes'], { TEST_HEYGEN_KEY: HEYGEN_KEY });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('TEST_OPENAI_KEY');
    await captureFiles(ws);
  });

  // Last: searches what every test above captured.
  it('finds none of the keys, their fragments or their base64 anywhere', () => {
    expect(captured.length).toBeGreaterThan(40);
    const hits: string[] = [];
    for (const { label, bytes } of captured) {
      for (const { key, needle } of NEEDLES) {
        if (bytes.includes(needle)) hits.push(`${label}: ${needle === key ? 'the key' : `"${needle}"`} of ${key.slice(0, 3)}…`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('would have found them (the search is not blind)', () => {
    const planted = Buffer.concat([
      Buffer.from('x'),
      Buffer.from(`Authorization: Basic ${Buffer.from(`user:${OPENAI_KEY}`).toString('base64')}`),
    ]);
    expect(NEEDLES.some(({ needle }) => planted.includes(needle))).toBe(true);
    for (const shift of ['', 'a', 'ab']) {
      const encoded = Buffer.from(`${shift}${HEYGEN_KEY}!`).toString('base64url');
      expect(NEEDLES.some(({ needle }) => encoded.includes(needle)), `shift ${shift.length}`).toBe(true);
    }
  });
});
