import { describe, expect, it } from 'vitest';
import { z } from 'zod';
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
