/**
 * The object store through the real AWS SDK against a real S3 protocol implementation
 * (s3rver) on loopback, and through a proxy that makes it fail the ways stores fail.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StorageConfig } from '../src/storage/config.js';
import { LocalCache } from '../src/storage/local-cache.js';
import { openObjectStore, type ObjectStore } from '../src/storage/object-store.js';
import { PART_BYTES } from '../src/storage/s3-upload.js';
import { LIST_ABOVE, storeInventory } from '../src/storage/inventory.js';
import { lookupReuse } from '../src/storage/reuse-lookup.js';
import { specHash } from '../src/manifest/spec-hash.js';
import { s3ErrorBody, startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { S3_CREDENTIALS, s3Env, startS3, type RunningS3 } from './helpers/s3.js';
import { useScratch } from './helpers/scratch.js';

const scratch = useScratch('videogen-s3-store-');
let s3: RunningS3;
let proxy: FaultProxy;
const stores: ObjectStore[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  // The SDK's credential chain reads process.env; keep the developer's own AWS setup out.
  Object.assign(process.env, s3Env());
  s3 = await startS3(['videos']);
  proxy = await startFaultProxy(s3.endpoint);
});
afterEach(() => {
  proxy.setRule(() => 'pass');
  for (const store of stores.splice(0)) store.close();
  process.env.AWS_ACCESS_KEY_ID = S3_CREDENTIALS.AWS_ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = S3_CREDENTIALS.AWS_SECRET_ACCESS_KEY;
});
afterAll(async () => {
  await proxy?.close();
  await s3?.close();
  process.env = savedEnv;
});

function config(overrides: Partial<StorageConfig> = {}): StorageConfig {
  return { url: 's3://videos/team', bucket: 'videos', prefix: 'team', endpoint: s3.endpoint, forcePathStyle: true, ...overrides };
}

async function open(overrides: Partial<StorageConfig> = {}): Promise<ObjectStore> {
  const store = await openObjectStore(config(overrides), process.env);
  stores.push(store);
  return store;
}

async function videoFile(name: string, bytes: number) {
  const content = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4096) content.writeUInt32BE(i, i);
  const file = path.join(scratch.dir, name);
  await writeFile(file, content);
  return { file, sha256: createHash('sha256').update(content).digest('hex'), bytes };
}

describe('S3 object store', () => {
  it('uploads a video in parts under its sha256 and downloads it verified', async () => {
    const store = await open();
    const video = await videoFile('big.mp4', PART_BYTES + 123);
    expect(await store.hasObject(video)).toBe(false);
    await store.upload(video.file, video);
    expect(await store.hasObject(video)).toBe(true);
    expect(store.objectUrl(video.sha256)).toBe(`s3://videos/team/sha256/${video.sha256.slice(0, 2)}/${video.sha256}.mp4`);

    const cache = LocalCache.forManifest(scratch.dir);
    await store.download(video, (body) => cache.receive(body, video, store.objectUrl(video.sha256)));
    expect(await cache.hasObject(video)).toBe(true);
  });

  it('keeps spec index entries, and reports one filed under the wrong name as untrustworthy', async () => {
    const store = await open();
    const specHash = `sha256:${'1'.repeat(64)}`;
    expect(await store.getSpec(specHash)).toBeUndefined();
    const entry = {
      version: 1 as const,
      spec_hash: specHash,
      spec: { provider: 'heygen' as const, endpoint: 'emulator', model: 'veo_3_1', prompt: 'x' },
      output: { sha256: 'a'.repeat(64), bytes: 10 },
    };
    await store.putSpec(entry);
    expect(await store.getSpec(specHash)).toEqual({ problem: 'its spec does not hash to its name' });
  });

  it('answers reuse questions in one batch: the cache first, then the store, listing it when asked about many specs', async () => {
    const store = await open({ endpoint: proxy.url, prefix: 'lookup', url: 's3://videos/lookup' });
    const cache = LocalCache.forManifest(scratch.dir);
    const [inStore, inCache] = ['in the store', 'in the cache'].map((prompt) => {
      const spec = { provider: 'heygen' as const, endpoint: 'emulator', model: 'veo_3_1', prompt };
      return { version: 1 as const, spec_hash: specHash(spec), spec, output: { sha256: createHash('sha256').update(prompt).digest('hex'), bytes: prompt.length } };
    });
    await store.putSpec(inStore!);
    const cached = path.join(scratch.dir, 'cached.mp4');
    await writeFile(cached, 'in the cache');
    await cache.addFile(cached, inCache!.output);
    await cache.writeSpec(inCache!);

    const unknown = Array.from({ length: LIST_ABOVE }, (_, i) => `sha256:${createHash('sha256').update(String(i)).digest('hex')}`);
    const requests: string[] = [];
    proxy.setRule((req) => (requests.push(`${req.method} ${req.url}`), 'pass'));
    const index = await lookupReuse({ specHashes: [...unknown, inStore!.spec_hash, inCache!.spec_hash], objects: [] }, { cache, store }, () => {});
    expect(index.specs.get(inStore!.spec_hash)).toEqual({ from: 'store', ...inStore!.output });
    expect(index.specs.get(inCache!.spec_hash)).toEqual({ from: 'cache', ...inCache!.output });
    expect(index.specs.size).toBe(2);
    // One listing and one read, not 201 reads.
    expect(requests).toEqual([expect.stringMatching(/^GET \/videos\/?\?list-type=2&prefix=lookup%2Fspecs%2F/), expect.stringMatching(/^GET \/videos\/lookup\/specs\//)]);
  });

  it('takes stock of many videos and spec entries with listings, not one request each', async () => {
    const store = await open({ endpoint: proxy.url, prefix: 'stock', url: 's3://videos/stock' });
    const video = await videoFile('stock.mp4', 1000);
    await store.upload(video.file, video);
    const unknown = Array.from({ length: LIST_ABOVE + 1 }, (_, i) => ({ sha256: createHash('sha256').update(String(i)).digest('hex'), bytes: 1000 }));
    let requests = 0;
    proxy.setRule(() => (requests++, 'pass'));
    const stock = await storeInventory(store, [...unknown, video], unknown.map((output) => `sha256:${output.sha256}`));
    expect(requests).toBe(2);
    expect(stock.hasObject(video)).toBe(true);
    expect(stock.hasObject({ ...video, bytes: 999 })).toBe(false);
    expect(stock.hasObject(unknown[0]!)).toBe(false);
    expect(stock.hasSpec(`sha256:${unknown[0]!.sha256}`)).toBe(false);
  });

  it('refuses bytes that do not match their name', async () => {
    const store = await open();
    const claimed = { sha256: 'b'.repeat(64), bytes: 5 };
    const raw = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await raw.send(new PutObjectCommand({ Bucket: 'videos', Key: `team/sha256/bb/${claimed.sha256}.mp4`, Body: 'wrong' }));
    raw.destroy();
    const cache = LocalCache.forManifest(scratch.dir);
    await expect(store.download(claimed, (body) => cache.receive(body, claimed, store.objectUrl(claimed.sha256)))).rejects.toMatchObject({
      code: 'VIDEOGEN_STORAGE_CORRUPT',
      message: expect.stringContaining(store.objectUrl(claimed.sha256)),
      hint: expect.stringContaining('videogen push'),
    });
    expect(await cache.hasObject(claimed)).toBe(false);
  });

  it('says an object is missing, and a bucket is missing, apart', async () => {
    const store = await open();
    await expect(store.download({ sha256: 'c'.repeat(64), bytes: 1 }, async () => {})).rejects.toMatchObject({ code: 'VIDEOGEN_STORAGE_MISSING' });
    const noBucket = await open({ bucket: 'no-such-bucket', url: 's3://no-such-bucket' });
    await expect(noBucket.getSpec(`sha256:${'1'.repeat(64)}`)).rejects.toMatchObject({
      code: 'VIDEOGEN_STORAGE_NO_BUCKET',
      message: expect.stringContaining('bucket no-such-bucket does not exist'),
    });
    const video = await videoFile('small.mp4', 1000);
    await expect(noBucket.upload(video.file, video)).rejects.toMatchObject({ code: 'VIDEOGEN_STORAGE_NO_BUCKET' });
  });

  it('says access is denied for an unknown key, without showing the key or the secret', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEUNKNOWN01';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const store = await open();
    const error = await store.getSpec(`sha256:${'1'.repeat(64)}`).catch((e: unknown) => e as Error & { hint?: string });
    expect(error).toMatchObject({ code: 'VIDEOGEN_STORAGE_ACCESS_DENIED', hint: expect.stringContaining('AWS_ACCESS_KEY_ID') });
    const shown = `${(error as Error).message} ${(error as { hint?: string }).hint} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
    expect(shown).not.toContain('AKIAEXAMPLEUNKNOWN01');
    expect(shown).not.toContain('wJalrXUtnFEMI');
  });

  it('says no credentials were found when the chain has none', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const store = await open();
    await expect(store.hasObject({ sha256: 'd'.repeat(64), bytes: 1 })).rejects.toMatchObject({
      code: 'VIDEOGEN_STORAGE_CREDENTIALS',
      hint: expect.stringContaining('AWS_PROFILE'),
    });
  });

  it("names the bucket's region when requests went to the wrong one", async () => {
    proxy.setRule(() => ({
      status: 301,
      headers: { 'x-amz-bucket-region': 'eu-west-1' },
      body: s3ErrorBody('PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint.'),
    }));
    const store = await open({ endpoint: proxy.url });
    await expect(store.getSpec(`sha256:${'1'.repeat(64)}`)).rejects.toMatchObject({
      code: 'VIDEOGEN_STORAGE_REGION',
      hint: 'set `region: eu-west-1` under `storage:`',
    });
  });

  it('fails fast and clearly when the store is unreachable, and after 5xx that do not stop', async () => {
    const dead = await open({ endpoint: 'http://127.0.0.1:9' });
    await expect(dead.hasObject({ sha256: 'e'.repeat(64), bytes: 1 })).rejects.toMatchObject({
      code: 'VIDEOGEN_STORAGE_UNREACHABLE',
      hint: expect.stringContaining('videogen push'),
    });
    proxy.setRule(() => ({ status: 503, body: s3ErrorBody('SlowDown', 'Please reduce your request rate.') }));
    const busy = await open({ endpoint: proxy.url });
    const video = await videoFile('v.mp4', 1000);
    await expect(busy.upload(video.file, video)).rejects.toMatchObject({ code: 'VIDEOGEN_STORAGE_UNREACHABLE', message: expect.stringContaining('HTTP 503') });
  });

  it('sends a part again when its connection drops', async () => {
    const store = await open({ endpoint: proxy.url });
    const video = await videoFile('parts.mp4', PART_BYTES + 4096);
    let parts = 0;
    proxy.setRule((req) => (req.method === 'PUT' && /partNumber=2/.test(req.url ?? '') && ++parts === 1 ? 'reset' : 'pass'));
    await store.upload(video.file, video);
    expect(proxy.faults.reset).toBe(1);
    const cache = LocalCache.forManifest(scratch.dir);
    await store.download(video, (body) => cache.receive(body, video, 'x'));
    expect(await cache.hasObject(video)).toBe(true);
  });

  it('downloads again when the connection breaks off', async () => {
    const store = await open({ endpoint: proxy.url });
    const video = await videoFile('again.mp4', 200_000);
    await store.upload(video.file, video);
    let gets = 0;
    proxy.setRule((req) => (req.method === 'GET' && ++gets === 1 ? 'reset' : 'pass'));
    const cache = LocalCache.forManifest(scratch.dir);
    await store.download(video, (body) => cache.receive(body, video, 'x'));
    expect(await cache.hasObject(video)).toBe(true);
    expect(proxy.faults.reset).toBeGreaterThanOrEqual(1);
  });
});
