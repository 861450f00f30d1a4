/**
 * Which URLs a provider's key may travel to. The key belongs to `base_url`: a URL an answer
 * hands back (a content URL, a polling URL) gets it only when it is on the same origin.
 */


/**
 * A URL from an answer, resolved against the base URL's origin when relative (as OpenRouter's
 * `polling_url` is), if it lies on that origin and under the base URL's path; otherwise
 * undefined, and the caller uses the documented path under base_url instead. The path check
 * matters behind a gateway (`https://gw.example/openrouter/api/v1`): the API's own absolute
 * path would miss the gateway's prefix.
 */
export function urlUnderBase(given: string | undefined | null, baseUrl: string): string | undefined {
  if (!given) return undefined;
  let url: URL;
  let base: URL;
  try {
    base = new URL(baseUrl);
    url = new URL(given, base.origin);
  } catch {
    return undefined;
  }
  if (url.origin !== base.origin) return undefined;
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return url.pathname.startsWith(prefix) ? url.href : undefined;
}
