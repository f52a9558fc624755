import { describe, expect, it } from 'vitest';
import { resource, until } from './resource.js';

/** A load that answers when the test says so, and rejects like fetch when its signal aborts. */
function deferred() {
  const calls: Array<{ signal: AbortSignal; arg: string; answer(v: string): void; fail(e: unknown): void }> =
    [];
  const load = (signal: AbortSignal, arg: string) =>
    new Promise<string>((resolve, reject) => {
      calls.push({ signal, arg, answer: resolve, fail: reject });
      signal.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
    });
  return { calls, load };
}

function screen() {
  const seen: string[] = [];
  return {
    seen,
    pending: () => seen.push('loading'),
    settled: () => seen.push('settled'),
    render: (v: string) => seen.push(`render ${v}`),
    error: (e: unknown) => seen.push(`error ${(e as Error).message}`),
  };
}

describe('resource', () => {
  it('lets the latest load win and aborts the older one', async () => {
    const { calls, load } = deferred();
    const s = screen();
    const show = resource({ load, ...s });
    const first = show('a');
    const second = show('b');
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls[1]!.signal.aborted).toBe(false);
    calls[1]!.answer('B');
    await Promise.all([first, second]);
    expect(s.seen).toEqual(['loading', 'loading', 'settled', 'render B']);
  });

  it('ignores an older load that answers late', async () => {
    const calls: Array<(v: string) => void> = [];
    const s = screen();
    // A load that does not listen to its signal: its answer must still be dropped.
    const show = resource({
      load: (_signal, _arg: string) => new Promise<string>((r) => calls.push(r)),
      ...s,
    });
    const first = show('a');
    const second = show('b');
    calls[1]!('B');
    await second;
    calls[0]!('A');
    await first;
    expect(s.seen).toEqual(['loading', 'loading', 'settled', 'render B']);
  });

  it('shows no error for an aborted load, and shows the latest one’s error', async () => {
    const { calls, load } = deferred();
    const s = screen();
    const show = resource({ load, ...s });
    const first = show('a');
    const second = show('b');
    calls[1]!.fail(new Error('down'));
    await Promise.all([first, second]);
    expect(s.seen).toEqual(['loading', 'loading', 'settled', 'error down']);
  });

  it('stops when the page goes, with no error, and starts nothing afterwards', async () => {
    const { calls, load } = deferred();
    const s = screen();
    const page = new AbortController();
    const show = resource({ signal: page.signal, load, ...s });
    const first = show('a');
    page.abort();
    await first;
    expect(calls[0]!.signal.aborted).toBe(true);
    await show('b');
    expect(calls).toHaveLength(1);
    expect(s.seen).toEqual(['loading']);
  });

  it('retries the same load', async () => {
    const { calls, load } = deferred();
    let retry: () => void = () => undefined;
    const s = screen();
    const show = resource({
      load,
      ...s,
      error: (e, again) => {
        s.error(e);
        retry = again;
      },
    });
    const first = show('a');
    calls[0]!.fail(new Error('down'));
    await first;
    retry();
    expect(calls[1]!.arg).toBe('a');
    calls[1]!.answer('A');
    await new Promise((r) => setTimeout(r, 0));
    expect(s.seen).toEqual(['loading', 'settled', 'error down', 'loading', 'settled', 'render A']);
  });
});

describe('until', () => {
  it('rejects when the signal aborts, resolves otherwise', async () => {
    const ctl = new AbortController();
    const never = new Promise<string>(() => undefined);
    const waiting = until(never, ctl.signal);
    ctl.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await expect(until(Promise.resolve('x'), new AbortController().signal)).resolves.toBe('x');
  });
});
