import { isUtf8 } from 'node:buffer';
import type * as z from 'zod';
import type * as zm from 'zod/mini';
import {
  BadRequest,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed,
} from '#shared/domain/errors.ts';
import { isWellFormedText, MALFORMED_TEXT } from '#shared/domain/text.ts';
import { formatPath, issuesOf } from '#shared/domain/validation.ts';
import type { ApiEvent } from './api-gateway.ts';

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
  // Bytes that are not UTF-8 are refused, not decoded to U+FFFD and stored as someone's text.
  if (!isUtf8(raw)) throw new BadRequest('the body is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new BadRequest(`the body is not valid JSON (${(error as Error).message})`);
  }
  const malformed = malformedTextPaths(value);
  if (malformed.length > 0) {
    throw new ValidationFailed(malformed.map((path) => ({ path, ...MALFORMED_TEXT })));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationFailed(issuesOf(parsed.error));
  return parsed.data;
}

/**
 * Where a parsed body holds a lone surrogate (`"\uD800"` is valid JSON but not text): in any
 * string or key, including those a schema passes through unread (`plan`), which would otherwise
 * fail only when stored, as a 500. At most ten paths are named.
 */
function malformedTextPaths(root: unknown): string[] {
  type Trail = { readonly key: PropertyKey; readonly parent?: Trail } | undefined;
  const pathOf = (trail: Trail, last?: PropertyKey) => {
    const keys: PropertyKey[] = last === undefined ? [] : [last];
    for (let at = trail; at; at = at.parent) keys.unshift(at.key);
    return formatPath(keys) || '(root)';
  };
  const found: string[] = [];
  // Iterative, with paths as parent links: a body nested a million arrays deep must neither
  // overflow the stack nor copy its path at every level.
  const pending: [unknown, Trail][] = [[root, undefined]];
  for (let next = pending.pop(); next && found.length < 10; next = pending.pop()) {
    const [value, trail] = next;
    if (typeof value === 'string') {
      if (!isWellFormedText(value)) found.push(pathOf(trail));
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--)
        pending.push([value[index], { key: index, parent: trail }]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, entry] of Object.entries(value).reverse()) {
        if (!isWellFormedText(key)) found.push(pathOf(trail, key.toWellFormed()));
        pending.push([entry, { key, parent: trail }]);
      }
    }
  }
  return found;
}

/**
 * Reads query parameters through a schema (classic zod, or mini: shared/api/queries.ts); 400
 * listing every invalid parameter.
 */
export function parseQuery<S extends z.ZodType | zm.ZodMiniType>(event: ApiEvent, schema: S): z.output<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    throw new ValidationFailed(
      issuesOf(parsed.error).map((issue) => ({ ...issue, path: `query.${issue.path}` })),
    );
  }
  return parsed.data as z.output<S>;
}
