/** Endpoint URLs: as the manifest gives them, checked (https, no credentials) and normalised; and compared. */

const URL_EXPECTED = 'expected an http(s) URL such as https://api.example.com/v1';

/**
 * Origin + path without a trailing slash (`https://api.huixingyun.com/v1`). The value is
 * never echoed in messages: people paste URLs with keys in them. `name` is the setting, for
 * the messages (`base_url`, or a module's own host setting such as fal's `rest_url`).
 */
export function normaliseBaseUrl(raw: string, name = 'base_url'): string | { message: string; hint?: string } {
  const url = checkHttpUrl(raw);
  switch (url) {
    case 'not_url':
      return { message: URL_EXPECTED };
    case 'credentials':
      return { message: `${name} must not contain credentials`, hint: 'put the key in the environment variable named by `api_key_env`' };
    // The key travels in a header: over plain http anyone on the path reads it.
    case 'plain_http':
      return {
        message: `${name} must use https (the API key would cross the network unencrypted)`,
        hint: 'plain http is accepted only for 127.0.0.1, localhost and [::1], such as `videogen emulate`',
      };
    case 'query':
      return {
        message: `${name} must not contain a query (?…) or fragment (#…)`,
        hint: 'give the API root, such as https://api.example.com/v1; a key belongs in the variable named by `api_key_env`',
      };
    default:
      return url;
  }
}

/** What keeps a string from being a safe endpoint URL; each caller words it for its setting. */
export type HttpUrlProblem = 'not_url' | 'credentials' | 'plain_http' | 'query';

/**
 * Origin + path without a trailing slash, or the problem: not an http(s) URL with a host,
 * credentials in it, plain http to a host that is not loopback (an emulator or a local proxy
 * never leaves the machine), or a query or fragment.
 */
export function checkHttpUrl(raw: string): string | HttpUrlProblem {
  if (!/^https?:\/\//i.test(raw)) return 'not_url';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not_url';
  }
  if (url.hostname === '') return 'not_url';
  if (url.username !== '' || url.password !== '') return 'credentials';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return 'plain_http';
  if (url.search !== '' || url.hash !== '') return 'query';
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** Hosts that never leave the machine: plain http to them exposes nothing on a network. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** Whether two URLs share scheme, host and port (where a key may go, it goes to its own origin only). */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
