/**
 * JSON Schemas generated from the zod schemas, so editors (yaml-language-server) and the
 * validator can never disagree. `npm run schemas` writes them to schemas/; a test fails
 * when the committed files are stale.
 */
import { z } from 'zod';
import { writtenManifestSchema } from './manifest/written-schema.js';
import { LockSchema } from './lock/schema.js';

export function manifestJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(writtenManifestSchema(), { io: 'input' }),
    title: 'videogen manifest (shots.yaml)',
  };
}

export function lockJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(LockSchema, { io: 'output' }),
    title: 'videogen lockfile (shots.lock.yaml)',
  };
}

export function serializeSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
