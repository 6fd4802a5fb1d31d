import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody, toApiGatewayEvent, writeApiResult } from '#local/http-adapter.ts';

/** A real HTTP server that answers with the API Gateway event it built from the request. */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await readBody(request);
    const event = toApiGatewayEvent({
      request,
      body,
      routeKey: 'POST /items/{itemId}',
      pathParameters: { itemId: '1.1.1' },
      claims: { sub: 'u1', 'cognito:groups': ['admin', 'leader'], exp: 1_900_000_000 },
    });
    writeApiResult(response, {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function eventFor(path: string, init: RequestInit): Promise<APIGatewayProxyEventV2WithJWTAuthorizer> {
  return (await (await fetch(`${url}${path}`, init)).json()) as APIGatewayProxyEventV2WithJWTAuthorizer;
}

describe('toApiGatewayEvent (payload format 2.0)', () => {
  it('passes a JSON body as text with the route, path parameters and flattened claims', async () => {
    const event = await eventFor('/items/1.1.1?lang=en&tag=a&tag=b', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Custom': 'v', cookie: 'a=1; b=2' },
      body: JSON.stringify({ text: '进展' }),
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /items/{itemId}',
      rawPath: '/items/1.1.1',
      rawQueryString: 'lang=en&tag=a&tag=b',
      queryStringParameters: { lang: 'en', tag: 'a,b' },
      pathParameters: { itemId: '1.1.1' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
      body: '{"text":"进展"}',
      requestContext: {
        http: { method: 'POST', path: '/items/1.1.1' },
        authorizer: { jwt: { claims: { sub: 'u1', 'cognito:groups': '[admin leader]', exp: '1900000000' } } },
      },
    });
    expect(event.headers['x-custom']).toBe('v');
    expect(event.headers.cookie).toBeUndefined();
  });

  it('base64-encodes a binary body, byte for byte', async () => {
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00, 0x80]);
    const event = await eventFor('/items/1.1.1', {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      body: bytes,
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').equals(bytes)).toBe(true);
  });
});
