import { jsonResponse, readBody, type EmulatorResponse } from '../http-io.js';
import type { EmulatedApi, RouteContext } from '../router.js';
import { vertexErrors } from './errors.js';

/**
 * OAuth for the Google APIs: the emulator accepts exactly these access tokens (unless
 * `--api-key` names one), so a client that sends anything else (an empty token, a signed
 * assertion, another API's key) is refused as Google would refuse it.
 */
export const EMULATOR_ACCESS_TOKEN = 'ya29.videogen-emulator-access-token';
/** What `videogen apply` sends for an `emulate: true` entry (src/commands/connect-providers.ts). */
const EMULATED_ENTRY_KEY = 'videogen-emulator';

export function tokenAccepted(ctx: RouteContext): boolean {
  // With --api-key the server has already demanded exactly that one.
  return ctx.env.options.apiKey !== undefined || ctx.apiKey === EMULATOR_ACCESS_TOKEN || ctx.apiKey === EMULATED_ENTRY_KEY;
}

/** The token the token route hands out: `--api-key` when given, so those runs can still use ADC. */
function issuedToken(ctx: RouteContext): string {
  return ctx.env.options.apiKey ?? EMULATOR_ACCESS_TOKEN;
}

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const MAX_FORM_BYTES = 64 * 1024;
/** A service-account assertion may live at most an hour (Google's rule), and clocks drift a little. */
const MAX_ASSERTION_SECONDS = 3600;
const SKEW_SECONDS = 300;

function oauthError(error: string, description: string): EmulatorResponse {
  return jsonResponse(400, { error, error_description: description });
}

/**
 * Google's token endpoints (`POST https://oauth2.googleapis.com/token`, and STS for
 * workload identity), as google-auth-library uses them: a service account's signed JWT
 * assertion (jwt-bearer grant), the refresh token of `gcloud auth application-default login`,
 * or an external account's subject token (token exchange). The assertion's claims are checked (issuer, scope,
 * audience, lifetime); its signature cannot be, since the emulator never sees the public key.
 */
async function issueToken(ctx: RouteContext): Promise<EmulatorResponse> {
  const read = await readBody(ctx.req, MAX_FORM_BYTES);
  if (!read.ok) return oauthError('invalid_request', 'The request body is too large.');
  const form = new URLSearchParams(read.bytes.toString('utf8'));
  const grant = form.get('grant_type');
  if (grant === JWT_GRANT) {
    const problem = assertionProblem(form.get('assertion') ?? '', Math.floor(ctx.now / 1000));
    if (problem) return oauthError('invalid_grant', problem);
  } else if (grant === 'refresh_token') {
    if (!form.get('refresh_token') || !form.get('client_id')) return oauthError('invalid_request', 'Missing required parameter: refresh_token or client_id');
  } else if (grant === EXCHANGE_GRANT) {
    // Workload identity federation (an `external_account` file): the STS exchange, answered here too.
    if (!form.get('subject_token') || !form.get('subject_token_type')) return oauthError('invalid_request', 'Missing subject_token or subject_token_type.');
    if (!(form.get('scope') ?? '').split(' ').includes(SCOPE)) return oauthError('invalid_scope', `scope must include ${SCOPE}`);
    return jsonResponse(200, { access_token: issuedToken(ctx), issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: 3599 });
  } else {
    return oauthError('unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
  }
  return jsonResponse(200, { access_token: issuedToken(ctx), expires_in: 3599, token_type: 'Bearer' });
}

function assertionProblem(assertion: string, now: number): string | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return 'Invalid JWT: not three base64url parts.';
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return 'Invalid JWT: the header or claims are not JSON.';
  }
  if (header.alg !== 'RS256') return 'Invalid JWT: the algorithm must be RS256.';
  const { iss, scope, aud, iat, exp } = claims;
  if (typeof iss !== 'string' || !iss.includes('@')) return 'Invalid JWT: iss must be the service account email.';
  if (typeof scope !== 'string' || !scope.split(' ').includes(SCOPE)) return `Invalid JWT: scope must include ${SCOPE}.`;
  if (typeof aud !== 'string' || !aud.endsWith('/token')) return 'Invalid JWT: aud must be the token endpoint.';
  if (typeof iat !== 'number' || typeof exp !== 'number') return 'Invalid JWT: iat and exp are required.';
  if (iat > now + SKEW_SECONDS || exp < now - SKEW_SECONDS || exp - iat > MAX_ASSERTION_SECONDS) {
    return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.';
  }
  return undefined;
}

export const googleOauthApi: EmulatedApi = {
  name: 'google-oauth',
  pathPrefix: '/token',
  errors: vertexErrors,
  requestId: () => ({}),
  routes: [{ method: 'POST', pattern: '/token', faults: 'none', handle: issueToken }],
};
