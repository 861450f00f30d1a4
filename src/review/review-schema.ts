/**
 * The shape of `shots.review.yaml`. Strict like the lock: a key this version does not know
 * is an error, never dropped silently on the next write.
 */
import { z } from 'zod';
import { SHOT_ID_MAX_LENGTH, SHOT_ID_PATTERN } from '../manifest/schema.js';
import { VERDICTS } from './types.js';

export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

const VerdictRecordSchema = z
  .strictObject({
    verdict: z.enum(VERDICTS as [string, ...string[]]).describe('approved: keep it, even under --force; rejected: plan replaces it.'),
    shot: z
      .string()
      .max(SHOT_ID_MAX_LENGTH)
      .regex(SHOT_ID_PATTERN, 'expected a shot id (lowercase letters, digits, ".", "_" and "-")')
      .describe('The shot the output belonged to when it was judged.'),
    at: z.iso.datetime({ offset: true }).describe('When the verdict was given (ISO 8601).'),
  })
  .describe("A reviewer's verdict on one output.");

export const ReviewSchema = z
  .strictObject({
    version: z.literal(1).describe('Review file format version.'),
    verdicts: z
      .record(z.string().regex(SHA256_HEX_PATTERN, 'expected an output sha256: 64 lowercase hex digits'), VerdictRecordSchema)
      .describe('Verdicts keyed by output sha256, sorted.'),
  })
  .describe('videogen review verdicts (shots.review.yaml), written by `videogen review`. Commit it.');

/** Keys in the order the writer puts them. */
export const VERDICT_KEYS = ['verdict', 'shot', 'at'] as const;
