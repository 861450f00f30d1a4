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

  /** Feeds the next chunk. Returns false (and stops looking) once the structure is known to be broken. */
  push(chunk: Buffer): boolean {
    if (this.problem !== undefined) return false;
    const chunkStart = this.seen;
    this.seen += chunk.length;
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
