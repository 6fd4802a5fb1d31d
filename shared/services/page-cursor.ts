import { ValidationFailed } from '#shared/domain/errors.ts';

/** A DynamoDB LastEvaluatedKey as an opaque `next` token for the API's pages. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key back from a `next` token; a token this API did not make is a 400 naming `next`. */
export function decodeCursor(next: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(next, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
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
