/**
 * The manifest as a person writes it, for the JSON Schema editors check as you type. It differs
 * from what is validated (schema.ts) in one way: a data-driven entry (`from:` or `rows:`) is
 * expanded before validation, so as written any of its fields may hold a `{{ field }}`
 * placeholder where a number, a pattern or a mapping is otherwise expected (`seed: "{{ seed }}"`,
 * `id: "hello-{{ slug }}"`, `options: "{{ extra }}"`).
 */
import { z } from 'zod';
import { ExpansionShape, manifestObject, ShotFieldsShape, ShotSchema } from './schema.js';

const Placeholder = z
  .string()
  .regex(/\{\{[^{}]*\}\}/, 'expected a `{{ field }}` placeholder')
  .describe('Text with `{{ field }}` placeholders, filled from each row of the data.');

/** `schema`, or text holding a placeholder; described as `schema` is. */
function orPlaceholder(schema: z.ZodType): z.ZodType {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  return z.union([inner, Placeholder]).describe(inner.description ?? schema.description ?? 'A shot field.').optional();
}

function dataEntrySchema() {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(ShotFieldsShape)) fields[key] = key === 'tags' ? schema : orPlaceholder(schema);
  fields.tags = z
    .array(z.union([ShotFieldsShape.tags.unwrap().element, Placeholder]).describe('A tag, or a placeholder.'))
    .describe(ShotFieldsShape.tags.description ?? 'Tags.')
    .optional();
  return z
    .strictObject({
      id: z.string().min(1).describe('A template of the ids, such as `hello-{{ slug }}`: each row must make a unique, valid id.'),
      ...fields,
      output: orPlaceholder(ShotSchema.shape.output),
      ...ExpansionShape,
    })
    .describe('One shot per row of `from:` or `rows:`; `{{ field }}` in any text takes the row\'s value.')
    // Without one of them an entry is a plain shot, and its id must be one.
    .meta({ anyOf: [{ required: ['from'] }, { required: ['rows'] }] });
}

/** The JSON Schema's manifest: a shot, or a data-driven entry as written. */
export function writtenManifestSchema() {
  return manifestObject(z.union([ShotSchema, dataEntrySchema()]).describe('A shot, or an entry that expands into one shot per row of data.'));
}
