import { createInterface } from 'node:readline/promises';
import { ExitCode, UsageError, VideogenError } from '../errors.js';
import type { CommandIO } from './options.js';

/**
 * Terraform's rule: in a terminal, only the word `yes` goes ahead; without one, the caller
 * must have said --yes, because nobody is there to ask.
 */
export async function confirmOrRefuse(io: CommandIO, question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!io.stdin.isTTY) {
    throw new UsageError('no terminal to confirm in', 'pass --yes to go ahead without confirmation (as CI jobs do)');
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
    return answer.trim() === 'yes';
  } catch (error) {
    // Ctrl-C (or Ctrl-D) at the prompt: nothing has started, so say so and leave as interrupted.
    if (error instanceof Error && error.name === 'AbortError') {
      io.stderr.write('\n');
      throw new VideogenError('VIDEOGEN_INTERRUPTED', 'cancelled at the confirmation prompt; nothing was changed', {
        exitCode: ExitCode.interrupted,
      });
    }
    throw error;
  } finally {
    rl.close();
  }
}
