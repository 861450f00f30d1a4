/**
 * A real S3 protocol implementation (s3rver) on 127.0.0.1, port 0, storing into a temp
 * directory, and the environment the CLI needs to reach it through the AWS SDK.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface RunningS3 {
  endpoint: string;
  close(): Promise<void>;
}

/** s3rver's fixed account; any other access key id is refused (InvalidAccessKeyId). */
export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

/**
 * What a CLI child needs: the credentials, and no reach for the developer's own AWS setup
 * (profiles in ~/.aws, the EC2 metadata service).
 */
export function s3Env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...S3_CREDENTIALS,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    ...extra,
  };
}

export async function startS3(buckets: string[] = ['videos']): Promise<RunningS3> {
  const directory = await mkdtemp(join(tmpdir(), 'videogen-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The manifest's `storage:` block for a store at `endpoint`. */
export function storageBlock(endpoint: string, url = 's3://videos/campaign'): string {
  return ['storage:', `  url: ${url}`, `  endpoint: ${endpoint}`, '  force_path_style: true', ''].join('\n');
}

/** A manifest (as campaignManifest writes them) with `storage:` pointing at a store at `endpoint`. */
export function withStorage(manifest: string, endpoint: string): string {
  return manifest.replace('version: 1\n', `version: 1\n${storageBlock(endpoint)}`);
}
