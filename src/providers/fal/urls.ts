/**
 * Where a fal request lives. Submit goes to the full model id; status, result and cancel
 * live under the app root (owner/app) at URLs fal hands back, which videogen stores in the
 * lock's `remote` and uses as given (reference/fal-queue.md, "Keep the URLs").
 */
import type { LockRemote } from '../../lock/types.js';

export interface RequestUrls {
  status_url: string;
  response_url: string;
  cancel_url?: string;
}

/** The model id as a URL path, each segment escaped. */
export function modelPath(model: string): string {
  return model.split('/').map(encodeURIComponent).join('/');
}

/** `fal-ai/veo3.1/image-to-video` → `fal-ai/veo3.1`; workflows and comfy apps keep their prefix, as both SDKs do. */
export function appRoot(model: string): string {
  const parts = model.split('/');
  return parts.slice(0, parts[0] === 'workflows' || parts[0] === 'comfy' ? 3 : 2).join('/');
}

/**
 * A request's URLs the way both official SDKs build them (from the app root). Used only where
 * fal's own are missing: a submission answer without them (the document requires only
 * `request_id`), and a request found again through requests/by-endpoint, which lists ids.
 */
export function builtRequestUrls(queueUrl: string, model: string, requestId: string): RequestUrls {
  const request = `${queueUrl}/${modelPath(appRoot(model))}/requests/${encodeURIComponent(requestId)}`;
  return { status_url: `${request}/status`, response_url: request, cancel_url: `${request}/cancel` };
}

/** The URLs recorded for a request, or undefined when the lock holds none. */
export function requestUrlsOf(remote: LockRemote | undefined): RequestUrls | undefined {
  const status = remote?.status_url;
  const response = remote?.response_url;
  if (!status || !response) return undefined;
  return { status_url: status, response_url: response, ...(remote.cancel_url ? { cancel_url: remote.cancel_url } : {}) };
}

/** `url` with one query parameter set, keeping whatever query it had. */
export function withQuery(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

/** `url` with the scheme, host and port of `base`. */
export function onOriginOf(url: string, base: string): string {
  const moved = new URL(url);
  const origin = new URL(base);
  moved.protocol = origin.protocol;
  moved.host = origin.host;
  return moved.toString();
}
