/**
 * Checks a `POST /v1/workflows/executions` body the way HeyGen documents it
 * (reference/000_*.txt): `workflow_type` must be GenerateVideoNode, `input.prompt` is
 * required, the optional fields have the documented types. Unknown extra input fields
 * are passed through, as the real API does with `config`.
 */

// The server's own copy of the documented list, kept apart from the client's
// (providers/heygen/index.ts) on purpose: a stand-in that shares the client's assumptions
// cannot catch them being wrong.
export const HEYGEN_MODELS = [
  'veo_3_1',
  'veo_3_1_fast',
  'veo3',
  'veo3_fast',
  'veo2',
  'kling_pro',
  'kling_v2',
  'sora_v2',
  'sora_v2_pro',
  'runway_gen4',
  'seedance_lite',
  'seedance_pro',
  'ltx_distilled',
] as const;

export interface GenerateVideoInput {
  prompt: string;
  provider: string;
  aspectRatio: string;
}

export interface HeygenProblem {
  param: string;
  message: string;
}

export function validateGenerateVideo(body: unknown): { ok: true; input: GenerateVideoInput } | { ok: false; problem: HeygenProblem } {
  const fail = (param: string, message: string) => ({ ok: false as const, problem: { param, message } });
  if (!isObject(body)) return fail('body', 'request body must be a JSON object');
  if (body.workflow_type === undefined) return fail('workflow_type', 'workflow_type is required');
  if (body.workflow_type !== 'GenerateVideoNode') {
    return fail('workflow_type', `unsupported workflow_type ${JSON.stringify(body.workflow_type)}; expected "GenerateVideoNode"`);
  }
  const input = body.input;
  if (!isObject(input)) return fail('input', 'input must be an object');

  if (input.prompt === undefined) return fail('input.prompt', 'input.prompt is required');
  if (typeof input.prompt !== 'string') return fail('input.prompt', 'input.prompt must be a string');
  if (input.prompt.trim() === '') return fail('input.prompt', 'input.prompt must not be empty');

  const provider = input.provider ?? 'veo_3_1';
  if (typeof provider !== 'string') return fail('input.provider', 'input.provider must be a string');
  if (!(HEYGEN_MODELS as readonly string[]).includes(provider)) {
    return fail('input.provider', `unknown provider "${provider}"; supported: ${HEYGEN_MODELS.join(', ')}`);
  }

  const aspectRatio = input.aspect_ratio ?? '16:9';
  if (typeof aspectRatio !== 'string' || !/^[1-9]\d*:[1-9]\d*$/.test(aspectRatio)) {
    return fail('input.aspect_ratio', 'input.aspect_ratio must be a ratio such as "16:9", "9:16" or "1:1"');
  }

  for (const field of ['reference_image_url', 'tail_image_url'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    // HeyGen fetches images itself, so only URLs work: local paths must be uploaded first (POST /v3/assets).
    if (typeof value !== 'string' || !isHttpUrl(value)) {
      return fail(`input.${field}`, `input.${field} must be an http(s) URL; upload local files with POST /v3/assets first`);
    }
  }
  if (input.config !== undefined && !isObject(input.config)) return fail('input.config', 'input.config must be an object');

  return { ok: true, input: { prompt: input.prompt, provider, aspectRatio } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
