/**
 * Checks most modules share: fields an API cannot take at all, values outside a documented
 * list, request fields that `options` must not override, and a near-miss model name.
 */
import { didYouMean } from '../manifest/did-you-mean.js';
import type { FieldProblem, ProviderModule, ShotField, ShotRequest } from './module.js';

/** Why a module takes no such field, and what to do instead. */
export type FieldRefusals = Partial<Record<ShotField, { why?: string; hint: string }>>;

/**
 * A problem for every field the shot sets that the module does not take. `accepted` lists
 * what it takes; `refusals` gives the reason and a hint per refused field where there is a
 * better one than the generic "drop it".
 */
export function refuseFields(
  type: string,
  shot: ShotRequest,
  accepted: readonly ShotField[],
  refusals: FieldRefusals = {},
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of CHECKED_FIELDS) {
    if (shot[field] === undefined || accepted.includes(field)) continue;
    const refusal = refusals[field];
    problems.push({
      field,
      kind: 'field',
      message: `${type} takes no \`${field}\`${refusal?.why ? ` (${refusal.why})` : ''}`,
      hint: refusal?.hint ?? `remove \`${field}\`, or use a provider whose API takes it`,
    });
  }
  return problems;
}

/** In the order the manifest documents them, so problems come out in a stable order. */
const CHECKED_FIELDS: readonly ShotField[] = [
  'aspect_ratio',
  'duration',
  'size',
  'resolution',
  'seed',
  'audio',
  'reference_image',
  'tail_image',
];

/** A value that is not one of a documented list, with a "did you mean" when one is close. */
export function valueNotIn(
  field: ShotField,
  value: string | number,
  allowed: readonly (string | number)[],
  what: string,
  hint?: string,
): FieldProblem | undefined {
  if (allowed.includes(value)) return undefined;
  const close = typeof value === 'string' ? didYouMean(value, allowed.map(String)) : undefined;
  const shownAllowed = allowed.map(String).join(', ');
  return {
    field,
    kind: 'value',
    message: `${what} ${shownAllowed}, not ${String(value)}`,
    ...(close !== undefined ? { hint: `did you mean \`${close}\`?` } : hint !== undefined ? { hint } : {}),
  };
}

/**
 * Body fields the module sets from dedicated shot fields: `options` must not override them,
 * or the request would differ from the spec that names the video.
 * @param reserved request field → the shot field that sets it
 */
export function refuseReservedOptions(options: Record<string, unknown> | undefined, reserved: Readonly<Record<string, string>>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(options ?? {})) {
    const field = Object.hasOwn(reserved, key) ? reserved[key] : undefined;
    if (field === undefined) continue;
    problems.push({
      field: 'options',
      kind: 'field',
      optionKey: key,
      message: `options.${key} would override the request's \`${key}\`, which videogen sets from \`${field}\``,
      hint: `set \`${field}\` on the shot instead`,
    });
  }
  return problems;
}

/** A documented model close to an unknown one (for a warning, never an error). */
export function suggestKnownModel(module: ProviderModule, model: string): string | undefined {
  const known = module.models.map((m) => m.id);
  if (known.includes(model)) return undefined;
  return didYouMean(model, known);
}
