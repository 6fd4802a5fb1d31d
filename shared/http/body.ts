import type { z } from 'zod';
import {
  BadRequest,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed,
} from '#shared/domain/errors.ts';
import { issuesOf } from '#shared/domain/validation.ts';
import type { ApiEvent } from './handler.ts';

/** Form posts are small; a larger body is a mistake or an attack. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a JSON request body: 415 unless it is declared JSON, 413 past the limit, 400 when it is
 * not JSON, 400 listing every invalid field when it does not match the schema.
 */
export function parseJsonBody<S extends z.ZodType>(
  event: ApiEvent,
  schema: S,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): z.output<S> {
  const contentType = event.headers?.['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new UnsupportedMediaType(contentType || '(none)', 'application/json');
  }
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.length > maxBytes) throw new PayloadTooLarge(maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new BadRequest(`the body is not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationFailed(issuesOf(parsed.error));
  return parsed.data;
}

/** Reads query parameters through a schema; 400 listing every invalid parameter. */
export function parseQuery<S extends z.ZodType>(event: ApiEvent, schema: S): z.output<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    throw new ValidationFailed(
      issuesOf(parsed.error).map((issue) => ({ ...issue, path: `query.${issue.path}` })),
    );
  }
  return parsed.data;
}
