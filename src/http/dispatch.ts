/**
 * One request through an undici dispatcher, the same as undici's `request(url, options)`.
 *
 * That wrapper builds `{ ...options, origin, path, method }` for every request: on Node 20 a
 * literal that begins with a spread gives each object a hidden class of its own (see
 * util/extend.ts), and undici's Request reads some twenty of its options through V8's
 * slowest lookup, three requests a shot. The dispatcher's own request() takes the origin and
 * path as options, in one literal made the same way every time.
 */
import type { Readable } from 'node:stream';
import { errors, type Dispatcher } from 'undici';

export interface DispatchOptions {
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body: string | Buffer | Readable | null;
  signal: AbortSignal | null;
}

export function dispatch(dispatcher: Dispatcher, url: string, options: DispatchOptions): Promise<Dispatcher.ResponseData> {
  const { protocol, origin, pathname, search } = new URL(url);
  // The wrapper's own check and words: a file: or data: URL has no origin to dispatch to.
  if (protocol !== 'http:' && protocol !== 'https:') throw new errors.InvalidArgumentError('Invalid URL protocol: the URL must start with `http:` or `https:`.');
  return dispatcher.request({
    origin,
    path: `${pathname}${search}`,
    method: options.method,
    headers: options.headers,
    body: options.body,
    signal: options.signal,
  });
}
