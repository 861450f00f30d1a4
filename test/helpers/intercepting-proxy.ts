/**
 * A loopback proxy for end-to-end tests that need a moment the emulator cannot make by itself:
 * an answer the provider sent but the client never received (a crash right after a POST), or
 * a request that reaches the provider only later (a download that starts after its URL
 * expired). It keeps the client's Host header, so URLs the emulator hands out point back at
 * the proxy and every later request passes through it too.
 */
import { request, createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenOnLoopback } from './loopback.js';

export interface Forwarded {
  method: string;
  path: string;
  status: number;
  /** The answer's body (the tests' answers are small). */
  body: Buffer;
}

export interface ProxyRules {
  /** Ms to wait before forwarding this request (0: at once). */
  delayMs?(method: string, path: string): number;
  /** Forward this request, but keep its answer from the client. */
  hold?(method: string, path: string): boolean;
}

export interface InterceptingProxy {
  url: string;
  /** Every request forwarded, with the answer the provider gave. */
  forwarded: Forwarded[];
  /** Answers kept back so far. */
  held(): number;
  /** From now on, forward everything at once and answer it. */
  passThrough(): void;
  close(): Promise<void>;
}

export async function startInterceptingProxy(target: string, rules: ProxyRules): Promise<InterceptingProxy> {
  const upstream = new URL(target);
  const forwarded: Forwarded[] = [];
  const heldBack: ServerResponse[] = [];
  let active: ProxyRules = rules;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const method = req.method ?? 'GET';
        const path = req.url ?? '/';
        const delay = active.delayMs?.(method, path) ?? 0;
        if (delay > 0) await sleep(delay);
        const hold = active.hold?.(method, path) ?? false;
        const body = Buffer.concat(chunks);
        const headers: IncomingHttpHeaders = { ...req.headers, 'content-length': String(body.length) };
        const out = request({ host: upstream.hostname, port: upstream.port, method, path, headers }, (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('error', () => res.destroy());
          answer.on('end', () => {
            const bytes = Buffer.concat(parts);
            forwarded.push({ method, path, status: answer.statusCode ?? 0, body: bytes });
            if (hold) {
              heldBack.push(res);
              return;
            }
            res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': String(bytes.length) });
            res.end(bytes);
          });
        });
        out.on('error', () => res.destroy());
        out.end(body);
      })();
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    forwarded,
    held: () => heldBack.length,
    passThrough() {
      active = {};
    },
    async close() {
      for (const res of heldBack.splice(0)) res.destroy();
      await close();
    },
  };
}
