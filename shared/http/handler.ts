import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { FunctionName, IdempotencyMode, OwnRoutes, RouteAuth } from '#catalog/functions.ts';
import { isCorrelationId } from '#shared/correlation-id.ts';
import { BadRequest, Forbidden, Unauthorized } from '#shared/domain/errors.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { cleanLine, isWellFormedText } from '#shared/domain/text.ts';
import { type Lang, negotiateLang } from '#shared/i18n/lang.ts';
import { invocationChain } from '#shared/lambda/invocation.ts';
import { logger, metrics, withCorrelationId } from '#shared/observability.ts';
import type { IdempotencyKey } from '#shared/store/idempotency-keys.ts';
import type { ApiEvent, ApiResult } from './api-gateway.ts';
import { checkClaims, type FlatClaims } from './claims.ts';
import { errorResponses } from './error-handler.ts';
import { idempotencyKeyHeader, transactionKeyOf } from './idempotency-key.ts';
import { type HttpResult, toApiResponse } from './response.ts';

/** What a route handler receives: the event, plus what the chain already established. */
export interface HttpRequest<P extends Principal | undefined = Principal> {
  readonly event: ApiEvent;
  readonly principal: P;
  readonly lang: Lang;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /**
   * On an `in-transaction` route, the request's Idempotency-Key, for the route to hand to its
   * change (changeItem), which remembers it in its own transaction. Absent without the header.
   */
  readonly idempotencyKey?: IdempotencyKey;
}

interface RectifyContext extends Context {
  principal?: Principal;
}

/**
 * The catalog, unless this bundle was built with its function's own routes: a bundle is built for
 * one function, and infra/constructs/service-function.ts defines RECTIFY_OWN_ROUTES (that
 * function's ownRoutes, as JSON) at build time, so that the bundle carries neither every other
 * function's triggers and IAM access (~14 KB) nor their evaluation. Unbundled (locally, in tests)
 * the routes come from the catalog.
 */
const catalog =
  process.env.RECTIFY_OWN_ROUTES === undefined ? await import('#catalog/functions.ts') : undefined;

function ownRoutesOf(functionName: FunctionName): OwnRoutes {
  if (process.env.RECTIFY_OWN_ROUTES !== undefined)
    return JSON.parse(process.env.RECTIFY_OWN_ROUTES) as OwnRoutes;
  if (!catalog) throw new Error('no routes: neither bundled nor from the catalog');
  return catalog.ownRoutes(catalog.functions[functionName]);
}

/**
 * The auth rule of each route key a function serves, from the manifest, looked up per request.
 * `$default` serves only errors about routing, so it needs no token (as in API Gateway).
 */
function routeAuthLookup({ routes, fallback }: OwnRoutes): (routeKey: string) => RouteAuth {
  const byKey = new Map<string, RouteAuth>(
    routes.map((route) => [`${route.method} ${route.path}`, route.auth]),
  );
  return (routeKey) => {
    if (routeKey === '$default' && fallback) return 'public';
    const auth = byKey.get(routeKey) ?? (routes.length === 1 ? routes[0]?.auth : undefined);
    // A function reached on a route the manifest does not give it is a wiring fault: refuse.
    if (!auth) throw new Forbidden(`call ${routeKey}`);
    return auth;
  };
}

/**
 * Establishes the principal from the authorizer's claims and checks the route's roles. API
 * Gateway has already verified the token; this is the second, role-aware gate, and it refuses
 * when claims are absent so a route can never be exposed by a missing authorizer.
 */
function authorise(own: OwnRoutes): MiddlewareObj<ApiEvent, ApiResult, Error, RectifyContext> {
  const authOf = routeAuthLookup(own);
  return {
    before: async (request) => {
      const auth = authOf(request.event.routeKey);
      if (auth === 'public') return;
      const claims = request.event.requestContext?.authorizer?.jwt?.claims as FlatClaims | undefined;
      const checked = claims ? checkClaims(claims) : undefined;
      if (!checked?.ok) throw new Unauthorized(checked?.reason ?? 'no verified token');
      const { principal } = checked;
      if (!principal.roles.some((role) => auth.includes(role))) {
        throw new Forbidden(`${request.event.routeKey} (needs ${auth.join(' | ')})`);
      }
      request.context.principal = principal;
      logger.appendKeys({ subject: principal.subject, roles: principal.roles.join(',') });
    },
  };
}

/**
 * Path parameters as API Gateway decoded them, refused (400) when one is not well-formed text or
 * holds control or bidi characters (`%00`, `%1B`, `%E2%80%AE`): no id, department or evidence
 * name has them, and they would otherwise reach storage keys and logs.
 */
function pathParametersOf(event: ApiEvent): Record<string, string> {
  const parameters = (event.pathParameters ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(parameters)) {
    if (typeof value !== 'string' || !isWellFormedText(value) || cleanLine(value) !== value)
      throw new BadRequest(`path parameter ${name} is not valid text`);
  }
  return parameters;
}

/**
 * One `Requests` count per route and status class, so dashboards need no log queries, and one
 * log line per request, which gives its correlation id a place in the logs.
 */
function requestMetrics(): MiddlewareObj<ApiEvent, ApiResult, Error, RectifyContext> {
  const count = async (request: { event: ApiEvent; response?: ApiResult | null }) => {
    metrics.addDimension('route', request.event.routeKey);
    const status = request.response?.statusCode ?? 500;
    metrics.addMetric(`Requests${Math.floor(status / 100)}xx`, MetricUnit.Count, 1);
    // API Gateway's id too: a 500 names it, and a caller's X-Correlation-Id may stand in its place.
    logger.info('request', {
      route: request.event.routeKey,
      status,
      requestId: request.event.requestContext?.requestId,
    });
  };
  // onError runs after errorResponses() (middy unwinds in reverse), so the status is final.
  return { after: count, onError: count };
}

/** The header a caller may name its own correlation id in; the response always carries the one used. */
const CORRELATION_ID_HEADER = 'x-correlation-id';

/**
 * The request's correlation id: the caller's `X-Correlation-Id` when it is a well-formed one (a
 * client that retries, or a system that calls us as one step of its own work, can then find our
 * side of it), else API Gateway's request id. Anything else in the header is ignored, not refused.
 */
function correlationIdOf(event: ApiEvent): string | undefined {
  const sent = event.headers?.[CORRELATION_ID_HEADER];
  return isCorrelationId(sent) ? sent : event.requestContext?.requestId;
}

/**
 * The idempotency middleware for claimed keys, unless this bundle was built for a function with
 * no such route: infra/constructs/service-function.ts then defines RECTIFY_IDEMPOTENCY as 'off' at
 * build time, and esbuild leaves out the import (the library, and the DynamoDB client for reads
 * that need none). Unbundled (locally, in tests) it is always there.
 */
const idempotency = process.env.RECTIFY_IDEMPOTENCY === 'off' ? undefined : await import('./idempotency.ts');

/**
 * The middy chain every HTTP function uses: tracing, Powertools logging and metrics, error
 * mapping, then authorisation from the manifest's route roles; all of it under the request's
 * correlation id, which the chain records it writes and the response's X-Correlation-Id carry.
 */
export function httpHandler<P extends Principal | undefined = Principal>(
  functionName: FunctionName,
  route: (request: HttpRequest<P>) => Promise<HttpResult>,
) {
  // Declared once, in the manifest: the routes that honour an Idempotency-Key and how (the
  // OpenAPI document reads the same flag). The key is checked after the caller is authorised.
  const own = ownRoutesOf(functionName);
  const routesKeeping = (mode: IdempotencyMode) =>
    new Set(
      own.routes.filter((route) => route.idempotent === mode).map((route) => `${route.method} ${route.path}`),
    );
  const claimedRoutes = routesKeeping('claimed');
  const inTransactionRoutes = routesKeeping('in-transaction');
  if (claimedRoutes.size > 0 && !idempotency)
    throw new Error(`${functionName} claims Idempotency-Keys but was bundled without idempotency`);
  const keyed =
    idempotency && claimedRoutes.size > 0
      ? [idempotency.idempotentByHeader(functionName, claimedRoutes)]
      : [];
  const chain = invocationChain<ApiEvent, ApiResult, RectifyContext>()
    .use(requestMetrics())
    .use(errorResponses())
    .use(authorise(own))
    .use(keyed)
    .handler(async (event, context) => {
      const principal = context.principal as P;
      const key = idempotencyKeyHeader(event, inTransactionRoutes);
      const result = await route({
        event,
        principal,
        lang: negotiateLang(event.headers?.['accept-language']),
        pathParameters: pathParametersOf(event),
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        // An in-transaction route is never public: its principal is the one authorise() set.
        ...(key && principal
          ? { idempotencyKey: transactionKeyOf(functionName, event, principal, key) }
          : {}),
      });
      return toApiResponse(result);
    });
  return async (event: ApiEvent, context: Context): Promise<ApiResult> => {
    const id = correlationIdOf(event);
    const response = await withCorrelationId(id, () => chain(event, context));
    return id === undefined
      ? response
      : { ...response, headers: { ...response.headers, [CORRELATION_ID_HEADER]: id } };
  };
}
