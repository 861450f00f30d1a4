/**
 * What can go wrong with outputs kept outside the output directory, each with a stable code
 * (documented in the README) and a hint for its actual cause. Every one is a runtime
 * failure (exit 1): the manifest itself was fine, validation already said so.
 */
import { VideogenError } from '../errors.js';

export const StorageCode = {
  /** The bucket named in `storage:` does not exist (or not at that endpoint). */
  noBucket: 'VIDEOGEN_STORAGE_NO_BUCKET',
  /** The store refused the credentials, or they lack a permission. */
  accessDenied: 'VIDEOGEN_STORAGE_ACCESS_DENIED',
  /** The AWS credential chain found no credentials at all. */
  credentials: 'VIDEOGEN_STORAGE_CREDENTIALS',
  /** The bucket lives in another region than the one requests were signed for, or no region is set. */
  region: 'VIDEOGEN_STORAGE_REGION',
  /** The network failed, the store timed out or kept answering 5xx after retries. */
  unreachable: 'VIDEOGEN_STORAGE_UNREACHABLE',
  /** An object's bytes do not match the sha256 its name promises (or a spec index entry is malformed). */
  corrupt: 'VIDEOGEN_STORAGE_CORRUPT',
  /** An output the lock names is neither in the local cache nor in the store. */
  missing: 'VIDEOGEN_STORAGE_MISSING',
  /** `push` without `storage:` in the manifest. */
  notConfigured: 'VIDEOGEN_STORAGE_NOT_CONFIGURED',
  /** Anything else the store answered. */
  failed: 'VIDEOGEN_STORAGE_FAILED',
} as const;
export type StorageCode = (typeof StorageCode)[keyof typeof StorageCode];

export class StorageError extends VideogenError {
  declare readonly code: StorageCode;

  constructor(code: StorageCode, message: string, hint?: string, cause?: unknown) {
    super(code, message, { hint, cause });
  }
}

/** The hint for bytes that do not match their name, wherever they were found. */
export function corruptObject(where: string, expected: { sha256: string; bytes: number }, got: { sha256: string; bytes: number }): StorageError {
  const what = got.bytes === expected.bytes ? `sha256 ${got.sha256}` : `${got.bytes} bytes`;
  return new StorageError(
    StorageCode.corrupt,
    `${where} should hold ${expected.bytes} bytes with sha256 ${expected.sha256}, but holds ${what}`,
    'the copy is damaged: delete it, then `videogen push` from a machine that has the good file uploads it again',
  );
}
