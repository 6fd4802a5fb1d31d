import { RectifyError, RuleViolation } from '#shared/domain/errors.ts';
import { type IdempotencyKey, IdempotencyKeys } from '#shared/store/idempotency-keys.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';

/** The same Idempotency-Key with another body: refused, whichever way the route honours keys. */
export function idempotencyKeyReused(): RuleViolation {
  return new RuleViolation('idempotency-key-reused', {
    en: 'This Idempotency-Key was already used with a different request body.',
    zh: '该 Idempotency-Key 已用于另一个不同内容的请求。',
  });
}

/** The key records beside a store's changes: in the ledger table, so a change's own transaction can remember one. */
export function idempotencyKeysBeside(store: LedgerStore): IdempotencyKeys {
  return new IdempotencyKeys(store.client, store.tableName);
}

/**
 * Runs a change that remembers its key in its own transaction (IdempotencyKeys.remember), and
 * reads the key only when the change is refused — a retry of a change that committed is refused
 * by its rules, its stale version or the key itself. If the key answered before, the caller gets
 * that answer again (same body) or 422 (another body); otherwise the refusal stands. A failure
 * that is not a refusal (the store unreachable) is not looked up: nothing was remembered by it.
 */
export async function answerOnce<A>(
  keys: IdempotencyKeys,
  key: IdempotencyKey | undefined,
  change: () => Promise<A>,
): Promise<A> {
  try {
    return await change();
  } catch (error) {
    if (!key || !(error instanceof RectifyError)) throw error;
    const first = await keys.answered(key);
    if (!first) throw error;
    if (first.fingerprint !== key.fingerprint) throw idempotencyKeyReused();
    // The JSON text of what the first request's `answer` returned, as the store kept it.
    return JSON.parse(first.answer) as A;
  }
}
