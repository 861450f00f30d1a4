import { existsSync } from 'node:fs';
import { ExitCode, UsageError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { CommandIO } from './options.js';

/** Starts on the built-in emulator so that `videogen apply` works at once, with no key. */
const STARTER = `# yaml-language-server: $schema=./node_modules/videogen/schemas/manifest.schema.json
version: 1
output_dir: out

providers:
  # The built-in emulator: real HTTP on loopback, real MP4 files, no key, no bill.
  local:
    type: heygen
    emulate: true
    poll: { initial: 1s, max: 2s }
  # Uncomment to use the real service (export HEYGEN_API_KEY first):
  # heygen:
  #   type: heygen
  #   api_key_env: HEYGEN_API_KEY
  #   concurrency: 4

defaults:
  provider: local
  model: veo_3_1
  aspect_ratio: "16:9"

shots:
  - id: first-shot
    prompt: Drone shot of a coastal city at golden hour, cinematic lighting
  - id: first-shot-vertical
    prompt: Drone shot of a coastal city at golden hour, cinematic lighting
    aspect_ratio: "9:16"
    tags: [social]
`;

export async function runInit(manifestPath: string, options: { force?: boolean }, io: CommandIO): Promise<number> {
  if (existsSync(manifestPath) && !options.force) {
    throw new UsageError(`${manifestPath} already exists`, 'pass --force to overwrite it');
  }
  await writeFileAtomic(manifestPath, STARTER);
  io.stdout.write(`wrote ${manifestPath}\nnext: videogen plan ${manifestPath}   then: videogen apply ${manifestPath}\n`);
  return ExitCode.ok;
}
