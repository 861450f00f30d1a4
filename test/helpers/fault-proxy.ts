/**
 * A loopback HTTP proxy in front of a test server that can misbehave on demand: answer with
 * a status of its choosing, or reset the connection, for the requests a rule picks. Used to
 * make an object store refuse or drop uploads for a while.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export type Fault = 'pass' | 'reset' | { status: number; headers?: Record<string, string>; body?: string };
export type FaultRule = (req: IncomingMessage) => Fault;

export interface FaultProxy {
  url: string;
  /** Requests the rule answered with a fault, by kind. */
  faults: { reset: number; status: number };
  setRule(rule: FaultRule): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let rule: FaultRule = () => 'pass';
  const faults = { reset: 0, status: 0 };
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const fault = rule(req);
    if (fault === 'reset') {
      faults.reset += 1;
      req.socket.destroy();
      return;
    }
    if (fault !== 'pass') {
      faults.status += 1;
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/xml', ...fault.headers });
      res.end(fault.body ?? '');
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  const listener = await listenOnLoopback(server);
  return {
    url: listener.url,
    faults,
    setRule(next) {
      rule = next;
    },
    close: () => listener.close(),
  };
}

/** An S3 error document, as the store would send it. */
export function s3ErrorBody(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/** Whether a request writes to the store (PutObject, UploadPart, multipart create/complete). */
export function isWrite(req: IncomingMessage): boolean {
  return req.method === 'PUT' || req.method === 'POST';
}
