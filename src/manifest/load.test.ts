import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, VideogenError } from '../errors.js';
import { loadManifest, MAX_MANIFEST_BYTES, parseManifestText } from './load.js';
import type { Problem } from './problems.js';
import { checkOptionValues } from './rules.js';

const dir = mkdtempSync(path.join(tmpdir(), 'videogen-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, 'refs'));
// A PNG signature and then anything: image types are judged by their first bytes.
writeFileSync(path.join(dir, 'refs/product.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest')]));

const load = (text: string, file = 'shots.yaml') => parseManifestText(text, file, dir);

async function diagnosticsOf(text: string) {
  const error = await load(text).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).diagnostics;
}

describe('defaults', () => {
  it('are merged under every shot: fields overridden, options merged key by key, tags combined', async () => {
    const manifest = await load(`version: 1
defaults:
  provider: heygen
  model: kling_pro
  prompt: A shared prompt
  options:
    seed: 1
    style: film
  tags: [campaign, hero]
shots:
  - id: inherits
  - id: overrides
    model: veo2
    prompt: Its own prompt
    options:
      seed: 2
    tags: [hero, social]
`);
    const [inherits, overrides] = manifest.shots;
    expect(inherits!.spec).toEqual({
      provider: 'heygen',
      endpoint: 'https://api.heygen.com',
      model: 'kling_pro',
      prompt: 'A shared prompt',
      aspect_ratio: '16:9',
      options: { seed: 1, style: 'film' },
    });
    expect(inherits!.tags).toEqual(['campaign', 'hero']);
    expect(overrides!.spec).toMatchObject({ model: 'veo2', prompt: 'Its own prompt', options: { seed: 2, style: 'film' } });
    expect(overrides!.tags).toEqual(['campaign', 'hero', 'social']);
  });
});

describe('providers', () => {
  it('are one heygen entry with its module defaults when omitted, which warns that HeyGen v1 is retired', async () => {
    const manifest = await load('version: 1\nshots:\n  - id: a\n    prompt: x\n');
    expect([...manifest.providers.keys()]).toEqual(['heygen']);
    expect(manifest.providers.get('heygen')).toEqual({
      name: 'heygen',
      type: 'heygen',
      baseUrl: 'https://api.heygen.com',
      apiKeyEnv: 'HEYGEN_API_KEY',
      concurrency: 4,
      emulate: false,
      settings: {},
      poll: { initialMs: 5000, maxMs: 30000 },
      timeoutMs: 900_000,
      downloadTimeoutMs: 600_000,
    });
    expect(manifest.shots[0]!.spec).toMatchObject({ provider: 'heygen', model: 'veo_3_1', aspect_ratio: '16:9' });
    expect(manifest.warnings).toEqual([expect.objectContaining({ code: 'VIDEOGEN_MANIFEST_RETIRED', severity: 'warning', hint: 'use type: heygen-v3' })]);
    expect(manifest.warnings[0]!.message).toContain('2026-11-01');
  });

  it('no longer have an implicit openai entry: OpenAI shut its Videos API down', async () => {
    const diagnostics = await diagnosticsOf('version: 1\nshots:\n  - id: a\n    provider: openai\n    prompt: x\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'VIDEOGEN_MANIFEST_UNKNOWN_PROVIDER', path: 'shots[0].provider' })]);
    expect(diagnostics[0]!.hint).toContain('2026-09-24');
  });

  it('need base_url and model on openai-videos, which has no default endpoint or model', async () => {
    const diagnostics = await diagnosticsOf('version: 1\nproviders:\n  hx:\n    type: openai-videos\nshots:\n  - id: a\n    prompt: x\n');
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['VIDEOGEN_MANIFEST_REQUIRED', 'providers.hx.base_url'],
      ['VIDEOGEN_MANIFEST_REQUIRED', 'shots[0].model'],
    ]);
    expect(diagnostics[0]!.hint).toContain('huixingyun');
  });

  it('warn once per provider and model about retired models and APIs, at the first place each is used', async () => {
    const manifest = await load(`version: 1
providers:
  oa:
    type: openai-videos
    base_url: https://api.openai.com/v1
defaults:
  provider: oa
shots:
  - id: a
    model: sora-2
    prompt: x
  - id: b
    model: sora-2
    prompt: y
  - id: c
    model: sora-2-prp
    prompt: z
`);
    expect(manifest.warnings.map((w) => [w.code, w.line, w.path])).toEqual([
      ['VIDEOGEN_MANIFEST_RETIRED', 5, 'providers.oa.base_url'],
      ['VIDEOGEN_MANIFEST_RETIRED', 10, 'shots[0].model'],
      ['VIDEOGEN_MANIFEST_UNKNOWN_MODEL', 16, 'shots[2].model'],
    ]);
    expect(manifest.warnings[1]!.message).toContain('2026-09-24');
  });

  it('take settings as written, and the only declared provider serves shots that name none', async () => {
    const manifest = await load(`version: 1
providers:
  hx:
    type: openai-videos
    base_url: https://API.huixingyun.com:443/v1/
    api_key_env: HUIXINGYUN_API_KEY
    concurrency: 16
    reference_format: string
    poll:
      initial: 250ms
    timeout: 1h
    download_timeout: 90
shots:
  - id: a
    prompt: x
    model: veo-3.1-fast-generate-001
    duration: 8s
`);
    expect(manifest.providers.get('hx')).toEqual({
      name: 'hx',
      type: 'openai-videos',
      baseUrl: 'https://api.huixingyun.com/v1',
      apiKeyEnv: 'HUIXINGYUN_API_KEY',
      concurrency: 16,
      emulate: false,
      settings: { reference_format: 'string' },
      poll: { initialMs: 250, maxMs: 30000 },
      timeoutMs: 3_600_000,
      downloadTimeoutMs: 90_000,
    });
    expect(manifest.shots[0]).toMatchObject({ providerName: 'hx', spec: { endpoint: 'https://api.huixingyun.com/v1', duration: 8 } });
  });

  it('marks emulated endpoints in the spec and leaves their URL to the emulator', async () => {
    const manifest = await load('version: 1\nproviders:\n  local:\n    type: heygen\n    emulate: true\nshots:\n  - id: a\n    prompt: x\n');
    expect(manifest.providers.get('local')).toMatchObject({ emulate: true, baseUrl: '' });
    expect(manifest.shots[0]!.spec.endpoint).toBe('emulator');
  });
});

describe('paths', () => {
  it('puts outputs under output_dir, relative to the manifest, with forward slashes', async () => {
    const text = (outputDir: string) =>
      `version: 1\noutput_dir: ${outputDir}\ndefaults:\n  provider: heygen\nshots:\n  - id: a\n    prompt: x\n  - id: b\n    prompt: y\n    output: social/./b-vertical.mp4\n`;
    const manifest = await load(text('renders/final'));
    expect(manifest.outputDir).toBe('renders/final');
    expect(manifest.shots.map((s) => s.output)).toEqual(['renders/final/a.mp4', 'renders/final/social/b-vertical.mp4']);
    expect((await load(text('.'))).shots[0]!.output).toBe('a.mp4');
    expect((await load(text('../elsewhere'))).shots[0]!.output).toBe('../elsewhere/a.mp4');
    const absolute = path.join(tmpdir(), 'videogen-abs-out');
    expect((await load(text(absolute))).outputDir).toBe(path.relative(dir, absolute));
  });

  it('defaults output_dir to out and names the lock after the manifest', async () => {
    const manifest = await load('version: 1\ndefaults:\n  provider: heygen\nshots:\n  - id: a\n    prompt: x\n', 'campaign.yml');
    expect(manifest.outputDir).toBe('out');
    expect(manifest.file).toBe(path.join(dir, 'campaign.yml'));
    expect(manifest.dir).toBe(dir);
    expect(manifest.lockFile).toBe(path.join(dir, 'campaign.lock.yaml'));
  });

  it('resolves local images against the manifest directory and hashes each file once', async () => {
    const manifest = await load(`version: 1
defaults:
  provider: heygen
  reference_image: refs/product.png
shots:
  - id: a
    prompt: x
  - id: b
    prompt: y
    tail_image: refs/../refs/product.png
  - id: c
    prompt: z
    reference_image: https://example.com/a.png
`);
    const [a, b, c] = manifest.shots;
    expect(a!.referenceImage).toEqual({
      kind: 'file',
      path: path.join(dir, 'refs/product.png'),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      bytes: 12,
      mime: 'image/png',
    });
    // One hash result shared by every use of the file.
    expect(b!.referenceImage).toBe(a!.referenceImage);
    expect(b!.tailImage).toBe(a!.referenceImage);
    expect(a!.spec.reference_image).toBe(`sha256:${(a!.referenceImage as { sha256: string }).sha256}`);
    expect(c!.referenceImage).toEqual({ kind: 'url', url: 'https://example.com/a.png' });
    expect(c!.spec.reference_image).toBe('https://example.com/a.png');
  });
});

describe('reading the file', () => {
  it('reports a missing manifest with exit code 3', async () => {
    const error = await loadManifest(path.join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VideogenError);
    expect(error).toMatchObject({ code: 'VIDEOGEN_MANIFEST_NOT_FOUND', exitCode: 3 });
    expect((error as VideogenError).hint).toContain('videogen init');
  });

  it('reports a directory given as the manifest', async () => {
    await expect(loadManifest(dir)).rejects.toMatchObject({ code: 'VIDEOGEN_MANIFEST_NOT_FOUND' });
  });

  it('refuses a manifest over 10 MB without parsing it', async () => {
    const big = path.join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, MAX_MANIFEST_BYTES + 1);
    const error = await loadManifest(big).catch((e: unknown) => e);
    expect((error as InvalidInputError).diagnostics).toEqual([expect.objectContaining({ code: 'VIDEOGEN_MANIFEST_TOO_LARGE', file: big })]);
  });

  it('accepts a byte-order mark and CRLF line endings', async () => {
    const file = path.join(dir, 'windows.yaml');
    writeFileSync(file, '\ufeffversion: 1\r\ndefaults:\r\n  provider: heygen\r\nshots:\r\n  - id: a\r\n    prompt: |\r\n      two\r\n      lines\r\n');
    const manifest = await loadManifest(file);
    expect(manifest.shots[0]!.spec.prompt).toBe('two\nlines');
  });
});

describe('parsing paths agree', () => {
  it('gives the same manifest from block style (fast path) and flow style (yaml path)', async () => {
    const block = await load(`version: 1
providers:
  hx:
    type: openai-videos
    base_url: https://api.huixingyun.com/v1
defaults:
  provider: hx
  model: m1
shots:
  - id: a
    prompt: "Quoted, with a \\"quote\\""
    size: 720x1280
    tags: [x]
    options:
      seed: 7
      hd: true
`);
    const flow = await load(`{version: 1, providers: {hx: {type: openai-videos, base_url: "https://api.huixingyun.com/v1"}}, defaults: {provider: hx, model: m1},
  shots: [{id: a, prompt: "Quoted, with a \\"quote\\"", size: 720x1280, tags: [x], options: {seed: 7, hd: true}}]}
`);
    expect(flow).toEqual(block);
  });

  it('allows a scalar anchor to be reused by a few hundred shots', async () => {
    let text = 'version: 1\ndefaults:\n  provider: heygen\n  prompt: &style A shared style\nshots:\n';
    for (let i = 0; i < 300; i++) text += `  - id: s${i}\n    prompt: *style\n`;
    const manifest = await load(text);
    expect(manifest.shots).toHaveLength(300);
  });
});

describe('problems', () => {
  it('are all reported, sorted by position, with paths', async () => {
    const diagnostics = await diagnosticsOf(`version: 1
defaults:
  provider: heygen
shots:
  - id: ok
    prompt: fine
    reference_image: refs/missing.png
  - id: Bad
    prompt: x
  - id: ok
    promt: y
`);
    expect(diagnostics.map((d) => [d.code, d.line, d.col, d.path])).toEqual([
      ['VIDEOGEN_MANIFEST_FILE_NOT_FOUND', 7, 22, 'shots[0].reference_image'],
      ['VIDEOGEN_MANIFEST_BAD_ID', 8, 9, 'shots[1].id'],
      ['VIDEOGEN_MANIFEST_DUPLICATE_ID', 10, 9, 'shots[2].id'],
      ['VIDEOGEN_MANIFEST_UNKNOWN_KEY', 11, 5, 'shots[2].promt'],
    ]);
  });

  it('point into the anchor when an aliased node is wrong', async () => {
    const diagnostics = await diagnosticsOf('version: 1\ndefaults:\n  provider: heygen\nshots:\n  - &base\n    id: a\n    prompt: x\n    colour: red\n  - *base\n');
    expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.col} ${d.path}`)).toEqual([
      'VIDEOGEN_MANIFEST_DUPLICATE_ID 6:9 shots[1].id',
      'VIDEOGEN_MANIFEST_UNKNOWN_KEY 8:5 shots[0].colour',
      'VIDEOGEN_MANIFEST_UNKNOWN_KEY 8:5 shots[1].colour',
    ]);
  });

  it('flag .inf and .nan in options, which JSON cannot carry', async () => {
    const diagnostics = await diagnosticsOf('version: 1\ndefaults:\n  provider: heygen\nshots:\n  - id: a\n    prompt: x\n    options:\n      weights: [1, .nan]\n');
    expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.col} ${d.path}`)).toEqual(['VIDEOGEN_MANIFEST_VALUE 8:20 shots[0].options.weights[1]']);
  });
});

describe('performance', () => {
  it('loads a 10,000-shot manifest quickly', async () => {
    let text = 'version: 1\ndefaults:\n  provider: heygen\n  reference_image: refs/product.png\nshots:\n';
    for (let i = 0; i < 10_000; i++) {
      text += `  - id: shot-${i}\n    prompt: Drone shot of a coastal city number ${i} at golden hour, cinematic lighting\n    tags: [bench]\n`;
    }
    const started = performance.now();
    const manifest = await load(text);
    const elapsed = performance.now() - started;
    expect(manifest.shots).toHaveLength(10_000);
    // The plan benchmark measures the real figure (a few hundred ms); this only catches an accidental O(n²).
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe('robustness', () => {
  it('answers every mangled manifest with a manifest or an InvalidInputError, never a crash', async () => {
    const seedText = `version: 1
output_dir: out
providers:
  heygen:
    type: heygen
    poll: {initial: 1s, max: 5s}
  hx:
    type: openai-videos
    base_url: https://api.example.com/v1
defaults:
  provider: heygen
  options: {seed: 1}
  tags: [a]
shots:
  - id: a
    prompt: Drone shot
    reference_image: refs/product.png
  - id: b
    provider: hx
    prompt: "Quoted"
    duration: 8
    size: 1280x720
    output: x/b.mp4
`;
    const pieces = ['', ' ', '- ', ': ', '{}', '[]', 'null', '~', '0', '-1', '"x"', '&a ', '*a', '\n', '  ', 'id: ', 'prompt: ', 'providers:', '!!str ', '<<: ', '\t', '..', '/', 'x: [', '"'];
    let state = 12345;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    for (let round = 0; round < 400; round++) {
      let text = seedText;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length);
        text = random(2) === 0 ? text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + random(8));
      }
      const outcome = await load(text).catch((e: unknown) => e);
      if (outcome instanceof Error) {
        expect(outcome, text).toBeInstanceOf(InvalidInputError);
        for (const d of (outcome as InvalidInputError).diagnostics) {
          expect(d.line, text).toBeGreaterThanOrEqual(1);
          expect(d.col, text).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });
});

describe('hostile input', () => {
  it('refuses thousands of aliases before yaml resolves them (which is quadratic)', async () => {
    const list = (item: string) => `[${Array(20).fill(item).join(', ')}]`;
    let text = 'version: 1\ndefaults:\n  provider: heygen\nshots:\n  - id: a\n    prompt: x\n    options:\n';
    for (let k = 0; k < 130; k++) {
      text += `      a${k}: &a${k} ${list('"x"')}\n      b${k}: &b${k} ${list(`*a${k}`)}\n      c${k}: ${list(`*b${k}`)}\n`;
    }
    const started = performance.now();
    const diagnostics = await diagnosticsOf(text);
    expect(performance.now() - started).toBeLessThan(2_000);
    // The 1,001st alias: block 25 (0-based), 1 alias into its `c` line.
    expect(diagnostics.map((d) => `${d.code} ${d.line}`)).toEqual([`VIDEOGEN_MANIFEST_SYNTAX ${8 + 25 * 3 + 1}`]);
  });

  it('stays linear on huge mappings: duplicate keys and thousands of unknown keys', async () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `k${i}: ${i}`).join(', ');
    const started = performance.now();
    const unknown = await diagnosticsOf(`{version: 1, shots: [{id: a, prompt: x, provider: heygen}], ${keys}}\n`);
    expect(unknown).toHaveLength(30_000);
    expect(unknown[29_999]).toMatchObject({ code: 'VIDEOGEN_MANIFEST_UNKNOWN_KEY', path: 'k29999' });
    const duplicate = await diagnosticsOf(`{version: 1, shots: [{id: a, prompt: x, provider: heygen}], options: {${keys}, k7: again}}\n`);
    expect(duplicate.map((d) => d.message)).toEqual(['duplicate key `k7`']);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('caps the values all options may hold', () => {
    const problems: Problem[] = [];
    const budget = { left: 7 }; // every mapping, list and scalar counts, the options mapping itself included
    checkOptionValues({ a: [1, 2, 3], b: { c: 4 } }, ['defaults', 'options'], budget, problems);
    expect(problems).toEqual([]);
    checkOptionValues({ d: [5, 6] }, ['shots', 0, 'options'], budget, problems);
    expect(problems.map((p) => [p.code, p.path])).toEqual([['VIDEOGEN_MANIFEST_VALUE', ['shots', 0, 'options']]]);
  });
});
