// Regenerates schemas/*.json from the zod schemas (run through `npm run schemas`).
import { writeFileSync } from 'node:fs';
import { lockJsonSchema, manifestJsonSchema, serializeSchema } from '../dist/schemas.js';

writeFileSync(new URL('../schemas/manifest.schema.json', import.meta.url), serializeSchema(manifestJsonSchema()));
writeFileSync(new URL('../schemas/lock.schema.json', import.meta.url), serializeSchema(lockJsonSchema()));
console.log('wrote schemas/manifest.schema.json and schemas/lock.schema.json');
