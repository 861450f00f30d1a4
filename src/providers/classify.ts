/**
 * What kind of failure an error is (DESIGN.md "Executor"), for modules that do not decide
 * otherwise (Provider.classify). Pure: reads the error's kind, status and provider code.
 */
import { VideogenError } from '../errors.js';
import type { FailureClass } from './module.js';

/** Provider codes that mean "the content was refused", in the words the APIs use. */
const MODERATION_CODES = /content[_ -]?policy|moderat|safety|guardrail|flagged|nsfw/i;

/** The class of a job that ended badly, from the code the API gave it (a refusal is `moderation`). */
export function jobFailureClass(code: string | undefined): FailureClass {
  return code !== undefined && MODERATION_CODES.test(code) ? 'moderation' : 'failed';
}

/**
 * Whether free text (a failure message) reads as a content-policy refusal: for APIs that
 * document no code for one (HeyGen v3), the words are all there is to go on.
 */
export function readsAsModeration(text: string): boolean {
  return MODERATION_CODES.test(text);
}

export function classifyError(error: unknown): FailureClass {
  if (!(error instanceof VideogenError)) return 'failed';
  const { kind, status, providerCode } = error as VideogenError & { kind?: string; status?: number; providerCode?: string };
  if (providerCode !== undefined && MODERATION_CODES.test(providerCode)) return 'moderation';
  switch (kind) {
    case 'credit':
      return 'quota';
    case 'rate_limit':
    case 'server':
    case 'network':
    case 'timeout':
    case 'bad_response':
      return 'transient';
    case 'auth':
    case 'client':
      // The request (or the key) is wrong: asking again unchanged gets the same answer.
      return 'invalid';
    default:
      // Not an HTTP failure (an image that changed, a file that cannot be read): fix and rerun.
      return status === undefined && kind === undefined ? 'invalid' : 'failed';
  }
}
