/**
 * Videos that arrive inside a JSON answer as a base64 string (Vertex AI's
 * `response.videos[0].bytesBase64Encoded` when no `storageUri` was given): tens of MB of
 * text that must never be held whole. The scanner follows the JSON's structure a chunk at a
 * time, hands the characters of the string at one path to a sink as they arrive, and keeps
 * everything else (the small rest of the answer) as text, with that string emptied.
 */

/** Keys and array positions from the root; `*` matches any array index. */
export type JsonPath = readonly string[];

type Frame = { kind: 'object'; key: string | undefined; expectKey: boolean } | { kind: 'array'; index: number };
type Mode = 'structure' | 'key' | 'string' | 'video' | 'skipped';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Keys longer than this never match a path and are not remembered. */
const MAX_KEY_CHARS = 256;

export class InlineVideoError extends Error {}

/**
 * Scans one JSON document. The first string value at `path` is the video: its characters go
 * to `onVideo` (JSON escapes undone) and it appears in `skeleton()` as `""`; later strings at
 * the same path are dropped the same way but go nowhere. The scanner does not validate the
 * JSON: parse `skeleton()` for that.
 */
export class InlineVideoScanner {
  /** The video string has begun (its opening quote was read). */
  videoStarted = false;
  /** Its closing quote was read. */
  videoEnded = false;
  private readonly stack: Frame[] = [];
  private mode: Mode = 'structure';
  private escape = false;
  private unicode: string | undefined;
  private key = '';
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;

  /**
   * @param maxSkeletonBytes the most text kept beside the video; more is an InlineVideoError
   *   (an answer that big is not what the caller expected)
   */
  constructor(
    private readonly path: JsonPath,
    private readonly maxSkeletonBytes: number,
  ) {}

  /** The answer's text without the video, once the document has been scanned. */
  skeleton(): string {
    return Buffer.concat(this.kept, this.keptBytes).toString('utf8');
  }

  /** Feeds the next bytes; `onVideo` gets the video's characters found in them. */
  push(chunk: Buffer, onVideo: (text: string) => void): void {
    let keepFrom = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.mode === 'video' || this.mode === 'skipped') {
        const end = this.scanDroppedString(chunk, i, this.mode === 'video' ? onVideo : undefined);
        if (end === undefined) return;
        // The closing quote is kept, so the skeleton holds `""` where the string was.
        keepFrom = end;
        i = end + 1;
        this.mode = 'structure';
        continue;
      }
      if (this.mode === 'key' || this.mode === 'string') {
        i = this.scanKeptString(chunk, i);
        continue;
      }
      const byte = chunk[i]!;
      const entered = this.structure(byte);
      i += 1;
      if (entered === 'video' || entered === 'skipped') {
        this.keep(chunk.subarray(keepFrom, i));
        keepFrom = chunk.length;
      }
    }
    this.keep(chunk.subarray(keepFrom));
  }

  /** Throws when the document ended inside the video (the answer was cut short). */
  end(): void {
    if (this.mode === 'video' || this.escape || this.unicode !== undefined) throw new InlineVideoError('the answer ended inside the inline video');
  }

  /** Follows one structural byte; returns the mode it enters. */
  private structure(byte: number): Mode {
    const top = this.stack[this.stack.length - 1];
    switch (byte) {
      case 0x7b: // {
        this.stack.push({ kind: 'object', key: undefined, expectKey: true });
        return this.mode;
      case 0x5b: // [
        this.stack.push({ kind: 'array', index: 0 });
        return this.mode;
      case 0x7d: // }
      case 0x5d: // ]
        this.stack.pop();
        return this.mode;
      case 0x3a: // :
        if (top?.kind === 'object') top.expectKey = false;
        return this.mode;
      case 0x2c: // ,
        if (top?.kind === 'object') {
          top.expectKey = true;
          top.key = undefined;
        } else if (top?.kind === 'array') {
          top.index += 1;
        }
        return this.mode;
      case QUOTE:
        if (top?.kind === 'object' && top.expectKey) {
          this.mode = 'key';
          this.key = '';
        } else if (this.atPath()) {
          this.mode = this.videoStarted ? 'skipped' : 'video';
          this.videoStarted = true;
        } else {
          this.mode = 'string';
        }
        return this.mode;
      default:
        return this.mode;
    }
  }

  private atPath(): boolean {
    if (this.stack.length !== this.path.length) return false;
    return this.stack.every((frame, depth) => {
      const want = this.path[depth];
      return frame.kind === 'array' ? want === '*' || want === String(frame.index) : frame.key === want;
    });
  }

  /** A key or an ordinary string value: kept as is; a key is remembered for the path. Returns where scanning continues. */
  private scanKeptString(chunk: Buffer, from: number): number {
    for (let i = from; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.escape) {
        this.escape = false;
        continue;
      }
      if (byte === BACKSLASH) {
        this.escape = true;
        continue;
      }
      if (byte === QUOTE) {
        if (this.mode === 'key') {
          const top = this.stack[this.stack.length - 1];
          if (top?.kind === 'object') top.key = this.key;
        }
        this.mode = 'structure';
        return i + 1;
      }
      if (this.mode === 'key' && this.key.length < MAX_KEY_CHARS) this.key += String.fromCharCode(byte);
    }
    return chunk.length;
  }

  /**
   * The video (or a later string at its path): nothing is kept. Returns the index of the
   * closing quote, or undefined when the string goes on past this chunk.
   */
  private scanDroppedString(chunk: Buffer, from: number, onVideo: ((text: string) => void) | undefined): number | undefined {
    let i = from;
    while (i < chunk.length) {
      if (this.escape || this.unicode !== undefined) {
        const text = this.unescape(chunk[i]!);
        if (text && onVideo) onVideo(text);
        i += 1;
        continue;
      }
      // Base64 has no characters JSON must escape: look for the end in bulk.
      let next = i;
      while (next < chunk.length && chunk[next] !== QUOTE && chunk[next] !== BACKSLASH) next++;
      if (next > i && onVideo) onVideo(chunk.toString('latin1', i, next));
      if (next === chunk.length) return undefined;
      if (chunk[next] === QUOTE) {
        if (this.mode === 'video') this.videoEnded = true;
        return next;
      }
      this.escape = true;
      i = next + 1;
    }
    return undefined;
  }

  /**
   * One byte of an escape sequence inside the video. Encoders differ (`\/`, `\u003d` for
   * `=`, line breaks every 76 characters): undone here, anything else is not base64.
   */
  private unescape(byte: number): string {
    if (this.unicode !== undefined) {
      this.unicode += String.fromCharCode(byte);
      if (this.unicode.length < 4) return '';
      const hex = this.unicode;
      this.unicode = undefined;
      const code = /^[0-9a-f]{4}$/i.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
      // Only ASCII can be base64; the decoder checks which ASCII.
      if (!(code <= 0x7f)) throw new InlineVideoError('the inline video holds a character that is not base64');
      return String.fromCharCode(code);
    }
    this.escape = false;
    switch (byte) {
      case 0x2f: // \/
        return '/';
      case 0x6e: // \n
      case 0x72: // \r
      case 0x74: // \t
        return '';
      case 0x75: // \uXXXX
        this.unicode = '';
        return '';
      default:
        throw new InlineVideoError('the inline video holds an escape that is not base64');
    }
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.keptBytes += bytes.length;
    if (this.keptBytes > this.maxSkeletonBytes) {
      throw new InlineVideoError(`the answer beside the inline video is larger than ${this.maxSkeletonBytes} bytes`);
    }
    // A copy: the chunk's memory belongs to the stream.
    this.kept.push(Buffer.from(bytes));
  }
}

const BASE64_TEXT = /^[A-Za-z0-9+/_-]*$/;

/**
 * Base64 text in pieces of any length → bytes. Node's decoder accepts both alphabets but
 * silently skips anything else, so the text is checked first: a corrupt video must fail
 * here, not play as noise.
 */
export class Base64Decoder {
  private carry = '';
  private padded = false;

  push(text: string): Buffer {
    const clean = text.replace(/\s+/g, '');
    if (clean === '') return Buffer.alloc(0);
    const padding = clean.indexOf('=');
    const data = padding < 0 ? clean : clean.slice(0, padding);
    if (!BASE64_TEXT.test(data) || (padding >= 0 && !/^=+$/.test(clean.slice(padding))) || (this.padded && data !== '')) {
      throw new InlineVideoError('the inline video is not valid base64');
    }
    if (padding >= 0) this.padded = true;
    const all = this.carry + data;
    const whole = all.length - (all.length % 4);
    this.carry = all.slice(whole);
    return Buffer.from(all.slice(0, whole), 'base64');
  }

  /** The last bytes; throws when the text cannot end here. */
  end(): Buffer {
    if (this.carry.length === 1) throw new InlineVideoError('the inline video is not valid base64 (it ends mid-character)');
    const rest = Buffer.from(this.carry, 'base64');
    this.carry = '';
    return rest;
  }
}

/** Keeps at most this much of the answer beside the video (its name, its mimeType). */
const MAX_SKELETON_BYTES = 1024 * 1024;

/**
 * A JSON answer in, the decoded bytes of the video at `path` out: the stage a download puts
 * in front of its usual checks when the video comes inline (DownloadRequest.inlineVideoAt).
 * Fed chunk by chunk (decode, then finish once the body has ended).
 */
export class InlineVideoDecoder {
  /** Bytes of JSON read so far (what a Content-Length counts). */
  bytesIn = 0;
  private readonly scanner: InlineVideoScanner;
  private readonly base64 = new Base64Decoder();

  /** @param invalid turns what is wrong with the answer into the error the download fails with */
  constructor(
    path: JsonPath,
    private readonly invalid: (why: string) => Error,
  ) {
    this.scanner = new InlineVideoScanner(path, MAX_SKELETON_BYTES);
  }

  /** The answer had a video at the path. */
  get found(): boolean {
    return this.scanner.videoStarted;
  }

  /** The video string was read to its end. */
  get complete(): boolean {
    return this.scanner.videoEnded;
  }

  /** Takes the next chunk of JSON; `out` gets the video's bytes decoded so far. Throws what `invalid` makes. */
  decode(chunk: Buffer, out: (bytes: Buffer) => void): void {
    this.bytesIn += chunk.length;
    try {
      this.scanner.push(chunk, (text) => {
        const bytes = this.base64.push(text);
        if (bytes.length > 0) out(bytes);
      });
    } catch (error) {
      throw this.invalid(error instanceof Error ? error.message : String(error));
    }
  }

  /** Once the body has ended with the whole video string read (complete): its last bytes. */
  finish(out: (bytes: Buffer) => void): void {
    try {
      const rest = this.base64.end();
      if (rest.length > 0) out(rest);
    } catch (error) {
      throw this.invalid(error instanceof Error ? error.message : String(error));
    }
  }
}
