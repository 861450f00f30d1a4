import { readBody, type EmulatorResponse } from '../http-io.js';
import type { RouteContext } from '../router.js';
import { openaiInvalid } from './errors.js';

/**
 * A create request's fields, from JSON or from a form. Form values are strings or
 * Files; bracketed names (`input_reference[image_url]`, as OpenAI's SDKs encode nested
 * objects in multipart) become nested objects.
 */
export type RequestFields = Record<string, unknown>;

/** Reference images ride along in multipart bodies; OpenAI's own limit is of this order. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readOpenAiFields(
  ctx: RouteContext,
): Promise<{ ok: true; fields: RequestFields } | { ok: false; response: EmulatorResponse }> {
  const contentType = ctx.req.headers['content-type'] ?? '';
  const read = await readBody(ctx.req, MAX_BODY_BYTES);
  if (!read.ok) {
    return { ok: false, response: openaiInvalid('The request body is too large or was interrupted.', null, null) };
  }
  const isForm = /^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType);
  if (isForm) {
    try {
      // The WHATWG parser Node ships, not a hand-written one.
      const form = await new Request(ctx.url, { method: 'POST', headers: { 'content-type': contentType }, body: read.bytes }).formData();
      return { ok: true, fields: formFields(form) };
    } catch {
      return { ok: false, response: openaiInvalid('Could not parse the multipart form body.', null, null) };
    }
  }
  if (contentType !== '' && !/^application\/json/i.test(contentType)) {
    return {
      ok: false,
      response: openaiInvalid(
        `Unsupported content type: '${contentType.split(';')[0]}'. Send application/json or multipart/form-data.`,
        null,
        null,
      ),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return {
      ok: false,
      response: openaiInvalid(
        'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload.)',
        null,
        null,
      ),
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, response: openaiInvalid('The request body must be a JSON object.', null, null) };
  }
  return { ok: true, fields: parsed as RequestFields };
}

function formFields(form: FormData): RequestFields {
  const fields: RequestFields = {};
  for (const [name, value] of form.entries()) {
    const nested = /^([^[\]]+)\[([^[\]]+)\]$/.exec(name);
    if (nested) {
      const outer = nested[1] ?? '';
      const existing = fields[outer];
      const target: Record<string, unknown> =
        typeof existing === 'object' && existing !== null && !(existing instanceof Blob) ? (existing as Record<string, unknown>) : {};
      target[nested[2] ?? ''] = value;
      fields[outer] = target;
    } else {
      fields[name] = value;
    }
  }
  return fields;
}
