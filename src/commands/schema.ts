import type { CommandIO } from './options.js';
import { ExitCode } from '../errors.js';
import { lockJsonSchema, manifestJsonSchema } from '../schemas.js';

export async function runSchema(options: { lock?: boolean }, io: CommandIO): Promise<number> {
  const schema = options.lock ? lockJsonSchema() : manifestJsonSchema();
  io.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
  return ExitCode.ok;
}
