/**
 * For running application default credentials for real without the internet. The Node
 * library signs a service account's assertion and posts it to https://oauth2.googleapis.com/token,
 * a URL it never takes from the key file. So a child process is given what a corporate network
 * would give it: HTTPS_PROXY (which google-auth-library honours) pointing at a CONNECT proxy that
 * terminates TLS for oauth2.googleapis.com with a certificate from a throwaway CA (trusted via
 * NODE_EXTRA_CA_CERTS), and passes the requests on to the emulator's token endpoint. Anything
 * else asked of the proxy is refused and counted.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import { listenOnLoopback } from './loopback.js';

const TOKEN_HOST = 'oauth2.googleapis.com';

export interface GoogleTokenProxy {
  /** For HTTPS_PROXY. */
  url: string;
  /** For NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** CONNECTs to any other host: must stay 0. */
  refused: string[];
  close(): Promise<void>;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA and a certificate it signed for oauth2.googleapis.com, made for this test run only. */
function makeCertificates(dir: string): { caFile: string; key: string; cert: string } {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=videogen test CA');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${TOKEN_HOST}`);
  writeFileSync(path.join(dir, 'leaf.ext'), `subjectAltName=DNS:${TOKEN_HOST}\n`);
  openssl(dir, 'x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext');
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  return { caFile: path.join(dir, 'ca.pem'), key: read('leaf.key'), cert: read('leaf.pem') };
}

export async function startGoogleTokenProxy(dir: string, emulatorUrl: string): Promise<GoogleTokenProxy> {
  const { caFile, key, cert } = makeCertificates(dir);
  const target = new URL(emulatorUrl);
  const google = createHttpsServer({ key, cert }, (req, res) => {
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => google.listen(0, '127.0.0.1', resolve));
  const googlePort = (google.address() as AddressInfo).port;

  const refused: string[] = [];
  const proxy = createHttpServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  // Tunnels leave the HTTP server's books once established: closed by hand.
  const tunnels = new Set<{ destroy(): void }>();
  proxy.on('connect', (req, socket) => {
    tunnels.add(socket);
    if (req.url !== `${TOKEN_HOST}:443`) {
      refused.push(req.url ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const tunnel = connect(googlePort, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      tunnel.pipe(socket);
      socket.pipe(tunnel);
    });
    tunnels.add(tunnel);
    tunnel.on('error', () => socket.destroy());
    socket.on('error', () => tunnel.destroy());
  });
  const listener = await listenOnLoopback(proxy);
  return {
    url: listener.url,
    caFile,
    refused,
    close: async () => {
      for (const socket of tunnels) socket.destroy();
      await listener.close();
      google.closeAllConnections();
      await new Promise((resolve) => google.close(resolve));
    },
  };
}

/** A service-account key file as the Cloud console downloads it, with a fresh key. */
export async function writeServiceAccountKey(file: string, project: string): Promise<void> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(
    file,
    JSON.stringify({
      type: 'service_account',
      project_id: project,
      private_key_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: `videogen-test@${project}.iam.gserviceaccount.com`,
      client_id: '100000000000000000001',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: `https://${TOKEN_HOST}/token`,
      universe_domain: 'googleapis.com',
    }),
  );
}
