import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import { useLang } from './i18n.tsx';

/**
 * One action of a form or a button, run one attempt at a time: busy while it runs (to disable
 * what would start it again), then what it returned or what it threw. An attempt first forgets
 * the last one's result and error. The error is kept, not thrown on: the page shows it at the
 * field it names or for the whole form. What makes a retry safe (the Idempotency-Key of a draft
 * or of an action) stays with the caller.
 */
export interface Submission<T> {
  readonly busy: boolean;
  readonly error: unknown;
  readonly result: T | undefined;
  /** The field problems of a 400, by path, in the user's language; empty for any other error. */
  readonly fields: Record<string, string>;
  /** An error that names no field, to be shown for the whole form. */
  readonly general: boolean;
  run(action: () => Promise<T>): Promise<void>;
  /** A form's onSubmit: stops the browser's own submit, then runs the action. */
  form(action: () => Promise<T>): (event: Event) => void;
  /** Forgets the last result and error (a check before sending found something to say instead). */
  reset(): void;
}

export function useSubmit<T = void>(): Submission<T> {
  const lang = useLang();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ result?: T; error?: unknown }>({});
  const { result, error } = outcome;
  const fields = error instanceof ApiError ? error.fieldErrors(lang) : {};
  const run = async (action: () => Promise<T>) => {
    setBusy(true);
    setOutcome({});
    try {
      const value = await action();
      setOutcome({ result: value });
    } catch (caught) {
      setOutcome({ error: caught });
    } finally {
      setBusy(false);
    }
  };
  return {
    busy,
    error,
    result,
    fields,
    general: error !== undefined && Object.keys(fields).length === 0,
    run,
    form: (action) => (event) => {
      event.preventDefault();
      void run(action);
    },
    reset: () => setOutcome({}),
  };
}
