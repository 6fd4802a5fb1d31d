/**
 * The shape of a correlation id: the id one request's work carries through logs, chain records,
 * bus events and queue messages. API Gateway's request ids (`JAsZaiNkIAMEJGw=`), UUIDs and SQS
 * message ids fit; so must a caller's `X-Correlation-Id`, which is refused unless it is short and
 * of characters that need no escaping anywhere it is written. No imports: events/ reads it too.
 */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,63}$/;

export function isCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID_PATTERN.test(value);
}

/** The SQS message attribute that carries the correlation id of a job an HTTP request queued. */
export const CORRELATION_ID_ATTRIBUTE = 'correlationId';
