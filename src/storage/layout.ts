/**
 * Where things live, in the store and in the local cache alike (DESIGN.md "Storage and
 * reuse"): a video under the sha256 of its bytes, fanned out by the first two hex digits so
 * no directory grows huge, and one small JSON file per spec saying which video it produced.
 *
 * Spec index files are named by the spec hash's hex digits without the `sha256:` scheme: a
 * colon is not allowed in Windows file names, and the cache mirrors the store.
 */

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SPEC_HASH = /^sha256:([0-9a-f]{64})$/;

/** `sha256/9f/9f2c….mp4`, relative to the store prefix or the cache directory. */
export function objectKey(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 hex digest: ${JSON.stringify(sha256)}`);
  return `sha256/${sha256.slice(0, 2)}/${sha256}.mp4`;
}

/** `specs/9f2c….json` for `sha256:9f2c…`. */
export function specKey(specHash: string): string {
  const match = SPEC_HASH.exec(specHash);
  if (!match) throw new Error(`not a spec hash: ${JSON.stringify(specHash)}`);
  return `${SPEC_DIR}/${match[1]}.json`;
}

export const SPEC_DIR = 'specs';

/**
 * The local cache's spec index since the log (spec-log.ts): one line per entry in one file.
 * The store, and caches written before, keep a file per spec under SPEC_DIR.
 */
export const SPEC_LOG = 'specs.jsonl';

/** The spec hash a spec index file name stands for, or undefined for any other file. */
export function specHashOfFileName(name: string): string | undefined {
  const match = /^([0-9a-f]{64})\.json$/.exec(name);
  return match ? `sha256:${match[1]}` : undefined;
}
