/** History-API routing under /dashboard. Pages link with plain <a href>; clicks are intercepted. */

export const BASE = '/dashboard';

let render: () => void = () => undefined;

export function onNavigate(fn: () => void): void {
  render = fn;
  window.addEventListener('popstate', () => render());
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || (url.pathname !== BASE && !url.pathname.startsWith(`${BASE}/`)))
      return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}

/** Goes to a dashboard path (`/dashboard/...`) and renders it. */
export function navigate(path: string, o: { replace?: boolean } = {}): void {
  if (o.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

/** Reflects a page's state (filters, page number) in the URL without rendering again. */
export function setQuery(query: Record<string, string | number | undefined | null>): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? `?${s}` : ''));
}

export interface Route {
  /** The path below /dashboard split on '/', e.g. ['accounts', 'acc_123']. */
  parts: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const rest = location.pathname.slice(BASE.length).replace(/^\/+|\/+$/g, '');
  return {
    parts: rest ? rest.split('/').map(decodeURIComponent) : [],
    query: new URLSearchParams(location.search),
  };
}
