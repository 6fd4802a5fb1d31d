import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTPayload } from 'jose';
import { fallbackFunction, type HttpRoute, httpRoutes } from '#catalog/functions.ts';
import type { ErrorCode, MessageParams } from '#shared/domain/errors.ts';
import { type FlatClaims, principalFromClaims } from '#shared/http/claims.ts';
import { toApiResponse } from '#shared/http/response.ts';
import { RouteTable } from '#shared/http/route-table.ts';
import { STATUS_OF } from '#shared/http/status.ts';
import { errorMessage } from '#shared/i18n/error-messages.ts';
import { negotiateLang } from '#shared/i18n/lang.ts';
import type { ConsoleConfig } from '../web/hosting.ts';
import { bootstrapResources, type LocalResources, resourceEnvironment } from './bootstrap.ts';
import { consoleServer } from './console-server.ts';
import { type DevKey, loadOrCreateDevKey, verifyDevToken } from './dev-auth.ts';
import { type Emulator, LOCAL_CREDENTIALS } from './emulator/index.ts';
import {
  MAX_REQUEST_BYTES,
  RequestTooLarge,
  readBody,
  toApiGatewayEvent,
  writeApiResult,
} from './http-adapter.ts';
import { FunctionTimedOut, invokeFunction } from './invoke.ts';
import { startQueuePollers } from './queue-poller.ts';
import { startSchedules, UnknownSchedule } from './scheduler.ts';
import { startStreamPollers } from './stream-poller.ts';

export interface LocalRuntimeOptions {
  readonly emulator: Emulator;
  /** Names the resources (`rectify-<stage>-ledger`); tests use one stage per file. */
  readonly stage: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly devKey?: DevKey;
  /** See BootstrapOptions: tests shorten queue visibility timeouts. */
  readonly queueVisibilityTimeoutSeconds?: number;
  /** The built console (web/build.ts) to serve at `/`, with its dev login; none when unset. */
  readonly consoleDir?: string;
  /** What the console's `/config.json` says; the dev login when unset (see ConsoleServerOptions). */
  readonly consoleConfig?: ConsoleConfig;
  /** Called once per request with a one-line access log entry. */
  readonly onRequest?: (line: string) => void;
}

export interface LocalRuntime {
  readonly url: string;
  readonly resources: LocalResources;
  /** Runs a schedule now, as if it had fired at `scheduledTime` (what `npm run tick` asks for). */
  fireSchedule(name: string, scheduledTime?: string): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Local-only path for `npm run tick -- <schedule> [--now ISO]`: fires a schedule in this process.
 * API Gateway has no such route; here it listens on 127.0.0.1 only, like the rest of the API.
 * Listening on 127.0.0.1 does not keep browsers out (any web page may POST to localhost), so it
 * takes an admin's bearer token, checked as API requests are. That also rules out cross-site
 * requests: a browser never attaches an Authorization header by itself, and a page that sets
 * one triggers a CORS preflight this server does not approve, so no Origin check is needed.
 */
const TICK_PATH = /^\/__local\/schedules\/([a-z-]+)$/;

/**
 * The bearer token's claims, as the cloud's JWT authorizer establishes them; without a valid
 * token the 401 is written here (in API Gateway's place) and undefined returned.
 */
async function authenticate(
  devKey: DevKey,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<JWTPayload | undefined> {
  const checked = await verifyDevToken(devKey, request.headers.authorization);
  if (checked.ok) return checked.claims;
  gatewayError(
    response,
    request,
    'unauthorized',
    { reason: checked.reason },
    { 'www-authenticate': 'Bearer' },
  );
  return undefined;
}

/**
 * Points the in-process handlers at the emulator exactly as Lambda's environment points them at
 * AWS: endpoint, region, credentials and the resource names the stack would inject.
 */
export function configureFunctionEnvironment(emulator: Emulator, resources: LocalResources): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: emulator.endpoint,
    AWS_REGION: emulator.region,
    AWS_DEFAULT_REGION: emulator.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    RECTIFY_S3_FORCE_PATH_STYLE: 'true',
    RECTIFY_STAGE: resources.stage,
    POWERTOOLS_SERVICE_NAME: 'rectify',
    POWERTOOLS_METRICS_NAMESPACE: 'Rectify',
    // EMF metric lines on every request would drown the console; CloudWatch is not here anyway.
    POWERTOOLS_METRICS_DISABLED: 'true',
    // No X-Ray daemon here. The tracer also turns itself off outside Lambda; this says so.
    POWERTOOLS_TRACE_ENABLED: 'false',
    // Functions run concurrently in this process: Powertools keeps per-invocation state in the
    // InvokeStore that invoke.ts provides (the value is not read, only its presence).
    AWS_LAMBDA_MAX_CONCURRENCY: '64',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...resourceEnvironment(resources),
  });
}

/** A response API Gateway itself would give (before or instead of the integration). */
function gatewayError(
  response: ServerResponse,
  request: IncomingMessage,
  code: ErrorCode,
  params: MessageParams,
  headers: Record<string, string> = {},
) {
  const lang = negotiateLang(request.headers['accept-language']);
  writeApiResult(
    response,
    toApiResponse({
      status: STATUS_OF[code],
      headers,
      body: { error: { code, message: errorMessage(code, params, lang) } },
    }),
  );
}

/**
 * The job API Gateway does in the cloud, and nothing more: match the route from the manifest,
 * check the JWT as the authorizer would, build the v2 event, invoke the handler in-process and
 * write its result back.
 */
async function serveRequest(
  request: IncomingMessage,
  response: ServerResponse,
  routes: RouteTable<HttpRoute>,
  devKey: DevKey,
  schedules: ReturnType<typeof startSchedules>,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const tick = TICK_PATH.exec(url.pathname);
  if (tick && request.method === 'POST') {
    const claims = await authenticate(devKey, request, response);
    if (!claims) return;
    if (!principalFromClaims(claims as FlatClaims)?.roles.includes('admin')) {
      return gatewayError(response, request, 'forbidden', { action: 'fire schedules (admins only)' });
    }
    return serveTick(request, response, tick[1] ?? '', schedules);
  }
  const match = routes.match(request.method ?? 'GET', url.pathname);
  let body: Buffer;
  try {
    body = await readBody(request);
  } catch (error) {
    if (error instanceof RequestTooLarge) {
      response.setHeader('connection', 'close');
      return gatewayError(response, request, 'payload_too_large', { limit: MAX_REQUEST_BYTES });
    }
    throw error;
  }

  if (match.kind === 'bad-parameter') {
    // Answered here, as API Gateway answers a path it cannot decode: no handler sees it.
    return gatewayError(response, request, 'bad_request', {
      reason: `path parameter ${match.parameter} is not percent-encoded UTF-8`,
    });
  }
  if (match.kind !== 'matched') {
    const event = toApiGatewayEvent({ request, body, routeKey: '$default' });
    return writeApiResult(response, await invokeFunction(fallbackFunction(), event));
  }

  const { route, pathParameters } = match;
  let claims: JWTPayload | undefined;
  if (route.auth !== 'public') {
    claims = await authenticate(devKey, request, response);
    if (!claims) return;
  }
  const event = toApiGatewayEvent({
    request,
    body,
    routeKey: `${route.method} ${route.path}`,
    pathParameters,
    ...(claims ? { claims } : {}),
  });
  writeApiResult(response, await invokeFunction(route.functionName, event));
}

async function serveTick(
  request: IncomingMessage,
  response: ServerResponse,
  name: string,
  schedules: ReturnType<typeof startSchedules>,
) {
  const body = (await readBody(request)).toString('utf8');
  const now = body ? (JSON.parse(body) as { now?: string }).now : undefined;
  const reply = (status: number, payload: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(payload));
  };
  if (now !== undefined && Number.isNaN(Date.parse(now))) {
    return reply(400, { error: `now is not an ISO 8601 instant: ${now}` });
  }
  try {
    reply(200, {
      schedule: name,
      result: await schedules.fire(name, now ? new Date(now).toISOString() : undefined),
    });
  } catch (error) {
    if (!(error instanceof UnknownSchedule)) throw error;
    reply(404, { error: `no schedule ${name}; there are: ${schedules.names.join(', ')}` });
  }
}

/** Starts the local API on 127.0.0.1 against an emulator whose resources it creates first. */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const resources = await bootstrapResources(options.emulator, options.stage, {
    ...(options.queueVisibilityTimeoutSeconds === undefined
      ? {}
      : { queueVisibilityTimeoutSeconds: options.queueVisibilityTimeoutSeconds }),
  });
  configureFunctionEnvironment(options.emulator, resources);
  const devKey = options.devKey ?? (await loadOrCreateDevKey());
  const routes = new RouteTable(httpRoutes());
  const schedules = startSchedules();
  const serveConsole = options.consoleDir
    ? consoleServer({
        dir: options.consoleDir,
        devKey,
        stage: resources.stage,
        storageOrigin: new URL(options.emulator.endpoint).origin,
        ...(options.consoleConfig ? { config: options.consoleConfig } : {}),
      })
    : undefined;

  const server: Server = createServer((request, response) => {
    const started = performance.now();
    response.once('finish', () => {
      options.onRequest?.(
        `${request.method} ${request.url} ${response.statusCode} ${(performance.now() - started).toFixed(1)}ms`,
      );
    });
    (async () => {
      if (serveConsole && (await serveConsole(request, response))) return;
      await serveRequest(request, response, routes, devKey, schedules);
    })().catch((error: unknown) => {
      // What API Gateway answers when the integration fails or times out.
      const timedOut = error instanceof FunctionTimedOut;
      if (!timedOut) console.error('local runtime: integration failed', error);
      if (response.headersSent) return response.destroy();
      gatewayError(response, request, 'internal', {}, timedOut ? { 'x-rectify-timeout': 'true' } : {});
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const pollers = startQueuePollers(options.emulator, resources.queues);
  const streamPollers = startStreamPollers(options.emulator, resources);
  return {
    url: `http://127.0.0.1:${port}`,
    resources,
    fireSchedule: (name, scheduledTime) => schedules.fire(name, scheduledTime),
    stop: async () => {
      schedules.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([pollers.stop(), streamPollers.stop()]);
    },
  };
}
