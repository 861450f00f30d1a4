/**
 * OAuth access tokens for Vertex AI (DESIGN.md "Providers"): a ready token from the variable
 * `api_key_env` names (`gcloud auth print-access-token`) wins; otherwise Google's application
 * default credentials through google-auth-library (a service-account key file named by
 * GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default login`, the metadata
 * server of GCE/GKE), asked before every request: the library caches each token and
 * refreshes it before it expires, and a long batch outlives one token.
 */
import type { GoogleAuth } from 'google-auth-library';
import type { HttpClient } from '../../http/client.js';
import { HttpError } from '../../http/errors.js';
import { errorCode, NETWORK_ERROR_CODES } from '../../http/transport.js';
import { VERTEX_SCOPE } from './index.js';

export interface AccessTokens {
  /** A token valid for at least a few more minutes, registered with the HTTP client for redaction. */
  token(): Promise<string>;
  /** Every token handed out so far, to scrub from quoted answers. */
  seen(): string[];
  /** Where the tokens come from, for error hints: the variable's name, or undefined for ADC. */
  readonly variable: string | undefined;
}

/** Failures of the way to the token endpoint, not of the credentials: worth another try. */

/**
 * @param project given to the library so it never looks the project up (external-account
 *   credentials would ask Cloud Resource Manager for it)
 */
export function accessTokens(readyToken: string, variable: string, project: string, http: HttpClient): AccessTokens {
  const seen = new Set<string>();
  const remember = (token: string): string => {
    http.addSecret(token);
    seen.add(token);
    return token;
  };
  if (readyToken) {
    remember(readyToken);
    return { token: async () => readyToken, seen: () => [...seen], variable };
  }
  let auth: Promise<GoogleAuth> | undefined;
  return {
    variable: undefined,
    seen: () => [...seen],
    async token() {
      // Loaded only here: validate, plan and token-from-variable runs never need it.
      auth ??= import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth({ scopes: [VERTEX_SCOPE], projectId: project }));
      let token: string | null | undefined;
      try {
        token = await (await auth).getAccessToken();
      } catch (error) {
        throw credentialsError(error, variable, http);
      }
      if (!token) throw credentialsError(new Error('the credentials gave no access token'), variable, http);
      return remember(token);
    },
  };
}

/**
 * What went wrong finding a token, without the library's error: it carries the request it
 * made, and for a service account that holds a signed assertion (a credential). Network
 * trouble is worth another try; anything else is the credentials' fault.
 */
function credentialsError(error: unknown, variable: string, http: HttpClient): HttpError {
  const status = (error as { status?: unknown; response?: { status?: unknown } } | null)?.response?.status ?? (error as { status?: unknown } | null)?.status;
  const code = errorCode(error);
  const kind = typeof status === 'number' && (status >= 500 || status === 429) ? 'server' : NETWORK_ERROR_CODES.has(code) ? 'network' : 'auth';
  const said = http.redact(error instanceof Error ? error.message : String(error));
  // Nothing reached Vertex, so no job exists: the statuses tell the executor so (401: fix the
  // credentials; 503 with a wait: the token endpoint is unreachable, ask again shortly).
  const refusal = kind === 'auth' ? { status: 401 } : { status: 503, retryAfterMs: 2_000 };
  return new HttpError(kind, `no Google access token for Vertex AI: ${said}`, {
    ...refusal,
    hint:
      `set ${variable} to an access token (gcloud auth print-access-token), or provide application default credentials: ` +
      'GOOGLE_APPLICATION_CREDENTIALS naming a service-account key file, gcloud auth application-default login, or a GCE/GKE service account',
  });
}
