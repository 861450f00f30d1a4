import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifestText } from './load.js';
import { canonicalJson, specHash } from './spec-hash.js';
import type { Spec } from './types.js';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code unit, not by locale', () => {
    const value = { é: 1, z: 2, a: 3, Z: 4, '\u{1F600}': 5, ﬁ: 6, '10': 7, '9': 8, ä: 9 };
    // Code units: '1'(0x31) < '9' < 'Z'(0x5A) < 'a' < 'z' < 'ä'(0xE4) < 'é'(0xE9) < U+D83D (surrogate) < 'ﬁ'(0xFB01)
    expect(canonicalJson(value)).toBe('{"10":7,"9":8,"Z":4,"a":3,"z":2,"ä":9,"é":1,"\u{1F600}":5,"ﬁ":6}');
  });

  it('writes no whitespace, drops undefined members and sorts nested objects', () => {
    expect(canonicalJson({ b: [1, { y: true, x: null }], a: undefined, c: 'x y' })).toBe('{"b":[1,{"x":null,"y":true}],"c":"x y"}');
  });

  it('serialises numbers and strings the ECMAScript way', () => {
    expect(canonicalJson([1e21, 0.1, -0, 4, 'é\n"\u2028'])).toBe('[1e+21,0.1,0,4,"é\\n\\"\u2028"]');
  });

  it('is independent of insertion order', () => {
    expect(canonicalJson({ a: 1, b: { d: 2, c: 3 } })).toBe(canonicalJson({ b: { c: 3, d: 2 }, a: 1 }));
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow();
    expect(() => canonicalJson({ a: 1n })).toThrow();
  });

  it('names where the refused value sits', () => {
    expect(() => canonicalJson({ b: 1, options: { z: 'ok', fps: [24, Number.NaN] } })).toThrow('canonicalJson: $.options.fps[1] is NaN, which JSON cannot hold');
    expect(() => canonicalJson({ a: { f: () => {} } })).toThrow('canonicalJson: $.a.f is a function, which JSON cannot hold');
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow('canonicalJson: $ is Infinity, which JSON cannot hold');
  });
});

describe('specHash', () => {
  it('is sha256 over the canonical JSON', () => {
    const spec: Spec = { provider: 'heygen', endpoint: 'https://api.heygen.com', model: 'veo_3_1', prompt: 'x' };
    const canonical = '{"endpoint":"https://api.heygen.com","model":"veo_3_1","prompt":"x","provider":"heygen"}';
    expect(specHash(spec)).toBe(`sha256:${createHash('sha256').update(canonical).digest('hex')}`);
    expect(specHash({ ...spec })).toBe(specHash({ prompt: 'x', model: 'veo_3_1', endpoint: 'https://api.heygen.com', provider: 'heygen' }));
  });
});

describe('spec hash of a manifest shot', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'videogen-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'refs'));
  // PNG signatures, then different bytes: types are judged by their first bytes, specs by all of them.
  const png = (text: string) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(text)]);
  writeFileSync(path.join(dir, 'refs/a.png'), png('image bytes A'));
  writeFileSync(path.join(dir, 'refs/renamed.png'), png('image bytes A'));
  writeFileSync(path.join(dir, 'refs/b.png'), png('image bytes B'));

  const BASE = `version: 1
providers:
  heygen:
    type: heygen
  openai:
    type: openai-videos
    base_url: https://api.openai.com/v1
    concurrency: 2
defaults:
  provider: heygen
shots:
  - id: shot
    prompt: Drone shot of a coastal city, golden hour
`;

  async function hashOf(text: string): Promise<string> {
    const manifest = await parseManifestText(text, 'shots.yaml', dir);
    return manifest.shots[0]!.specHash;
  }

  /** The base manifest with extra lines appended to the shot. */
  const shot = (...lines: string[]): string => BASE + lines.map((l) => `    ${l}\n`).join('');
  /** A shot on the openai-videos entry, which needs a model (there is no default one). */
  const openai = (...lines: string[]): string => shot('provider: openai', 'model: sora-2', ...lines);

  it('does not change with key order, whitespace, comments, tags, id, output or provider tuning', async () => {
    const base = await hashOf(BASE);
    const reordered = `shots:
  -   prompt:    "Drone shot of a coastal city, golden hour"   # the hero
      id: renamed-shot
      tags: [hero, social]
      output: elsewhere/x.mp4

# a comment
defaults: { provider: heygen }
providers:
  openai: { type: openai-videos, base_url: "https://api.openai.com/v1/", concurrency: 9, timeout: 1h, poll: { initial: 1s } }
  heygen: { type: heygen, api_key_env: OTHER_KEY, concurrency: 1 }
version: 1
`;
    expect(await hashOf(reordered)).toBe(base);
  });

  it('hashes an explicit default like an implicit one', async () => {
    const base = await hashOf(BASE);
    expect(await hashOf(shot('model: veo_3_1', 'aspect_ratio: "16:9"', 'options: {}'))).toBe(base);
    const plain = await hashOf(openai());
    expect(await hashOf(openai('aspect_ratio: "16:9"'))).toBe(plain);
    expect(await hashOf(openai('size: 1280x720'))).toBe(plain);
  });

  it('changes with any change to what is generated', async () => {
    const hashes = await Promise.all([
      hashOf(BASE),
      hashOf(BASE.replace('city, golden', 'city golden')),
      hashOf(shot('model: kling_pro')),
      hashOf(shot('aspect_ratio: "9:16"')),
      hashOf(shot('options: { seed: 1 }')),
      hashOf(shot('options: { seed: 2 }')),
      hashOf(openai()),
      hashOf(openai('duration: 8')),
      hashOf(openai('duration: 12')),
      hashOf(openai('size: 1920x1080')),
      hashOf(shot('provider: openai', 'model: sora-2-pro')),
      hashOf(shot('reference_image: refs/a.png')),
      hashOf(shot('reference_image: refs/b.png')),
      hashOf(shot('reference_image: https://example.com/a.png')),
      hashOf(shot('tail_image: refs/a.png')),
      hashOf(BASE.replace('    type: heygen\n', '    type: heygen\n    base_url: https://eu.heygen.example\n')),
      hashOf(BASE.replace('    type: heygen\n', '    type: heygen\n    emulate: true\n')),
    ]);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('follows image bytes, not file names', async () => {
    expect(await hashOf(shot('reference_image: refs/renamed.png'))).toBe(await hashOf(shot('reference_image: refs/a.png')));
    writeFileSync(path.join(dir, 'refs/edited.png'), png('image bytes A'));
    const before = await hashOf(shot('reference_image: refs/edited.png'));
    writeFileSync(path.join(dir, 'refs/edited.png'), png('image bytes A, edited'));
    expect(await hashOf(shot('reference_image: refs/edited.png'))).not.toBe(before);
  });

  it('ignores a trailing slash on base_url and a block scalar final newline', async () => {
    const withUrl = (url: string) => BASE.replace('    type: heygen\n', `    type: heygen\n    base_url: ${url}\n`);
    expect(await hashOf(withUrl('https://api.heygen.com/'))).toBe(await hashOf(BASE));
    expect(await hashOf(BASE.replace('prompt: Drone', 'prompt: |\n      Drone'))).toBe(await hashOf(BASE));
  });
});
