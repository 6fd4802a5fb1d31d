import { useState } from 'preact/hooks';

/**
 * Nothing typed is lost: a form's fields live in localStorage until the server accepts them,
 * with the Idempotency-Key the first attempt used, so a retry after a failure or a reload sends
 * the same key and the server answers the first attempt's result instead of acting twice.
 */
export interface Draft<T> {
  readonly value: T;
  readonly idempotencyKey: string;
  set(value: T): void;
  /** After the server accepted it: forget the fields and start a new key. */
  clear(): void;
}

const PREFIX = 'rectify.draft.';

export function useDraft<T>(key: string, initial: T): Draft<T> {
  const storageKey = `${PREFIX}${key}`;
  const [state, setState] = useState<{ value: T; idempotencyKey: string }>(() => {
    try {
      const stored = localStorage.getItem(storageKey);
      if (stored) return JSON.parse(stored) as { value: T; idempotencyKey: string };
    } catch {
      // A draft that cannot be read is no draft.
    }
    return { value: initial, idempotencyKey: crypto.randomUUID() };
  });
  return {
    value: state.value,
    idempotencyKey: state.idempotencyKey,
    set(value) {
      const next = { value, idempotencyKey: state.idempotencyKey };
      setState(next);
      localStorage.setItem(storageKey, JSON.stringify(next));
    },
    clear() {
      localStorage.removeItem(storageKey);
      setState({ value: initial, idempotencyKey: crypto.randomUUID() });
    },
  };
}

/** A key for one action that is not a typed form (a button press): new per press, reused on retry. */
export function useActionKey(): [string, () => void] {
  const [key, setKey] = useState(() => crypto.randomUUID());
  return [key, () => setKey(crypto.randomUUID())];
}
