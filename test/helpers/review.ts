/** `videogen review` as a child process, and raw HTTP to it (paths and headers exactly as written). */
import { request } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { collect, startCli, type CliResult } from './cli.js';

export interface RunningReview {
  url: string;
  origin: string;
  port: number;
  token: string;
  child: ChildProcess;
  /** Sends SIGINT (Ctrl-C) and waits for the exit. */
  stop(): Promise<CliResult>;
}

/** Starts `videogen review` in `cwd` and waits for the URL it prints. */
export async function startReview(cwd: string, args: string[] = []): Promise<RunningReview> {
  const child = startCli(['review', 'shots.yaml', ...args], { cwd });
  const done = collect(child, { timeoutMs: 120_000 });
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer | string) => {
      seen += chunk.toString();
      const match = /open (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1] as string);
    });
    void done.then((result) => reject(new Error(`videogen review exited ${result.code} before printing its URL:\n${result.stderr}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token') ?? '',
    child,
    stop: () => {
      child.kill('SIGINT');
      return done;
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request with the path sent as written (fetch would normalise `..` and `%2e` away) and
 * any Host header, or none with `host: null`.
 */
export function rawRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; host?: string | null; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.host !== null) headers.Host = options.host ?? `127.0.0.1:${port}`;
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
