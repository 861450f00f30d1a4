// The baseline for the download benchmark, run as its own process: GETs the given URLs
// concurrently with plain undici and, per `mode`, throws the bytes away (`discard`) or does
// what videogen does with them minus the checks (`write`: sha256 while streaming to a file,
// fsync, rename). Prints { elapsedMs, bytes } as JSON.
//   node loopback-read.mjs <mode> <destDir> <authorization> <url>...
import { join } from 'node:path';
import { request } from 'undici';
import { saveHashed } from './lib.mjs';

const [mode, destDir, authorization, ...urls] = process.argv.slice(2);

async function fetchOne(url, index) {
  const res = await request(url, { headers: { authorization } });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
  if (mode === 'write') return saveHashed(res.body, join(destDir, `baseline-${index}.mp4`));
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  return bytes;
}

const started = performance.now();
const sizes = await Promise.all(urls.map(fetchOne));
const elapsedMs = performance.now() - started;
process.stdout.write(JSON.stringify({ elapsedMs, bytes: sizes.reduce((a, b) => a + b, 0) }));
