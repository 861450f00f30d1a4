/**
 * The review loop in a real headless Chromium, end to end through the CLI: apply generates
 * real MP4s on the emulator, `videogen review` serves them, a reviewer approves by click and
 * rejects by keyboard, `plan` then replaces the rejected take, apply regenerates it, and the
 * card shows the old take beside the new one. Screenshots go to test-artifacts/ (git-ignored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dump, load } from 'js-yaml';
import type { Browser, Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../src/emulator/server.js';
import { parseLockText } from '../src/lock/read.js';
import { cachedOutputFile } from '../src/review/media-files.js';
import { parseReviewText } from '../src/review/review-file.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';
import { campaignManifest, submissions, TEST_KEYS } from './helpers/campaign.js';
import { launchChromium, skipWithoutChromium } from './helpers/chromium.js';
import { startReview, type RunningReview } from './helpers/review.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const SHOTS = ['shot-000', 'shot-001', 'shot-002', 'shot-003', 'shot-004', 'shot-005'];

describe.skipIf(skipWithoutChromium())('videogen review in Chromium', () => {
  let emulator: RunningEmulator;
  let ws: Workspace;
  let review: RunningReview;
  let browser: Browser;
  let page: Page;
  /** What the page reported as errors (CSP violations, exceptions): there must be none. */
  const pageErrors: string[] = [];

  const cli = (...args: string[]) => runCli(args, { cwd: ws.dir, env: TEST_KEYS, timeoutMs: 60_000 });
  const outputSha = async (id: string) => parseLockText(await ws.read('shots.lock.yaml'), 'shots.lock.yaml').shots[id]!.output!.sha256;
  const card = (id: string) => page.locator(`.card[data-id="${id}"]`);
  /**
   * Resolves once every video `selector` finds has decoded its current frame (HAVE_CURRENT_DATA):
   * the file plays. Polled from here: waitForFunction would eval in the page, which its CSP forbids.
   */
  const videosPlayable = (target: Page, selector: string) =>
    expect
      .poll(
        () =>
          target.locator(selector).evaluateAll((videos) =>
            videos.map((video) => {
              const { readyState, videoWidth } = video as unknown as { readyState: number; videoWidth: number };
              return readyState >= 2 && videoWidth > 0;
            }),
          ),
        { timeout: 20_000 },
      )
      .toSatisfy((ready: boolean[]) => ready.length > 0 && ready.every(Boolean));
  const visibleIds = (target: Page) => target.locator('.card:visible').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-id')));

  beforeAll(async () => {
    emulator = await startEmulator({ latencyMs: 50, seed: 5 });
    ws = await createWorkspace();
    await ws.write('shots.yaml', campaignManifest({ emulatorUrl: emulator.url, shots: SHOTS.length, poll: { initial: '50ms', max: '100ms' } }));
    const applied = await cli('apply', 'shots.yaml', '--yes');
    expect(applied.code, applied.stderr).toBe(0);
    // The emulator has no price; give one shot what a priced provider records.
    const lock = load(await ws.read('shots.lock.yaml')) as { shots: Record<string, Record<string, unknown>> };
    lock.shots['shot-000']!.cost = { estimated: 0.48, reported: 0.5, currency: 'USD' };
    await ws.write('shots.lock.yaml', dump(lock, { lineWidth: -1 }));
    review = await startReview(ws.dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await review?.stop();
    await emulator?.close();
    await ws?.remove();
  });

  it('lists every shot with its prompt, provider, cost and tags, and a video plays', async () => {
    await page.goto(review.url);
    await expect.poll(() => visibleIds(page)).toEqual(SHOTS);
    const first = await card('shot-000').innerText();
    expect(first).toContain('Scene number 0, slow dolly shot');
    expect(first).toContain('hg · heygen · veo_3_1 · 9:16');
    expect(first).toContain('$0.50 reported · $0.48 estimated');
    expect(first).toContain('even');
    expect(await card('shot-001').innerText()).toContain('cost unknown');
    await card('shot-000').locator('.spec summary').click();
    expect(JSON.parse(await card('shot-000').locator('.spec pre').innerText())).toMatchObject({ provider: 'heygen', model: 'veo_3_1', aspect_ratio: '9:16' });
    expect(await page.locator('#counts').innerText()).toContain('6 shots · 0 approved · 0 rejected · 6 to review');
    await videosPlayable(page, '.card[data-id="shot-000"] video');
    expect(pageErrors).toEqual([]);
  });

  it('approves by click and rejects by keyboard, straight into shots.review.yaml', async () => {
    await card('shot-000').locator('button[data-verdict="approved"]').click();
    await expect.poll(() => card('shot-000').getAttribute('data-verdict')).toBe('approved');
    // The click selected shot-000: j moves to shot-001, r rejects it.
    await page.keyboard.press('j');
    await page.keyboard.press('r');
    await expect.poll(() => card('shot-001').getAttribute('data-verdict')).toBe('rejected');
    // A verdict given and taken back leaves nothing behind.
    await page.keyboard.press('j');
    await page.keyboard.press('a');
    await expect.poll(() => card('shot-002').getAttribute('data-verdict')).toBe('approved');
    await page.keyboard.press('u');
    await expect.poll(() => card('shot-002').getAttribute('data-verdict')).toBe('');

    const { verdicts } = parseReviewText(await ws.read('shots.review.yaml'), 'shots.review.yaml');
    expect(verdicts).toEqual({
      [await outputSha('shot-000')]: { verdict: 'approved', shot: 'shot-000', at: expect.stringMatching(/Z$/) },
      [await outputSha('shot-001')]: { verdict: 'rejected', shot: 'shot-001', at: expect.stringMatching(/Z$/) },
    });

    await page.selectOption('#filter-verdict', 'rejected');
    expect(await visibleIds(page)).toEqual(['shot-001']);
    await page.selectOption('#filter-verdict', '');
    await page.selectOption('#filter-tag', 'odd');
    expect(await page.locator('.card:visible').count()).toBe(3);
    await page.selectOption('#filter-tag', '');
    expect(pageErrors).toEqual([]);
  });

  it('makes the next plan replace the rejected take, while --force passes the approved one by', async () => {
    const plan = await cli('plan', 'shots.yaml');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('~ shot-001 (oa): rejected in review');
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to replace');
    const forced = JSON.parse((await cli('plan', 'shots.yaml', '--force', '--json')).stdout) as { actions: Array<{ id: string; action: string; verdict?: string }> };
    expect(forced.actions.find((action) => action.id === 'shot-000')).toMatchObject({ action: 'keep', verdict: 'approved' });
    expect(forced.actions.find((action) => action.id === 'shot-001')).toMatchObject({ action: 'replace', verdict: 'rejected' });
    expect(forced.actions.filter((action) => action.action === 'replace')).toHaveLength(5);
    // status says what the review decided, by shot.
    const status = await cli('status', 'shots.yaml');
    expect(status.stdout).toMatch(/^shot-000 +completed .*out\/shot-000\.mp4  approved$/m);
    expect(status.stdout).toMatch(/^shot-001 +completed .*out\/shot-001\.mp4  rejected in review$/m);
    expect(status.stdout).toContain('; reviewed: 1 approved, 1 rejected');
    const statusJson = JSON.parse((await cli('status', 'shots.yaml', '--json')).stdout) as { shots: Array<{ id: string; review?: string }> };
    expect(statusJson.shots.filter((row) => row.review)).toEqual([expect.objectContaining({ id: 'shot-000', review: 'approved' }), expect.objectContaining({ id: 'shot-001', review: 'rejected' })]);
  });

  it('after apply, shows the rejected take beside the new one', async () => {
    const rejected = await outputSha('shot-001');
    // apply's local cache keeps every output by sha256 (DESIGN.md "Storage and reuse"); put the take there as it would.
    await mkdir(join(ws.dir, '.videogen', 'cache', 'sha256', rejected.slice(0, 2)), { recursive: true });
    await copyFile(ws.path('out/shot-001.mp4'), cachedOutputFile(ws.dir, rejected));
    const jobsBefore = submissions(emulator.stats());
    const applied = await cli('apply', 'shots.yaml', '--yes');
    expect(applied.code, applied.stderr).toBe(0);
    expect(submissions(emulator.stats())).toBe(jobsBefore + 1);
    expect(await outputSha('shot-001')).not.toBe(rejected);
    expect((await cli('plan', 'shots.yaml')).stdout).toContain('No changes');

    await page.reload();
    await expect.poll(() => card('shot-001').getAttribute('class')).toContain('with-previous');
    expect(await card('shot-001').locator('figcaption').allInnerTexts()).toEqual([expect.stringMatching(/^previous · rejected \d{4}-/), 'current']);
    await videosPlayable(page, '.card[data-id="shot-001"] video');
    expect(await card('shot-001').getAttribute('data-verdict')).toBe('');
    expect(await card('shot-000').getAttribute('data-verdict')).toBe('approved');
    // Videos load as they scroll into view: at the bottom, every one has played.
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await videosPlayable(page, '.card video');
    await page.evaluate('window.scrollTo(0, 0)');
    await card('shot-000').click();
    await page.screenshot({ path: join(ARTIFACTS, 'review.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('writes a static report that plays from file:// and only reads', async () => {
    const result = await cli('review', 'shots.yaml', '--static', 'report/index.html');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^wrote report\/index\.html: 6 shots, 6 with a video/);
    const html = await ws.read('report/index.html');
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html).toContain('"video":"../out/shot-000.mp4"');

    const reportPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const reportErrors: string[] = [];
    reportPage.on('pageerror', (error) => reportErrors.push(error.message));
    reportPage.on('console', (message) => {
      if (message.type() === 'error') reportErrors.push(message.text());
    });
    try {
      await reportPage.goto(pathToFileURL(ws.path('report/index.html')).href);
      expect(await reportPage.locator('.card').count()).toBe(SHOTS.length);
      expect(await reportPage.locator('.card button').count()).toBe(0);
      expect(await reportPage.locator('.card[data-id="shot-000"]').getAttribute('data-verdict')).toBe('approved');
      await videosPlayable(reportPage, '.card[data-id="shot-000"] video');
      await reportPage.evaluate('window.scrollTo(0, document.body.scrollHeight)');
      await videosPlayable(reportPage, '.card video');
      await reportPage.evaluate('window.scrollTo(0, 0)');
      await reportPage.keyboard.press('j');
      await reportPage.keyboard.press('a');
      await expect.poll(() => reportPage.locator('#status').innerText()).toContain('read-only report');
      await reportPage.screenshot({ path: join(ARTIFACTS, 'review-static.png'), fullPage: true });
      expect(reportErrors).toEqual([]);
    } finally {
      await reportPage.close();
    }
  });
});
