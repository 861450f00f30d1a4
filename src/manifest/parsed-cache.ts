/**
 * The manifest's YAML as parsed, cached by the sha256 of its text (src/util/parsed-cache.ts).
 * In a cold process js-yaml takes 130 ms over the 1.2 MB of a 10,000-shot manifest, a
 * quarter of a `plan`; JSON.parse takes 8 ms. Only the YAML step is cached: it depends on the
 * text alone, while what follows it (data files, reference images, the checks) is done again
 * every time. A value JSON cannot carry exactly (`.inf`, `.nan`, `-0`) is never cached, nor
 * a small manifest (below MIN_CACHED_CHARS).
 */
import { contentDigest, ParsedCache } from '../util/parsed-cache.js';
import { SourceLocator } from './positions.js';
import { parseYamlText, type YamlParseResult } from './yaml-source.js';

export interface ManifestYaml {
  parsed: YamlParseResult;
  /** Writes the cache (a no-op when the value came from it, or cannot be cached); commands call it once they succeed. */
  saveCache(): Promise<void>;
}

const NOTHING_TO_SAVE = (): Promise<void> => Promise.resolve();

/**
 * About 2,000 shots. Below it js-yaml takes a few milliseconds, no more than the cache's own
 * read and write, and a small project's `plan` leaves its folder as it found it.
 */
export const MIN_CACHED_CHARS = 256 * 1024;

/** @param file the manifest's absolute path; @param text its text, a byte order mark removed */
export async function parseManifestYaml(file: string, text: string): Promise<ManifestYaml> {
  if (text.length < MIN_CACHED_CHARS) return { parsed: parseYamlText(text), saveCache: NOTHING_TO_SAVE };
  const cache = new ParsedCache(file, 'parsed-manifest/1');
  const digest = contentDigest(text);
  const cached = await cache.read(digest);
  // Positions are worked out from the text when a problem needs one, as after js-yaml.
  if (cached !== undefined) return { parsed: { ok: true, data: cached, locator: new SourceLocator(text) }, saveCache: NOTHING_TO_SAVE };
  const parsed = parseYamlText(text);
  if (!parsed.ok || !exactInJson(parsed.data)) return { parsed, saveCache: NOTHING_TO_SAVE };
  // Taken now: what reads the value next must not be able to change what is cached.
  const json = JSON.stringify(parsed.data);
  return { parsed, saveCache: () => cache.save(digest, [json]) };
}

/** JSON.parse(JSON.stringify(value)) gives back the same value: no non-finite numbers or -0, only plain data. */
function exactInJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(exactInJson);
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      return Object.values(value).every(exactInJson);
    default:
      return false;
  }
}
