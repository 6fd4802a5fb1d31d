import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { flattenClaim } from '#shared/http/claims.ts';

/** API Gateway HTTP APIs refuse request bodies above 10 MB with 413. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export class RequestTooLarge extends Error {
  override name = 'RequestTooLarge';
}

/** Reads the whole body, refusing past the API Gateway limit without buffering the excess. */
export async function readBody(request: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new RequestTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** HTTP APIs pass text bodies as text and base64-encode everything else. */
function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/javascript'
  );
}

/** Repeated headers and query parameters are joined with commas, as API Gateway does. */
function joinValues(entries: Iterable<[string, string]>): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [key, value] of entries) joined[key] = key in joined ? `${joined[key]},${value}` : value;
  return joined;
}

export interface ApiEventInput {
  readonly request: IncomingMessage;
  readonly body: Buffer;
  /** `GET /items/{itemId}`, or `$default`. */
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
  /** Verified claims, for routes behind the authorizer. */
  readonly claims?: JWTPayload;
}

/** Builds the payload-format-2.0 event API Gateway would hand to the integration. */
export function toApiGatewayEvent(input: ApiEventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { request, body } = input;
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headerEntries: [string, string][] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    headerEntries.push([String(request.rawHeaders[i]).toLowerCase(), String(request.rawHeaders[i + 1])]);
  }
  // API Gateway adds the X-Forwarded-* headers; this server speaks plain HTTP on loopback.
  const headers: Record<string, string> = {
    ...joinValues(headerEntries.filter(([key]) => key !== 'cookie')),
    'x-forwarded-proto': 'http',
    'x-forwarded-for': request.socket.remoteAddress ?? '127.0.0.1',
  };
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const query = [...url.searchParams.entries()];
  const now = new Date();
  const asText = isTextual(request.headers['content-type']) && isUtf8(body);
  const claims = input.claims
    ? Object.fromEntries(Object.entries(input.claims).map(([key, value]) => [key, flattenClaim(value)]))
    : undefined;
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(query.length ? { queryStringParameters: joinValues(query) } : {}),
    ...(input.pathParameters && Object.keys(input.pathParameters).length
      ? { pathParameters: input.pathParameters }
      : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: (request.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: input.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    // A textual body that is not valid UTF-8 goes on as base64, as its bytes: decoding it here
    // would turn the bad bytes into U+FFFD and the handler could not refuse it.
    ...(body.length ? { body: asText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !asText,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** Writes a handler's structured result (or a bare value, which HTTP APIs treat as JSON). */
export function writeApiResult(response: ServerResponse, result: unknown): void {
  const structured =
    result && typeof result === 'object' && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(result ?? null),
        };
  const body =
    typeof structured.body === 'string'
      ? Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8')
      : Buffer.alloc(0);
  for (const [key, value] of Object.entries(structured.headers ?? {})) response.setHeader(key, String(value));
  if (structured.cookies?.length) response.setHeader('set-cookie', structured.cookies);
  response.setHeader('content-length', body.length);
  response.statusCode = structured.statusCode ?? 200;
  response.end(body);
}
