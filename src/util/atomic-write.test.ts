import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a text given in many pieces whole, in order, and leaves no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'videogen-atomic-'));
    dirs.push(dir);
    // 200,000 pieces across several 1 MiB writes, some of them multi-byte characters.
    const pieces = Array.from({ length: 200_000 }, (_, i) => (i % 1000 === 0 ? `é${i}\n` : `${i},`));
    await writeFileAtomic(join(dir, 'out.txt'), pieces, { durable: false });
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(pieces.join(''));
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });
});
