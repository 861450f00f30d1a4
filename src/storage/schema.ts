/**
 * The manifest's `storage:` field, as a zod shape (stage 1 of validation; the JSON Schema is
 * generated from it). Only the shape lives here: what needs more than a pattern (an http
 * endpoint off loopback, `..` in the prefix) is checked in config.ts.
 *
 * No credentials field on purpose: they come from the AWS environment and credential chain
 * (AWS_ACCESS_KEY_ID…, AWS_PROFILE, SSO, instance roles), never from a file kept in git.
 */
import { z } from 'zod';

/**
 * `s3://bucket` or `s3://bucket/prefix`. Bucket names as S3 allows them (3–63 lowercase
 * letters, digits, `.` and `-`); the prefix in S3's "safe" key characters, so a key never
 * needs encoding and means the same in every tool.
 */
export const STORAGE_URL_PATTERN = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/[A-Za-z0-9!_.*'()/-]*)?$/;

export const STORAGE_URL_EXPECTED =
  'expected s3://bucket or s3://bucket/prefix (bucket: 3-63 lowercase letters, digits, "." and "-"; prefix: letters, digits and !_.*\'()/-)';

const StorageUrl = z
  .string()
  .regex(STORAGE_URL_PATTERN, STORAGE_URL_EXPECTED)
  .describe('Object-store URL: s3://bucket/prefix. Outputs go to <prefix>/sha256/<2 hex>/<sha256>.mp4, the spec index to <prefix>/specs/.');

export const StorageObjectSchema = z
  .strictObject({
    url: StorageUrl,
    endpoint: z
      .string()
      .min(1)
      .meta({ format: 'uri' })
      .describe(
        'S3-compatible endpoint (R2: https://<account>.r2.cloudflarestorage.com, MinIO, GCS interoperability: https://storage.googleapis.com). ' +
          'Default: AWS S3. https, or plain http on loopback only.',
      )
      .optional(),
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'expected a region name such as us-east-1, or auto (R2)')
      .describe('Signing region (us-east-1, eu-west-1, auto for R2). Default: AWS_REGION / the AWS profile, else us-east-1.')
      .optional(),
    force_path_style: z
      .boolean()
      .describe('Address the bucket in the path (https://host/bucket/key) instead of the host name; MinIO and most self-hosted stores need it. Default false.')
      .optional(),
  })
  .describe('Where the store is, for S3-compatible services that need more than a URL.');

export const StorageSchema = z
  .union([StorageUrl, StorageObjectSchema])
  .describe(
    'Optional content-addressed store for outputs (s3://bucket/prefix, or an object with url, endpoint, region, force_path_style). ' +
      'apply uploads every new video; pull restores them on another machine; identical specs are reused, never paid twice. ' +
      'Credentials come from the AWS environment and credential chain, never the manifest.',
  );

export type StorageInput = z.input<typeof StorageSchema>;

/** Keys of the object form, for "did you mean" on unknown keys. */
export const STORAGE_KEYS = Object.keys(StorageObjectSchema.shape);
