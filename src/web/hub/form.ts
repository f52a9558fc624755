/** Connector form: resolves the auth config, renders fields and notices, validates values. */
import { h, svg, ICONS } from '../shared/dom.js';
import type { SetupGuide } from './guide.js';
import type { AccountData, ConnectorConfig, Field, Integration, Notice } from './api.js';
import { t } from '../shared/i18n/i18n.js';

export interface ResolvedConfig {
  name: string;
  icon: string | undefined;
  oauth: boolean;
  fields: Field[];
  notices: Notice[];
  supportLink: string | undefined;
  supportText: string | undefined;
  guide: SetupGuide | undefined;
}

/** Falcon configs carry configFields/configNotices; legacy ones nest auth under authentication[key][env]. */
export function resolveConfig(
  config: ConnectorConfig,
  integration: Integration,
  account?: AccountData,
): ResolvedConfig {
  let block: ConnectorConfig & { fields?: Field[]; guide?: { supportLink?: string; description?: string } } =
    config;
  let fields = config.configFields ?? [];
  let notices = config.configNotices ?? [];
  let supportLink = config.support?.link;
  let supportText = config.support?.description;
  const auth = config.authentication;
  if (auth && !('configFields' in config)) {
    let key = integration.authentication_config_key;
    let env = integration.environment;
    if (account?.authConfigKey && auth[account.authConfigKey]) {
      key = account.authConfigKey;
      env = account.environment ?? env;
    }
    const byEnv = (key !== undefined ? auth[key] : undefined) ?? Object.values(auth)[0] ?? {};
    const found = (env !== undefined ? byEnv[env] : undefined) ?? Object.values(byEnv)[0] ?? {};
    block = found;
    fields = found.fields ?? [];
    notices = [];
    supportLink = found.guide?.supportLink;
    supportText = found.guide?.description;
  }
  return {
    name: config.name || integration.name || integration.provider,
    icon: config.assets?.icon || integration.logo_url,
    oauth: block.type === 'oauth2' && (!block.grantType || block.grantType === 'authorization_code'),
    fields,
    notices,
    supportLink: supportLink && /^https?:\/\//i.test(supportLink) ? supportLink : undefined,
    supportText,
    guide: config.setupGuide,
  };
}

const REDACTED = /^__secretvalue:\*\*redacted\*\*(.*)$/;

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

interface FieldState {
  field: Field;
  label: string;
  control: Control | null; // null for display:false
  fixed: string; // value of hidden fields
  redacted: boolean; // still showing the stored (redacted) secret
  touched: boolean;
  row: HTMLElement | null;
  hint: HTMLElement | null;
  error: HTMLElement | null;
}

export interface FormHandle {
  /** The fields and notices, in order. */
  nodes: HTMLElement[];
  /** Credentials to submit: empty values dropped, untouched redacted secrets omitted. */
  values(): Record<string, string>;
  valid(): boolean;
  /** Shows every error; focuses the first invalid field. Returns validity. */
  reveal(): boolean;
}

export interface Prefill {
  setup: Record<string, string>;
  secrets: Record<string, string>;
  externalTriggerToken: string | undefined;
  /** What the user already typed on this page (wins over stored values). */
  draft?: Record<string, string>;
}

const isSecret = (f: Field): boolean => f.secret !== false || f.type === 'password';

function fieldError(s: FieldState, value: string | null): string | null {
  if (value === null) return null; // stored secret kept as is
  const f = s.field;
  if (!value) return f.required ? t('field.required', { label: s.label }) : null;
  if (f.type === 'number' && !/^\d+$/.test(value)) return t('field.number');
  const v = f.validation;
  if (v?.pattern) {
    let re: RegExp | null = null;
    try {
      re = new RegExp(v.type === 'domain' ? `.*${v.pattern}\\.com.*` : v.pattern);
    } catch {
      re = null;
    }
    if (re && !re.test(value)) {
      return (
        v.error ||
        (v.type === 'domain'
          ? t('field.domain', { pattern: v.pattern })
          : t('field.pattern', { pattern: v.pattern }))
      );
    }
  }
  return null;
}

export function buildForm(
  fields: Field[],
  notices: Notice[],
  prefill: Prefill,
  onChange: () => void,
): FormHandle {
  const states: FieldState[] = [];

  function current(s: FieldState): string | null {
    if (s.redacted) return null;
    if (!s.control) return s.fixed.trim();
    return s.control.value.trim();
  }

  function show(s: FieldState, force: boolean): void {
    if (!s.control || !s.error) return;
    const msg = s.touched || force ? fieldError(s, current(s)) : null;
    s.error.textContent = msg ?? '';
    s.error.hidden = !msg;
    s.control.setAttribute('aria-invalid', msg ? 'true' : 'false');
    const ids = [s.hint?.id, msg ? s.error.id : undefined].filter(Boolean).join(' ');
    if (ids) s.control.setAttribute('aria-describedby', ids);
    else s.control.removeAttribute('aria-describedby');
    s.row?.classList.toggle('invalid', !!msg);
  }

  function wire(s: FieldState, control: Control): void {
    s.control = control;
    control.addEventListener('blur', () => {
      s.touched = true;
      show(s, false);
    });
    const changed = (): void => {
      show(s, false);
      onChange();
    };
    control.addEventListener('input', changed);
    control.addEventListener('change', changed);
  }

  function makeControl(f: Field, id: string, value: string, required: boolean): Control {
    const common = {
      id,
      name: f.key,
      required,
      readonly: f.readOnly === true,
      placeholder: f.placeholder,
      value,
    };
    if (f.type === 'select') {
      const opts = f.options ?? [];
      const known = opts.some((o) => String(o.value) === value);
      return h(
        'select',
        { id, name: f.key, required, disabled: f.readOnly === true, value: known ? value : '' },
        h('option', { value: '' }, f.placeholder || t('field.select')),
        opts.map((o) => h('option', { value: String(o.value) }, o.label ?? String(o.value))),
      );
    }
    if (f.type === 'text_area') return h('textarea', { ...common, rows: 4, spellcheck: 'false' });
    const password = f.type === 'password';
    return h('input', {
      ...common,
      type: password ? 'password' : 'text',
      inputmode: f.type === 'number' ? 'numeric' : undefined,
      autocomplete: password ? 'new-password' : 'off',
      autocapitalize: 'off',
      spellcheck: 'false',
    });
  }

  const nodes: HTMLElement[] = [];
  for (const f of fields) {
    const label = f.label || f.key;
    const secret = isSecret(f) && f.key !== 'external-trigger-token';
    const typed = prefill.draft?.[f.key];
    let initial =
      f.key === 'external-trigger-token' && prefill.externalTriggerToken !== undefined
        ? prefill.externalTriggerToken
        : f.display !== false && typed !== undefined
          ? typed
          : ((secret
              ? (prefill.secrets[f.key] ?? prefill.setup[f.key])
              : (prefill.setup[f.key] ?? prefill.secrets[f.key])) ??
            (f.value !== undefined && f.value !== null ? String(f.value) : ''));
    const s: FieldState = {
      field: f,
      label,
      control: null,
      fixed: initial,
      redacted: false,
      touched: false,
      row: null,
      hint: null,
      error: null,
    };
    states.push(s);
    if (f.display === false) continue;

    const id = `field-${f.key}`;
    const required = f.required === true;
    const masked = secret ? REDACTED.exec(initial) : null;
    if (masked) initial = '';
    s.hint = f.description ? h('p', { class: 'hint', id: `${id}-hint`, dir: 'auto' }, f.description) : null;
    s.error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
    const control = makeControl(
      f,
      id,
      masked ? `••••••••••${masked[1] ?? ''}` : initial,
      required && !masked,
    );
    const box = h('div', { class: 'control' }, control);

    if (masked) {
      s.redacted = true;
      control.setAttribute('readonly', '');
      control.setAttribute('type', 'text');
      control.classList.add('masked');
      const edit = h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary btn-inline',
          'aria-label': t('field.editLabel', { label }),
        },
        t('field.edit'),
      );
      edit.addEventListener('click', () => {
        const fresh = makeControl({ ...f, readOnly: false }, id, '', required) as HTMLInputElement;
        wire(s, fresh);
        s.redacted = false;
        box.replaceChildren(fresh);
        show(s, false);
        fresh.focus();
        onChange();
      });
      box.append(edit);
    } else if (f.type === 'password' && !f.readOnly) {
      const input = control as HTMLInputElement;
      const toggle = h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary btn-inline',
          'aria-pressed': 'false',
          'aria-label': t('field.showLabel', { label }),
        },
        t('field.show'),
      );
      toggle.addEventListener('click', () => {
        const reveal = input.type === 'password';
        input.type = reveal ? 'text' : 'password';
        toggle.textContent = reveal ? t('field.hide') : t('field.show');
        toggle.setAttribute('aria-pressed', String(reveal));
      });
      box.append(toggle);
    }
    wire(s, control);

    s.row = h(
      'div',
      { class: 'field', 'data-field': f.key },
      h('label', { for: id }, label, required ? null : h('span', { class: 'optional' }, t('field.optional'))),
      box,
      s.error,
      s.hint,
    );
    show(s, false);
    nodes.push(s.row);
  }

  placeNotices(nodes, notices, states);

  return {
    nodes,
    values() {
      const out: Record<string, string> = {};
      for (const s of states) {
        const v = current(s);
        if (v) out[s.field.key] = v;
      }
      return out;
    },
    valid: () => states.every((s) => fieldError(s, current(s)) === null),
    reveal() {
      let first: Control | null = null;
      for (const s of states) {
        s.touched = true;
        show(s, true);
        if (!first && s.control && fieldError(s, current(s))) first = s.control;
      }
      first?.focus();
      return states.every((s) => fieldError(s, current(s)) === null);
    },
  };
}

function notice(n: Notice): HTMLElement {
  const warning = n.type === 'warning';
  return h(
    'div',
    { class: `notice ${warning ? 'notice-warning' : 'notice-info'}`, role: 'note', 'data-notice': n.key },
    svg(warning ? ICONS.alert : ICONS.info),
    h('p', { dir: 'auto' }, n.description ?? ''),
  );
}

/** Anchored notices go before their field; others at the top (default) or the bottom. */
function placeNotices(nodes: HTMLElement[], notices: Notice[], states: FieldState[]): void {
  const top: HTMLElement[] = [];
  const bottom: HTMLElement[] = [];
  for (const n of notices) {
    if (!n.description) continue;
    const anchor = n.anchor?.trim();
    const row = anchor ? states.find((s) => s.field.key === anchor)?.row : undefined;
    if (row) {
      nodes.splice(nodes.indexOf(row), 0, notice(n));
    } else if (n.position === 'bottom') bottom.push(notice(n));
    else top.push(notice(n));
  }
  nodes.unshift(...top);
  nodes.push(...bottom);
}
