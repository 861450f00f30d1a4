/** Schema checks for the fidelity tests: a request body against the schema its reference documents. */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

/** `value` satisfies `validate`; a failure names `label`, ajv's errors and the start of the value. */
export function expectValid(validate: ValidateFunction, value: unknown, label: string): void {
  const ok = validate(value);
  expect(ok, `${label}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(value)?.slice(0, 300)}`).toBe(true);
}
