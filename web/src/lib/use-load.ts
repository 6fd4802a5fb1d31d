import { useCallback, useEffect, useState } from 'preact/hooks';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: Error }
  /** `refreshing`: a reload is under way; the value shown is the previous one. */
  | { readonly state: 'ready'; readonly value: T; readonly refreshing?: boolean };

/** Loads once per change of `deps`, ignoring answers that arrive after a newer load began. */
export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoaded((previous) =>
      previous.state === 'ready' ? { ...previous, refreshing: generation > 0 } : { state: 'loading' },
    );
    load(controller.signal).then(
      (value) => controller.signal.aborted || setLoaded({ state: 'ready', value }),
      (error: Error) => controller.signal.aborted || setLoaded({ state: 'error', error }),
    );
    return () => controller.abort();
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return [loaded, reload];
}
