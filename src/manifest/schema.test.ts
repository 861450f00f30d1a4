import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { manifestJsonSchema } from '../schemas.js';
import { providerTypes } from '../providers/registry.js';
import { manifestSchema } from './schema.js';

type JsonSchema = { [key: string]: unknown; properties?: Record<string, JsonSchema>; additionalProperties?: unknown; items?: JsonSchema; description?: string };

/** Every property of every object in the schema, with its path. */
function properties(schema: JsonSchema, at = '$'): Array<[string, JsonSchema]> {
  const out: Array<[string, JsonSchema]> = [];
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    out.push([`${at}.${key}`, value], ...properties(value, `${at}.${key}`));
  }
  if (schema.items) out.push(...properties(schema.items, `${at}[]`));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    out.push(...properties(schema.additionalProperties as JsonSchema, `${at}.*`));
  }
  return out;
}

describe('ManifestSchema as JSON Schema', () => {
  const json = z.toJSONSchema(manifestSchema()) as JsonSchema;

  it('describes every field', () => {
    const all = properties(json);
    expect(all.length).toBeGreaterThan(30);
    for (const [where, schema] of all) expect(schema.description, where).toBeTruthy();
  });

  it('is strict: no additional properties on any of our objects', () => {
    expect(json.additionalProperties).toBe(false);
    const shot = (json.properties!.shots as JsonSchema).items!;
    expect(shot.additionalProperties).toBe(false);
    expect(shot.required).toEqual(['id']);
    const provider = (json.properties!.providers as JsonSchema).additionalProperties as JsonSchema;
    expect(provider.additionalProperties).toBe(false);
    expect(json.required).toEqual(['version', 'shots']);
  });

  it('carries the formats editors can check', () => {
    const shot = (json.properties!.shots as JsonSchema).items!;
    expect(shot.properties!.id!.pattern).toBe('^(?!.*\\.\\.)[a-z0-9][a-z0-9._-]*$');
    expect(shot.properties!.aspect_ratio!.pattern).toBeTruthy();
    const provider = (json.properties!.providers as JsonSchema).additionalProperties as JsonSchema;
    // Every registered module's type, and only those.
    expect(provider.properties!.type!.enum).toEqual(providerTypes());
    expect(providerTypes()).toEqual(expect.arrayContaining(['heygen', 'openai-videos', 'heygen-v3', 'openrouter', 'fal', 'vertex-veo', 'replicate', 'runway']));
    expect(provider.properties!.base_url!.format).toBe('uri');
  });
});

describe('the JSON Schema editors read', () => {
  const validate = (() => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
    return ajv.compile(manifestJsonSchema());
  })();
  const read = (file: string) => parse(readFileSync(path.join(import.meta.dirname, '../..', file), 'utf8')) as unknown;

  it('accepts data-driven entries as written: template ids, placeholders where a number or mapping goes, takes', () => {
    for (const file of ['examples/data-driven/shots.yaml', 'test/fixtures/manifests/good/data-driven.yaml', 'examples/quickstart.yaml']) {
      expect(validate(read(file)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('still refuses what no row could fix', () => {
    const shot = (fields: Record<string, unknown>) => ({ version: 1, shots: [{ id: 'a-{{ n }}', rows: [{ n: 1 }], prompt: 'p', ...fields }] });
    expect(validate(shot({ seed: '{{ n }}', tags: ['{{ n }}'] }))).toBe(true);
    expect(validate(shot({ seed: 'seven' }))).toBe(false);
    expect(validate(shot({ takes: 1_000_000 }))).toBe(false);
    expect(validate({ version: 1, shots: [{ id: 'Plain Id', prompt: 'p' }] })).toBe(false);
  });
});
