import { jsonResponse, type EmulatorResponse } from './http-io.js';

/** The error bodies of each API, shaped exactly as its clients parse them. */

/** HeyGen: `{"error":{"code","message","param?"}}`. */
export function heygenError(
  status: number,
  code: string,
  message: string,
  options: { param?: string; headers?: Record<string, string> } = {},
): EmulatorResponse {
  const error: Record<string, string> = { code, message };
  if (options.param !== undefined) error.param = options.param;
  return jsonResponse(status, { error }, options.headers);
}

export interface OpenAiErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

/** OpenAI: `{"error":{"message","type","param","code"}}`, param and code always present (null when unset). */
export function openaiError(status: number, fields: OpenAiErrorFields, headers: Record<string, string> = {}): EmulatorResponse {
  return jsonResponse(
    status,
    { error: { message: fields.message, type: fields.type, param: fields.param ?? null, code: fields.code ?? null } },
    headers,
  );
}

/** A 400 `invalid_request_error`, the kind every validation failure is. */
export function openaiInvalid(message: string, param: string | null, code: string | null): EmulatorResponse {
  return openaiError(400, { message, type: 'invalid_request_error', param, code });
}

/** Object storage (the host of HeyGen's temporary URLs) answers in S3's XML. */
export function storageError(status: number, code: string, message: string): EmulatorResponse {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>\n`;
  return { status, headers: { 'content-type': 'application/xml' }, body: Buffer.from(xml, 'utf8') };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
