/** Form controls: labelled fields with hint and error, checkboxes, selects, copyable values. */
import { h, type Child } from './dom.js';
import { announce, button, nextId } from './ui.js';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface FieldHandle {
  row: HTMLElement;
  control: Control;
  setError(text: string | null): void;
}

/** A labelled control with an optional hint and an error line, tied together with aria-describedby. */
export function field(
  label: string,
  control: Control,
  o: { hint?: Child; optional?: boolean; testid?: string } = {},
): FieldHandle {
  const id = control.id || nextId('f');
  control.id = id;
  const hint = o.hint ? h('p', { class: 'hint', id: `${id}-hint` }, o.hint) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  control.setAttribute(
    'aria-describedby',
    [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '),
  );
  const row = h(
    'div',
    { class: 'field', 'data-testid': o.testid },
    h('label', { for: id }, label, o.optional ? h('span', { class: 'optional' }, ' (optional)') : null),
    control,
    hint,
    error,
  );
  return {
    row,
    control,
    setError(text) {
      error.hidden = !text;
      error.textContent = text ?? '';
      row.classList.toggle('invalid', !!text);
      if (text) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
}

export function textInput(
  attrs: Record<string, string | number | boolean | undefined> = {},
): HTMLInputElement {
  return h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
}

export function select(
  options: Array<[value: string, label: string]>,
  value = '',
  attrs: Record<string, string | undefined> = {},
): HTMLSelectElement {
  return h('select', attrs, ...options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
}

/** `datetime-local` values are local time; the API wants ISO instants. */
export function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function checkbox(
  label: Child,
  checked: boolean,
  attrs: Record<string, string | undefined> = {},
  hint?: Child,
): { row: HTMLElement; input: HTMLInputElement } {
  const id = nextId('c');
  const input = h('input', {
    type: 'checkbox',
    id,
    checked,
    ...attrs,
    ...(hint ? { 'aria-describedby': `${id}-hint` } : {}),
  });
  return {
    input,
    row: h(
      'div',
      { class: 'check' },
      input,
      h(
        'div',
        null,
        h('label', { for: id }, label),
        hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
      ),
    ),
  };
}

/** Copies text; the async Clipboard API where allowed, a selection copy otherwise. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', { class: 'offscreen', readonly: true }, text);
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

/** A read-only value (link, secret, callback URL) with a Copy button. */
export function copyField(label: string, value: string, testid: string, hint?: Child): HTMLElement {
  const input = textInput({ value, readonly: true, 'data-testid': testid, class: 'mono' });
  input.addEventListener('focus', () => input.select());
  // The visible word changes to "Copied"; the hidden rest names what is copied.
  const copy = button(['Copy', h('span', { class: 'sr-only' }, ` ${label}`)], {
    icon: 'copy',
    testid: `${testid}-copy`,
    onClick: async () => {
      const ok = await copyText(value);
      const word = copy.querySelector('.btn-text')!.firstChild!;
      word.textContent = ok ? 'Copied' : 'Copy failed';
      announce(ok ? `${label} copied to the clipboard` : 'Copying failed: select the text and copy it');
      window.setTimeout(() => (word.textContent = 'Copy'), 2000);
    },
  });
  const f = field(label, input, hint ? { hint } : {});
  f.row.classList.add('copy-field');
  const wrap = h('div', { class: 'copy-row' });
  f.row.replaceChild(wrap, input);
  wrap.append(input, copy);
  return f.row;
}
