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

/*
 * Reading again until work done behind a queue settles. Here, beside useLoad, because every page
 * reads through this module: the bundle needs no chunk of its own for it.
 */

/** Resolves after `ms`, or rejects with an AbortError as soon as the signal aborts. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new DOMException('aborted', 'AbortError'));
      },
      { once: true },
    );
  });

export interface Follow<T> {
  /** Whether a read is the end of the wait: the work is done, or failed for good. */
  readonly settled: (value: T) => boolean;
  /** The pause between reads. */
  readonly everyMs: number;
  /** Ends the wait (with an AbortError); it is passed on to each read. */
  readonly signal?: AbortSignal;
  /** Pause before the first read too (the work has only just been handed over). */
  readonly waitFirst?: boolean;
  /** How long to wait at the most; then the wait ends with undefined. Without it, until settled. */
  readonly forMs?: number;
  /** Each read that has not settled (its progress). */
  readonly onProgress?: (value: T) => void;
  /**
   * A read that failed: without this, the wait ends with the error; with it, the error is
   * reported here and the reads go on after the pause it returns (a blip should not end a watch).
   */
  readonly onError?: (error: unknown) => number;
}

/**
 * Follows work done behind a queue (a summary being generated, an archive being built, an
 * evidence file being verified): reads it again every so often until it settles, and resolves
 * with the settled read.
 */
export async function follow<T>(
  read: (signal: AbortSignal | undefined) => Promise<T>,
  options: Follow<T>,
): Promise<T | undefined> {
  const { signal, everyMs } = options;
  const until = options.forMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.forMs;
  let pause = options.waitFirst ? everyMs : 0;
  while (Date.now() < until) {
    if (pause > 0) await sleep(pause, signal);
    pause = everyMs;
    let value: T;
    try {
      value = await read(signal);
    } catch (error) {
      if (!options.onError || signal?.aborted) throw error;
      pause = options.onError(error);
      continue;
    }
    signal?.throwIfAborted();
    if (options.settled(value)) return value;
    options.onProgress?.(value);
  }
  return undefined;
}
