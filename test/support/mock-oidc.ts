import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK } from 'jose';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  type DevKey,
  type DevTokenRequest,
  mintDevToken,
} from '#local/dev-auth.ts';

/**
 * A stand-in for Cognito's managed login, just enough OpenID Connect for the console's sign-in
 * (web/src/lib/cognito.ts) to run for real in a browser: discovery, an authorize endpoint with a
 * sign-in form and a session cookie, a token endpoint that insists on PKCE (S256) and answers the
 * refresh-token grant, and Cognito's own `/logout` (Cognito publishes no end_session_endpoint).
 * Its ID tokens are signed with the local runtime's dev key and name DEV_ISSUER, so the API takes
 * them as it takes the dev login's. Every request is recorded for the test to assert on.
 */
export interface MockOidcOptions {
  /** The key ID tokens are signed with: the local runtime's, read when a token is minted. */
  readonly signingKey: () => DevKey;
  /** Whose sign-in the form accepts, and the claims of their ID tokens. */
  readonly user: { readonly username: string; readonly password: string; readonly claims: DevTokenRequest };
  /** Where the app may be sent back to, after sign-in and after sign-out (Cognito's allowed URLs). */
  readonly callbackUrls: () => readonly string[];
  /** The app client; it is also the ID token's audience (Cognito's `aud` is the client id). */
  readonly clientId?: string;
  /** `expires_in` (and the ID token's lifetime) for each grant, in seconds; one hour if unset. */
  readonly expiresIn?: { readonly authorizationCode?: number; readonly refreshToken?: number };
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  /** The urlencoded body of a POST. */
  readonly form: Record<string, string>;
  readonly origin: string | undefined;
}

export interface IssuedTokens {
  readonly grant: 'authorization_code' | 'refresh_token';
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly expiresIn: number;
}

export interface MockOidc {
  /** The provider's origin: the console's `authority` and `loginDomain`. */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Token responses, in the order they were sent. */
  readonly issued: readonly IssuedTokens[];
  stop(): Promise<void>;
}

interface PendingCode {
  readonly challenge: string;
  readonly redirectUri: string;
  readonly expiresAt: number;
}

const SESSION_COOKIE = 'mock_idp_session';
const HOUR = 3600;

/** PKCE S256: base64url(SHA-256(verifier)), RFC 7636 §4.2. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export async function startMockOidc(options: MockOidcOptions): Promise<MockOidc> {
  const clientId = options.clientId ?? DEV_AUDIENCE;
  const requests: RecordedRequest[] = [];
  const issued: IssuedTokens[] = [];
  /** Authorize requests waiting for the sign-in form, by the id the form carries. */
  const pendingSignIns = new Map<string, URLSearchParams>();
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Set<string>();
  const sessions = new Set<string>();
  let origin = '';

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) text(response, 500, String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', origin);
    const method = request.method ?? 'GET';
    const form = method === 'POST' ? Object.fromEntries(new URLSearchParams(await readText(request))) : {};
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      form,
      origin: request.headers.origin,
    });
    // The console calls discovery and the token endpoint from its own origin.
    const cors = {
      'access-control-allow-origin': request.headers.origin ?? '*',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'content-type, authorization',
      vary: 'origin',
    };
    if (method === 'OPTIONS') {
      response.writeHead(204, cors);
      return response.end();
    }

    if (url.pathname === '/.well-known/openid-configuration' && method === 'GET') {
      // Cognito's document (no end_session_endpoint) with the dev issuer; no userinfo endpoint, as
      // the console reads only the ID token (oidc-client-ts's loadUserInfo is off by default).
      return json(response, 200, cors, {
        issuer: DEV_ISSUER,
        authorization_endpoint: `${origin}/oauth2/authorize`,
        token_endpoint: `${origin}/oauth2/token`,
        jwks_uri: `${origin}/.well-known/jwks.json`,
        response_types_supported: ['code', 'token'],
        scopes_supported: ['openid', 'email', 'phone', 'profile'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/.well-known/jwks.json' && method === 'GET') {
      const key = options.signingKey();
      return json(response, 200, cors, {
        keys: [{ ...(await exportJWK(key.publicKey)), kid: key.kid, alg: 'ES256', use: 'sig' }],
      });
    }

    if (url.pathname === '/oauth2/authorize' && method === 'GET') {
      const params = url.searchParams;
      const problem =
        params.get('response_type') !== 'code'
          ? 'response_type must be code'
          : params.get('client_id') !== clientId
            ? 'unknown client_id'
            : !options.callbackUrls().includes(params.get('redirect_uri') ?? '')
              ? 'redirect_uri is not an allowed callback URL'
              : !(params.get('scope') ?? '').split(' ').includes('openid')
                ? 'scope must include openid'
                : params.get('code_challenge_method') !== 'S256'
                  ? 'code_challenge_method must be S256'
                  : !/^[A-Za-z0-9_-]{43}$/.test(params.get('code_challenge') ?? '')
                    ? 'code_challenge must be a base64url SHA-256'
                    : !params.get('state')
                      ? 'state is required'
                      : undefined;
      if (problem) return text(response, 400, problem);
      // Like Cognito: a live session signs in again without asking.
      if (sessions.has(sessionOf(request) ?? '')) return redirectWithCode(response, params);
      const id = randomBytes(16).toString('base64url');
      pendingSignIns.set(id, params);
      return html(response, signInPage(id));
    }
    if (url.pathname === '/login' && method === 'POST') {
      const params = pendingSignIns.get(form.request ?? '');
      if (!params) return text(response, 400, 'no sign-in in progress');
      if (form.username !== options.user.username || form.password !== options.user.password) {
        return html(response, signInPage(form.request ?? '', '用户名或密码不正确'));
      }
      pendingSignIns.delete(form.request ?? '');
      const session = randomBytes(16).toString('base64url');
      sessions.add(session);
      response.setHeader('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`);
      return redirectWithCode(response, params);
    }

    if (url.pathname === '/oauth2/token' && method === 'POST') {
      if (form.client_id !== clientId) return json(response, 400, cors, { error: 'invalid_client' });
      if (form.grant_type === 'authorization_code') {
        const pending = codes.get(form.code ?? '');
        // A code is good once, for the redirect_uri it was issued to, and only with its verifier.
        codes.delete(form.code ?? '');
        if (
          !pending ||
          pending.expiresAt < Date.now() ||
          pending.redirectUri !== form.redirect_uri ||
          !form.code_verifier ||
          pkceChallenge(form.code_verifier) !== pending.challenge
        ) {
          return json(response, 400, cors, { error: 'invalid_grant' });
        }
        const refreshToken = randomBytes(32).toString('base64url');
        refreshTokens.add(refreshToken);
        return json(response, 200, tokenHeaders(cors), await tokens('authorization_code', refreshToken));
      }
      if (form.grant_type === 'refresh_token') {
        if (!refreshTokens.has(form.refresh_token ?? '')) {
          return json(response, 400, cors, { error: 'invalid_grant' });
        }
        // Cognito (without rotation) keeps the refresh token: the response carries none.
        return json(response, 200, tokenHeaders(cors), await tokens('refresh_token', undefined));
      }
      return json(response, 400, cors, { error: 'unsupported_grant_type' });
    }

    if (url.pathname === '/logout' && method === 'GET') {
      const logoutUri = url.searchParams.get('logout_uri') ?? '';
      if (url.searchParams.get('client_id') !== clientId) return text(response, 400, 'unknown client_id');
      if (!options.callbackUrls().includes(logoutUri)) {
        return text(response, 400, 'logout_uri is not an allowed sign-out URL');
      }
      // The session ends with its cookie, as the browser drops it on this response; a sign-out
      // whose page abandons this redirect (another navigation taking over) stays signed in.
      response.writeHead(302, {
        location: logoutUri,
        'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
      });
      return response.end();
    }
    text(response, 404, 'not found');
  }

  function redirectWithCode(response: ServerResponse, params: URLSearchParams) {
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      challenge: params.get('code_challenge') ?? '',
      redirectUri: params.get('redirect_uri') ?? '',
      expiresAt: Date.now() + 5 * 60_000,
    });
    const back = new URL(params.get('redirect_uri') ?? '');
    back.searchParams.set('code', code);
    back.searchParams.set('state', params.get('state') ?? '');
    response.writeHead(302, { location: back.toString() });
    response.end();
  }

  async function tokens(grant: IssuedTokens['grant'], refreshToken: string | undefined) {
    const expiresIn =
      (grant === 'authorization_code'
        ? options.expiresIn?.authorizationCode
        : options.expiresIn?.refreshToken) ?? HOUR;
    const key = options.signingKey();
    const claims = { ...options.user.claims, audience: clientId, ttlSeconds: expiresIn };
    const idToken = await mintDevToken(key, claims);
    // Shaped like Cognito's access token, which the API must refuse: only the ID token will do.
    const accessToken = await mintDevToken(key, { ...claims, tokenUse: 'access' });
    issued.push({ grant, idToken, accessToken, refreshToken, expiresIn });
    return {
      id_token: idToken,
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      expires_in: expiresIn,
      token_type: 'Bearer',
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    issued,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function signInPage(requestId: string, error?: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 (mock IdP)</title></head>
<body><main><h1>登录</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="request" value="${requestId}">
<label>用户名 <input name="username" autocomplete="username"></label>
<label>密码 <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">登录</button>
</form></main></body></html>`;
}

function sessionOf(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value;
  }
  return undefined;
}

function tokenHeaders(cors: Record<string, string>) {
  return { ...cors, 'cache-control': 'no-store', pragma: 'no-cache' };
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(response: ServerResponse, status: number, headers: Record<string, string>, body: unknown) {
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function text(response: ServerResponse, status: number, body: string) {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(body);
}

function html(response: ServerResponse, body: string) {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body);
}
