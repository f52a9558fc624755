import { fetch as undiciFetch, type Dispatcher } from 'undici';

/** What a page asks of the browser: a method, headers and a body; redirects are followed unless 'manual'. */
export interface JarRequest {
  redirect?: 'manual';
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A browser's cookie handling, as far as the OAuth popup needs it: cookies a host set come back
 * on later requests to that host (Max-Age=0 or an empty value removes one). One jar is one
 * browser; a check that plays someone else's browser uses another jar. `dispatcher` (or a
 * function giving it at each request) is the network the browser is on.
 */
export function cookieJar(dispatcher?: Dispatcher | (() => Dispatcher | undefined)) {
  const jar = new Map<string, Map<string, string>>();
  return async (url: string, init: JarRequest = {}) => {
    const host = new URL(url).host;
    const cookies = jar.get(host);
    const headers = {
      ...init.headers,
      ...(cookies?.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
    };
    const through = typeof dispatcher === 'function' ? dispatcher() : dispatcher;
    const res = await undiciFetch(url, { ...init, headers, ...(through ? { dispatcher: through } : {}) });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      const forHost = jar.get(host) ?? new Map<string, string>();
      if (gone) forHost.delete(name);
      else forHost.set(name, value);
      jar.set(host, forHost);
    }
    return res;
  };
}

export type CookieJarFetch = ReturnType<typeof cookieJar>;

/** A JSON POST in a jar's request shape. */
export const jsonPost = (body: unknown): JarRequest => ({
  redirect: 'manual',
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
