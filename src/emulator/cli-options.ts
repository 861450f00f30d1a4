import { UsageError } from '../errors.js';
import { requireDurationMs } from '../util/duration.js';
import type { EmulatorOptions } from './options.js';

/**
 * `videogen emulate` flags → EmulatorOptions. Keys may be kebab-case as typed
 * (`max-concurrent`, with or without leading dashes) or camelCase as commander hands
 * them over (`maxConcurrent`); other keys are ignored. A bad value is a usage error
 * (VIDEOGEN_USAGE, exit 3) that names the flag.
 */
export function emulatorOptionsFromFlags(flags: Record<string, string | undefined>): EmulatorOptions {
  const value = normaliseKeys(flags);
  const options: EmulatorOptions = {};

  if (value.host !== undefined) {
    if (value.host.trim() === '') throw new UsageError('--host: must not be empty');
    options.host = value.host.trim();
  }
  if (value.port !== undefined) options.port = integer('--port', value.port, 0, 65535);
  if (value.latency !== undefined) options.latencyMs = latency(value.latency);
  if (value.failRate !== undefined) options.failRate = rate('--fail-rate', value.failRate);
  if (value.moderationRate !== undefined) options.moderationRate = rate('--moderation-rate', value.moderationRate);
  if (value.creditLimit !== undefined) options.creditLimit = integer('--credit-limit', value.creditLimit, 0, 1_000_000_000);
  if (value.rateLimitRate !== undefined) options.rateLimitRate = rate('--rate-limit-rate', value.rateLimitRate);
  if (value.errorRate !== undefined) options.errorRate = rate('--error-rate', value.errorRate);
  if (value.dropRate !== undefined) options.dropRate = rate('--drop-rate', value.dropRate);
  if (value.truncateRate !== undefined) options.truncateRate = rate('--truncate-rate', value.truncateRate);
  if (value.maxConcurrent !== undefined) options.maxConcurrent = integer('--max-concurrent', value.maxConcurrent, 1, 1_000_000);
  if (value.urlTtl !== undefined) options.urlTtlMs = requireDurationMs(value.urlTtl, '--url-ttl');
  if (value.createDelay !== undefined) options.createDelayMs = requireDurationMs(value.createDelay, '--create-delay');
  if (value.resultTtl !== undefined) options.resultTtlMs = requireDurationMs(value.resultTtl, '--result-ttl');
  if (value.contentTtl !== undefined) options.contentTtlMs = requireDurationMs(value.contentTtl, '--content-ttl');
  if (value.apiKey !== undefined) {
    if (value.apiKey === '') throw new UsageError('--api-key: must not be empty');
    options.apiKey = value.apiKey;
  }
  if (value.seed !== undefined) options.seed = integer('--seed', value.seed, -(2 ** 31), 2 ** 32 - 1);
  if (value.videoBytes !== undefined) options.videoBytes = byteCount('--video-bytes', value.videoBytes);
  return options;
}

function normaliseKeys(flags: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(flags)) {
    const camel = key.replace(/^-+/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    out[camel] = value;
  }
  return out;
}

/** `3s`, or a range `2s-6s` from which each job draws its own latency. */
function latency(text: string): number | [number, number] {
  const parts = text.split('-');
  if (parts.length === 1) return requireDurationMs(text, '--latency');
  if (parts.length !== 2) throw new UsageError(`--latency: "${text}" is not a duration or a range`, 'write 3s, or a range such as 2s-6s');
  const min = requireDurationMs(parts[0] ?? '', '--latency');
  const max = requireDurationMs(parts[1] ?? '', '--latency');
  if (max < min) throw new UsageError(`--latency: the range "${text}" is reversed`, `write ${parts[1]}-${parts[0]}`);
  return [min, max];
}

function rate(flag: string, text: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new UsageError(`${flag}: "${text}" is not a rate`, 'write a number between 0 and 1, e.g. 0.05 for 5%');
  }
  return n;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text.trim());
  if (!/^-?\d+$/.test(text.trim()) || n < min || n > max) {
    throw new UsageError(`${flag}: "${text}" is not a whole number between ${min} and ${max}`);
  }
  return n;
}

const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `1048576`, `512k`, `256M`, `1G` (binary multiples; a trailing `B`/`iB` is allowed). */
function byteCount(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`${flag}: "${text}" is not a byte count`, 'write a number of bytes, or 512k, 256M, 1G');
  return Math.round(Number(match[1]) * (BYTE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1));
}
