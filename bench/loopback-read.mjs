// The baseline for the download benchmark, run as its own process: GETs the given URLs
// concurrently with plain undici and, per `mode`, throws the bytes away (`discard`) or does
// what videogen does with them minus the checks (`write`: sha256 while streaming to a file,
// fsync, rename). Prints { elapsedMs, bytes } as JSON.
//   node loopback-read.mjs <mode> <destDir> <authorization> <url>...
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';

const [mode, destDir, authorization, ...urls] = process.argv.slice(2);

async function fetchOne(url, index) {
  const res = await request(url, { headers: { authorization } });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
  let bytes = 0;
  if (mode === 'discard') {
    for await (const chunk of res.body) bytes += chunk.length;
    return bytes;
  }
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  const dest = join(destDir, `baseline-${index}.mp4`);
  const file = mode === 'write' ? createWriteStream(`${dest}.part`) : new Writable({ write: (_c, _e, cb) => cb() });
  await pipeline(res.body, hashing, file);
  hash.digest('hex');
  if (mode === 'write') {
    const handle = await open(`${dest}.part`, 'r');
    await handle.sync();
    await handle.close();
    await rename(`${dest}.part`, dest);
  }
  return bytes;
}

const started = performance.now();
const sizes = await Promise.all(urls.map(fetchOne));
const elapsedMs = performance.now() - started;
process.stdout.write(JSON.stringify({ elapsedMs, bytes: sizes.reduce((a, b) => a + b, 0) }));
