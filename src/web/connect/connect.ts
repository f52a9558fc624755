/**
 * connect.js — the script @stackone/react-hub loads (`<script src=".../connect.js">`).
 * Defines `window.Connect.start(options)`: opens the Hub in a modal (or inline) iframe from this
 * script's origin and relays its postMessage events to the caller's callbacks.
 *
 * Loaded as a classic script: everything stays inside one function scope (no globals but Connect).
 */
export {};

interface Account {
  id: string;
  provider: string;
}

interface StartOptions {
  sessionToken: string;
  apiUrl?: string;
  styles?: {
    inline?: { containerId: string; width?: string; height?: string };
    options?: { back?: boolean; close?: boolean; bgColor?: string };
  };
  onSuccess?: (account: Account) => void;
  onCancel?: () => void;
  onClose?: () => void;
}

interface ConnectApi {
  start(options: StartOptions): void;
  close(): void;
}

declare global {
  interface Window {
    Connect: ConnectApi;
  }
}

(() => {
  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[src*="connect.js"]');
  const scriptOrigin = new URL(script?.src || location.href, location.href).origin;

  /** Closes the live instance; `notify` runs its onCancel/onClose callbacks. */
  let active: ((notify: boolean) => void) | null = null;

  const css = (el: HTMLElement, styles: Partial<CSSStyleDeclaration>): void => {
    Object.assign(el.style, styles);
  };

  function start(opts: StartOptions): void {
    active?.(false); // start() replaces any open instance, silently
    if (!opts || typeof opts.sessionToken !== 'string' || !opts.sessionToken) {
      throw new Error('Connect.start: sessionToken is required');
    }
    const apiUrl = opts.apiUrl || scriptOrigin;
    const inline = opts.styles?.inline;
    const options = opts.styles?.options ?? {};
    const host = inline?.containerId ? document.getElementById(inline.containerId) : null;
    if (inline?.containerId && !host)
      console.error(`Connect.start: no element #${inline.containerId}; opening a modal instead`);
    const modal = !host;

    const iframe = document.createElement('iframe');
    iframe.src =
      `${scriptOrigin}/embedded/hub?token=${encodeURIComponent(opts.sessionToken)}&api_url=${encodeURIComponent(apiUrl)}` +
      (modal ? '&modal=1' : ''); // modal=1: the Hub closes the modal on Escape
    iframe.title = 'Connect an account';
    iframe.setAttribute('referrerpolicy', 'no-referrer');
    css(iframe, { display: 'block', border: '0', width: '100%', colorScheme: 'normal' });

    const seen = new Set<string>();
    let linked = false;
    let closed = false;
    const previousFocus = document.activeElement as HTMLElement | null;
    const root = document.documentElement;
    const previousOverflow = root.style.overflow;
    let wrapper: HTMLElement;

    const close = (notify: boolean): void => {
      if (closed) return;
      closed = true;
      if (active === close) active = null;
      window.removeEventListener('message', onMessage);
      document.removeEventListener('keydown', onKey, true);
      wrapper.remove();
      if (modal) {
        root.style.overflow = previousOverflow;
        previousFocus?.focus?.();
      }
      if (!notify) return;
      if (!linked) opts.onCancel?.();
      opts.onClose?.();
    };

    const onMessage = (e: MessageEvent): void => {
      if (e.origin !== scriptOrigin || e.source !== iframe.contentWindow) return;
      const data = e.data as { type?: unknown; account?: { id?: unknown; provider?: unknown } } | null;
      if (!data || typeof data !== 'object') return;
      if (data.type === 'AccountConnected' && data.account && typeof data.account.id === 'string') {
        if (seen.has(data.account.id)) return;
        seen.add(data.account.id);
        linked = true;
        opts.onSuccess?.({ id: data.account.id, provider: String(data.account.provider ?? '') });
      } else if (data.type === 'CloseModal') {
        close(true);
      }
    };

    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close(true);
      }
    };

    const closeButton = (): HTMLButtonElement => {
      const b = document.createElement('button');
      b.type = 'button';
      // An SVG cross, not a multiplication-sign character: this file must stay ASCII (a classic
      // script is decoded with the host page's charset). No innerHTML (host Trusted Types CSP).
      const ns = 'http://www.w3.org/2000/svg';
      const icon = document.createElementNS(ns, 'svg');
      const path = document.createElementNS(ns, 'path');
      const attrs: [string, string][] = [
        ['width', '16'],
        ['height', '16'],
        ['viewBox', '0 0 24 24'],
        ['fill', 'none'],
        ['stroke', 'currentColor'],
        ['stroke-width', '2.5'],
        ['stroke-linecap', 'round'],
        ['aria-hidden', 'true'],
      ];
      for (const [k, v] of attrs) {
        icon.setAttribute(k, v);
      }
      path.setAttribute('d', 'M18 6 6 18M6 6l12 12');
      icon.append(path);
      b.append(icon);
      b.setAttribute('aria-label', 'Close');
      css(b, {
        width: '32px',
        height: '32px',
        padding: '0',
        border: '0',
        borderRadius: '50%',
        background: 'rgba(255,255,255,0.92)',
        color: '#18181b',
        display: 'grid',
        placeItems: 'center',
        cursor: 'pointer',
        boxShadow: '0 1px 3px rgba(0,0,0,0.2)',
      });
      b.addEventListener('click', () => close(true));
      return b;
    };

    const showClose = modal ? options.close !== false : options.close === true;
    const bar = document.createElement('div');
    css(bar, { display: 'flex', justifyContent: 'flex-end', marginBottom: '8px' });
    if (showClose) bar.append(closeButton());

    if (modal) {
      wrapper = document.createElement('div');
      wrapper.setAttribute('data-switchboard-connect', '');
      css(wrapper, {
        position: 'fixed',
        inset: '0',
        zIndex: '2147483646',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        padding: '16px',
        background: options.bgColor || 'rgba(9,9,11,0.55)',
      });
      const dialog = document.createElement('div');
      dialog.setAttribute('role', 'dialog');
      dialog.setAttribute('aria-modal', 'true');
      dialog.setAttribute('aria-label', 'Connect an account');
      css(dialog, {
        display: 'flex',
        flexDirection: 'column',
        width: '100%',
        maxWidth: '480px',
        height: 'min(700px, 100%)',
      });
      css(iframe, {
        flex: '1',
        minHeight: '0',
        borderRadius: '12px',
        boxShadow: '0 16px 48px rgba(0,0,0,0.3)',
        background: 'transparent',
      });
      if (showClose) dialog.append(bar);
      dialog.append(iframe);
      wrapper.append(dialog);
      root.style.overflow = 'hidden';
      document.body.append(wrapper);
      document.addEventListener('keydown', onKey, true);
    } else {
      wrapper = document.createElement('div');
      wrapper.setAttribute('data-switchboard-connect', '');
      css(iframe, { width: inline?.width || '100%', height: inline?.height || '600px' });
      if (showClose) wrapper.append(bar);
      wrapper.append(iframe);
      host!.append(wrapper);
    }

    window.addEventListener('message', onMessage);
    active = close;
    if (modal) iframe.focus();
  }

  window.Connect = {
    start,
    close: () => active?.(true),
  };
})();
