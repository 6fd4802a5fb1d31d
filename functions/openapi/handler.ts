import { openApiDocument } from '#shared/api/openapi.ts';
import { httpHandler } from '#shared/http/handler.ts';

/** Built once per execution environment: it only changes with a deployment. */
let document: Record<string, unknown> | undefined;

/** GET /openapi.json — OpenAPI 3.1 generated from the manifest and the zod schemas. */
export const handler = httpHandler<undefined>('openapi', async ({ event }) => {
  // API Gateway says how the client reached it in X-Forwarded-Proto (https in the cloud).
  const scheme = event.headers?.['x-forwarded-proto'] ?? 'https';
  document ??= openApiDocument(`${scheme}://${event.requestContext.domainName}`);
  return { status: 200, body: document };
});
