import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useScratch } from '../../test/helpers/scratch.js';
import type { SpecIndexEntry } from './spec-index.js';
import { SpecLog } from './spec-log.js';

const scratch = useScratch('videogen-spec-log-');

function entry(n: number, shot = `shot-${n}`): SpecIndexEntry {
  return {
    version: 1,
    spec_hash: `sha256:${n.toString(16).padStart(64, '0')}`,
    spec: { provider: 'fal', endpoint: 'emulator', model: 'm', prompt: `prompt ${n} ${'é'.repeat(n % 7)}` },
    output: { sha256: n.toString(16).padStart(64, 'f'), bytes: 1000 + n },
    shot,
  };
}

describe('SpecLog', () => {
  it('finds every line, last one per spec winning, however the chunks of its read cut the lines', async () => {
    const file = path.join(scratch.dir, 'specs.jsonl');
    const writer = new SpecLog(file);
    for (let n = 1; n <= 40; n++) writer.append(entry(n));
    writer.append(entry(7, 'seven-again'));
    // A CRLF line, as a checkout on Windows may leave it, and a line in another key order.
    const { version, ...rest } = entry(41);
    writeFileSync(file, `${readFileSync(file, 'utf8')}${JSON.stringify(entry(42))}\r\n${JSON.stringify({ ...rest, version })}\n`);

    for (const chunkBytes of [1, 7, 64, 1024 * 1024]) {
      const log = new SpecLog(file, chunkBytes);
      expect((await log.hashes()).size).toBe(42);
      expect(JSON.parse((await log.line(entry(7).spec_hash))!)).toEqual(entry(7, 'seven-again'));
      expect(JSON.parse((await log.line(entry(40).spec_hash))!)).toEqual(entry(40));
      expect(JSON.parse((await log.line(entry(42).spec_hash))!)).toEqual(entry(42));
      expect(JSON.parse((await log.line(entry(41).spec_hash))!)).toEqual(entry(41));
      expect(await log.line(entry(43).spec_hash)).toBeUndefined();
    }
  });

  it('does not let a line a crash cut short hide the whole line before it', async () => {
    const file = path.join(scratch.dir, 'specs.jsonl');
    new SpecLog(file).append(entry(1));
    // The same spec appended again, cut off by a crash; then another process appends.
    writeFileSync(file, `${readFileSync(file, 'utf8')}${JSON.stringify(entry(1, 'again')).slice(0, 120)}`);
    new SpecLog(file).append(entry(2));
    const log = new SpecLog(file);
    expect(await log.hashes()).toEqual(new Set([entry(1).spec_hash, entry(2).spec_hash]));
    expect(JSON.parse((await log.line(entry(1).spec_hash))!)).toEqual(entry(1));
  });

  it('answers for what this process appended after reading, and reads a missing log as empty', async () => {
    const log = new SpecLog(path.join(scratch.dir, 'specs.jsonl'));
    expect(await log.hashes()).toEqual(new Set());
    log.append(entry(3));
    expect(JSON.parse((await log.line(entry(3).spec_hash))!)).toEqual(entry(3));
  });
});
