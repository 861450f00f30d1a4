/**
 * OpenAI's published OpenAPI document for the Videos API, compiled with ajv: the emulator's
 * answers and the provider's requests are both checked against it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { expect } from 'vitest';
import { parse as parseYaml } from 'yaml';

/**
 * The team's reference copy lives in `shared/reference/` beside the repository; a copy is kept
 * in the repository so the contract tests do not depend on where the checkout sits, and
 * `expectReferenceCopyCurrent()` fails when the two differ.
 */
export const OPENAPI_FILE = fileURLToPath(new URL('../fixtures/reference/openai-videos.openapi.yaml', import.meta.url));
const SHARED_OPENAPI_FILE = fileURLToPath(new URL('../../../shared/reference/openai-videos.openapi.yaml', import.meta.url));

/** Where the shared reference exists, the repository's copy must be byte-identical to it. */
export function expectReferenceCopyCurrent(): void {
  if (!existsSync(SHARED_OPENAPI_FILE)) return;
  expect(readFileSync(OPENAPI_FILE, 'utf8'), `${OPENAPI_FILE} is stale: copy ${SHARED_OPENAPI_FILE} over it`).toBe(
    readFileSync(SHARED_OPENAPI_FILE, 'utf8'),
  );
}

// ajv-formats is CommonJS; depending on the loader its default export is the plugin or a namespace holding it.
const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin) as unknown as (
  ajv: Ajv2020,
) => void;

export interface OpenAiVideosSchemas {
  /** The schemas of `components.schemas` as written (refs rewritten), to read their properties. */
  schemas: Record<string, { properties?: Record<string, unknown> }>;
  /** The validator for one of them; throws when the document has none by that name. */
  get(name: string): ValidateFunction;
}

export function compileOpenAiVideosSchemas(): OpenAiVideosSchemas {
  expect(existsSync(OPENAPI_FILE), `${OPENAPI_FILE} must exist`).toBe(true);
  expectReferenceCopyCurrent();
  const document = parseYaml(readFileSync(OPENAPI_FILE, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; only the refs need moving to where ajv looks.
  const schemas = JSON.parse(
    JSON.stringify(document.components.schemas).replaceAll('#/components/schemas/', 'openai-videos#/$defs/'),
  ) as OpenAiVideosSchemas['schemas'];
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addVocabulary(['example', 'x-stainless-const']);
  // `binary` is a file part; `unixtime` only appears in responses.
  ajv.addFormat('binary', true);
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addSchema({ $id: 'openai-videos', $defs: schemas });
  return {
    schemas,
    get(name) {
      const validate = ajv.getSchema(`openai-videos#/$defs/${name}`);
      if (!validate) throw new Error(`${name} missing from the OpenAPI document`);
      return validate;
    },
  };
}
