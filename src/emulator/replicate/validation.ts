/**
 * What Replicate checks in a prediction request (reference/replicate-and-runway.md,
 * "Replicate"): `input` is an object; an official model's input is checked against that
 * model's schema; a version is an id Replicate issued. The emulator's own copy of the model's
 * lists, kept apart from the client's (providers/replicate/models.ts) on purpose: a stand-in
 * sharing the client's assumptions could not catch them.
 */
import { isHttpUrl, isImageDataUrl } from '../image-urls.js';
import type { InvalidField } from './errors.js';

/** An official model's input schema, as far as the emulator checks it. */
interface OfficialModel {
  enums: Readonly<Record<string, readonly (string | number)[]>>;
  booleans: readonly string[];
  integers: readonly string[];
  strings: readonly string[];
  /** Inputs holding a file: a URL, a data URL, or a file uploaded to /v1/files. */
  files: readonly string[];
  /** Inputs that need another one (a last frame needs a first). */
  requires: Readonly<Record<string, string>>;
  /** One URI string (Veo), or a list of them. */
  output: 'uri' | 'list';
}

/** google/veo-3.1 on Replicate: Veo 3.1's documented lists (reference/vertex-veo.md) under Replicate's input names. */
export const OFFICIAL_MODELS: Readonly<Record<string, OfficialModel>> = {
  'google/veo-3.1': {
    enums: { duration: [4, 6, 8], aspect_ratio: ['16:9', '9:16'], resolution: ['720p', '1080p'] },
    booleans: ['generate_audio'],
    integers: ['seed'],
    strings: ['prompt', 'negative_prompt'],
    files: ['image', 'last_frame'],
    requires: { last_frame: 'image' },
    output: 'uri',
  },
};

/** Replicate prints version ids as 64 hex digits. */
export const VERSION_ID = /^[0-9a-f]{64}$/;

/** Whether a URL names a file the emulator holds, for `/v1/files/{id}` URLs it handed out. */
export type FileLookup = (url: string) => 'ours' | 'missing' | 'elsewhere';

export function checkInput(input: unknown, model: OfficialModel | undefined, files: FileLookup): InvalidField[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ field: 'input', description: 'input is required and must be an object' }];
  }
  const fields = input as Record<string, unknown>;
  const problems: InvalidField[] = [];
  const problem = (name: string, description: string): void => {
    problems.push({ field: `input.${name}`, description });
  };
  // A community model's schema is its own: only the files it is given (data URLs, uploads) are checked.
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string' || (model && !model.files.includes(name))) continue;
    const issue = fileIssue(value, files);
    if (issue) problem(name, issue);
  }
  if (!model) return problems;
  if (typeof fields.prompt !== 'string' || fields.prompt.trim() === '') problem('prompt', 'prompt is required');
  for (const [name, allowed] of Object.entries(model.enums)) {
    if (fields[name] !== undefined && !allowed.includes(fields[name] as string | number)) {
      problem(name, `${name} must be one of the following: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
    }
  }
  for (const name of model.booleans) if (fields[name] !== undefined && typeof fields[name] !== 'boolean') problem(name, `${name} must be a boolean`);
  for (const name of model.integers) if (fields[name] !== undefined && !Number.isInteger(fields[name])) problem(name, `${name} must be an integer`);
  for (const name of model.strings) if (fields[name] !== undefined && typeof fields[name] !== 'string') problem(name, `${name} must be a string`);
  for (const name of model.files) {
    const value = fields[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !(isHttpUrl(value) || value.startsWith('data:'))) problem(name, `${name} must be a URI`);
  }
  for (const [name, needed] of Object.entries(model.requires)) {
    if (fields[name] !== undefined && fields[needed] === undefined) problem(name, `${name} requires ${needed}`);
  }
  return problems;
}

function fileIssue(value: string, files: FileLookup): string | undefined {
  if (value.startsWith('data:')) return isImageDataUrl(value) ? undefined : 'the data URL does not hold a PNG, JPEG or WebP image';
  return files(value) === 'missing' ? 'no such file: upload it with POST /v1/files first' : undefined;
}
