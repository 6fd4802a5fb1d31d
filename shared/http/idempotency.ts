import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { MiddlewareObj, Request } from '@middy/core';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import { Conflict } from '#shared/domain/errors.ts';
import { idempotencyKeyReused } from '#shared/services/idempotency.ts';
import { dynamodb } from '#shared/store/client.ts';
import { KEY_LIFETIME_SECONDS } from '#shared/store/idempotency-keys.ts';
import type { ApiEvent, ApiResult } from './api-gateway.ts';
import { IDEMPOTENCY_HEADER, idempotencyKeyHeader } from './idempotency-key.ts';

const APPLIES = 'rectify.idempotency.applies';

/**
 * `Idempotency-Key` support on a POST route whose work is more than one transaction (the
 * manifest's `claimed` routes), with Powertools idempotency persisting in the ledger table. A
 * retry with the same key and body returns the first response and runs nothing; the same key
 * with another body is refused (422); a retry while the first is still running gets 409. Keys are scoped to the caller and the path, so two users can never collide. Requests
 * without the header are not deduplicated. Failed requests are not remembered: a retry runs.
 */
export function idempotentByHeader(
  functionName: string,
  /** The function's routes (`POST /inspections/import`) whose keys the manifest says are claimed. */
  routes: ReadonlySet<string>,
): MiddlewareObj<ApiEvent, ApiResult> {
  // Built on first use, so that importing a handler module needs no environment.
  let built: ReturnType<typeof makeHandlerIdempotent> | undefined;
  const middleware = () =>
    (built ??= makeHandlerIdempotent({
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: requiredEnv(tables.ledger.envVar),
        keyAttr: 'PK',
        sortKeyAttr: 'SK',
        staticPkValue: `IDEMPOTENCY#${functionName}`,
        expiryAttr: tables.ledger.timeToLiveAttribute,
        awsSdkV3Client: dynamodb,
      }),
      config: new IdempotencyConfig({
        eventKeyJmesPath: `[requestContext.authorizer.jwt.claims.sub, rawPath, headers."${IDEMPOTENCY_HEADER}"]`,
        payloadValidationJmesPath: 'body',
        expiresAfterSeconds: KEY_LIFETIME_SECONDS,
      }),
    }));
  const flags = (request: Request<ApiEvent, ApiResult>) => request.internal as Record<string, unknown>;
  const applies = (request: Request<ApiEvent, ApiResult>) => flags(request)[APPLIES] === true;
  return {
    before: async (request) => {
      if (!idempotencyKeyHeader(request.event, routes)) return;
      flags(request)[APPLIES] = true;
      try {
        return await middleware().before?.(request as never);
      } catch (error) {
        // Nothing was claimed for this request, so onError must not release the first one's record.
        flags(request)[APPLIES] = false;
        if (error instanceof IdempotencyValidationError) throw idempotencyKeyReused();
        if (error instanceof IdempotencyAlreadyInProgressError) {
          throw new Conflict('a request with this Idempotency-Key is still being processed; retry shortly');
        }
        throw error;
      }
    },
    after: async (request) => {
      if (applies(request)) await middleware().after?.(request as never);
    },
    onError: async (request) => {
      if (applies(request)) await middleware().onError?.(request as never);
    },
  };
}
