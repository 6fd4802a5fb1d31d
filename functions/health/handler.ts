import { httpHandler } from '#shared/http/handler.ts';
import { SERVICE_VERSION } from '#shared/version.ts';

/** GET /health — public liveness probe; touches no data. */
export const handler = httpHandler<undefined>('health', async () => ({
  status: 200,
  body: { status: 'ok', service: 'rectify', version: SERVICE_VERSION, time: new Date().toISOString() },
}));
