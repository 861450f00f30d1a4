// The baseline for the storage benchmark, run as its own process: the same transfers as
// push and pull with nothing but node:http and anonymous requests (s3rver accepts those), so
// what is left is the store and the loopback. `put` sends each file in one PUT, `concurrency`
// at a time; `get` fetches each object, hashing it into a file, fsync, rename, as pull does.
// Prints { elapsedMs, bytes } as JSON.
//   node s3-plain.mjs put <concurrency> <baseUrl> <file>...
//   node s3-plain.mjs get <concurrency> <baseUrl> <destDir> <key>...
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { saveHashed } from './lib.mjs';

const [mode, concurrency, baseUrl, ...rest] = process.argv.slice(2);

function put(file) {
  const bytes = statSync(file).size;
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/plain-${basename(file)}`, { method: 'PUT', headers: { 'content-length': bytes } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`PUT ${file}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

async function get(destDir, key, index) {
  const res = await new Promise((resolve, reject) => request(`${baseUrl}/${key}`, resolve).on('error', reject).end());
  if (res.statusCode !== 200) throw new Error(`GET ${key}: ${res.statusCode}`);
  return saveHashed(res, join(destDir, `plain-${index}.mp4`));
}

const jobs = mode === 'put' ? rest.map((file) => () => put(file)) : rest.slice(1).map((key, index) => () => get(rest[0], key, index));
const started = performance.now();
let next = 0;
let bytes = 0;
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (next < jobs.length) {
      // Not `bytes += await …`: that reads `bytes` before the await, and workers would overwrite each other's counts.
      const done = await jobs[next++]();
      bytes += done;
    }
  }),
);
process.stdout.write(JSON.stringify({ elapsedMs: performance.now() - started, bytes }));
