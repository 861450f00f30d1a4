/**
 * The body of the output prefetch's worker thread (output-prefetch.ts): reads the hash cache
 * at once, then, given the outputs, stats each one and asks the cache whether it knows the
 * file's bytes, and sends both answers back in one message.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { OutputHashCache } from './hash-cache.js';
import { MISSING, UNREAD, type PrefetchOutputs, type PrefetchReply, type PrefetchSetup } from './output-prefetch.js';

const { manifestDir, manifestFile } = workerData as PrefetchSetup;
// Read while the main thread loads the manifest.
const opening = OutputHashCache.open(manifestDir, manifestFile);

parentPort?.once('message', async ({ outputs: joined }: PrefetchOutputs) => {
  const cache = await opening;
  const outputs = joined.split('\n');
  const sizes = new Float64Array(outputs.length);
  const hashes = outputs.map((output, index) => {
    try {
      const path = resolve(manifestDir, output);
      const info = statSync(path, { bigint: true, throwIfNoEntry: false });
      if (!info?.isFile()) {
        sizes[index] = MISSING;
        return '';
      }
      sizes[index] = Number(info.size);
      return cache.lookup(path, info) ?? '';
    } catch {
      // ENOTDIR is missing too, but EACCES is not: the main thread stats it again and says why.
      sizes[index] = UNREAD;
      return '';
    }
  });
  parentPort?.postMessage({ sizes, hashes: hashes.join('\n') } satisfies PrefetchReply, [sizes.buffer]);
});
