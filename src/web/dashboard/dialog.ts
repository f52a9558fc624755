/** Modal dialogs and the confirmation before a destructive action. */
import { h, type Child } from './dom.js';
import { alertBox, button, message, nextId, withProgress } from './ui.js';

export interface DialogHandle {
  dialog: HTMLDialogElement;
  body: HTMLElement;
  footer: HTMLElement;
  close(): void;
}

/**
 * A modal <dialog>: focus stays inside, Escape closes it, and focus goes back to the opener (the
 * element focused when it opened, or `opener`: a button that was busy, hence unfocused, meanwhile).
 */
export function openDialog(
  title: string,
  o: { testid: string; wide?: boolean; onClose?: () => void; opener?: HTMLElement },
): DialogHandle {
  const opener = o.opener ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null);
  const titleId = nextId('dlg');
  const body = h('div', { class: 'dialog-body' });
  const footer = h('div', { class: 'dialog-footer' });
  const dialog = h(
    'dialog',
    { class: `dialog${o.wide ? ' dialog-wide' : ''}`, 'aria-labelledby': titleId, 'data-testid': o.testid },
    h(
      'div',
      { class: 'dialog-header' },
      h('h2', { id: titleId }, title),
      button('', { variant: 'ghost', icon: 'x', label: 'Close', small: true, onClick: () => dialog.close() }),
    ),
    body,
    footer,
  );
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener?.isConnected) opener.focus();
    o.onClose?.();
  });
  // Tab wraps around inside the dialog instead of leaving for the browser's toolbar.
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const items = [
      ...dialog.querySelectorAll<HTMLElement>(
        'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), summary',
      ),
    ].filter((el) => el.offsetParent !== null || el === document.activeElement);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, footer, close: () => dialog.close() };
}

/**
 * Asks before a destructive or disruptive action and runs it with progress inside the dialog;
 * a failure stays in the dialog so the admin can retry or cancel. Resolves true once done.
 */
export function confirmAction(o: {
  title: string;
  text: Child;
  confirm: string;
  busy: string;
  danger?: boolean;
  testid: string;
  action: () => Promise<void>;
}): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const d = openDialog(o.title, { testid: o.testid, onClose: () => resolve(done) });
    const problem = h('div');
    d.body.append(h('div', { class: 'prose' }, o.text), problem);
    const ok = button(o.confirm, {
      variant: o.danger ? 'danger' : 'primary',
      testid: `${o.testid}-confirm`,
      onClick: async () => {
        problem.replaceChildren();
        try {
          await withProgress(ok, o.busy, o.action);
          done = true;
          d.close();
        } catch (e) {
          problem.replaceChildren(alertBox('error', message(e)));
        }
      },
    });
    const cancel = button('Cancel', { onClick: () => d.close(), testid: `${o.testid}-cancel` });
    d.footer.append(cancel, ok);
    cancel.focus();
  });
}
