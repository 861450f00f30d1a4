/** The emulator's HeyGen workflow API and its temporary video URLs, over real HTTP. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  HEYGEN_KEY,
  PNG_1X1,
  expectServedMp4,
  generateVideoBody,
  heygen,
  mp4Boxes,
  observe,
  pollHeygen,
  sleep,
  stillWithin,
  trackDimensions,
  useEmulators,
} from './emulator-helpers.js';

const start = useEmulators();

describe('HeyGen: submit, poll, download', () => {
  it('walks submitted → running → completed and serves a playable MP4 unique to the job', async () => {
    const latency = 1000;
    const emu = await start({ latencyMs: latency });
    const began = Date.now();
    const submit = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody({ aspect_ratio: '9:16' }) });
    expect(submit.status).toBe(200);
    expect(submit.headers.get('x-request-id')).toMatch(/\S/);
    expect(submit.body).toEqual({ data: { execution_id: expect.stringMatching(/^node-gw-[A-Za-z0-9_-]+$/), status: 'submitted' } });
    const id: string = submit.body.data.execution_id;

    const first = await heygen(emu, `/v1/workflows/executions/${id}`);
    // Queued for the first tenth of the latency; only checkable if we were that quick.
    if (stillWithin(began, latency / 10)) expect(first.body.data).toEqual({ execution_id: id, status: 'submitted' });

    const walk = await observe(
      async () => (await heygen(emu, `/v1/workflows/executions/${id}`)).body.data,
      (data) => data.status === 'completed',
    );
    const order = ['submitted', 'running', 'completed'];
    const ranks = walk.map((data) => order.indexOf(data.status));
    expect(ranks.every((rank, i) => rank >= 0 && (i === 0 || rank >= ranks[i - 1]!))).toBe(true);
    const running = walk.filter((data) => data.status === 'running');
    expect(running.length).toBeGreaterThan(0);
    for (const data of running) {
      expect(data.progress).toBeGreaterThanOrEqual(0);
      expect(data.progress).toBeLessThan(100);
    }
    const progress = running.map((data) => data.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(Date.now() - began).toBeGreaterThanOrEqual(latency);

    const done = walk.at(-1);
    expect(done).toEqual({
      execution_id: id,
      status: 'completed',
      output: {
        video: { video_url: expect.stringContaining(`${emu.url}/_emulator/videos/`), video_id: expect.stringMatching(/^[0-9a-f]{32}$/) },
        asset_id: expect.stringMatching(/^asset-/),
      },
    });

    const video = await fetch(done.output.video.video_url);
    await expectServedMp4(video, id);
    expect(emu.stats().authOnVideoUrls).toBe(0);
  });

  it('hands out a fresh URL on every completed poll, each serving the same bytes', async () => {
    const emu = await start({ latencyMs: 50 });
    const { body } = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    const first = await pollHeygen(emu, body.data.execution_id);
    const second = await pollHeygen(emu, body.data.execution_id);
    expect(first.output.video.video_url).not.toBe(second.output.video.video_url);
    const a = Buffer.from(await (await fetch(first.output.video.video_url)).arrayBuffer());
    const b = Buffer.from(await (await fetch(second.output.video.video_url)).arrayBuffer());
    expect(a.equals(b)).toBe(true);

    const other = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    const third = await pollHeygen(emu, other.body.data.execution_id);
    const c = Buffer.from(await (await fetch(third.output.video_url ?? third.output.video.video_url)).arrayBuffer());
    expect(c.equals(a)).toBe(false);
  });

  it('puts the URL flat at data.output.video_url for every other job', async () => {
    const emu = await start({ latencyMs: 30 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() })).body.data.execution_id);
    const outputs = await Promise.all(ids.map(async (id) => (await pollHeygen(emu, id)).output));
    expect(outputs.map((o) => ('video' in o ? 'nested' : 'flat'))).toEqual(['nested', 'flat', 'nested', 'flat']);
    const flat = outputs[1];
    expect(flat).toEqual({ video_url: expect.stringContaining('/_emulator/videos/'), video_id: expect.any(String), asset_id: expect.any(String) });
    expect((await fetch(flat.video_url)).status).toBe(200);
  });

  it('serves each aspect ratio at its own dimensions, nearest asset for odd ones', async () => {
    const emu = await start({ latencyMs: 0 });
    const dims: Record<string, string> = {};
    for (const ratio of ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', '4:5']) {
      const { body } = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody({ aspect_ratio: ratio }) });
      const done = await pollHeygen(emu, body.data.execution_id);
      const bytes = Buffer.from(await (await fetch(done.output.video?.video_url ?? done.output.video_url)).arrayBuffer());
      dims[ratio] = trackDimensions(bytes);
    }
    expect(dims).toEqual({ '16:9': '160x90', '9:16': '90x160', '1:1': '96x96', '4:3': '128x96', '3:4': '96x128', '21:9': '224x96', '4:5': '96x128' });
  });

  it('answers an unknown or malformed id with 200 and status not_found', async () => {
    const emu = await start();
    for (const id of ['node-gw-v1d2e3o4', 'node-gw-', 'nonsense', 'video_abc']) {
      const { status, body } = await heygen(emu, `/v1/workflows/executions/${id}`);
      expect(status).toBe(200);
      expect(body.data.status).toBe('not_found');
    }
  });
});

describe('HeyGen: failures', () => {
  it('fails jobs at their completion time, every other one without any reason', async () => {
    const latency = 300;
    const emu = await start({ latencyMs: latency, failRate: 1 });
    const began = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() })).body.data.execution_id);
    const early = await heygen(emu, `/v1/workflows/executions/${ids[3]}`);
    if (stillWithin(began, latency)) expect(['submitted', 'running']).toContain(early.body.data.status);
    const results = await Promise.all(ids.map((id) => pollHeygen(emu, id)));
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(results[0].error).toEqual({ type: expect.any(String), message: expect.stringMatching(/\S/) });
    expect(results[1]).toEqual({ execution_id: ids[1], status: 'failed' });
    expect(results[2].error?.message).toMatch(/\S/);
    expect(results[3].error).toBeUndefined();
    expect(emu.stats().jobs).toMatchObject({ created: 4, failed: 4, completed: 0 });
  });
});

describe('HeyGen: temporary URLs', () => {
  it('expire after urlTtlMs with an S3-style 403, and a new poll gives a working one', async () => {
    const ttl = 500;
    const emu = await start({ latencyMs: 20, urlTtlMs: ttl });
    const { body } = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    await pollHeygen(emu, body.data.execution_id);
    const polled = Date.now();
    const url: string = (await pollHeygen(emu, body.data.execution_id)).output.video.video_url;
    const fresh = await fetch(url);
    if (stillWithin(polled, ttl)) expect(fresh.status).toBe(200);
    await fresh.arrayBuffer();

    const expires = Number(new URL(url).searchParams.get('expires'));
    expect(expires).toBeGreaterThanOrEqual(polled + ttl);
    await sleep(Math.max(0, expires - Date.now()) + 20);
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('content-type')).toBe('application/xml');
    expect(await expired.text()).toMatch(/<Code>AccessDenied<\/Code>.*expired/s);

    const again = await pollHeygen(emu, body.data.execution_id);
    expect(again.output.video.video_url).not.toBe(url);
    expect((await fetch(again.output.video.video_url)).status).toBe(200);
  });

  it('refuses a tampered signature or a missing one', async () => {
    const emu = await start({ latencyMs: 0 });
    const { body } = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    const url = new URL((await pollHeygen(emu, body.data.execution_id)).output.video.video_url);
    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 60_000));
    const denied = await fetch(tampered);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('SignatureDoesNotMatch');
    expect((await fetch(`${url.origin}${url.pathname}`)).status).toBe(403);
  });

  it('need no key, and count any request that sends one anyway', async () => {
    const emu = await start({ latencyMs: 0, apiKey: HEYGEN_KEY });
    const { body } = await heygen(emu, '/v1/workflows/executions', { json: generateVideoBody() });
    const url = (await pollHeygen(emu, body.data.execution_id)).output.video.video_url;
    expect((await fetch(url)).status).toBe(200);
    expect(emu.stats().authOnVideoUrls).toBe(0);
    expect((await fetch(url, { headers: { 'X-Api-Key': HEYGEN_KEY } })).status).toBe(200);
    expect((await fetch(url, { headers: { Authorization: 'Bearer x' } })).status).toBe(200);
    expect(emu.stats().authOnVideoUrls).toBe(2);
  });
});

describe('HeyGen: validation', () => {
  const cases: Array<[string, unknown, string]> = [
    ['missing prompt', { workflow_type: 'GenerateVideoNode', input: {} }, 'input.prompt'],
    ['empty prompt', { workflow_type: 'GenerateVideoNode', input: { prompt: '  ' } }, 'input.prompt'],
    ['non-string prompt', { workflow_type: 'GenerateVideoNode', input: { prompt: 42 } }, 'input.prompt'],
    ['missing input', { workflow_type: 'GenerateVideoNode' }, 'input'],
    ['unknown workflow_type', { workflow_type: 'AvatarVideoNode', input: { prompt: 'x' } }, 'workflow_type'],
    ['missing workflow_type', { input: { prompt: 'x' } }, 'workflow_type'],
    ['unknown provider', generateVideoBody({ provider: 'veo_9' }), 'input.provider'],
    ['bad aspect ratio', generateVideoBody({ aspect_ratio: 'wide' }), 'input.aspect_ratio'],
    ['local reference image path', generateVideoBody({ reference_image_url: 'refs/product.png' }), 'input.reference_image_url'],
    ['non-object config', generateVideoBody({ config: 'fast' }), 'input.config'],
  ];
  it.each(cases)('rejects %s with 400 invalid_parameter', async (_name, body, param) => {
    const emu = await start();
    const answer = await heygen(emu, '/v1/workflows/executions', { json: body });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'invalid_parameter', message: expect.stringMatching(/\S/), param } });
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('rejects a body that is not JSON', async () => {
    const emu = await start();
    const answer = await heygen(emu, '/v1/workflows/executions', { body: '{nope', headers: { 'Content-Type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_parameter');
  });

  it('accepts every documented field and model', async () => {
    const emu = await start({ latencyMs: 1000 });
    for (const provider of ['veo_3_1', 'veo_3_1_fast', 'veo3', 'veo3_fast', 'veo2', 'kling_pro', 'kling_v2', 'sora_v2', 'sora_v2_pro', 'runway_gen4', 'seedance_lite', 'seedance_pro', 'ltx_distilled']) {
      const answer = await heygen(emu, '/v1/workflows/executions', {
        key: `key-${provider}`,
        json: generateVideoBody({
          provider,
          aspect_ratio: '1:1',
          reference_image_url: 'https://example.com/a.png',
          tail_image_url: 'https://example.com/b.png',
          config: { anything: true },
        }),
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
  });
});

describe('HeyGen: auth', () => {
  it('requires a non-empty X-Api-Key and answers 401 in HeyGen’s envelope', async () => {
    const emu = await start();
    for (const key of [null, '', '   ']) {
      const answer = await heygen(emu, '/v1/workflows/executions', { key, json: generateVideoBody() });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: { code: 'invalid_api_key', message: expect.any(String) } });
    }
    // The OpenAI header is not HeyGen's.
    const bearer = await heygen(emu, '/v1/workflows/executions/x', { key: null, headers: { Authorization: 'Bearer k' } });
    expect(bearer.status).toBe(401);
    expect(emu.stats().jobs.created).toBe(0);
  });

  it('requires exactly the configured key when apiKey is set', async () => {
    const emu = await start({ apiKey: 'the-key' });
    const wrong = await heygen(emu, '/v1/workflows/executions', { key: 'another', json: generateVideoBody() });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('another');
    expect((await heygen(emu, '/v1/workflows/executions/x', { key: 'another' })).status).toBe(401);
    expect((await heygen(emu, '/v1/workflows/executions', { key: 'the-key', json: generateVideoBody() })).status).toBe(200);
  });
});

describe('HeyGen: POST /v3/assets', () => {
  async function upload(emu: Awaited<ReturnType<typeof start>>, bytes: Buffer, name = 'ref.png', type = 'image/png') {
    const form = new FormData();
    form.set('file', new Blob([bytes], { type }), name);
    return heygen(emu, '/v3/assets', { body: form });
  }

  it('stores png and jpeg (by magic bytes) and serves them back at the returned url; WebP is in no HeyGen list', async () => {
    const emu = await start();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([4, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
    const refused = await upload(emu, webp, 'image.webp', 'image/webp');
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('PNG or JPEG');
    for (const [bytes, mime] of [
      [PNG_1X1, 'image/png'],
      [jpeg, 'image/jpeg'],
    ] as const) {
      // The declared type is wrong on purpose: the bytes decide.
      const answer = await upload(emu, bytes, 'image.bin', 'application/octet-stream');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        data: { asset_id: expect.any(String), url: expect.stringContaining(`${emu.url}/_emulator/assets/`), mime_type: mime, size_bytes: bytes.length },
      });
      const served = await fetch(answer.body.data.url);
      expect(served.headers.get('content-type')).toBe(mime);
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    }
    // The url it returns is accepted as a reference image.
    expect(emu.stats().requests['POST /v3/assets']).toBe(3);
  });

  it('rejects a file that is not an image, a missing file part and a non-multipart body', async () => {
    const emu = await start();
    const text = await upload(emu, Buffer.from('hello, not an image'), 'notes.png', 'image/png');
    expect(text.status).toBe(400);
    expect(text.body).toEqual({ error: { code: 'invalid_parameter', message: expect.stringMatching(/PNG|image/), param: 'file' } });

    const form = new FormData();
    form.set('image', new Blob([PNG_1X1]), 'ref.png');
    expect((await heygen(emu, '/v3/assets', { body: form })).status).toBe(400);
    expect((await heygen(emu, '/v3/assets', { json: { file: 'x' } })).status).toBe(400);
  });

  it('rejects files over 32 MB', async () => {
    const emu = await start();
    const big = Buffer.alloc(32 * 1024 * 1024 + 1);
    PNG_1X1.copy(big);
    const answer = await upload(emu, big);
    expect(answer.status).toBe(400);
    expect(answer.body.error.param).toBe('file');
  });
});

describe('HeyGen: the guide’s curl requests, verbatim', () => {
  const run = promisify(execFile);
  /** Copied from reference/000_*.txt; only the host and $HEYGEN_API_KEY are substituted. */
  const guide = {
    quickStart: `curl -X POST "https://api.heygen.com/v1/workflows/executions" \\
-H "X-Api-Key: $HEYGEN_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{"workflow_type": "GenerateVideoNode", "input": {"prompt": "无人机拍摄日落时分的沿海城市"}}'`,
    full: `curl -X POST "https://api.heygen.com/v1/workflows/executions" \\
-H "X-Api-Key: $HEYGEN_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"workflow_type": "GenerateVideoNode",
"input": {
"prompt": "无人机拍摄日落黄金时刻的沿海城市,电影级照明",
"provider": "veo_3_1",
"aspect_ratio": "16:9"
}
}'`,
    simple: `curl -X POST "https://api.heygen.com/v1/workflows/executions" \\
-H "X-Api-Key: $HEYGEN_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"workflow_type": "GenerateVideoNode",
"input": {
"prompt": "一个人在阳光明媚的公园里行走,浅景深"
}
}'`,
    status: `curl -X GET "https://api.heygen.com/v1/workflows/executions/node-gw-v1d2e3o4" \\
-H "X-Api-Key: $HEYGEN_API_KEY"`,
  };
  /** The guide's other example bodies, sent the same way. */
  const exampleBodies = [
    `{
"workflow_type": "GenerateVideoNode",
"input": {
"prompt": "让这张产品照片动起来,缓慢推近并添加柔和粒子效果",
"reference_image_url": "https://example.com/product-photo.png",
"provider": "kling_pro"
}
}`,
    `{
"workflow_type": "GenerateVideoNode",
"input": {
"prompt": "时尚咖啡店室内,镜头缓慢划过吧台",
"aspect_ratio": "9:16",
"provider": "veo_3_1"
}
}`,
    `{
"workflow_type": "GenerateVideoNode",
"input": {
"prompt": "抽象彩色形状流动变形",
"provider": "ltx_distilled"
}
}`,
  ];

  async function curl(emuUrl: string, command: string): Promise<any> {
    const script = command.replaceAll('https://api.heygen.com', emuUrl);
    const { stdout } = await run('bash', ['-c', `${script} --silent --show-error`], {
      env: { ...process.env, HEYGEN_API_KEY: HEYGEN_KEY },
    });
    return JSON.parse(stdout);
  }

  it('submits with each documented request and answers in the documented shapes', async () => {
    const emu = await start({ latencyMs: 100 });
    const ids: string[] = [];
    const commands = [
      guide.quickStart,
      guide.full,
      guide.simple,
      ...exampleBodies.map(
        (body) => `curl -X POST "https://api.heygen.com/v1/workflows/executions" \\
-H "X-Api-Key: $HEYGEN_API_KEY" \\
-H "Content-Type: application/json" \\
-d '${body}'`,
      ),
    ];
    for (const command of commands) {
      const answer = await curl(emu.url, command);
      expect(answer).toEqual({ data: { execution_id: expect.stringMatching(/^node-gw-/), status: 'submitted' } });
      ids.push(answer.data.execution_id);
    }

    // The guide's status request names an example id this server never issued.
    expect(await curl(emu.url, guide.status)).toEqual({ data: { execution_id: 'node-gw-v1d2e3o4', status: 'not_found' } });

    // The same request for a real id (the only other substitution) once the job is done,
    // read the way the guide's TypeScript reads it.
    await sleep(150);
    const done = await curl(emu.url, guide.status.replace('node-gw-v1d2e3o4', ids[0]!));
    expect(done.data.status).toBe('completed');
    expect(done.data.output.video.video_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_emulator\/videos\/.+\.mp4\?/);
    expect(done.data.output.video.video_id).toMatch(/\S/);
    expect(done.data.output.asset_id).toMatch(/\S/);
    expect(emu.stats().jobs.created).toBe(6);
  });

  it('downloads the video with curl, no key, into a playable file', async () => {
    const emu = await start({ latencyMs: 0 });
    const { data } = await curl(emu.url, guide.quickStart);
    const done = await pollHeygen(emu, data.execution_id);
    const dir = await mkdtemp(path.join(tmpdir(), 'emulator-curl-'));
    try {
      const file = path.join(dir, 'video.mp4');
      await run('curl', ['--silent', '--show-error', '--fail', '--output', file, done.output.video.video_url]);
      const bytes = await readFile(file);
      expect(mp4Boxes(bytes)[0]?.type).toBe('ftyp');
      expect(mp4Boxes(bytes).at(-1)?.type).toBe('free');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
