import { describe, expect, it } from 'vitest';
import { Base64Decoder, InlineVideoDecoder, InlineVideoError, InlineVideoScanner } from './inline-video.js';

const PATH = ['response', 'videos', '*', 'bytesBase64Encoded'];

/** Scans `json` fed in pieces cut at `cuts`; returns the skeleton and the video text. */
function scan(json: string, cuts: number[] = []): { skeleton: string; video: string; scanner: InlineVideoScanner } {
  const bytes = Buffer.from(json, 'utf8');
  const scanner = new InlineVideoScanner(PATH, 1 << 20);
  let video = '';
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    scanner.push(bytes.subarray(from, cut), (text) => (video += text));
    from = cut;
  }
  scanner.end();
  return { skeleton: scanner.skeleton(), video, scanner };
}

const OPERATION = JSON.stringify({
  name: 'projects/p/locations/l/publishers/google/models/m/operations/1',
  done: true,
  response: {
    '@type': 'type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse',
    videos: [{ bytesBase64Encoded: 'AAECAwQF', mimeType: 'video/mp4' }],
  },
});

describe('InlineVideoScanner', () => {
  it('hands over the string at the path and keeps the rest, wherever the chunks are cut', () => {
    const expected = OPERATION.replace('AAECAwQF', '');
    for (let cut = 0; cut <= OPERATION.length; cut++) {
      const { skeleton, video, scanner } = scan(OPERATION, [cut]);
      expect(video).toBe('AAECAwQF');
      expect(skeleton).toBe(expected);
      expect(scanner.videoStarted && scanner.videoEnded).toBe(true);
    }
    expect(JSON.parse(expected).response.videos[0]).toEqual({ bytesBase64Encoded: '', mimeType: 'video/mp4' });
  });

  it('undoes the escapes JSON encoders use in base64, even split across chunks', () => {
    const json = '{"response":{"videos":[{"bytesBase64Encoded":"AA\\/B\\nCC\\u003d\\u003D"}]}}';
    for (let cut = 0; cut <= json.length; cut++) expect(scan(json, [cut]).video).toBe('AA/BCC==');
  });

  it('matches the path, not the key: a same-named field elsewhere is kept as it is', () => {
    const json = JSON.stringify({ metadata: { image: { bytesBase64Encoded: 'iVBOR' } }, done: false });
    const { skeleton, video, scanner } = scan(json);
    expect(video).toBe('');
    expect(scanner.videoStarted).toBe(false);
    expect(skeleton).toBe(json);
  });

  it('hands over only the first video and drops later ones from the skeleton too', () => {
    const json = JSON.stringify({ response: { videos: [{ bytesBase64Encoded: 'QUFB' }, { bytesBase64Encoded: 'QkJC' }] } });
    const { skeleton, video } = scan(json, [30, 50]);
    expect(video).toBe('QUFB');
    expect(JSON.parse(skeleton)).toEqual({ response: { videos: [{ bytesBase64Encoded: '' }, { bytesBase64Encoded: '' }] } });
  });

  it('keeps quotes and brackets inside other strings from confusing the structure', () => {
    const json = JSON.stringify({ name: 'a "quoted" [x] {y}, z', response: { videos: [{ mimeType: 'video/mp4', bytesBase64Encoded: 'QQ==' }] } });
    expect(scan(json).video).toBe('QQ==');
  });

  it('says when the answer ended inside the video', () => {
    const scanner = new InlineVideoScanner(PATH, 1024);
    scanner.push(Buffer.from('{"response":{"videos":[{"bytesBase64Encoded":"AAAA'), () => {});
    expect(scanner.videoStarted).toBe(true);
    expect(() => scanner.end()).toThrow(InlineVideoError);
  });

  it('refuses to keep more than its cap beside the video', () => {
    const scanner = new InlineVideoScanner(PATH, 16);
    expect(() => scanner.push(Buffer.from(JSON.stringify({ name: 'x'.repeat(40) })), () => {})).toThrow(/larger than 16 bytes/);
  });

  it('refuses an escape base64 never needs', () => {
    expect(() => scan('{"response":{"videos":[{"bytesBase64Encoded":"AA\\"BB"}]}}')).toThrow(InlineVideoError);
    expect(() => scan('{"response":{"videos":[{"bytesBase64Encoded":"AA\\u00e9"}]}}')).toThrow(InlineVideoError);
  });
});

describe('Base64Decoder', () => {
  it('decodes text cut anywhere, in either alphabet', () => {
    const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 37) % 256));
    for (const text of [bytes.toString('base64'), bytes.toString('base64url')]) {
      for (let cut = 0; cut <= text.length; cut++) {
        const decoder = new Base64Decoder();
        const out = Buffer.concat([decoder.push(text.slice(0, cut)), decoder.push(text.slice(cut)), decoder.end()]);
        expect(out.equals(bytes)).toBe(true);
      }
    }
  });

  it('refuses characters outside base64 and data after the padding', () => {
    expect(() => new Base64Decoder().push('AAAA*AAA')).toThrow(InlineVideoError);
    const decoder = new Base64Decoder();
    decoder.push('QQ==');
    expect(() => decoder.push('QUFB')).toThrow(InlineVideoError);
    const cut = new Base64Decoder();
    cut.push('QUFBQ');
    expect(() => cut.end()).toThrow(/mid-character/);
  });
});

describe('InlineVideoDecoder', () => {
  it('streams the decoded video out of a JSON answer', async () => {
    const video = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const json = JSON.stringify({ done: true, response: { videos: [{ bytesBase64Encoded: video.toString('base64'), mimeType: 'video/mp4' }] } });
    const pieces = Array.from({ length: Math.ceil(json.length / 97) }, (_, i) => Buffer.from(json.slice(i * 97, i * 97 + 97)));
    const decoder = new InlineVideoDecoder(PATH, (why) => new Error(why));
    const out: Buffer[] = [];
    for (const piece of pieces) decoder.decode(piece, (bytes) => out.push(bytes));
    decoder.finish((bytes) => out.push(bytes));
    expect(Buffer.concat(out).equals(video)).toBe(true);
    expect(decoder.found && decoder.complete).toBe(true);
    expect(decoder.bytesIn).toBe(json.length);
  });

  it('fails with the error the caller gives for a corrupt video', async () => {
    const decoder = new InlineVideoDecoder(PATH, (why) => new Error(`bad: ${why}`));
    const json = '{"response":{"videos":[{"bytesBase64Encoded":"AA!A"}]}}';
    expect(() => decoder.decode(Buffer.from(json), () => {})).toThrow(/^bad: the inline video is not valid base64/);
  });
});
