/**
 * Libraries only some runs need, loaded on first use rather than by a static import, which
 * would load them into every `plan`: `yaml` (28 ms of a cold start) finds the line and
 * column of a problem and reads what js-yaml refuses, so it is needed only when a manifest or
 * lock has something to report; csv-parse (20 ms) only for `data:` CSV files. Their CommonJS
 * builds are required, so the functions that use them stay synchronous (`yaml` is CommonJS
 * under Node whichever way it is loaded).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// Kept once loaded: require() resolves its argument again on every call, and positions.ts asks
// for `yaml` once per key of a mapping it indexes.
let yaml: typeof import('yaml') | undefined;
let csvParse: typeof import('csv-parse/sync') | undefined;

export function yamlLibrary(): typeof import('yaml') {
  return (yaml ??= require('yaml') as typeof import('yaml'));
}

export function csvParseSync(): typeof import('csv-parse/sync') {
  return (csvParse ??= require('csv-parse/sync') as typeof import('csv-parse/sync'));
}
