/**
 * One way to load data onto the screen: each load gets an AbortSignal (passed on to fetch), a
 * newer load aborts the one before it (the latest request wins), and an aborted load renders
 * nothing, not even an error. Nothing here touches the DOM: callers say how to show a load.
 */

export interface ResourceOptions<T, A extends unknown[]> {
  /** The page's lifetime: when it aborts, so does the load in progress, and no new one starts. */
  signal?: AbortSignal;
  /** Fetches the data; must pass the signal on (to `get`, `fetch`, `until`). */
  load(signal: AbortSignal, ...args: A): Promise<T>;
  /** Before each load: a loading block, a spinner. */
  pending?(): void;
  /** The latest load's data. The signal aborts when a newer load starts or the page goes. */
  render(value: T, signal: AbortSignal): void;
  /** The latest load failed (an aborted one never gets here); `retry` runs it again. */
  error(e: unknown, retry: () => void): void;
  /** After the latest load ends, whichever way, before render or error. */
  settled?(): void;
}

/** Starts a load (aborting the one running); resolves once it is on screen. */
export type Resource<A extends unknown[]> = (...args: A) => Promise<void>;

export function resource<T, A extends unknown[] = []>(o: ResourceOptions<T, A>): Resource<A> {
  let current: AbortController | null = null;
  o.signal?.addEventListener('abort', () => current?.abort(), { once: true });
  const run = async (...args: A): Promise<void> => {
    current?.abort();
    if (o.signal?.aborted) return;
    const ctl = new AbortController();
    current = ctl;
    const latest = () => current === ctl && !ctl.signal.aborted;
    o.pending?.();
    let value: T;
    try {
      value = await o.load(ctl.signal, ...args);
    } catch (e) {
      if (!latest()) return;
      o.settled?.();
      o.error(e, () => void run(...args));
      return;
    }
    if (!latest()) return;
    o.settled?.();
    o.render(value, ctl.signal);
  };
  return run;
}

/** `p`, or an AbortError as soon as `signal` aborts (for a promise that cannot be aborted itself). */
export function until<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
