/**
 * Locks already in users' git repositories: test/fixtures/locks/written-by-0.1 holds locks
 * written by videogen 0.1's own emitter (see its README), each with the object 0.1 read back
 * from it. The js-yaml reader must read them to the same object, and the js-yaml writer must
 * give back the same bytes, so that the next apply does not churn every lock in git.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseLockText, readLock } from '../src/lock/read.js';
import { serializeLock } from '../src/lock/serialize.js';
import type { Lock } from '../src/lock/types.js';

const DIR = join(import.meta.dirname, 'fixtures', 'locks', 'written-by-0.1');
const fixtures = readdirSync(DIR).filter((name) => name.endsWith('.lock.yaml')).sort();

/** Characters js-yaml escapes differently from 0.1 inside a double-quoted string (`\x01`, `\N`, `\L`, `\_`…). */
const ESCAPED_DIFFERENTLY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u00a0\u2028\u2029\ufeff]/;

describe('locks written by videogen 0.1', () => {
  it('has fixtures from a real apply and from every quoting case', () => {
    expect(fixtures).toEqual(['campaign.lock.yaml', 'edge-cases.lock.yaml']);
  });

  it.each(fixtures)('%s reads to the object 0.1 read', async (name) => {
    const expected = JSON.parse(readFileSync(join(DIR, name.replace('.lock.yaml', '.json')), 'utf8')) as Lock;
    expect(await readLock(join(DIR, name))).toEqual(expected);
  });

  it.each(fixtures)('%s is written back byte for byte, but for control characters js-yaml escapes its own way', (name) => {
    const old = readFileSync(join(DIR, name), 'utf8');
    const written = serializeLock(parseLockText(old, name));
    const oldLines = old.split('\n');
    const newLines = written.split('\n');
    expect(newLines).toHaveLength(oldLines.length);
    const differing = oldLines.flatMap((line, i) => (line === newLines[i] ? [] : [[line, newLines[i]!] as const]));
    for (const [before, after] of differing) {
      // The same value, spelt with other escapes.
      const value = (parseYaml(`{${before.trim()}}`) as Record<string, string>).prompt;
      expect(parseYaml(`{${after.trim()}}`)).toEqual({ prompt: value });
      expect(value).toMatch(ESCAPED_DIFFERENTLY);
    }
    expect(differing.length).toBe(name === 'edge-cases.lock.yaml' ? 1 : 0);
  });

  it.each(fixtures)('%s: write → read → write gives identical bytes', (name) => {
    const once = serializeLock(parseLockText(readFileSync(join(DIR, name), 'utf8'), name));
    const twice = serializeLock(parseLockText(once, name));
    expect(twice).toBe(once);
    expect(parseLockText(once, name)).toEqual(parseLockText(readFileSync(join(DIR, name), 'utf8'), name));
  });
});
