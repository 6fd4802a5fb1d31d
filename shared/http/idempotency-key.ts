import { createHash } from 'node:crypto';
import { BadRequest } from '#shared/domain/errors.ts';
import type { Principal } from '#shared/domain/roles.ts';
import type { IdempotencyKey } from '#shared/store/idempotency-keys.ts';
import type { ApiEvent } from './api-gateway.ts';

/** The request header, as API Gateway hands it over (lower case). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** As /openapi.json documents the header; a longer or binary key is refused before anything runs. */
const MAX_KEY_LENGTH = 255;
const KEY_PATTERN = new RegExp(`^[\\x20-\\x7e]{1,${MAX_KEY_LENGTH}}$`);

/**
 * The Idempotency-Key a request sends on a route that honours one, checked; undefined when it
 * sends none, or on a read (a function that also serves GETs must not remember them: a read
 * writes nothing, not even a key record). Both ways of keeping keys start here.
 */
export function idempotencyKeyHeader(
  event: ApiEvent,
  /** The route keys (`POST /items/{itemId}/progress`) that keep keys this way. */
  routes: ReadonlySet<string>,
): string | undefined {
  const sent = event.headers?.[IDEMPOTENCY_HEADER];
  if (!sent || !routes.has(event.routeKey)) return undefined;
  if (event.requestContext?.http?.method === 'GET') return undefined;
  if (!KEY_PATTERN.test(sent)) {
    throw new BadRequest(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters`);
  }
  return sent;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * The key as an `in-transaction` route hands it to its change: scoped to the caller and the path
 * (as claimed keys are), so two users, or one user's two items, can never collide; with a
 * fingerprint of the body, so the same key with another body is told apart.
 */
export function transactionKeyOf(
  functionName: string,
  event: ApiEvent,
  principal: Principal,
  sent: string,
): IdempotencyKey {
  return {
    functionName,
    id: sha256(JSON.stringify([principal.subject, event.rawPath, sent])),
    fingerprint: sha256(event.body ?? ''),
  };
}
