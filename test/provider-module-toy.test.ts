/**
 * Adding an API is one module plus its routes (DESIGN.md "Providers"): a toy module defined in
 * a test fixture (test/fixtures/toy-provider/register.mjs, plain JavaScript, nothing under src/)
 * is registered before the real CLI starts and runs validate → plan → apply → rerun against a
 * toy API on loopback. Its credential header has a name no built-in module uses, and its
 * video URL redirects to another origin: the key must not follow.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLockText } from '../src/lock/read.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';
import { expectOutputsMatchLock } from './helpers/lock-outputs.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const REGISTER = join(REPO_ROOT, 'test', 'fixtures', 'toy-provider', 'register.mjs');
const VIDEO = readFileSync(join(REPO_ROOT, 'assets', 'videos', '16x9.mp4'));
const KEY = 'toy-secret-key-0123456789';

interface ToyApi {
  url: string;
  jobsCreated: number;
  keysSeenByCdn: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The toy API (jobs done 100 ms after creation) and its CDN on another origin. */
async function startToyApi(): Promise<ToyApi> {
  const state = { jobsCreated: 0, keysSeenByCdn: 0 };
  const created = new Map<string, number>();
  const cdn = createServer((req, res) => {
    if (req.headers['x-toy-key'] !== undefined) state.keysSeenByCdn += 1;
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(VIDEO.length) });
    res.end(VIDEO);
  });
  const cdnUrl = await listen(cdn);
  const api = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = req.url ?? '/';
    if (path.startsWith('/videos/')) {
      res.writeHead(302, { location: `${cdnUrl}/files${path.slice('/videos'.length)}.mp4` });
      res.end();
      return;
    }
    if (req.headers['x-toy-key'] !== KEY) return json(401, { error: 'bad key' });
    if (req.method === 'POST' && path === '/jobs') {
      req.resume();
      const id = `toy-${++state.jobsCreated}`;
      created.set(id, Date.now());
      return json(200, { id });
    }
    const job = /^\/jobs\/([\w-]+)$/.exec(path)?.[1];
    if (req.method === 'GET' && job && created.has(job)) {
      const done = Date.now() - created.get(job)! >= 100;
      return json(200, done ? { status: 'done', video: `http://${req.headers.host}/videos/${job}` } : { status: 'working' });
    }
    json(404, { error: 'no such route' });
  });
  const url = await listen(api);
  return {
    url,
    get jobsCreated() {
      return state.jobsCreated;
    },
    get keysSeenByCdn() {
      return state.keysSeenByCdn;
    },
    close: async () => {
      await Promise.all([api, cdn].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

describe('a provider module registered from outside src/', () => {
  let toy: ToyApi;
  let ws: Workspace;
  const cli = (...args: string[]) =>
    runCli(args, { cwd: ws.dir, nodeArgs: ['--import', REGISTER], env: { TOY_API_KEY: KEY }, timeoutMs: 60_000 });
  const manifest = (duration: number) => `version: 1
providers:
  t:
    type: toy
    base_url: ${toy.url}
shots:
  - { id: one, prompt: A paper boat }
  - { id: two, prompt: A kite over dunes, duration: 4 }
  - { id: three, prompt: Rain on a window, duration: ${duration} }
`;

  beforeAll(async () => {
    toy = await startToyApi();
    ws = await createWorkspace();
  });
  afterAll(async () => {
    await toy?.close();
    await ws?.remove();
  });

  it('is checked by its own rules at validate time', async () => {
    await ws.write('shots.yaml', manifest(3));
    const result = await cli('validate', 'shots.yaml');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('shots[2].duration: provider `t`: toy accepts a duration of 2, 4, not 3');
  });

  it('validates, plans, applies and reruns through the real CLI', async () => {
    await ws.write('shots.yaml', manifest(2));
    const validate = await cli('validate', 'shots.yaml');
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('valid (3 shots, 1 provider');

    const plan = await cli('plan', 'shots.yaml');
    expect(plan.stdout).toContain('Plan: 3 to create');

    const apply = await cli('apply', 'shots.yaml', '--yes');
    expect(apply.code, apply.stderr).toBe(0);
    expect(toy.jobsCreated).toBe(3);
    expect(toy.keysSeenByCdn).toBe(0);
    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    for (const id of ['one', 'two', 'three']) {
      const entry = lock.shots[id]!;
      expect(entry).toMatchObject({ state: 'completed', provider: 't', spec: { provider: 'toy', model: 'toy-1' } });
    }
    await expectOutputsMatchLock(ws, lock);
    expect(lock.shots.two!.spec.duration).toBe(4);
    expect(`${apply.stdout}${apply.stderr}${await ws.read('shots.lock.yaml')}`).not.toContain(KEY);

    const rerun = await cli('apply', 'shots.yaml', '--yes');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('No changes');
    expect(toy.jobsCreated).toBe(3);
  });

  it('appears in `videogen models`', async () => {
    const models = await cli('models', 'toy');
    expect(models.code).toBe(0);
    expect(models.stdout).toContain('toy: A toy video API, defined in a test file');
    expect(models.stdout).toMatch(/toy-1\s+2, 4 s/);
  });
});
