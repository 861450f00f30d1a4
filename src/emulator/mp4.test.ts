import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emulatorVideoFor, previewImageFor } from './mp4.js';

async function read(video: ReturnType<typeof emulatorVideoFor>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of video.stream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function boxes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    let size = bytes.readUInt32BE(offset);
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
    types.push(bytes.toString('latin1', offset + 4, offset + 8));
    offset += size;
    if (size < 8 || offset > bytes.length) throw new Error('bad box');
  }
  return types;
}

describe('emulatorVideoFor', () => {
  it('ends with a free box naming the job, so bytes are unique per job and stable per job', async () => {
    const a = await read(emulatorVideoFor('16:9', 'video_a'));
    const again = await read(emulatorVideoFor('16:9', 'video_a'));
    const b = await read(emulatorVideoFor('16:9', 'video_b'));
    expect(boxes(a)[0]).toBe('ftyp');
    expect(boxes(a).at(-1)).toBe('free');
    expect(a.toString('latin1')).toContain('video_a');
    expect(a.equals(again)).toBe(true);
    const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');
    expect(sha(a)).not.toBe(sha(b));
    expect(emulatorVideoFor('16:9', 'video_a').size).toBe(a.length);
  });

  it('pads to the requested size exactly, and never below the natural size', async () => {
    const natural = emulatorVideoFor('9:16', 'j').size;
    expect(emulatorVideoFor('9:16', 'j', 10).size).toBe(natural);
    const padded = emulatorVideoFor('9:16', 'j', 2_500_000);
    expect(padded.size).toBe(2_500_000);
    const bytes = await read(padded);
    expect(bytes.length).toBe(2_500_000);
    expect(boxes(bytes).at(-1)).toBe('free');
  });

  it('uses a 64-bit box header beyond 4 GiB, without allocating it', async () => {
    const huge = emulatorVideoFor('1:1', 'j', 5 * 1024 ** 3);
    expect(huge.size).toBe(5 * 1024 ** 3);
    const stream = huge.stream();
    const head: Buffer[] = [];
    let total = 0;
    for await (const chunk of stream) {
      head.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (head.length === 2) break;
    }
    const start = Buffer.concat(head);
    const freeAt = head[0]!.length;
    expect(start.readUInt32BE(freeAt)).toBe(1);
    expect(start.toString('latin1', freeAt + 4, freeAt + 8)).toBe('free');
    expect(Number(start.readBigUInt64BE(freeAt + 8))).toBe(5 * 1024 ** 3 - freeAt);
    expect(total).toBeLessThan(10_000);
  });

  it('falls back to the nearest ratio, and 16:9 for nonsense', async () => {
    const size = (ratio: string) => emulatorVideoFor(ratio, 'x').size;
    expect(size('1080x1920')).toBe(size('9:16'));
    expect(size('5:4')).toBe(size('4:3'));
    expect(size('2.39:1')).toBe(size('21:9'));
    expect(size('wide')).toBe(size('16:9'));
  });
});

describe('previewImageFor', () => {
  it('returns a webp thumbnail and a jpeg spritesheet', () => {
    const thumb = previewImageFor('16:9', 'thumbnail');
    expect(thumb.contentType).toBe('image/webp');
    expect(thumb.bytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const sheet = previewImageFor('9:16', 'spritesheet');
    expect(sheet.contentType).toBe('image/jpeg');
    expect([...sheet.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  });
});
