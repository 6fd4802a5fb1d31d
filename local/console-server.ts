/**
 * The console on `npm start`: the built files from web/build.ts at the API's own origin (so no
 * CORS), `/config.json` saying "dev login", and the one thing the cloud has no equivalent of —
 * `POST /__local/dev-token`, which mints a dev token for the role, 科室 and name the dev login
 * page asks for. It exists only in this process; the stack never serves it.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import * as z from 'zod';
import { ROLES } from '#shared/domain/roles.ts';
import { type ConsoleConfig, consoleSecurityHeaders } from '../web/hosting.ts';
import { type DevKey, mintDevToken } from './dev-auth.ts';
import { readBody } from './http-adapter.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const DevTokenRequest = z.strictObject({
  role: z.enum(ROLES),
  department: z.string().trim().min(1).max(100).optional(),
  name: z.string().trim().min(1).max(100).optional(),
  leaderId: z.string().trim().min(1).max(100).optional(),
});

export interface ConsoleServerOptions {
  /** The built console (web/build.ts). */
  readonly dir: string;
  readonly devKey: DevKey;
  readonly stage: string;
  /** The emulator's S3 endpoint: presigned uploads go there, so the CSP must allow it. */
  readonly storageOrigin: string;
  /**
   * What `/config.json` says; `npm start` leaves it unset (the dev login). The Cognito path's
   * browser test sets `auth: 'cognito'` with a stand-in identity provider (test/support/mock-oidc.ts).
   */
  readonly config?: ConsoleConfig;
}

export type ConsoleServer = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** Answers the console's requests and returns true, or returns false for the API's. */
export function consoleServer(options: ConsoleServerOptions): ConsoleServer {
  const config: ConsoleConfig = options.config ?? { auth: 'dev', apiUrl: '', stage: options.stage };
  // The console fetches discovery and tokens from the identity provider, as the cloud's CSP allows
  // (infra/constructs/console-hosting.ts): the same origins here, so the CSP is tested as well.
  const identity =
    config.auth === 'cognito'
      ? [new URL(config.authority).origin, new URL(config.loginDomain).origin]
      : undefined;
  const headers = consoleSecurityHeaders({
    api: [],
    storage: [options.storageOrigin],
    ...(identity ? { identity } : {}),
  });
  // Plain HTTP on loopback: HSTS would pin 127.0.0.1 to https in the developer's browser.
  delete headers['strict-transport-security'];
  const root = path.resolve(options.dir);

  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    if (url.pathname === '/__local/dev-token' && method === 'POST') {
      // Only the dev login mints: a console configured for Cognito must have no way around it.
      if (config.auth !== 'dev') {
        send(response, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'not found');
      } else {
        await mintForLoginPage(request, response, options.devKey);
      }
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (url.pathname === '/config.json') {
      send(
        response,
        200,
        { ...headers, 'content-type': CONTENT_TYPES['.json'] as string, 'cache-control': 'no-store' },
        JSON.stringify(config),
      );
      return true;
    }
    const file =
      url.pathname === '/' || url.pathname === '/index.html'
        ? 'index.html'
        : url.pathname.startsWith('/assets/')
          ? url.pathname.slice(1)
          : undefined;
    if (!file) return false;
    const resolved = path.resolve(root, file);
    // `..` in a path never leaves the console's folder.
    if (!resolved.startsWith(`${root}${path.sep}`)) return false;
    try {
      const body = await readFile(resolved);
      send(
        response,
        200,
        {
          ...headers,
          'content-type': CONTENT_TYPES[path.extname(resolved)] ?? 'application/octet-stream',
          // Hashed names never change content; index.html must be re-read to find new ones.
          'cache-control': file === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
        },
        method === 'HEAD' ? Buffer.alloc(0) : body,
      );
    } catch {
      send(response, 404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }, 'not found');
    }
    return true;
  };
}

/**
 * Any web page may POST to 127.0.0.1, so the minting route takes only `application/json` (which a
 * cross-origin page cannot send without a CORS preflight this server never approves) and, when
 * the browser names the request's origin, only this server's own.
 */
async function mintForLoginPage(request: IncomingMessage, response: ServerResponse, devKey: DevKey) {
  const json = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const origin = request.headers.origin;
  const ownOrigin = `http://${request.headers.host ?? ''}`;
  if (contentType !== 'application/json' || (origin !== undefined && origin !== ownOrigin)) {
    return send(
      response,
      403,
      json,
      JSON.stringify({ error: { code: 'forbidden', message: 'same-origin JSON only' } }),
    );
  }
  const parsed = DevTokenRequest.safeParse(safeJson((await readBody(request, 10_000)).toString('utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return send(
      response,
      400,
      json,
      JSON.stringify({
        error: { code: 'bad_request', message: `${issue?.path.join('.') || 'body'}: ${issue?.message}` },
      }),
    );
  }
  const { role, department, name, leaderId } = parsed.data;
  const token = await mintDevToken(devKey, {
    role,
    ...(department ? { department } : {}),
    // One person per role, 科室 and name: two admins with different names are two people.
    subject: ['dev', role, department, name].filter(Boolean).join('-'),
    ...(name ? { name } : {}),
    ...(leaderId ? { leaderId } : {}),
  });
  send(response, 200, json, JSON.stringify({ token }));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  response.end(bytes);
}
