import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { LockSchema } from './schema.js';
import { serializeLock } from './serialize.js';
import { completedEntryFor, failedEntryFor, makeShot } from '../../test/lock-helpers.js';

describe('LockSchema', () => {
  it('converts to JSON Schema, with a description on every property', () => {
    const schema = z.toJSONSchema(LockSchema, { io: 'output' }) as Record<string, unknown>;
    expect(schema.additionalProperties).toBe(false);
    const undescribed: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      const properties = record.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [key, value] of Object.entries(properties ?? {})) {
        if (typeof value.description !== 'string') undescribed.push(`${path}.${key}`);
        visit(value, `${path}.${key}`);
      }
      if (record.additionalProperties && typeof record.additionalProperties === 'object') visit(record.additionalProperties, `${path}.*`);
    };
    visit(schema, '');
    expect(undescribed).toEqual([]);
  });

  it('describes what the writer writes, for editors and other tools', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
    const validate = ajv.compile(z.toJSONSchema(LockSchema, { io: 'output' }));
    const ok = makeShot('ok', { options: { seed: 1, camera: { move: 'dolly' } } });
    const failed = makeShot('failed');
    const text = serializeLock({ version: 1, shots: { ok: completedEntryFor(ok), failed: failedEntryFor(failed) } });
    expect(validate(parseYaml(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: 1, shots: { 'Bad..id': {} } })).toBe(false);
  });

  it('accepts only version 1 and strict objects', () => {
    expect(LockSchema.safeParse({ version: 1, shots: {} }).success).toBe(true);
    expect(LockSchema.safeParse({ version: 2, shots: {} }).success).toBe(false);
    expect(LockSchema.safeParse({ version: 1, shots: {}, extra: true }).success).toBe(false);
  });
});
