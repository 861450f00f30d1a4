import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from './dispatch.js';

describe('dispatch', () => {
  const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  const agent = new Agent();
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends what undici.request would: method, path with its query, headers and body', async () => {
    const res = await dispatch(agent, `${base}/v1/videos?limit=2&after=x#ignored`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"prompt":"a lighthouse"}',
      signal: null,
    });
    expect(res.statusCode).toBe(201);
    expect(await res.body.json()).toEqual({ ok: true });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/v1/videos?limit=2&after=x',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"prompt":"a lighthouse"}',
    });
  });

  it('refuses a URL that is not http or https with undici\'s own error', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/a.mp4', 'data:text/plain,hi']) {
      await expect(async () => dispatch(agent, url, { method: 'GET', headers: {}, body: null, signal: null })).rejects.toMatchObject({
        code: 'UND_ERR_INVALID_ARG',
        message: expect.stringContaining('must start with `http:` or `https:`'),
      });
    }
  });

  it('ends with the signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(dispatch(agent, `${base}/x`, { method: 'GET', headers: {}, body: null, signal: controller.signal })).rejects.toThrow('stopped');
  });
});
