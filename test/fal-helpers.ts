/** Shared by the fal tests: an entry pointed at an emulator, shots, and a proxy that rewrites fal's answers. */
import { request as httpRequest, createServer } from 'node:http';
import type { ImageSource, ProviderConfig, Shot, Spec } from '../src/manifest/types.js';
import { listenOnLoopback } from './helpers/loopback.js';
import { providerConfig, shot } from './providers-helpers.js';

export const FAL_KEY = 'fal-key-id-0001:fal-key-SECRET-5e6d7c8b';

/** A `fal` entry whose three keyed hosts are the emulator's (or a proxy's) at `origin`. */
export function falConfig(origin: string, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return providerConfig('fal', `${origin}/fal/queue`, {
    name: 'fal',
    apiKeyEnv: 'FAL_KEY',
    settings: { rest_url: `${origin}/fal/rest`, platform_url: `${origin}/fal/api` },
    ...overrides,
  });
}

export function falShot(
  id: string,
  spec: Partial<Spec> & Pick<Spec, 'model'>,
  images: { referenceImage?: ImageSource; tailImage?: ImageSource } = {},
): Shot {
  return shot(id, { provider: 'fal', ...spec }, images);
}

export interface RewritingProxy {
  url: string;
  /** `METHOD path` of every request, in order, and whether it carried an Authorization header. */
  requests: Array<{ line: string; authorized: boolean }>;
  close(): Promise<void>;
}

/**
 * A proxy to `target` that passes every request on, and rewrites each submission's answer:
 * `move` sends the queue URLs it hands out to another path (`/elsewhere/…`, which the proxy
 * maps back), so only a client that uses the URLs as given finds its request; `strip` drops
 * them, as an answer with `request_id` alone (all the document requires) would.
 */
export async function startRewritingProxy(target: string, mode: 'move' | 'strip'): Promise<RewritingProxy> {
  const upstream = new URL(target);
  const requests: RewritingProxy['requests'] = [];
  let self = '';
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ line: `${req.method} ${path}`, authorized: req.headers.authorization !== undefined });
    // Moved: the queue answers for requests only at the URLs handed out.
    if (mode === 'move' && req.method !== 'POST' && path.startsWith('/fal/queue/')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not found"}');
      return;
    }
    const forwardPath = path.startsWith('/elsewhere/') ? `/fal/queue/${path.slice('/elsewhere/'.length)}` : path;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: forwardPath, headers: { ...req.headers, host: new URL(self).host } },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            let text = Buffer.concat(parts).toString('utf8');
            const submission = req.method === 'POST' && path.startsWith('/fal/queue/') && answer.statusCode === 200;
            if (submission) {
              const value = JSON.parse(text) as Record<string, unknown>;
              for (const key of ['status_url', 'response_url', 'cancel_url']) {
                if (mode === 'strip') delete value[key];
                else value[key] = String(value[key]).replace(`${self}/fal/queue/`, `${self}/elsewhere/`);
              }
              text = JSON.stringify(value);
            }
            const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
            res.writeHead(answer.statusCode ?? 502, headers).end(text);
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  const listener = await listenOnLoopback(server);
  self = listener.url;
  return { url: listener.url, requests, close: listener.close };
}
