import { ValidationFailed } from '#shared/domain/errors.ts';

/** A DynamoDB LastEvaluatedKey as an opaque `next` token for the API's pages. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * What a page of a GSI1 query (the only paged queries) stops at: the table's key and the index's.
 * DynamoDB answers any other ExclusiveStartKey with a ValidationException, a 500 to the client.
 */
const CURSOR_KEYS = ['GSI1PK', 'GSI1SK', 'PK', 'SK'];
/** DynamoDB's limit for a partition key is 2048 bytes, for a sort key 1024. */
const MAX_CURSOR_PART = 2048;

function isCursorKey(value: unknown): value is Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length === CURSOR_KEYS.length &&
    entries.every(
      ([name, part]) =>
        CURSOR_KEYS.includes(name) &&
        typeof part === 'string' &&
        part.length > 0 &&
        Buffer.byteLength(part) <= MAX_CURSOR_PART,
    )
  );
}

/** The key back from a `next` token; a token this API did not make is a 400 naming `next`. */
export function decodeCursor(next: string): Record<string, string> {
  try {
    const key: unknown = JSON.parse(Buffer.from(next, 'base64url').toString('utf8'));
    if (isCursorKey(key)) return key;
  } catch {
    // Reported below, as for any other token that is not ours.
  }
  throw new ValidationFailed([
    {
      path: 'next',
      message: 'next is not a page cursor from this API',
      messageZh: 'next 不是本接口返回的分页标记',
    },
  ]);
}
