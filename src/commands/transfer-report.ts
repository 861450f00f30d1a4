/** What push and pull share: how many transfers at once, and how a failed one is reported. */
import type { ErrorInfo } from '../errors.js';
import { StorageCode, StorageError } from '../storage/errors.js';
import type { CommandIO } from './options.js';

/**
 * Outputs pulled at once, each a download streamed through a hash into a file. Two fill the
 * loopback as well as four did, at a steady ~117 MB peak RSS where four sometimes reached
 * 154 MB (BENCHMARKS.md, "Storage").
 */
export const PULLS = 2;

/** Failures that would repeat for every output (a missing bucket, refused credentials): stop at the first. */
const STORE_WIDE: ReadonlySet<string> = new Set([StorageCode.noBucket, StorageCode.accessDenied, StorageCode.credentials, StorageCode.region]);

export function throwIfStoreWide(error: unknown): void {
  if (error instanceof StorageError && STORE_WIDE.has(error.code)) throw error;
}

export function reportFailure(io: CommandIO, path: string, error: ErrorInfo): void {
  io.stderr.write(`error ${error.code}: ${path}: ${error.message}\n`);
  if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
}
