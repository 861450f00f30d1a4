/** Option parsers shared by the commands' flag declarations. */
import { InvalidArgumentError } from 'commander';
import { MAX_CONCURRENCY } from '../util/limits.js';

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Digits only: `Number()` would also take '', ' 8 ', '1e3' and '0x10'. */
export function parsePositiveInt(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got ${JSON.stringify(value)}`);
  return n;
}

/** A TCP port; 0 asks the system for any free one. */
export function parsePort(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 65535) throw new InvalidArgumentError(`expected a port number between 0 and 65535, got ${JSON.stringify(value)}`);
  return n;
}

/** The streams and environment a command may use; passed in so tests can run commands in-process. */
export interface CommandIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

/** `--shard-limits share|full`: whether a shard takes its share of each provider's limits or all of them. */
export function parseShardLimits(value: string): 'share' | 'full' {
  if (value === 'share' || value === 'full') return value;
  throw new InvalidArgumentError(`expected share or full, got ${JSON.stringify(value)}`);
}

/** `--max-cost 25`, `--max-cost 12.50`, `--max-cost '$40'`: US dollars, zero or more. */
export function parseUsd(value: string): number {
  const usd = Number(value.trim().replace(/^\$/, ''));
  if (value.trim() === '' || !Number.isFinite(usd) || usd < 0) throw new InvalidArgumentError(`expected an amount of US dollars such as 25 or 12.50, got ${JSON.stringify(value)}`);
  return usd;
}

/** `--concurrency`: jobs in flight overall, as many as a provider's `concurrency` may allow. */
export function parseConcurrency(value: string): number {
  const n = parsePositiveInt(value);
  if (n > MAX_CONCURRENCY) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(value)}`);
  return n;
}
