/** `videogen emulate`: the built-in emulator as a standalone server, until Ctrl-C. */
import { once } from 'node:events';
import { emulatorOptionsFromFlags } from '../emulator/cli-options.js';
import { startEmulator } from '../emulator/server.js';
import { EMULATOR_ACCESS_TOKEN } from '../emulator/vertex/tokens.js';
import { ExitCode } from '../errors.js';
import type { CommandIO } from './options.js';

export async function runEmulate(flags: Record<string, string | undefined>, io: CommandIO): Promise<number> {
  const emulator = await startEmulator(emulatorOptionsFromFlags(flags));
  io.stdout.write(
    [
      `videogen emulator listening on ${emulator.url}`,
      `  HeyGen (v3, v1):   base_url: ${emulator.url}`,
      `  OpenAI-compatible: base_url: ${emulator.url}/v1`,
      `  OpenRouter:        base_url: ${emulator.url}/api/v1`,
      `  Vertex AI (Veo):   base_url: ${emulator.url}/v1, storage_url: ${emulator.url}/storage/v1, GOOGLE_OAUTH_ACCESS_TOKEN=${EMULATOR_ACCESS_TOKEN}`,
      `  fal:               base_url: ${emulator.url}/fal/queue, rest_url: ${emulator.url}/fal/rest, platform_url: ${emulator.url}/fal/api`,
      `  Replicate:         base_url: ${emulator.url}/v1`,
      `  Runway:            base_url: ${emulator.url}`,
      `  stats:             ${emulator.url}/_emulator/stats`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await emulator.close();
  return ExitCode.ok;
}
