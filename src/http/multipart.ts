/**
 * multipart/form-data encoding of a FormData, done here because undici 7 only encodes its
 * own FormData class and rejects Node's global one (a different undici inside Node).
 * Encoding field by field also gives an exact Content-Length, which some upload endpoints
 * demand, and a fresh stream per attempt.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface EncodedForm {
  contentType: string;
  contentLength: number;
  body: Readable;
}

interface BlobLike {
  readonly size: number;
  readonly type: string;
  readonly name?: string;
  stream(): ReadableStream<Uint8Array>;
}

const CRLF = '\r\n';

export function encodeFormData(form: FormData): EncodedForm {
  const boundary = `----videogen${randomBytes(12).toString('hex')}`;
  const parts: Array<Buffer | BlobLike> = [];
  // FormData implementations differ in their iterator typings, hence the structural loop.
  for (const [name, value] of form as unknown as Iterable<[string, string | BlobLike]>) {
    if (typeof value === 'string') {
      parts.push(Buffer.from(`--${boundary}${CRLF}Content-Disposition: form-data; name="${escapeQuoted(name)}"${CRLF}${CRLF}${value}${CRLF}`));
    } else {
      const filename = value.name ?? 'blob';
      const type = value.type || 'application/octet-stream';
      parts.push(
        Buffer.from(
          `--${boundary}${CRLF}Content-Disposition: form-data; name="${escapeQuoted(name)}"; filename="${escapeQuoted(filename)}"${CRLF}` +
            `Content-Type: ${type}${CRLF}${CRLF}`,
        ),
      );
      parts.push(value);
      parts.push(Buffer.from(CRLF));
    }
  }
  parts.push(Buffer.from(`--${boundary}--${CRLF}`));
  const contentLength = parts.reduce((sum, part) => sum + (Buffer.isBuffer(part) ? part.length : part.size), 0);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength,
    body: Readable.from(generateParts(parts)),
  };
}

async function* generateParts(parts: Array<Buffer | BlobLike>): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    if (Buffer.isBuffer(part)) {
      yield part;
    } else {
      const reader = part.stream().getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield value;
      }
    }
  }
}

/** The WHATWG form encoding of names: quotes and newlines percent-escaped. */
function escapeQuoted(text: string): string {
  return text.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}
