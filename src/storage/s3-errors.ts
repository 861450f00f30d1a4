/**
 * What the AWS SDK throws, as StorageErrors with a code and a hint that fit the cause. Only
 * our own words, the S3 error code and the HTTP status reach the message: the server's XML
 * can echo the access key id (InvalidAccessKeyId) or the string that was signed
 * (SignatureDoesNotMatch), and whatever text is passed on goes through the same redaction
 * as provider errors, with the AWS credentials of the environment registered as secrets.
 * The SDK's error is not kept as the cause for the same reason.
 */
import { redact } from '../http/redact.js';
import { NETWORK_ERROR_CODES } from '../http/transport.js';
import type { StorageConfig } from './config.js';
import { StorageCode, StorageError } from './errors.js';

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  Region?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'AllAccessDisabled']);
const WRONG_REGION = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'IncorrectEndpoint']);

/** The environment variables whose values must never be shown. */
const CREDENTIAL_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECURITY_TOKEN'];

export function credentialSecrets(env: NodeJS.ProcessEnv): string[] {
  return CREDENTIAL_VARIABLES.flatMap((name) => (env[name] ? [env[name]] : []));
}

/**
 * @param doing what was being done, for the message (`upload of out/a.mp4 to s3://b/p/sha256/…`)
 */
export function storageErrorFrom(error: unknown, doing: string, config: StorageConfig, secrets: readonly string[]): StorageError {
  if (error instanceof StorageError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const name = e.Code ?? e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const said = (why: string) => redact(`${doing}: ${why}`, secrets);
  const where = config.endpoint ? ` at ${config.endpoint}` : '';

  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(e.message ?? '')) {
    return new StorageError(
      StorageCode.credentials,
      said('no AWS credentials found'),
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (run `aws sso login` for SSO profiles); credentials never go in the manifest'
    );
  }
  if (/region is missing/i.test(e.message ?? '')) {
    return new StorageError(StorageCode.region, said('no region is set'), 'set `region:` under `storage:` (R2: auto), or AWS_REGION');
  }
  if (name === 'NoSuchBucket') {
    return new StorageError(
      StorageCode.noBucket,
      said(`bucket ${config.bucket} does not exist${where}`),
      'create the bucket, or fix the bucket name in `storage:` (and `endpoint:` for a store other than AWS S3)'
    );
  }
  const bucketRegion = e.$response?.headers?.['x-amz-bucket-region'] ?? e.Region;
  if (WRONG_REGION.has(name) || status === 301 || (bucketRegion && status === 400)) {
    const fix = bucketRegion ? `set \`region: ${bucketRegion}\` under \`storage:\`` : 'set `region:` under `storage:` to the bucket\'s region';
    return new StorageError(StorageCode.region, said(`bucket ${config.bucket} is in ${bucketRegion ?? 'another region'}, not the one requests were signed for`), fix);
  }
  if (DENIED.has(name) || status === 403) {
    return new StorageError(StorageCode.accessDenied, said(`the store refused the credentials (${name || 'HTTP 403'})`), deniedHint(name));
  }
  const networkCode = e.code && NETWORK_ERROR_CODES.has(e.code) ? e.code : NETWORK_ERROR_CODES.has(name) ? name : undefined;
  if (networkCode || name === 'TimeoutError' || /socket hang up|timed? ?out/i.test(e.message ?? '') || (status !== undefined && status >= 500)) {
    const failed = status !== undefined && status >= 500 && !networkCode;
    const why = failed ? `kept answering HTTP ${status}${name ? ` ${name}` : ''}` : `could not be reached (${networkCode ?? 'timed out'})`;
    return new StorageError(
      StorageCode.unreachable,
      said(`the store${where} ${why}`),
      'check the network and the endpoint; outputs stay on disk and in the lock, and `videogen push` uploads them later'
    );
  }
  const detail = e.message && e.message !== 'UnknownError' ? `: ${e.message}` : '';
  return new StorageError(StorageCode.failed, said(`${name || 'error'}${status ? ` (HTTP ${status})` : ''}${detail}`), undefined);
}

function deniedHint(name: string): string {
  switch (name) {
    case 'InvalidAccessKeyId':
      return 'the store does not know this access key: check AWS_ACCESS_KEY_ID / AWS_PROFILE, and that `endpoint:` names the store the key belongs to';
    case 'SignatureDoesNotMatch':
      return 'the secret key does not belong to the access key: check AWS_SECRET_ACCESS_KEY / the profile';
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return 'the session credentials expired: refresh them (`aws sso login`, or new AWS_SESSION_TOKEN)';
    default:
      return 'the credentials need s3:GetObject and s3:PutObject on the bucket (and s3:ListBucket, so a missing object reads as missing, not denied)';
  }
}

/** A transfer worth trying again from the start: the connection broke or the store answered 5xx. */
export function isTransient(error: StorageError): boolean {
  return error.code === StorageCode.unreachable;
}
