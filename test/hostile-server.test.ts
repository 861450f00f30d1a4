/**
 * The real CLI against providers that misbehave: HTML instead of MP4, bodies that never
 * end or lie about their length, a slow loris, a year-long Retry-After, redirects to
 * other hosts and in circles, statuses that flap, jobs that never finish, JSON that is
 * broken or enormous, 500s and 401s. In every case videogen must end within its timeouts,
 * never leave a bad file (or a `.part`) at the output path, leave the lock saying what is
 * true (`submitted` while a paid job may still be collected, `failed` only when the
 * provider said so), and never send the key to a host other than the provider's.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLockText } from '../src/lock/read.js';
import type { LockEntry } from '../src/lock/types.js';
import { runCli, type CliResult } from './helpers/cli.js';
import {
  GOOD_MP4,
  closeDelimited,
  endlessBody,
  hang,
  hugeJson,
  json,
  lyingLength,
  redirect,
  slowLoris,
  startFakeProvider,
  status,
  text,
  type FakeApi,
  type FakeProvider,
  type FakeProviderScript,
  type Responder,
} from './helpers/hostile-server.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const KEYS: Record<FakeApi, string> = {
  'openai-videos': 'oa-hostile-Zq8Wm3Lp7Tx2',
  heygen: 'hg-hostile-Rk4Vn9Bc1Hy6',
};
const SHOT = 'hostile';
const OUTPUT = `out/${SHOT}.mp4`;
const GOOD_SHA = createHash('sha256').update(GOOD_MP4).digest('hex');
/** Per-job timeout and download timeout written into every manifest. */
const JOB_TIMEOUT_MS = 1500;
const DOWNLOAD_TIMEOUT_MS = 1500;
/** Starting node, planning, the lock: what a run costs before the provider is even asked. */
const STARTUP_MS = 5000;
/** One poll's worth of HTTP retries (5 tries, full jitter from 0.5 s): at most 7.5 s. */
const POLL_RETRY_BUDGET_MS = 7500;
/**
 * A submission refused with 429 is asked again after 1-2 s, then 2-4 s, while the job
 * timeout has not passed, even when the server asked for a year: at most 5.5 s here.
 */
const SUBMIT_RATE_LIMIT_BUDGET_MS = 5500;

interface Run {
  result: CliResult;
  output: string;
  elapsedMs: number;
  lockText: string;
  lock: LockEntry | undefined;
}

interface Scenario {
  api: FakeApi;
  fake: FakeProvider;
  ws: Workspace;
  apply(): Promise<Run>;
}

// Scenarios run concurrently, so each one's servers and folder are cleaned up at the end.
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function manifest(api: FakeApi, baseUrl: string): string {
  return [
    'version: 1',
    'output_dir: out',
    'providers:',
    '  p:',
    `    type: ${api}`,
    `    base_url: ${baseUrl}`,
    '    api_key_env: HOSTILE_KEY',
    '    poll: { initial: 50ms, max: 100ms }',
    `    timeout: ${JOB_TIMEOUT_MS}ms`,
    `    download_timeout: ${DOWNLOAD_TIMEOUT_MS}ms`,
    'shots:',
    `  - id: ${SHOT}`,
    '    provider: p',
    `    model: ${api === 'heygen' ? 'veo_3_1' : 'sora-2'}`,
    '    prompt: A lighthouse in a storm, slow push-in',
    '    aspect_ratio: "16:9"',
    ...(api === 'openai-videos' ? ['    duration: 4'] : []),
    '',
  ].join('\n');
}

async function scenario(script: FakeProviderScript): Promise<Scenario> {
  const fake = await startFakeProvider(script);
  const ws = await createWorkspace('videogen-hostile-');
  cleanups.push(() => ws.remove(), () => fake.close());
  await ws.write('shots.yaml', manifest(script.api, fake.baseUrl));
  return {
    api: script.api,
    fake,
    ws,
    async apply() {
      const started = Date.now();
      const result = await runCli(['apply', 'shots.yaml', '--yes'], {
        cwd: ws.dir,
        env: { HOSTILE_KEY: KEYS[script.api] },
        timeoutMs: 60_000,
      });
      const elapsedMs = Date.now() - started;
      const lockText = (await ws.exists('shots.lock.yaml')) ? await ws.read('shots.lock.yaml') : '';
      const lock = lockText === '' ? undefined : parseLockText(lockText, 'shots.lock.yaml').shots[SHOT];
      return { result, output: result.stdout + result.stderr, elapsedMs, lockText, lock };
    },
  };
}

/**
 * The invariants every scenario shares: the output is absent or a verified good MP4 that
 * the lock records, nothing half-written is left, the mutex is released, the key stayed
 * with the provider and out of every output.
 */
async function expectInvariants(s: Scenario, run: Run): Promise<void> {
  const key = KEYS[s.api];
  const files = await s.ws.files();
  expect(files.filter((f) => f.endsWith('.part')), 'no .part left behind').toEqual([]);
  expect(files, 'the apply mutex is released').not.toContain('shots.lock.yaml.pid');
  if (await s.ws.exists(OUTPUT)) {
    expect(await s.ws.sha256(OUTPUT), 'an output on disk is the good video').toBe(GOOD_SHA);
    expect(run.lock?.state).toBe('completed');
    expect(run.lock?.output?.sha256).toBe(GOOD_SHA);
  } else {
    expect(run.lock?.state).not.toBe('completed');
  }
  // The provider did get the key (the fake answers 401 without it)...
  expect(s.fake.requests.some((r) => r.host === 'provider')).toBe(true);
  // ...and no other host ever saw it, in a header or in the URL.
  for (const request of s.fake.requests.filter((r) => r.host === 'elsewhere')) {
    expect(request.headers.authorization, request.url).toBeUndefined();
    expect(request.headers['x-api-key'], request.url).toBeUndefined();
    expect(JSON.stringify(request)).not.toContain(key);
  }
  expect(run.output).not.toContain(key);
  expect(run.lockText).not.toContain(key);
  expect(run.result.signal, 'not killed by the test timeout').toBeNull();
}

function submits(s: Scenario): number {
  return s.fake.count('provider', 'POST', s.api === 'openai-videos' ? '/v1/videos' : '/v1/workflows/executions');
}

const always =
  <T>(value: T) =>
  (): T =>
    value;

const YEAR_SECONDS = String(365 * 24 * 3600);
const htmlPage = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

describe.concurrent('hostile servers: downloads', () => {
  for (const api of ['openai-videos', 'heygen'] as const) {
    it(`${api}: an HTML page served with 200 as the video is not saved`, async () => {
      const s = await scenario({ api, content: text(200, htmlPage, 'text/html') });
      const run = await s.apply();
      expect(run.result.code, run.output).toBe(1);
      expect(run.output).toContain('VIDEOGEN_DOWNLOAD_NOT_MP4');
      expect(run.lock?.state).toBe('submitted');
      expect(run.lock?.job_id).toBe(s.fake.jobId);
      expect(await s.ws.exists(OUTPUT)).toBe(false);
      expect(run.elapsedMs).toBeLessThan(STARTUP_MS + DOWNLOAD_TIMEOUT_MS);
      await expectInvariants(s, run);
    });
  }

  for (const [label, content] of [
    ['an endless (well-formed) body', endlessBody()],
    ['a slow loris (one byte a second)', slowLoris(1000)],
  ] as const) {
    it(`${label} ends at the download timeout`, async () => {
      const s = await scenario({ api: 'openai-videos', content });
      const run = await s.apply();
      expect(run.result.code, run.output).toBe(1);
      expect(run.output).toContain('VIDEOGEN_DOWNLOAD_TIMEOUT');
      expect(run.lock?.state).toBe('submitted');
      expect(run.elapsedMs).toBeLessThan(STARTUP_MS + DOWNLOAD_TIMEOUT_MS + 2000);
      await expectInvariants(s, run);
    });
  }

  it('a Content-Length larger than the body is a truncated download, not an output', async () => {
    const s = await scenario({ api: 'heygen', content: lyingLength(GOOD_MP4.length + 1000, GOOD_MP4) });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toMatch(/VIDEOGEN_DOWNLOAD_(TRUNCATED|TIMEOUT)/);
    expect(run.lock?.state).toBe('submitted');
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + DOWNLOAD_TIMEOUT_MS + 2000);
    await expectInvariants(s, run);
  });

  for (const [label, api, content] of [
    ['a Content-Length smaller than the video', 'openai-videos', lyingLength(GOOD_MP4.length - 1000, GOOD_MP4)],
    ['a body without a length that stops early', 'heygen', closeDelimited(GOOD_MP4.subarray(0, GOOD_MP4.length - 700))],
  ] as const) {
    it(`${label} does not pass a cut-off MP4 as good`, async () => {
      const s = await scenario({ api, content });
      const run = await s.apply();
      expect(run.result.code, run.output).toBe(1);
      expect(run.output).toMatch(/VIDEOGEN_DOWNLOAD_(TRUNCATED|TIMEOUT)/);
      expect(run.lock?.state).toBe('submitted');
      expect(await s.ws.exists(OUTPUT)).toBe(false);
      await expectInvariants(s, run);
    });
  }

  it('follows a 302 to another host for the content without sending it the key', async () => {
    const s = await scenario({
      api: 'openai-videos',
      content: redirect((ctx) => `${ctx.elsewhereUrl}/cdn/${ctx.jobId}.mp4?sig=abc`),
    });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(0);
    expect(run.lock?.state).toBe('completed');
    expect(await s.ws.sha256(OUTPUT)).toBe(GOOD_SHA);
    expect(s.fake.count('elsewhere', 'GET', '/cdn/')).toBe(1);
    // The content request on the provider's own host did carry it.
    const content = s.fake.requests.find((r) => r.host === 'provider' && r.url.includes('/content'));
    expect(content?.headers.authorization).toBe(`Bearer ${KEYS['openai-videos']}`);
    await expectInvariants(s, run);
  });

  it('gives up on a redirect loop between two hosts', async () => {
    const loop = redirect((ctx, req) => {
      const hop = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('hop') ?? '0') + 1;
      return `${ctx.elsewhereUrl}/loop?hop=${hop}`;
    });
    const s = await scenario({ api: 'openai-videos', content: loop, elsewhere: loop });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toMatch(/redirects/);
    expect(run.lock?.state).toBe('submitted');
    expect(s.fake.count('elsewhere', 'GET', '/loop')).toBeLessThanOrEqual(10);
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + DOWNLOAD_TIMEOUT_MS);
    await expectInvariants(s, run);
  });
});

describe.concurrent('hostile servers: job status', () => {
  // Decision: `completed` is final. The first poll that says so is acted on and nobody
  // polls again; a status flapping back afterwards changes nothing, as long as the
  // video is served. If it is not, the shot stays `submitted` for the next apply.
  it('a status flapping back from completed: the video is downloaded once it was completed', async () => {
    const s = await scenario({ api: 'openai-videos', poll: (n) => status(n === 2 ? 'completed' : n > 2 ? 'running' : 'queued') });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(0);
    expect(run.lock?.state).toBe('completed');
    expect(s.fake.count('provider', 'GET', `/v1/videos/${s.fake.jobId}`) - s.fake.count('provider', 'GET', `/v1/videos/${s.fake.jobId}/content`)).toBe(2);
    await expectInvariants(s, run);
  });

  it('a status flapping back from completed with the video gone: stays submitted', async () => {
    const s = await scenario({
      api: 'heygen',
      poll: (n) => status(n === 1 ? 'completed' : 'running'),
      content: json(404, { error: 'NoSuchKey' }),
    });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.lock?.state).toBe('submitted');
    expect(run.lock?.job_id).toBe(s.fake.jobId);
    expect(submits(s)).toBe(1);
    await expectInvariants(s, run);
  });

  it('a job that never finishes times out, stays submitted, and the next apply resumes it', async () => {
    const s = await scenario({ api: 'heygen', poll: always(status('running')) });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toContain('VIDEOGEN_JOB_TIMEOUT');
    expect(run.output).toMatch(/next apply resumes it/);
    expect(run.lock?.state).toBe('submitted');
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + JOB_TIMEOUT_MS + 1500);
    await expectInvariants(s, run);

    s.fake.rescript({ poll: always(status('completed')) });
    const again = await s.apply();
    expect(again.result.code, again.output).toBe(0);
    expect(again.lock?.state).toBe('completed');
    expect(submits(s)).toBe(1);
    await expectInvariants(s, again);
  });

  it('a provider that says failed marks the shot failed', async () => {
    const s = await scenario({ api: 'openai-videos', poll: always(status('failed')) });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.lock?.state).toBe('failed');
    expect(run.lock?.error?.code).toBe('moderation_blocked');
    await expectInvariants(s, run);
  });

  for (const api of ['openai-videos', 'heygen'] as const) {
    it(`${api}: a failure message echoing the key back never reaches the lock or the output`, async () => {
      const echo: Responder = (req, res, ctx) => {
        const key = ctx.api === 'heygen' ? String(req.headers['x-api-key']) : String(req.headers.authorization).replace(/^Bearer /, '');
        const error = { code: `denied_${key}`, message: `the key ${key} may not use this model` };
        const body =
          ctx.api === 'heygen'
            ? { data: { execution_id: ctx.jobId, status: 'failed', error, output: { video_id: key } } }
            : { id: ctx.jobId, object: 'video', status: 'failed', error };
        json(200, body)(req, res, ctx);
      };
      const s = await scenario({ api, poll: always(echo) });
      const run = await s.apply();
      expect(run.result.code, run.output).toBe(1);
      expect(run.lock?.state).toBe('failed');
      expect(run.lock?.error?.message).toContain('may not use this model');
      await expectInvariants(s, run);
    });
  }

  it('malformed JSON on poll: keeps polling until the timeout, stays submitted', async () => {
    const s = await scenario({ api: 'openai-videos', poll: always(text(200, '{"id":"video_hostile_0001","status":', 'application/json')) });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toContain('VIDEOGEN_JOB_TIMEOUT');
    expect(run.lock?.state).toBe('submitted');
    expect(s.fake.count('provider', 'GET', '/v1/videos/')).toBeGreaterThan(2);
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + JOB_TIMEOUT_MS + 1500);
    await expectInvariants(s, run);
  });

  it('100 MB of JSON on poll: read up to a cap, not into memory whole, and the run ends in time', async () => {
    const meter = { mostSent: 0 };
    const s = await scenario({ api: 'heygen', poll: always(hugeJson(100 * 1024 * 1024, meter)) });
    const run = await s.apply();
    // The client hung up after its 16 MiB cap (plus what socket buffers held), every time.
    expect(meter.mostSent).toBeGreaterThan(0);
    expect(meter.mostSent).toBeLessThan(40 * 1024 * 1024);
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toContain('VIDEOGEN_JOB_TIMEOUT');
    expect(run.lock?.state).toBe('submitted');
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + JOB_TIMEOUT_MS + 4000);
    await expectInvariants(s, run);
  });

  it('a 500 on every poll: the job stays submitted after the timeout', async () => {
    const s = await scenario({ api: 'openai-videos', poll: always(json(500, { error: { message: 'upstream exploded' } })) });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toContain('VIDEOGEN_JOB_TIMEOUT');
    expect(run.lock?.state).toBe('submitted');
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + JOB_TIMEOUT_MS + POLL_RETRY_BUDGET_MS + 1000);
    await expectInvariants(s, run);
  });

  it('a 401 on poll fails the shot at once and keeps the job submitted', async () => {
    const s = await scenario({ api: 'heygen', poll: always(json(401, { error: { code: 'unauthorized', message: 'Invalid API key' } })) });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toContain('VIDEOGEN_HTTP_AUTH');
    expect(run.output).toContain('stays submitted');
    expect(run.lock?.state).toBe('submitted');
    expect(run.lock?.job_id).toBe(s.fake.jobId);
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + JOB_TIMEOUT_MS);
    await expectInvariants(s, run);
  });
});

describe.concurrent('hostile servers: submission', () => {
  it('429 with a Retry-After of a year on submit (seconds): fails fast, refused at the door', async () => {
    const s = await scenario({
      api: 'openai-videos',
      submit: json(429, { error: { message: 'Quota exceeded', code: 'rate_limit_exceeded' } }, { 'retry-after': YEAR_SECONDS }),
    });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toContain('VIDEOGEN_HTTP_RATE_LIMIT');
    // No job exists, so `failed` (the next apply retries it) is the truth.
    expect(run.lock?.state).toBe('failed');
    expect(run.lock?.job_id).toBeUndefined();
    expect(submits(s)).toBeLessThanOrEqual(3);
    expect(run.output).toMatch(/longer than videogen waits/);
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + SUBMIT_RATE_LIMIT_BUDGET_MS);
    await expectInvariants(s, run);
  });

  it('429 with a Retry-After of a year on submit (HTTP date): fails fast', async () => {
    const nextYear = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
    const s = await scenario({
      api: 'heygen',
      submit: json(429, { error: { code: 'rate_limit_exceeded', message: 'Too many requests' } }, { 'retry-after': nextYear }),
    });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toContain('VIDEOGEN_HTTP_RATE_LIMIT');
    expect(run.lock?.state).toBe('failed');
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + SUBMIT_RATE_LIMIT_BUDGET_MS);
    await expectInvariants(s, run);
  });

  it('429 with a Retry-After of a year on poll: does not wait a year, stays submitted', async () => {
    const s = await scenario({
      api: 'openai-videos',
      poll: always(json(429, { error: { message: 'Slow down', code: 'rate_limit_exceeded' } }, { 'retry-after': YEAR_SECONDS })),
    });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.lock?.state).toBe('submitted');
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + JOB_TIMEOUT_MS + 1500);
    await expectInvariants(s, run);
  });

  // A 200 whose body is not the API's answer means the job may well exist, and be billed,
  // under an id we never learnt. The shot is not submitted again in this run; the lock keeps
  // the intent (`submitted`, no job id), and the message says the job may have been created.
  it('openai-videos: malformed JSON in a 200 to the submit; the next apply finds the job instead of paying twice', async () => {
    const s = await scenario({ api: 'openai-videos', submit: text(200, '{"id":"video_hostile_0001","status":"que', 'application/json') });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toMatch(/may have been created/);
    expect(run.lock?.state).toBe('submitted');
    expect(run.lock?.job_id).toBeUndefined();
    expect(submits(s)).toBe(1);
    expect(run.elapsedMs).toBeLessThan(STARTUP_MS + JOB_TIMEOUT_MS);
    await expectInvariants(s, run);

    // The provider lists the video that garbled answer created: adopt it, do not submit again.
    s.fake.rescript({ submit: undefined });
    const again = await s.apply();
    expect(again.result.code, again.output).toBe(0);
    expect(again.lock?.state).toBe('completed');
    expect(again.lock?.job_id).toBe(s.fake.jobId);
    expect(submits(s)).toBe(1);
    await expectInvariants(s, again);
  });

  it('heygen: malformed JSON in a 200 to the submit; the next apply warns that it may bill twice', async () => {
    const s = await scenario({ api: 'heygen', submit: text(200, '{"data":{"execution_id":"exec-', 'application/json') });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toMatch(/may have been created/);
    expect(run.lock?.state).toBe('submitted');
    expect(run.lock?.job_id).toBeUndefined();
    expect(submits(s)).toBe(1);
    await expectInvariants(s, run);

    // HeyGen's API cannot list executions: submitting again is the only way on, said out loud.
    s.fake.rescript({ submit: undefined });
    const again = await s.apply();
    expect(again.result.code, again.output).toBe(0);
    expect(again.output).toMatch(/may bill it twice/);
    expect(again.lock?.state).toBe('completed');
    expect(submits(s)).toBe(2);
    await expectInvariants(s, again);
  });

  it('a 200 to the submit with JSON but no job id says the job may have been created', async () => {
    const s = await scenario({ api: 'heygen', submit: json(200, { data: { status: 'accepted' } }) });
    const run = await s.apply();
    expect(run.result.code, run.output).toBe(1);
    expect(run.output).toMatch(/may have been created/);
    expect(submits(s)).toBe(1);
    await expectInvariants(s, run);
  });
});

/**
 * The HTTP client's own limits (60 s for headers, 60 s for a body, up to 5 tries,
 * Retry-After honoured up to 5 minutes) are far longer than a short job `timeout`: the
 * executor hands each poll a signal that aborts at the job's deadline.
 */
describe.concurrent('hostile servers: a single poll outliving the job timeout', () => {
  const trickle = (): ReturnType<typeof hang> => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 500);
    res.on('close', () => clearInterval(timer));
  };
  for (const [label, poll] of [
    ['a poll that is never answered', hang()],
    ['a poll whose JSON trickles in a byte every half second', trickle()],
    ['a poll answered 429 with Retry-After of four minutes', json(429, { error: { message: 'Slow down' } }, { 'retry-after': '240' })],
  ] as const) {
    it(`${label}: ends at the job timeout, stays submitted`, async () => {
      const s = await scenario({ api: 'openai-videos', poll: always(poll) });
      const run = await s.apply();
      expect(run.result.code, run.output).toBe(1);
      expect(run.output).toContain('VIDEOGEN_JOB_TIMEOUT');
      expect(run.lock?.state).toBe('submitted');
      expect(run.elapsedMs).toBeLessThan(STARTUP_MS + JOB_TIMEOUT_MS + 1500);
      await expectInvariants(s, run);
    });
  }
});
