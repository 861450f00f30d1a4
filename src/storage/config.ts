/**
 * `storage:` as the rest of videogen sees it, once stage 1 (schema.ts) accepted its shape:
 * bucket and prefix split out, the endpoint checked. Pure, no SDK: validate and plan read
 * this without loading anything that talks to a network.
 */
import { ManifestCode, problem, type Problem } from '../manifest/problems.js';
import { checkHttpUrl } from '../util/base-url.js';
import type { StorageInput } from './schema.js';

export interface StorageConfig {
  /** As written, without a trailing slash: `s3://acme-videos/campaign-q4`. Shown to people. */
  url: string;
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket root. */
  prefix: string;
  /** An S3-compatible endpoint (origin and path); absent for AWS S3 itself. */
  endpoint?: string;
  region?: string;
  forcePathStyle: boolean;
}

/** The storage config, or problems located at `storage…`; undefined (and no problems) when there is none. */
export function resolveStorage(raw: StorageInput | undefined, problems: Problem[]): StorageConfig | undefined {
  if (raw === undefined) return undefined;
  const fields = typeof raw === 'string' ? { url: raw } : raw;
  const urlPath = typeof raw === 'string' ? ['storage'] : ['storage', 'url'];
  const found = problems.length;

  const [bucket = '', ...rest] = fields.url.slice('s3://'.length).split('/');
  const segments = rest.filter((segment, index) => segment !== '' || index < rest.length - 1);
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    problems.push(
      problem(ManifestCode.value, urlPath, 'expected a prefix without empty, "." or ".." segments', 'write the prefix as plain names: s3://bucket/team/campaign'),
    );
  }
  if (bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    problems.push(problem(ManifestCode.value, urlPath, 'expected a bucket name without ".." that is not an IP address', 'bucket names follow S3\'s naming rules'));
  }

  let endpoint: string | undefined;
  if (typeof raw === 'object' && raw.endpoint !== undefined) {
    const checked = checkEndpoint(raw.endpoint);
    if (typeof checked === 'string') endpoint = checked;
    else problems.push(problem(ManifestCode.value, ['storage', 'endpoint'], checked.message, checked.hint));
  }
  if (problems.length > found) return undefined;

  const prefix = segments.join('/');
  return {
    url: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
    bucket,
    prefix,
    ...(endpoint ? { endpoint } : {}),
    ...(typeof raw === 'object' && raw.region ? { region: raw.region } : {}),
    forcePathStyle: typeof raw === 'object' ? (raw.force_path_style ?? false) : false,
  };
}

const ENDPOINT_EXPECTED = 'expected an https URL such as https://<account>.r2.cloudflarestorage.com';

/**
 * Never echoed in messages: people paste URLs with credentials in them. Plain http only on
 * loopback: a session token (AWS_SESSION_TOKEN) travels in a request header, and the videos
 * themselves would cross the network in the clear.
 */
function checkEndpoint(raw: string): string | { message: string; hint?: string } {
  const url = checkHttpUrl(raw);
  switch (url) {
    case 'not_url':
      return { message: ENDPOINT_EXPECTED };
    case 'credentials':
      return { message: 'endpoint must not contain credentials', hint: 'credentials come from the AWS environment (AWS_ACCESS_KEY_ID, AWS_PROFILE…), never the manifest' };
    case 'plain_http':
      return {
        message: 'endpoint must use https (tokens and videos would cross the network unencrypted)',
        hint: 'plain http is accepted only for 127.0.0.1, localhost and [::1]; put TLS in front of the store',
      };
    case 'query':
      return { message: 'endpoint must not contain a query (?…) or fragment (#…)' };
    default:
      return url;
  }
}
