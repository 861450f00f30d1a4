/**
 * An inline Vertex video (base64 inside the operation's JSON) is streamed to disk, never held:
 * `videogen apply` fetches a 1 MB and a 48 MB inline video (64 MB of base64 text) in fresh
 * processes, and its peak RSS (bench/rss-probe.mjs) must not grow with the size. Holding the
 * text, or the decoded video, would add 48 MB or more. What the child has not yet collected
 * is not held, so it is kept out of the figure two ways: a 2 MB young generation (Node 24's
 * V8 sizes it from the machine's memory, tens of MB here, and a 64 MB stream's short-lived
 * chunks fill it: +30 MB in CI without the flag), and a full collection every 20 ms
 * (test/helpers/collect-garbage-often.mjs: chunks promoted to the old generation wait there
 * for V8's next full collection, +24 MB in CI without it).
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { EMULATOR_ACCESS_TOKEN } from '../src/emulator/vertex/tokens.js';
import { parseLockText } from '../src/lock/read.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const MiB = 1024 * 1024;
const RSS_PROBE = path.join(REPO_ROOT, 'bench', 'rss-probe.mjs');
const COLLECT_OFTEN = path.join(REPO_ROOT, 'test', 'helpers', 'collect-garbage-often.mjs');

describe('vertex-veo inline videos', () => {
  let ws: Workspace;
  const emulators: RunningEmulator[] = [];
  beforeAll(async () => {
    ws = await createWorkspace();
  });
  afterAll(async () => {
    await Promise.all(emulators.map((emu) => emu.close()));
    await ws?.remove();
  });

  /** One shot whose video is `bytes` long, applied in a fresh process: its peak RSS. */
  async function peakRss(bytes: number): Promise<number> {
    const emu = await startEmulator({ latencyMs: 100, videoBytes: bytes });
    emulators.push(emu);
    await rm(ws.path('shots.lock.yaml'), { force: true });
    await rm(ws.path('out'), { recursive: true, force: true });
    await ws.write(
      'shots.yaml',
      `version: 1
providers:
  veo: { type: vertex-veo, project: memory-test, base_url: ${emu.url}/v1, poll: { initial: 100ms, max: 200ms } }
shots:
  - { id: big, prompt: A long slow pan over a glacier }
`,
    );
    const rssFile = ws.path(`rss-${bytes}.json`);
    const result = await runCli(['apply', 'shots.yaml', '--yes'], {
      cwd: ws.dir,
      nodeArgs: ['--max-semi-space-size=2', '--expose-gc', '--import', COLLECT_OFTEN, '--import', RSS_PROBE],
      env: { GOOGLE_OAUTH_ACCESS_TOKEN: EMULATOR_ACCESS_TOKEN, BENCH_RSS_FILE: rssFile },
      timeoutMs: 120_000,
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const entry = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml').shots.big!;
    expect(entry.output?.bytes).toBe(bytes);
    expect(await ws.sha256(entry.output!.path)).toBe(entry.output!.sha256);
    return (JSON.parse(await readFile(rssFile, 'utf8')) as { maxRssBytes: number }).maxRssBytes;
  }

  it('are decoded into the file with flat memory, whatever their size', async () => {
    const small = await peakRss(1 * MiB);
    const large = await peakRss(48 * MiB);
    expect(large - small, `peak RSS ${Math.round(small / MiB)} MB for 1 MB, ${Math.round(large / MiB)} MB for 48 MB`).toBeLessThan(20 * MiB);
  }, 180_000);
});
