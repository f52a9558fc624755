/**
 * A request URL as it may be logged or stored: the path and the names of query parameters
 * only, because query values carry tokens and secrets (`/accounts?page_size=…&next=…`).
 */
export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const keys = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return `${url.slice(0, q)}?${keys.map((k) => `${k}=…`).join('&')}`;
}
