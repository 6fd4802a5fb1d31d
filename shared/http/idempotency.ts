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
import { BadRequest, Conflict, RuleViolation } from '#shared/domain/errors.ts';
import { dynamodb } from '#shared/store/client.ts';
import type { ApiEvent, ApiResult } from './api-gateway.ts';

/** How long a key is remembered: a day covers any sane client retry policy. */
const KEY_LIFETIME_SECONDS = 24 * 60 * 60;
const HEADER = 'idempotency-key';
/** As /openapi.json documents the header; a longer or binary key is refused before anything runs. */
const MAX_KEY_LENGTH = 255;
const KEY_PATTERN = new RegExp(`^[\\x20-\\x7e]{1,${MAX_KEY_LENGTH}}$`);
const APPLIES = 'rectify.idempotency.applies';

/**
 * `Idempotency-Key` support on a POST route, with Powertools idempotency persisting in the ledger
 * table. A retry with the same key and body returns the first response and runs nothing; the
 * same key with another body is refused (422); a retry while the first is still running gets
 * 409. Keys are scoped to the caller and the path, so two users can never collide. Requests
 * without the header are not deduplicated. Failed requests are not remembered: a retry runs.
 */
export function idempotentByHeader(
  functionName: string,
  /** The function's routes (`POST /items/{itemId}/progress`) the manifest marks idempotent. */
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
        eventKeyJmesPath: `[requestContext.authorizer.jwt.claims.sub, rawPath, headers."${HEADER}"]`,
        payloadValidationJmesPath: 'body',
        expiresAfterSeconds: KEY_LIFETIME_SECONDS,
      }),
    }));
  const flags = (request: Request<ApiEvent, ApiResult>) => request.internal as Record<string, unknown>;
  const applies = (request: Request<ApiEvent, ApiResult>) => flags(request)[APPLIES] === true;
  return {
    before: async (request) => {
      if (!request.event.headers?.[HEADER]) return;
      if (!routes.has(request.event.routeKey)) return;
      // A function that also serves reads (GET …/outcomes) must not remember them: a read writes
      // nothing, not even a key record, and a later read must not be answered from the first.
      if (request.event.requestContext?.http?.method === 'GET') return;
      if (!KEY_PATTERN.test(request.event.headers[HEADER])) {
        throw new BadRequest(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters`);
      }
      flags(request)[APPLIES] = true;
      try {
        return await middleware().before?.(request as never);
      } catch (error) {
        // Nothing was claimed for this request, so onError must not release the first one's record.
        flags(request)[APPLIES] = false;
        if (error instanceof IdempotencyValidationError) {
          throw new RuleViolation('idempotency-key-reused', {
            en: 'This Idempotency-Key was already used with a different request body.',
            zh: '该 Idempotency-Key 已用于另一个不同内容的请求。',
          });
        }
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
