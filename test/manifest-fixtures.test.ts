/**
 * The broken-manifest corpus: every file under fixtures/manifests/bad starts with one
 * `# expect: CODE LINE:COL` line per diagnostic it must produce, no more and no fewer.
 * The CLI-level test reads the same lines, so keep that format exact.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../src/errors.js';
import { loadManifest } from '../src/manifest/load.js';
import { fixtureExpectations } from './helpers/fixture-expectations.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const badDir = path.join(here, 'fixtures/manifests/bad');
const goodDir = path.join(here, 'fixtures/manifests/good');

const badFixtures = readdirSync(badDir)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

describe('broken manifests', () => {
  it('has a corpus of at least 30 fixtures, each declaring what it expects', () => {
    expect(badFixtures.length).toBeGreaterThanOrEqual(30);
    for (const name of badFixtures) expect(fixtureExpectations(path.join(badDir, name)), name).not.toEqual([]);
  });

  it.each(badFixtures)('%s reports exactly the expected diagnostics', async (name) => {
    const file = path.join(badDir, name);
    const error = await loadManifest(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    const invalid = error as InvalidInputError;
    expect(invalid.code).toBe('VIDEOGEN_MANIFEST_INVALID');
    expect(invalid.exitCode).toBe(3);
    // A diagnostic in a data file names it beside the manifest, as the manifest's path was given.
    const expected = fixtureExpectations(file).map(({ file: dataFile, ...rest }) => ({ ...rest, file: dataFile === undefined ? file : path.join(badDir, dataFile) }));
    expect(invalid.diagnostics.map(({ code, file, line, col }) => ({ code, file, line, col }))).toEqual(expected);
    for (const d of invalid.diagnostics) expect(d.message.length).toBeGreaterThan(5);
  });
});

describe('diagnostic details', () => {
  async function diagnosticsOf(name: string) {
    const error = await loadManifest(path.join(badDir, name)).catch((e: unknown) => e);
    return (error as InvalidInputError).diagnostics;
  }

  it('names the field path and suggests the key that was meant', async () => {
    const [d] = await diagnosticsOf('unknown-shot-key-promt.yaml');
    expect(d).toMatchObject({ path: 'shots[0].promt', hint: 'did you mean `prompt`?' });
  });

  it('suggests the provider type that was meant', async () => {
    const [d] = await diagnosticsOf('unknown-provider-type.yaml');
    expect(d).toMatchObject({ path: 'providers.main.type', hint: 'did you mean `heygen`?' });
    expect(d!.message).toContain('heygen, openai-videos');
  });

  it('reports a problem inherited from defaults once, at the defaults', async () => {
    const diagnostics = await diagnosticsOf('several-problems-from-defaults.yaml');
    expect(diagnostics.map((d) => d.path)).toEqual(['defaults.duration', 'defaults.reference_image']);
  });

  it('reports stage-1 and stage-2 problems of different shots together', async () => {
    const diagnostics = await diagnosticsOf('several-problems.yaml');
    expect(diagnostics.map((d) => d.path)).toEqual([
      'shots[0].promt',
      'shots[1].id',
      'shots[2].duration',
      'shots[2].tail_image',
      'shots[3].id',
      'shots[3].reference_image',
    ]);
  });

  it('never echoes what may be a secret', async () => {
    const [key] = await diagnosticsOf('api-key-env-is-a-key.yaml');
    expect(JSON.stringify(key)).not.toContain('sk-proj');
    const [url] = await diagnosticsOf('base-url-with-credentials.yaml');
    expect(JSON.stringify(url)).not.toContain('secret-password');
  });

  it('suggests a duration spelling', async () => {
    const [d] = await diagnosticsOf('duration-text.yaml');
    expect(d!.hint).toBe('write `5m`');
  });
});

describe('good manifests', () => {
  const goodFixtures = readdirSync(goodDir).filter((name) => name.endsWith('.yaml'));

  it.each(goodFixtures)('%s loads', async (name) => {
    const manifest = await loadManifest(path.join(goodDir, name));
    expect(manifest.shots.length).toBeGreaterThan(0);
    for (const shot of manifest.shots) expect(shot.specHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('reads a provider rate as submissions per minute, and concurrency up to 1000', async () => {
    const manifest = await loadManifest(path.join(goodDir, 'campaign.yaml'));
    expect(manifest.providers.get('hx')).toMatchObject({ concurrency: 1000, ratePerMinute: 60 });
    expect(manifest.providers.get('heygen')?.ratePerMinute).toBeUndefined();
  });
});
