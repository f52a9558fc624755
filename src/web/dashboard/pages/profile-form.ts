/**
 * Create or edit a connector profile: the connector's setup fields (secrets write-only), the
 * environment, scopes with their rule, PKCE, enabled actions and URL overrides. The checks here
 * mirror the server's so mistakes show before anything is sent; the server's answer still wins.
 */
import { h, put } from '../dom.js';
import {
  ApiError,
  call,
  get,
  OVERRIDE_KEYS,
  type ConnectorInfo,
  type OverrideKey,
  type Profile,
  type SetupField,
} from '../api.js';
import { navigate } from '../router.js';
import { connector, profiles } from '../store.js';
import type { View } from '../view.js';
import {
  alertBox,
  backLink,
  button,
  linkButton,
  message,
  nextId,
  pageHeader,
  toast,
  withProgress,
} from '../ui.js';
import { checkbox, field, select, textInput, type FieldHandle } from '../forms.js';
import { confirmAction } from '../dialog.js';
import { guideCard } from './connectors.js';
import { checkSetupCard } from './profile-check.js';

const REDACTED = /^__secretvalue:\*\*redacted\*\*(.*)$/;

const OVERRIDE_LABELS: Record<OverrideKey, string> = {
  authorization_url: 'Authorization URL',
  token_url: 'Token URL',
  revoke_url: 'Revoke URL',
  base_url: 'API base URL',
};

export async function profileFormPage(v: View, provider: string, profileId?: string): Promise<void> {
  const [info, existing, all] = await Promise.all([
    connector(provider, v.signal),
    profileId ? get<Profile>(`/connector_profiles/${encodeURIComponent(profileId)}`, v.signal) : null,
    profiles(v.signal),
  ]);
  const back = backLink(
    info?.name ?? 'Connector profiles',
    info ? `/dashboard/connectors/${provider}` : '/dashboard/connectors',
  );
  if (!info) {
    put(v.main, pageHeader('Connector not found', null, [], back));
    return;
  }
  put(
    v.main,
    pageHeader(
      existing ? `Edit ${existing.label}` : `New ${info.name} profile`,
      existing ? `${info.name} connector profile` : `Configure ${info.name} for this project.`,
      [],
      back,
    ),
    h(
      'div',
      { class: 'grid-aside' },
      profileForm(v, info, existing, !all.some((p) => p.provider === provider)),
      h('div', { class: 'aside-stack' }, existing ? checkSetupCard(existing.id) : null, guideCard(info)),
    ),
  );
}

function fieldControl(
  f: SetupField,
  stored: string | undefined,
): { control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement; hint: string | null } {
  const name = `setup.${f.key}`;
  const hidden = stored !== undefined ? REDACTED.exec(stored) : null;
  if (f.secret) {
    const input = textInput({
      type: 'password',
      name,
      autocomplete: 'new-password',
      maxlength: f.max_length,
      'data-testid': `setup-${f.key}`,
    });
    if (hidden) input.placeholder = `Stored · ends in ${hidden[1] ?? ''}`;
    return {
      control: input,
      hint: hidden ? 'Write-only: leave blank to keep the stored value.' : f.description,
    };
  }
  if (f.type === 'select' && f.options) {
    return {
      control: select(
        [['', 'Choose…'], ...f.options.map((o): [string, string] => [o.value, o.label])],
        stored ?? '',
        { name, 'data-testid': `setup-${f.key}` },
      ),
      hint: f.description,
    };
  }
  if (f.type === 'text_area')
    return {
      control: h('textarea', {
        name,
        rows: 3,
        maxlength: f.max_length,
        'data-testid': `setup-${f.key}`,
        value: stored ?? '',
      }),
      hint: f.description,
    };
  const input = textInput({
    name,
    maxlength: f.max_length,
    value: stored ?? '',
    placeholder: f.placeholder ?? undefined,
    'data-testid': `setup-${f.key}`,
    inputmode: f.type === 'number' ? 'numeric' : undefined,
  });
  return { control: input, hint: f.description };
}

/** "setup.scopes must include …" → "Must include …": the field is already named by its label. */
function fieldMessage(text: string, fieldName: string): string {
  const rest = text.startsWith(fieldName) ? text.slice(fieldName.length).replace(/^:?\s*/, '') : text;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

function fieldset(legend: string, ...children: Array<Node | null>): HTMLFieldSetElement {
  return h('fieldset', { class: 'fieldset' }, h('legend', null, legend), ...children);
}

/** The scopes rule of the connector, or null when the value is fine. */
function scopesProblem(info: ConnectorInfo, value: string): string | null {
  const rule = info.scopes;
  if (!rule || !value.trim() || !rule.require_one_of.length) return null;
  const scopes = value.split(/[\s,]+/).filter(Boolean);
  return rule.require_one_of.some((s) => scopes.includes(s))
    ? null
    : `Must include ${rule.require_one_of.join(' or ')}, otherwise ${info.name} issues no refresh token`;
}

function urlProblem(value: string): string | null {
  if (!value.trim()) return null;
  try {
    const u = new URL(value.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? null : 'Must be an http(s) URL';
  } catch {
    return 'Must be an absolute URL, e.g. https://example.my.salesforce.com';
  }
}

function profileForm(
  v: View,
  info: ConnectorInfo,
  existing: Profile | null,
  onlyProfile: boolean,
): HTMLElement {
  const handles = new Map<string, FieldHandle>();
  const label = field(
    'Label',
    textInput({
      name: 'label',
      required: true,
      maxlength: 200,
      value: existing?.label ?? info.name,
      'data-testid': 'profile-label',
    }),
    {
      hint: 'Shown to end users in the Hub.',
    },
  );
  handles.set('label', label);

  // Environment: radio buttons (Salesforce: Production / Sandbox).
  const envName = nextId('env');
  const envRadios = info.environments.map((e, i) => {
    const id = `${envName}-${e.key}`;
    const input = h('input', {
      type: 'radio',
      name: envName,
      id,
      value: e.key,
      checked: existing ? existing.environment === e.key : i === 0,
      'data-testid': `env-${e.key}`,
    });
    return { input, row: h('div', { class: 'radio' }, input, h('label', { for: id }, e.label)) };
  });
  const envError = h('p', { class: 'field-error', hidden: true, id: `${envName}-error` });
  const envGroup =
    info.environments.length > 1
      ? h(
          'fieldset',
          { class: 'field radios', 'aria-describedby': `${envName}-error` },
          h('legend', null, 'Environment'),
          ...envRadios.map((r) => r.row),
          envError,
        )
      : null;

  const active = checkbox(
    'Enabled',
    existing?.active ?? true,
    { 'data-testid': 'profile-active' },
    `End users can link ${info.name} in the Hub.`,
  );
  const isDefault = checkbox(
    'Default profile',
    existing?.default ?? onlyProfile,
    { 'data-testid': 'profile-default' },
    `Used for ${info.name} when a Hub session names only the provider.`,
  );

  const setupRows = info.setup_fields.map((f) => {
    const stored = existing?.setup[f.key];
    const { control, hint } = fieldControl(f, stored);
    const isScopes = info.scopes?.from === 'setup' && info.scopes.field === f.key;
    const scopeHint =
      isScopes && info.scopes
        ? `Blank: ${info.scopes.default}. ${info.scopes.require_one_of.length ? `Must include ${info.scopes.require_one_of.join(' or ')}.` : ''}`
        : null;
    const handle = field(f.label, control, { optional: !f.required, hint: scopeHint ?? hint ?? undefined });
    handles.set(`setup.${f.key}`, handle);
    if (isScopes) control.addEventListener('blur', () => handle.setError(scopesProblem(info, control.value)));
    return handle.row;
  });

  const pkce = info.pkce.supported
    ? checkbox(
        'Use PKCE (S256)',
        existing?.pkce ?? info.pkce.default,
        { 'data-testid': 'profile-pkce' },
        `Recommended. Turn it off only if your ${info.name} app refuses PKCE.`,
      )
    : null;

  // Enabled actions: all (null) or a chosen list.
  const actionChecks = info.actions.map((a) => ({
    id: a.id,
    ...checkbox(
      a.label,
      existing?.enabled_actions ? existing.enabled_actions.includes(a.id) : true,
      { value: a.id },
      a.description || null,
    ),
  }));
  const allActions = checkbox(
    'All actions, including ones added later',
    existing ? existing.enabled_actions === null : true,
    { 'data-testid': 'actions-all' },
  );
  const syncActions = () => {
    for (const c of actionChecks) c.input.disabled = allActions.input.checked;
  };
  allActions.input.addEventListener('change', syncActions);
  syncActions();

  // Enabled events: all (null) or a chosen list, as with actions.
  const eventTypes = info.events?.types ?? [];
  const eventChecks = eventTypes.map((t) => ({
    id: t.name,
    ...checkbox(
      t.label,
      existing?.enabled_events ? existing.enabled_events.includes(t.name) : true,
      { value: t.name },
      t.description ? `${t.name}: ${t.description}` : t.name,
    ),
  }));
  const allEvents = checkbox(
    'All events, including ones added later',
    existing ? existing.enabled_events === null : true,
    { 'data-testid': 'events-all' },
  );
  const syncEvents = () => {
    for (const c of eventChecks) c.input.disabled = allEvents.input.checked;
  };
  allEvents.input.addEventListener('change', syncEvents);
  syncEvents();

  const overrideKeys = OVERRIDE_KEYS.filter((k) => info.default_urls[k] !== null);
  const overrideRows = overrideKeys.map((k) => {
    const handle = field(
      OVERRIDE_LABELS[k],
      textInput({
        name: `overrides.${k}`,
        type: 'url',
        value: existing?.overrides[k] ?? '',
        placeholder: info.default_urls[k] ?? '',
        'data-testid': `override-${k}`,
      }),
      { optional: true },
    );
    handles.set(`overrides.${k}`, handle);
    handle.control.addEventListener('blur', () => handle.setError(urlProblem(handle.control.value)));
    return handle.row;
  });
  const hasOverrides = existing ? overrideKeys.some((k) => existing.overrides[k]) : false;

  const problem = h('div');
  const submit = button(existing ? 'Save changes' : 'Create profile', {
    type: 'submit',
    variant: 'primary',
    testid: 'profile-submit',
  });
  const form = h(
    'form',
    {
      class: 'panel form',
      novalidate: true,
      'data-testid': 'profile-form',
      'aria-label': existing ? 'Edit connector profile' : 'New connector profile',
    },
    fieldset('Profile', label.row, envGroup, active.row, isDefault.row),
    fieldset(
      info.client_from === 'setup' ? `${info.name} OAuth app` : 'Settings',
      ...(setupRows.length
        ? setupRows
        : [
            h(
              'p',
              { class: 'muted' },
              info.client_from === 'config'
                ? `Nothing to enter here: each end user brings their own ${info.name} OAuth app and enters it in the Hub.`
                : 'Nothing to enter here: each end user enters their own credentials in the Hub.',
            ),
          ]),
      pkce?.row ?? null,
    ),
    fieldset(
      'Actions',
      ...(info.actions.length
        ? [
            allActions.row,
            h(
              'div',
              { class: 'action-list', 'data-testid': 'action-list' },
              ...actionChecks.map((c) => c.row),
            ),
          ]
        : [h('p', { class: 'muted' }, `${info.name} has no actions yet; the proxy works without them.`)]),
    ),
    eventTypes.length
      ? fieldset(
          'Events',
          h(
            'p',
            { class: 'hint' },
            info.events?.mode === 'programmatic'
              ? `${info.name}'s own webhooks, sent on to your webhook endpoints. Switchboard subscribes each linked account at ${info.name}.`
              : `${info.name}'s own webhooks, sent on to your webhook endpoints. Each account owner registers the account's address in ${info.name} (shown on the account's page).`,
          ),
          allEvents.row,
          h('div', { class: 'action-list', 'data-testid': 'event-list' }, ...eventChecks.map((c) => c.row)),
        )
      : null,
    h(
      'details',
      { class: 'overrides', open: hasOverrides, 'data-testid': 'overrides' },
      h('summary', null, 'URL overrides (advanced)'),
      h(
        'p',
        { class: 'hint' },
        'Absolute URLs that replace the connector’s defaults: self-hosted instances, Salesforce My Domain hosts, test servers.',
      ),
      ...overrideRows,
    ),
    problem,
    h(
      'div',
      { class: 'form-actions' },
      submit,
      linkButton('Cancel', `/dashboard/connectors/${info.provider}`),
    ),
    existing ? dangerZone(info, existing) : null,
  );

  function check(): FieldHandle | null {
    let first: FieldHandle | null = null;
    const flag = (hd: FieldHandle, text: string | null) => {
      hd.setError(text);
      if (text && !first) first = hd;
    };
    flag(label, label.control.value.trim() ? null : 'Required');
    for (const f of info.setup_fields) {
      const hd = handles.get(`setup.${f.key}`)!;
      const value = hd.control.value.trim();
      const stored = existing?.setup[f.key] !== undefined;
      let text: string | null = null;
      if (!value && f.required && !stored) text = `${f.label} is required`;
      else if (value && f.pattern && !new RegExp(f.pattern).test(value))
        text = f.pattern_message ?? 'Wrong format';
      else if (info.scopes?.field === f.key && info.scopes.from === 'setup')
        text = scopesProblem(info, value);
      flag(hd, text);
    }
    for (const k of overrideKeys) {
      const hd = handles.get(`overrides.${k}`)!;
      flag(hd, urlProblem(hd.control.value));
    }
    return first;
  }

  function body(): Record<string, unknown> {
    const setup: Record<string, string> = {};
    for (const f of info.setup_fields) {
      const value = handles.get(`setup.${f.key}`)!.control.value.trim();
      if (value) setup[f.key] = value;
    }
    const overrides: Record<string, string | null> = {};
    for (const k of overrideKeys) overrides[k] = handles.get(`overrides.${k}`)!.control.value.trim() || null;
    const environment = envRadios.find((r) => r.input.checked)?.input.value ?? info.environments[0]?.key;
    return {
      ...(existing ? {} : { provider: info.provider }),
      label: label.control.value.trim(),
      environment,
      setup,
      active: active.input.checked,
      default: isDefault.input.checked,
      ...(pkce ? { pkce: pkce.input.checked } : {}),
      ...(info.actions.length
        ? {
            enabled_actions: allActions.input.checked
              ? null
              : actionChecks.filter((c) => c.input.checked).map((c) => c.id),
          }
        : {}),
      ...(eventTypes.length
        ? {
            enabled_events: allEvents.input.checked
              ? null
              : eventChecks.filter((c) => c.input.checked).map((c) => c.id),
          }
        : {}),
      overrides,
    };
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    problem.replaceChildren();
    const invalid = check();
    if (invalid) {
      invalid.control.focus();
      problem.replaceChildren(alertBox('error', 'Check the highlighted fields'));
      return;
    }
    void withProgress(submit, existing ? 'Saving…' : 'Creating…', async () => {
      try {
        const saved = existing
          ? await call<Profile>('PATCH', `/connector_profiles/${encodeURIComponent(existing.id)}`, body())
          : await call<Profile>('POST', '/connector_profiles', body());
        toast(existing ? `${saved.label} saved` : `${saved.label} created`);
        if (!v.signal.aborted) navigate(`/dashboard/connectors/${info.provider}`);
      } catch (err) {
        const named = err instanceof ApiError ? err.field : undefined;
        const hd = named ? handles.get(named) : undefined;
        if (hd && named) {
          hd.setError(fieldMessage(message(err), named));
          hd.control.focus();
        } else if (named === 'environment') {
          envError.hidden = false;
          envError.textContent = message(err);
        }
        problem.replaceChildren(
          alertBox(
            'error',
            existing ? 'The profile was not saved' : 'The profile was not created',
            message(err),
          ),
        );
      }
    });
  });
  return form;
}

function dangerZone(info: ConnectorInfo, p: Profile): HTMLElement {
  return h(
    'div',
    { class: 'danger-zone' },
    h('h2', { class: 'card-title' }, 'Delete this profile'),
    h(
      'p',
      { class: 'muted' },
      'Accounts linked through it stop working until they are linked through another profile.',
    ),
    button('Delete profile', {
      variant: 'danger',
      testid: 'delete-profile',
      onClick: () =>
        void confirmAction({
          title: `Delete ${p.label}?`,
          text: h(
            'p',
            null,
            `${info.name} accounts linked through this profile can no longer call ${info.name}. This cannot be undone.`,
          ),
          confirm: 'Delete profile',
          busy: 'Deleting…',
          danger: true,
          testid: 'delete-profile-dialog',
          action: async () => {
            await call('DELETE', `/connector_profiles/${encodeURIComponent(p.id)}`);
          },
        }).then((done) => {
          if (!done) return;
          toast(`${p.label} deleted`);
          navigate(`/dashboard/connectors/${info.provider}`);
        }),
    }),
  );
}
