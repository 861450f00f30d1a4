import { cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentDigest, ParsedCache } from '../util/parsed-cache.js';
import { loadManifest, loadManifestAndCache } from './load.js';
import { MIN_CACHED_CHARS } from './parsed-cache.js';
import { REPO_ROOT } from '../../test/helpers/cli.js';
import { useScratch } from '../../test/helpers/scratch.js';

const cacheFile = (dir: string, name = 'shots.yaml') => join(dir, '.videogen', `${name}.parsed.json`);
/** A comment long enough for the text to be cached; the YAML's value is the same. */
const PADDING = `\n# ${'padding '.repeat(MIN_CACHED_CHARS / 8)}\n`;
const exists = (file: string) => stat(file).then(
  () => true,
  () => false,
);

describe('parsed manifest cache', () => {
  const scratch = useScratch('videogen-manifest-cache-');

  for (const source of ['examples', 'examples/data-driven', 'test/fixtures/manifests/good', 'test/fixtures/pinned']) {
    it(`gives every manifest in ${source} exactly as parsing its YAML does, spec hashes included`, async () => {
      await cp(join(REPO_ROOT, source), scratch.dir, { recursive: true, filter: (from) => !/\/(out|\.videogen)(\/|$)/.test(from) });
      const manifests = (await readdir(scratch.dir)).filter((name) => /\.ya?ml$/.test(name) && !/\.(lock|review)\./.test(name));
      expect(manifests.length).toBeGreaterThanOrEqual(1);
      for (const name of manifests) {
        const file = join(scratch.dir, name);
        await writeFile(file, (await readFile(file, 'utf8')) + PADDING);
        const parsed = await loadManifestAndCache(file);
        expect(await exists(cacheFile(scratch.dir, name)), name).toBe(false); // nothing written by reading alone
        await parsed.saveCache();
        expect(await exists(cacheFile(scratch.dir, name)), name).toBe(true);
        expect(await loadManifest(file), name).toStrictEqual(parsed.manifest);
      }
    });
  }

  it('is read while the text is the same, and ignored once it changes or when corrupt', async () => {
    const file = join(scratch.dir, 'shots.yaml');
    const text = `version: 1\nproviders:\n  p: { type: heygen-v3 }\nshots:\n  - { id: a, prompt: one }\n${PADDING}`;
    await writeFile(file, text);
    await (await loadManifestAndCache(file)).saveCache();
    // A planted value under the same sha256 proves the next read came from the cache.
    const planted = { version: 1, providers: { p: { type: 'heygen-v3' } }, shots: [{ id: 'planted', prompt: 'two' }] };
    await new ParsedCache(file, 'parsed-manifest/1').save(contentDigest(text), [JSON.stringify(planted)]);
    expect((await loadManifest(file)).shots.map((shot) => shot.id)).toEqual(['planted']);
    await writeFile(file, text.replace('id: a', 'id: b'));
    expect((await loadManifest(file)).shots.map((shot) => shot.id)).toEqual(['b']);
    await writeFile(cacheFile(scratch.dir), `${(await readFile(cacheFile(scratch.dir), 'utf8')).split('\n')[0]}\n{not json`);
    await writeFile(file, text);
    expect((await loadManifest(file)).shots.map((shot) => shot.id)).toEqual(['a']);
  });

  it('leaves a small manifest uncached, and its folder as it was', async () => {
    const file = join(scratch.dir, 'shots.yaml');
    await writeFile(file, 'version: 1\nproviders:\n  p: { type: heygen-v3 }\nshots:\n  - { id: a, prompt: one }\n');
    await (await loadManifestAndCache(file)).saveCache();
    expect(await exists(join(scratch.dir, '.videogen'))).toBe(false);
  });

  it('never caches what JSON cannot carry exactly', async () => {
    // -0 is a valid option value; JSON would bring it back as 0.
    const file = join(scratch.dir, 'shots.yaml');
    await writeFile(file, `version: 1\nproviders:\n  p: { type: heygen-v3 }\nshots:\n  - { id: a, prompt: one, options: { speed: -0 } }\n${PADDING}`);
    const parsed = await loadManifestAndCache(file);
    await parsed.saveCache();
    expect(await exists(cacheFile(scratch.dir))).toBe(false);
    expect(await loadManifest(file)).toStrictEqual(parsed.manifest);
  });
});
