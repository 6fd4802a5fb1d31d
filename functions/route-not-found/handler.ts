import { httpRoutes } from '#catalog/functions.ts';
import { MethodNotAllowed, RouteNotFound } from '#shared/domain/errors.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { RouteTable } from '#shared/http/route-table.ts';

const routeTable = new RouteTable(httpRoutes());

/**
 * API Gateway's `$default` route: anything no declared route matched. A path that exists under
 * another method is a 405 with `Allow`; anything else a 404, both in the API's error format
 * rather than API Gateway's bare `{"message":"Not Found"}`.
 */
export const handler = httpHandler<undefined>('routeNotFound', async ({ event }) => {
  const { method, path } = event.requestContext.http;
  const match = routeTable.match(method, path);
  if (match.kind === 'method-not-allowed') throw new MethodNotAllowed(method, path, match.allowed);
  throw new RouteNotFound(method, path);
});
