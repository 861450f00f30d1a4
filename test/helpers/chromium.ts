/**
 * A real headless Chromium for browser tests: Debian's `chromium` package (`.ci/run` installs
 * it), driven by playwright-core, which downloads no browser of its own. Without one, the
 * tests skip with a message locally; in CI (`CI=true`) they fail, so they never silently skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.VIDEOGEN_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM = CANDIDATES.find((path): path is string => Boolean(path) && existsSync(path as string));

/** True when the browser tests should be skipped; says why once. */
export function skipWithoutChromium(): boolean {
  if (CHROMIUM) return false;
  if (process.env.CI) return false; // launchChromium then fails the tests loudly
  console.warn('browser tests skipped: no Chromium found (apt-get install chromium, or set VIDEOGEN_CHROMIUM=/path/to/chromium)');
  return true;
}

export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error(`CI=true but no Chromium at ${CANDIDATES.filter(Boolean).join(' or ')}: .ci/run installs Debian's chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // Background networking off: this machine's closed network refuses Chromium's own connections.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
