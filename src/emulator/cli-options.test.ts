import { describe, expect, it } from 'vitest';
import { VideogenError } from '../errors.js';
import { emulatorOptionsFromFlags } from './cli-options.js';
import { resolveEmulatorOptions } from './options.js';

describe('emulatorOptionsFromFlags', () => {
  it('parses every flag, kebab-case or camelCase', () => {
    expect(
      emulatorOptionsFromFlags({
        host: '0.0.0.0',
        port: '8080',
        latency: '2s-6s',
        'fail-rate': '0.1',
        'moderation-rate': '0.2',
        rateLimitRate: '0.05',
        '--error-rate': '0',
        dropRate: '0.02',
        truncateRate: '1',
        maxConcurrent: '10',
        urlTtl: '10m',
        createDelay: '1.5s',
        resultTtl: '6m',
        apiKey: 'secret',
        seed: '42',
        videoBytes: '256M',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 8080,
      latencyMs: [2000, 6000],
      failRate: 0.1,
      moderationRate: 0.2,
      rateLimitRate: 0.05,
      errorRate: 0,
      dropRate: 0.02,
      truncateRate: 1,
      maxConcurrent: 10,
      urlTtlMs: 600_000,
      createDelayMs: 1500,
      resultTtlMs: 360_000,
      apiKey: 'secret',
      seed: 42,
      videoBytes: 256 * 1024 * 1024,
    });
  });

  it('leaves unset flags out, so defaults apply', () => {
    expect(emulatorOptionsFromFlags({ latency: '250ms', port: undefined })).toEqual({ latencyMs: 250 });
    expect(emulatorOptionsFromFlags({ latency: '3' })).toEqual({ latencyMs: 3000 });
    expect(emulatorOptionsFromFlags({ videoBytes: '1048576' })).toEqual({ videoBytes: 1048576 });
  });

  it.each([
    ['latency', 'soon'],
    ['latency', '6s-2s'],
    ['latency', '1s-2s-3s'],
    ['fail-rate', '1.5'],
    ['moderationRate', '2'],
    ['create-delay', 'a while'],
    ['errorRate', '-0.1'],
    ['dropRate', 'often'],
    ['maxConcurrent', '0'],
    ['maxConcurrent', '2.5'],
    ['port', '70000'],
    ['url-ttl', 'forever'],
    ['seed', 'abc'],
    ['videoBytes', 'lots'],
    ['apiKey', ''],
    ['host', ' '],
  ])('refuses --%s %j as a usage error (exit 3)', (flag, value) => {
    let caught: unknown;
    try {
      emulatorOptionsFromFlags({ [flag]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(VideogenError);
    expect(caught).toMatchObject({ code: 'VIDEOGEN_USAGE', exitCode: 3 });
    expect((caught as Error).message).toMatch(/^--/);
  });

  it('produces options the emulator accepts', () => {
    expect(() => resolveEmulatorOptions(emulatorOptionsFromFlags({ latency: '1s-2s', failRate: '0.5' }))).not.toThrow();
  });
});

describe('resolveEmulatorOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveEmulatorOptions()).toEqual({
      host: '127.0.0.1',
      port: 0,
      latencyMs: [3000, 3000],
      failRate: 0,
      moderationRate: 0,
      creditLimit: undefined,
      rateLimitRate: 0,
      errorRate: 0,
      dropRate: 0,
      truncateRate: 0,
      maxConcurrent: 10,
      urlTtlMs: 600_000,
      resultTtlMs: 360_000,
      contentTtlMs: 3_600_000,
      createDelayMs: 0,
      apiKey: undefined,
      seed: undefined,
      videoBytes: 0,
    });
  });

  it('refuses values that make no sense', () => {
    expect(() => resolveEmulatorOptions({ failRate: 2 })).toThrow(/failRate/);
    expect(() => resolveEmulatorOptions({ moderationRate: -1 })).toThrow(/moderationRate/);
    expect(() => resolveEmulatorOptions({ createDelayMs: -1 })).toThrow(/createDelayMs/);
    expect(() => resolveEmulatorOptions({ resultTtlMs: -1 })).toThrow(/resultTtlMs/);
    expect(() => resolveEmulatorOptions({ latencyMs: [5, 1] })).toThrow(/latencyMs/);
    expect(() => resolveEmulatorOptions({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
    expect(() => resolveEmulatorOptions({ apiKey: '' })).toThrow(/apiKey/);
  });
});
