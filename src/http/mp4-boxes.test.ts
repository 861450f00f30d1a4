import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readMp4DurationSeconds } from '../run/mp4-duration.js';
import { Mp4BoxWalker, type Mp4Shape } from './mp4-boxes.js';

const VIDEO = readFileSync(new URL('../../assets/videos/16x9.mp4', import.meta.url));

function box(type: string, payload: number | Buffer): Buffer {
  const body = typeof payload === 'number' ? Buffer.alloc(payload, 0x2a) : payload;
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

function largeBox(type: string, payload: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write(type, 4, 'latin1');
  header.writeBigUInt64BE(BigInt(16 + payload), 8);
  return Buffer.concat([header, Buffer.alloc(payload, 0x2a)]);
}

/** Feeds `bytes` in chunks of `size` (1 byte at a time exercises every header split). */
function walk(bytes: Buffer, size = bytes.length): Mp4Shape {
  const walker = new Mp4BoxWalker();
  for (let at = 0; at < bytes.length; at += size) {
    if (!walker.push(bytes.subarray(at, at + size))) break;
  }
  return walker.finish();
}

describe('Mp4BoxWalker', () => {
  it('reads the duration from moov/mvhd as the bytes stream past, in any chunking, as the file reader does', async () => {
    const fromFile = await readMp4DurationSeconds(new URL('../../assets/videos/16x9.mp4', import.meta.url).pathname);
    expect(fromFile).toBeGreaterThan(0);
    for (const size of [1, 7, 100, VIDEO.length]) {
      const walker = new Mp4BoxWalker();
      for (let at = 0; at < VIDEO.length; at += size) walker.push(VIDEO.subarray(at, at + size));
      expect(walker.durationSeconds(), `chunks of ${size}`).toBe(fromFile);
    }
    // Cut inside the movie header: no duration rather than a wrong one.
    const moov = VIDEO.indexOf('moov', 0, 'latin1');
    const cut = new Mp4BoxWalker();
    cut.push(VIDEO.subarray(0, moov + 30));
    expect(cut.durationSeconds()).toBeUndefined();
  });

  it('accepts a real MP4, whole or in any chunking', () => {
    for (const size of [1, 3, 7, 8, 9, 16, 100, VIDEO.length]) expect(walk(VIDEO, size), `chunks of ${size}`).toEqual({ kind: 'complete' });
  });

  it('finds a video cut short anywhere: mid-box or mid-header', () => {
    for (const cut of [1, 5, 31, 33, 36, 100, VIDEO.length - 1]) {
      const shape = walk(VIDEO.subarray(0, VIDEO.length - cut), 7);
      expect(shape.kind, `cut ${cut} bytes`).toBe('cut');
    }
  });

  it('accepts 64-bit box sizes and a last box of size 0 (runs to the end)', () => {
    const withLarge = Buffer.concat([box('ftyp', 16), largeBox('mdat', 40)]);
    for (const size of [1, 5, 12, withLarge.length]) expect(walk(withLarge, size)).toEqual({ kind: 'complete' });
    expect(walk(Buffer.concat([withLarge.subarray(0, withLarge.length - 1)]), 3).kind).toBe('cut');
    const openEnded = Buffer.concat([box('ftyp', 16), Buffer.from([0, 0, 0, 0]), Buffer.from('mdat'), Buffer.alloc(77)]);
    expect(walk(openEnded, 5)).toEqual({ kind: 'complete' });
  });

  it('says malformed for bytes that are no box structure', () => {
    expect(walk(Buffer.concat([box('ftyp', 16), Buffer.from([0, 0, 0, 4]), Buffer.from('free')]))).toMatchObject({ kind: 'malformed' });
    expect(walk(Buffer.concat([box('ftyp', 16), Buffer.from([0, 0, 0, 9, 0, 1, 2, 3, 4])]))).toMatchObject({ kind: 'malformed' });
  });

  it('counts boxes that end exactly at the last byte as complete, and trailing junk as cut', () => {
    expect(walk(Buffer.concat([box('ftyp', 8), box('free', 0)]))).toEqual({ kind: 'complete' });
    expect(walk(Buffer.concat([box('ftyp', 8), Buffer.from('abc')])).kind).toBe('cut');
  });

  it('tolerates stray bytes after a playable video (complete moov and mdat), as players do', () => {
    for (const junk of [Buffer.from('abc'), Buffer.alloc(64), Buffer.from('hello world, this is not a box at all')]) {
      for (const size of [1, 5, 64]) expect(walk(Buffer.concat([VIDEO, junk]), size), `${junk.length} bytes of junk`).toEqual({ kind: 'complete' });
    }
  });

  it('still finds a cut in a known box after the video, and junk before the video is playable', () => {
    const padded = Buffer.concat([VIDEO, box('free', 100)]);
    expect(walk(padded.subarray(0, padded.length - 10), 9).kind).toBe('cut');
    const early = Buffer.concat([box('ftyp', 16), Buffer.alloc(64)]);
    expect(walk(early).kind).toBe('malformed');
  });
});
