/**
 * `videogen review` over raw HTTP: who it answers (Host, token, Origin), what it serves (only
 * the videos the sheet lists, never a path), and how verdicts reach `shots.review.yaml`. The
 * real CLI serves a campaign that a real apply generated against the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, readFile, rm, symlink } from 'node:fs/promises';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { parseLockText } from '../src/lock/read.js';
import { parseReviewText, writeReview } from '../src/review/review-file.js';
import { runCli } from './helpers/cli.js';
import { campaignManifest, TEST_KEYS } from './helpers/campaign.js';
import { rawRequest, startReview, type RunningReview } from './helpers/review.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

describe('videogen review: the server', () => {
  let emulator: RunningEmulator;
  let ws: Workspace;
  let review: RunningReview;
  /** Shot id → sha256 of its output. */
  const sha: Record<string, string> = {};

  const withToken = (path: string) => `${path}${path.includes('?') ? '&' : '?'}token=${review.token}`;
  const get = (path: string, options: Parameters<typeof rawRequest>[2] = {}) => rawRequest(review.port, path, options);
  const postVerdict = (body: unknown, headers: Record<string, string> = {}, host?: string | null) =>
    rawRequest(review.port, '/api/verdict', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Videogen-Token': review.token, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...(host === undefined ? {} : { host }),
    });
  const reviewFile = async () => parseReviewText(await ws.read('shots.review.yaml'), 'shots.review.yaml');
  const pageData = async () => {
    const page = await get(withToken('/'));
    expect(page.status, page.body).toBe(200);
    const json = /<script type="application\/json" id="review-data">(.*?)<\/script>/s.exec(page.body)?.[1] ?? 'null';
    return JSON.parse(json) as { cards: Array<{ id: string; sha256?: string; video?: string }> };
  };

  beforeAll(async () => {
    emulator = await startEmulator({ latencyMs: 50, seed: 11 });
    ws = await createWorkspace();
    await ws.write('shots.yaml', campaignManifest({ emulatorUrl: emulator.url, shots: 8, poll: { initial: '50ms', max: '100ms' } }));
    const applied = await runCli(['apply', 'shots.yaml', '--yes'], { cwd: ws.dir, env: TEST_KEYS });
    expect(applied.code, applied.stderr).toBe(0);
    const lock = parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml');
    for (const [id, entry] of Object.entries(lock.shots)) sha[id] = entry.output!.sha256;
    review = await startReview(ws.dir);
  }, 60_000);
  afterAll(async () => {
    await review?.stop();
    await emulator?.close();
    await ws?.remove();
  });

  it('prints a loopback URL with a token, and serves the page and the videos to it', async () => {
    expect(review.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const page = await get(withToken('/'));
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await pageData()).cards.map((card) => card.id)).toEqual(Object.keys(sha));

    const video = await get(withToken(`/media/${sha['shot-000']}.mp4`));
    expect(video.status).toBe(200);
    expect(video.headers['content-type']).toBe('video/mp4');
    expect(video.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(Buffer.from(video.body, 'latin1').equals(await readFile(ws.path('out/shot-000.mp4')))).toBe(true);
    const range = await get(withToken(`/media/${sha['shot-000']}.mp4`), { headers: { Range: 'bytes=0-7' } });
    expect(range.status).toBe(206);
    expect(range.body.slice(4)).toBe('ftyp');
    expect((await get(withToken('/'), { host: `localhost:${review.port}` })).status).toBe(200);
  });

  it('refuses any other Host header, so a rebound DNS name cannot reach it', async () => {
    const hosts = ['evil.example', `evil.example:${review.port}`, `127.0.0.1.nip.io:${review.port}`, `localhost:${review.port + 1}`, `[::1]:${review.port}`, ''];
    for (const host of hosts) {
      for (const path of ['/', `/media/${sha['shot-000']}.mp4`]) {
        const response = await get(withToken(path), { host });
        expect(response.status, `${String(host)} ${path}`).toBe(403);
        expect(response.body).toMatch(/Host header/);
      }
      const post = await postVerdict({ shot: 'shot-000', sha256: sha['shot-000'], verdict: 'approved' }, {}, host);
      expect(post.status).toBe(403);
    }
    // No Host at all: Node's HTTP server refuses an HTTP/1.1 request before videogen sees it.
    expect((await get(withToken('/'), { host: null })).status).toBe(400);
    expect(await ws.exists('shots.review.yaml')).toBe(false);
  });

  it('refuses requests without the token, with a wrong one, or from another origin', async () => {
    expect((await get('/')).status).toBe(403);
    expect((await get('/?token=wrong')).status).toBe(403);
    expect((await get(`/media/${sha['shot-000']}.mp4`)).status).toBe(403);
    expect((await get(`/media/${sha['shot-000']}.mp4?token=${review.token.slice(1)}`)).status).toBe(403);
    const body = { shot: 'shot-000', sha256: sha['shot-000'], verdict: 'approved' };
    // The token in the query is not enough for a verdict: it must come in the header, which no other page can send.
    const queryOnly = await rawRequest(review.port, withToken('/api/verdict'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(queryOnly.status).toBe(403);
    expect((await postVerdict(body, { 'X-Videogen-Token': 'wrong' })).status).toBe(403);
    expect((await postVerdict(body, { Origin: 'https://evil.example' })).status).toBe(403);
    // A form post (no preflight) cannot carry JSON's content type.
    expect((await postVerdict(body, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect(await ws.exists('shots.review.yaml')).toBe(false);
  });

  it('serves no file by path: ../ and its encodings get 404', async () => {
    const paths = [
      '/shots.yaml',
      '/out/shot-000.mp4',
      '/media/../shots.yaml',
      '/media/../../etc/passwd',
      '/media/..%2fshots.yaml',
      '/media/%2e%2e/shots.lock.yaml',
      '/media/%2e%2e%2fshots.lock.yaml',
      '/media/%252e%252e%252fshots.yaml',
      '/media/..\\shots.yaml',
      '/media/%5c..%5cshots.yaml',
      `/media/${sha['shot-000']}.mp4/../../shots.yaml`,
      `/media/${sha['shot-000']}.mp4%00.yaml`,
      `/media/${sha['shot-000']!.toUpperCase()}.mp4`,
      '//etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
    ];
    for (const path of paths) {
      const response = await get(withToken(path));
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toMatch(/version: 1|root:/);
    }
  });

  it('shows nothing through a symlink out of the output directory', async () => {
    const inside = ws.path('out/shot-007.mp4');
    await copyFile(inside, ws.path('elsewhere.mp4'));
    await rm(inside);
    await symlink(ws.path('elsewhere.mp4'), inside);
    try {
      const card = (await pageData()).cards.find((candidate) => candidate.id === 'shot-007');
      expect(card).toBeDefined();
      expect(card?.video).toBeUndefined();
      expect((await get(withToken(`/media/${sha['shot-007']}.mp4`))).status).toBe(404);
    } finally {
      await rm(inside);
      await copyFile(ws.path('elsewhere.mp4'), inside);
      await pageData();
    }
  });

  it('writes verdicts from many tabs at once, keeps what another writer added, and the last verdict per output wins', async () => {
    // Someone else's verdict (another review server, a git pull) lands in the file meanwhile.
    const foreign = 'f'.repeat(64);
    await writeReview(ws.path('shots.review.yaml'), { version: 1, verdicts: { [foreign]: { verdict: 'approved', shot: 'elsewhere', at: '2026-11-30T09:00:00Z' } } });
    const ids = ['shot-000', 'shot-001', 'shot-002', 'shot-003', 'shot-004', 'shot-005'];
    const responses = await Promise.all(
      ids.map((id, i) => postVerdict({ shot: id, sha256: sha[id], verdict: i % 2 === 0 ? 'approved' : 'rejected' })),
    );
    for (const response of responses) expect(response.status, response.body).toBe(200);
    expect((await postVerdict({ shot: 'shot-006', sha256: sha['shot-006'], verdict: 'approved' })).status).toBe(200);
    const last = await postVerdict({ shot: 'shot-006', sha256: sha['shot-006'], verdict: 'rejected' });
    expect(JSON.parse(last.body)).toMatchObject({ shot: 'shot-006', verdict: { verdict: 'rejected', shot: 'shot-006' } });

    const { verdicts } = await reviewFile();
    expect(Object.keys(verdicts).sort()).toEqual([...ids, 'shot-006'].map((id) => sha[id]).concat(foreign).sort());
    ids.forEach((id, i) => expect(verdicts[sha[id]!]).toMatchObject({ shot: id, verdict: i % 2 === 0 ? 'approved' : 'rejected' }));
    expect(verdicts[sha['shot-006']!]?.verdict).toBe('rejected');
    expect(verdicts[foreign]?.shot).toBe('elsewhere');

    const cleared = await postVerdict({ shot: 'shot-006', sha256: sha['shot-006'], verdict: null });
    expect(JSON.parse(cleared.body)).toMatchObject({ verdict: null });
    expect((await reviewFile()).verdicts[sha['shot-006']!]).toBeUndefined();
  });

  it('refuses verdicts it cannot trust, and writes nothing when the file on disk is broken', async () => {
    const before = await ws.read('shots.review.yaml');
    expect((await postVerdict({ shot: 'shot-000', sha256: 'e'.repeat(64), verdict: 'approved' })).status).toBe(404);
    expect((await postVerdict({ shot: 'shot-001', sha256: sha['shot-000'], verdict: 'approved' })).status).toBe(404);
    expect((await postVerdict('{"shot": "shot-000"')).status).toBe(400);
    expect((await postVerdict({ shot: 'shot-000', sha256: sha['shot-000'], verdict: 'maybe' })).status).toBe(400);
    expect((await postVerdict({ shot: 'shot-000', sha256: sha['shot-000'], verdict: 'approved', note: 'x'.repeat(5000) })).status).toBe(413);
    expect(await ws.read('shots.review.yaml')).toBe(before);

    const broken = `${before}  not-a-sha: {}\n`;
    await ws.write('shots.review.yaml', broken);
    const refused = await postVerdict({ shot: 'shot-007', sha256: sha['shot-007'], verdict: 'approved' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatch(/shots\.review\.yaml:\d+:\d+: VIDEOGEN_REVIEW_SCHEMA verdicts\.not-a-sha/);
    expect(await ws.read('shots.review.yaml')).toBe(broken);
    await ws.write('shots.review.yaml', before);
  });

  it('stops on Ctrl-C with exit 0', async () => {
    const result = await review.stop();
    expect(result.signal).toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
  });
});
