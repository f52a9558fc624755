import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { currentInternet } from './internet.js';

/**
 * A browser's cookie handling, as far as the OAuth popup needs it: cookies a host set come back
 * on later requests to that host (Max-Age=0 removes one). One jar is one browser; a test that
 * plays someone else's browser uses another jar.
 */
export function cookieJar(dispatcher?: Dispatcher | (() => Dispatcher | undefined)) {
  const jar = new Map<string, Map<string, string>>();
  return async (
    url: string,
    init: { redirect?: 'manual'; method?: string; headers?: Record<string, string> } = {},
  ) => {
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

/**
 * The browser the test helpers' OAuth popups run in. In a shipped world it goes through that
 * world's internet, so the providers' real host names reach the fakes (loopback still reaches
 * our server).
 */
export const popupBrowser = cookieJar(() => currentInternet()?.http);
