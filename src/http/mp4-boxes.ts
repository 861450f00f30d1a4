/**
 * Follows the top-level box structure of an MP4 as its bytes stream past, without keeping
 * them: each box header says how long the box is, so the file must end exactly where its
 * last box does. That catches what a byte count cannot: a body cut short by a server whose
 * Content-Length was too small, or a connection closed early on a response that had no
 * length at all. Only box headers are read; nothing is buffered beyond 16 bytes.
 *
 * Some muxers leave a few stray bytes after the last box, and players ignore them; so once
 * a complete `moov` and a complete `mdat` have been seen (the video is playable), bytes
 * that are not a box are tolerated. A well-formed box header that promises more than
 * arrived is a cut-off file wherever it occurs.
 */

/** What the bytes seen so far say about the file. */
export type Mp4Shape =
  /** Every box is complete (or only stray bytes follow a playable video). */
  | { kind: 'complete' }
  /** A box promises more bytes than arrived: `expected` is where it would end. */
  | { kind: 'cut'; expected: number; got: number }
  /** Not an MP4 box structure (a box header that cannot be one). */
  | { kind: 'malformed'; reason: string };

/** Boxes that may follow `moov` and `mdat` at the top level of a real file (ISO/IEC 14496-12 and common extensions). */
const TOP_LEVEL_TYPES = new Set(['ftyp', 'styp', 'moov', 'mdat', 'free', 'skip', 'wide', 'uuid', 'moof', 'mfra', 'sidx', 'ssix', 'meta', 'pdin', 'prft', 'emsg', 'udta', 'junk', 'pnot']);

/** Top-level box types are four printable ASCII characters (`ftyp`, `moov`, `mdat`, `free`, `uuid`…). */
function isBoxType(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) return false;
  return true;
}

/** `mvhd` comes first in `moov`; a few hundred bytes hold it whatever precedes it in odd files. */
const MOOV_HEAD_BYTES = 4096;

/**
 * The duration in seconds from the `mvhd` box among the child boxes in `moov` (the start of
 * `moov`'s payload is enough); undefined when it is not there whole.
 */
export function mvhdDurationSeconds(moov: Buffer): number | undefined {
  let offset = 0;
  while (offset + 8 <= moov.length) {
    const size = moov.readUInt32BE(offset);
    if (moov.toString('latin1', offset + 4, offset + 8) === 'mvhd') {
      const body = offset + 8;
      const version = moov[body];
      if (version === 1) {
        if (body + 32 > moov.length) return undefined;
        const timescale = moov.readUInt32BE(body + 20);
        const duration = Number(moov.readBigUInt64BE(body + 24));
        return timescale > 0 ? duration / timescale : undefined;
      }
      if (body + 20 > moov.length) return undefined;
      const timescale = moov.readUInt32BE(body + 12);
      const duration = moov.readUInt32BE(body + 16);
      return timescale > 0 ? duration / timescale : undefined;
    }
    if (size < 8) return undefined;
    offset += size;
  }
  return undefined;
}

export class Mp4BoxWalker {
  /** Bytes seen in total. */
  private seen = 0;
  /** Offset where the next top-level box header starts (the end of the current box). */
  private nextBox = 0;
  /** Header bytes of the box at `nextBox`, collected across chunks. */
  private header = Buffer.alloc(0);
  /** The box that ends at `nextBox`, until it is known to be complete. */
  private current: string | undefined;
  /** Types of the top-level boxes seen whole. */
  private readonly complete = new Set<string>();
  /** A box of size 0 runs to the end of the file: nothing after it can be checked. */
  private openEnded = false;
  /** Bytes that are not a box followed a playable video: nothing more to check. */
  private trailing = false;
  private problem: string | undefined;
  /** The start of the first `moov` box's payload, kept to read the duration from (durationSeconds). */
  private moovHead: { from: number; to: number; bytes: Buffer } | undefined;

  /** Feeds the next chunk. Returns false (and stops looking) once the structure is known to be broken. */
  push(chunk: Buffer): boolean {
    if (this.problem !== undefined) return false;
    const chunkStart = this.seen;
    this.seen += chunk.length;
    const ok = this.walk(chunk, chunkStart);
    if (this.moovHead) this.keepMoovHead(chunk, chunkStart);
    return ok;
  }

  /**
   * The video's playing time from `moov/mvhd`, when the movie header was among the first
   * bytes of `moov` (where muxers put it); undefined otherwise.
   */
  durationSeconds(): number | undefined {
    const head = this.moovHead;
    if (!head || this.seen < head.to) return undefined;
    return mvhdDurationSeconds(head.bytes);
  }

  private walk(chunk: Buffer, chunkStart: number): boolean {
    while (!this.openEnded && !this.trailing && this.nextBox + this.header.length < this.seen) {
      // Bytes exist past the end of the current box: it is complete.
      this.settleCurrent();
      // A header may straddle chunks: collect it where the last chunk left off.
      const from = this.nextBox + this.header.length - chunkStart;
      const wanted = this.header.length >= 8 && this.header.readUInt32BE(0) === 1 ? 16 : 8;
      this.header = Buffer.concat([this.header, chunk.subarray(from, from + wanted - this.header.length)]);
      if (this.header.length < 8) return true;
      const size32 = this.header.readUInt32BE(0);
      const type = this.header.toString('latin1', 4, 8);
      if (!isBoxType(this.header.subarray(4, 8))) return this.malformed(`the box at byte ${this.nextBox} has no valid type`);
      if (this.playable() && !TOP_LEVEL_TYPES.has(type)) return this.malformed(`unknown box "${type}" after the video`);
      if (size32 === 0) {
        this.openEnded = true;
        break;
      }
      if (size32 === 1 && this.header.length < 16) continue;
      const size = size32 === 1 ? Number(this.header.readBigUInt64BE(8)) : size32;
      if (size < this.header.length) return this.malformed(`the box at byte ${this.nextBox} claims ${size} bytes`);
      if (type === 'moov' && !this.moovHead) {
        const from = this.nextBox + this.header.length;
        const to = Math.min(this.nextBox + size, from + MOOV_HEAD_BYTES);
        this.moovHead = { from, to, bytes: Buffer.alloc(to - from) };
      }
      this.current = type;
      this.nextBox += size;
      this.header = Buffer.alloc(0);
    }
    return true;
  }

  /** Call when the body has ended. */
  finish(): Mp4Shape {
    if (this.problem !== undefined) return { kind: 'malformed', reason: this.problem };
    if (this.openEnded || this.trailing) return { kind: 'complete' };
    if (this.nextBox > this.seen) return { kind: 'cut', expected: this.nextBox, got: this.seen };
    this.settleCurrent();
    if (this.header.length === 0) return { kind: 'complete' };
    // Fewer bytes than a box header at the very end: stray bytes after a playable video, or a cut.
    return this.playable() ? { kind: 'complete' } : { kind: 'cut', expected: this.nextBox + 8, got: this.seen };
  }

  private keepMoovHead(chunk: Buffer, chunkStart: number): void {
    const { from, to, bytes } = this.moovHead!;
    const start = Math.max(from, chunkStart);
    const end = Math.min(to, chunkStart + chunk.length);
    if (start < end) chunk.copy(bytes, start - from, start - chunkStart, end - chunkStart);
  }

  private settleCurrent(): void {
    if (this.current !== undefined && this.nextBox <= this.seen) {
      this.complete.add(this.current);
      this.current = undefined;
    }
  }

  private playable(): boolean {
    return this.complete.has('moov') && this.complete.has('mdat');
  }

  private malformed(reason: string): boolean {
    if (this.playable()) {
      this.trailing = true;
      return true;
    }
    this.problem = reason;
    return false;
  }
}
