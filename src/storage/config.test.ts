import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { parseManifestText } from '../manifest/load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'videogen-storage-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHOTS = 'shots:\n  - id: a\n    provider: heygen\n    prompt: x\n';
const load = (storage: string) => parseManifestText(`version: 1\n${storage}\n${SHOTS}`, 'shots.yaml', dir);

async function problemsOf(storage: string): Promise<string[]> {
  const error = await load(storage).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.path}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
}

describe('storage:', () => {
  it('is absent unless the manifest names a store', async () => {
    expect((await parseManifestText(`version: 1\n${SHOTS}`, 'shots.yaml', dir)).storage).toBeUndefined();
  });

  it('takes an s3:// URL, with or without a prefix; a trailing slash is dropped', async () => {
    expect((await load('storage: s3://acme-videos/campaign-q4/')).storage).toEqual({
      url: 's3://acme-videos/campaign-q4',
      bucket: 'acme-videos',
      prefix: 'campaign-q4',
      forcePathStyle: false,
    });
    expect((await load('storage: s3://acme-videos')).storage).toMatchObject({ bucket: 'acme-videos', prefix: '' });
  });

  it('takes an object for S3-compatible stores (R2, MinIO)', async () => {
    const manifest = await load(
      'storage:\n  url: s3://videos/team/q4\n  endpoint: https://acc.r2.cloudflarestorage.com/\n  region: auto\n  force_path_style: true',
    );
    expect(manifest.storage).toEqual({
      url: 's3://videos/team/q4',
      bucket: 'videos',
      prefix: 'team/q4',
      endpoint: 'https://acc.r2.cloudflarestorage.com',
      region: 'auto',
      forcePathStyle: true,
    });
  });

  it('refuses other schemes and bad bucket names at the line and column of the value', async () => {
    expect(await problemsOf('storage: gs://videos/q4')).toEqual([expect.stringMatching(/^2:10 VIDEOGEN_MANIFEST_VALUE storage: expected s3:\/\/bucket/)]);
    expect(await problemsOf('storage:\n  url: s3://Videos')).toEqual([expect.stringMatching(/^3:8 VIDEOGEN_MANIFEST_VALUE storage\.url: expected s3:\/\/bucket/)]);
    expect(await problemsOf('storage: s3://videos//q4')).toEqual([expect.stringContaining('storage: expected a prefix without empty')]);
    expect(await problemsOf('storage: s3://videos/a/../b')).toEqual([expect.stringContaining('".." segments')]);
  });

  it('says which field of the object form is wrong, not just "invalid input"', async () => {
    expect(await problemsOf('storage:\n  url: s3://videos\n  region: 5')).toEqual([
      expect.stringMatching(/^4:11 VIDEOGEN_MANIFEST_TYPE storage\.region: expected text, got 5/),
    ]);
    expect(await problemsOf('storage:\n  url: s3://videos\n  force_path_style: "yes"')).toEqual([
      expect.stringMatching(/storage\.force_path_style: expected true or false/),
    ]);
  });

  it('refuses credentials in the manifest, pointing at the AWS credential chain', async () => {
    const [problem] = await problemsOf('storage:\n  url: s3://videos\n  secret_access_key: abc123secret');
    expect(problem).toMatch(/^4:3 VIDEOGEN_MANIFEST_UNKNOWN_KEY storage\.secret_access_key: unknown key .* in `storage`/);
    expect(problem).toContain('AWS environment and credential chain');
    expect(problem).not.toContain('abc123secret');
  });

  it('refuses plain http off loopback, and never echoes the endpoint', async () => {
    const [problem] = await problemsOf('storage:\n  url: s3://videos\n  endpoint: http://user:pw@minio.internal:9000');
    expect(problem).toMatch(/^4:13 VIDEOGEN_MANIFEST_VALUE storage\.endpoint: endpoint must not contain credentials/);
    expect(problem).not.toContain('pw@');
    expect((await problemsOf('storage:\n  url: s3://videos\n  endpoint: http://minio.internal:9000'))[0]).toContain('must use https');
    const local = await load('storage:\n  url: s3://videos\n  endpoint: http://127.0.0.1:9000\n  force_path_style: true');
    expect(local.storage?.endpoint).toBe('http://127.0.0.1:9000');
  });

  it('offers "did you mean" for a misspelt key', async () => {
    expect((await problemsOf('storage:\n  url: s3://videos\n  regoin: eu-west-1'))[0]).toContain('did you mean `region`?');
  });
});
