/**
 * The ways an admin gets an end user to the Hub: an Auth Link to send (5 days), a re-connect
 * link for an existing account, and opening the Hub right here (the third linking method).
 */
import { h, put, type Child } from '../dom.js';
import { call, type Account, type ConnectSession, type ConnectorInfo } from '../api.js';
import { alertBox, button, fmtDate, linkButton, message, withProgress } from '../ui.js';
import { copyField, field, select, textInput, type FieldHandle } from '../forms.js';
import { openDialog, type DialogHandle } from '../dialog.js';
import { categoryLabel } from '../store.js';

/** Dashboard Auth Links last 5 days, as StackOne's do. */
export const AUTH_LINK_TTL_S = 5 * 24 * 3600;
/** Opening the Hub from the dashboard: the admin is there, half an hour is plenty. */
const DIRECT_TTL_S = 1800;

interface OwnerFields {
  owner: FieldHandle;
  ownerName: FieldHandle;
}

function ownerFields(): OwnerFields {
  return {
    owner: field('Origin owner ID', textInput({ name: 'origin_owner_id', required: true, maxlength: 255 }), {
      hint: 'The customer’s identifier in your own system, e.g. a UUID or an integer.',
    }),
    ownerName: field(
      'Origin owner name',
      textInput({ name: 'origin_owner_name', required: true, maxlength: 255 }),
      {
        hint: 'The customer’s name in your own system.',
      },
    ),
  };
}

/** Checks required fields; shows each problem and focuses the first. */
function requireFilled(fields: FieldHandle[]): boolean {
  let first: FieldHandle | null = null;
  for (const f of fields) {
    const empty = !f.control.value.trim();
    f.setError(empty ? 'Required' : null);
    if (empty && !first) first = f;
  }
  first?.control.focus();
  return !first;
}

function noConnectorWarning(enabled: ConnectorInfo[]): Child {
  if (enabled.length) return null;
  return alertBox(
    'warn',
    'No connector is enabled yet',
    h(
      'p',
      null,
      'The Hub will have nothing to offer. ',
      h('a', { href: '/dashboard/connectors' }, 'Set up a connector profile'),
      ' first.',
    ),
  );
}

function formIn(d: DialogHandle, testid: string, ...children: Child[]): HTMLFormElement {
  const form = h('form', { id: `${testid}-form`, novalidate: true, class: 'form' }, ...children);
  d.body.append(form);
  return form;
}

function linkCreated(d: DialogHandle, s: ConnectSession, title: string, text: Child): void {
  d.body.replaceChildren(
    alertBox('ok', title),
    copyField('Auth Link', s.auth_link_url, 'auth-link-url'),
    h(
      'p',
      { class: 'muted', 'data-testid': 'auth-link-expiry' },
      text,
      ' It expires on ',
      h('time', { datetime: s.expires_at }, fmtDate(s.expires_at)),
      '.',
    ),
  );
  const done = button('Done', { variant: 'primary', onClick: () => d.close(), testid: 'auth-link-done' });
  d.footer.replaceChildren(
    linkButton('Open link', s.auth_link_url, { external: true, icon: 'external', testid: 'auth-link-open' }),
    done,
  );
  d.body.querySelector<HTMLInputElement>('[data-testid="auth-link-url"]')?.focus();
}

/** "Create Auth Link": origin owner ID and name, optional username, category and provider. */
export function authLinkDialog(enabled: ConnectorInfo[], all: ConnectorInfo[]): void {
  const d = openDialog('Create Auth Link', { testid: 'auth-link-dialog' });
  const { owner, ownerName } = ownerFields();
  const username = field('Origin username', textInput({ name: 'origin_username', maxlength: 255 }), {
    optional: true,
    hint: 'The person who will connect the account, e.g. their email address.',
  });
  const source = enabled.length ? enabled : all;
  const categories = [...new Set(source.flatMap((c) => c.categories))].sort();
  const category = field(
    'Category',
    select([['', 'All categories'], ...categories.map((c): [string, string] => [c, categoryLabel(c)])], '', {
      name: 'category',
    }),
    {
      optional: true,
      hint: 'Show only this category’s connectors in the Hub.',
    },
  );
  const provider = field(
    'Provider',
    select(
      [['', 'Any enabled connector'], ...enabled.map((c): [string, string] => [c.provider, c.name])],
      '',
      { name: 'provider' },
    ),
    {
      optional: true,
      hint: 'Send the end user straight to one connector.',
    },
  );
  // A provider outside the chosen category would make a link that opens on an empty list (the
  // server refuses it too): the provider list keeps only the category's connectors.
  const categoryNote = h('div', { 'aria-live': 'polite', 'data-testid': 'auth-link-category-note' });
  category.control.addEventListener('change', () => {
    const chosen = category.control.value;
    const fits = enabled.filter((c) => !chosen || c.categories.includes(chosen));
    const kept = fits.some((c) => c.provider === provider.control.value) ? provider.control.value : '';
    const dropped =
      provider.control.value && !kept
        ? enabled.find((c) => c.provider === provider.control.value)
        : undefined;
    provider.control.replaceChildren(
      ...[
        ['', fits.length ? 'Any connector in this category' : 'Any enabled connector'],
        ...fits.map((c) => [c.provider, c.name]),
      ].map(([value, label]) => h('option', { value }, label)),
    );
    if (!chosen) provider.control.firstElementChild!.textContent = 'Any enabled connector';
    (provider.control as HTMLSelectElement).value = kept;
    categoryNote.replaceChildren();
    put(
      categoryNote,
      dropped
        ? alertBox(
            'info',
            `${dropped.name} is not in ${categoryLabel(chosen)}`,
            `It is in ${dropped.categories.map(categoryLabel).join(', ')}. The provider was reset to any ${categoryLabel(chosen)} connector.`,
          )
        : null,
      chosen && !fits.length
        ? alertBox(
            'warn',
            `No enabled connector is in ${categoryLabel(chosen)}`,
            'The Hub would have nothing to offer for this link.',
          )
        : null,
    );
  });
  const problem = h('div');
  const form = formIn(
    d,
    'auth-link',
    noConnectorWarning(enabled),
    owner.row,
    ownerName.row,
    username.row,
    category.row,
    provider.row,
    categoryNote,
    problem,
  );
  const submit = button('Create link', { type: 'submit', variant: 'primary', testid: 'auth-link-submit' });
  submit.setAttribute('form', form.id);
  d.footer.append(button('Cancel', { onClick: () => d.close() }), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!requireFilled([owner, ownerName])) return;
    problem.replaceChildren();
    void withProgress(submit, 'Creating…', async () => {
      const body: Record<string, unknown> = {
        origin_owner_id: owner.control.value.trim(),
        origin_owner_name: ownerName.control.value.trim(),
        expires_in: AUTH_LINK_TTL_S,
      };
      if (username.control.value.trim()) body.origin_username = username.control.value.trim();
      if (category.control.value) body.categories = [category.control.value];
      if (provider.control.value) body.provider = provider.control.value;
      try {
        const s = await call<ConnectSession>('POST', '/connect_sessions', body);
        linkCreated(
          d,
          s,
          `Auth Link created for ${body.origin_owner_name as string}`,
          'Send it to your customer: they pick a connector and link their account.',
        );
      } catch (err) {
        problem.replaceChildren(alertBox('error', message(err)));
      }
    });
  });
  owner.control.focus();
}

/** A re-connect link: a connect session bound to the account, so the Hub edits it in place. */
export async function reconnectDialog(a: Account, trigger: HTMLButtonElement): Promise<void> {
  const s = await withProgress(trigger, 'Creating…', () =>
    call<ConnectSession>('POST', '/connect_sessions', {
      origin_owner_id: a.origin_owner_id,
      origin_owner_name: a.origin_owner_name,
      ...(a.origin_username ? { origin_username: a.origin_username } : {}),
      account_id: a.id,
      provider: a.provider,
      expires_in: AUTH_LINK_TTL_S,
    }),
  );
  const d = openDialog('Re-connect link', { testid: 'reconnect-dialog', opener: trigger });
  linkCreated(
    d,
    s,
    `Re-connect link for ${a.origin_owner_name}’s ${a.provider_name} account`,
    'The end user signs in again; the account keeps its ID.',
  );
}

/** Opens the Hub in a new tab for an origin owner: the third way to link an account. */
export function linkNowDialog(enabled: ConnectorInfo[], onOpened: () => void): void {
  const d = openDialog('Link an account', { testid: 'link-now-dialog' });
  const { owner, ownerName } = ownerFields();
  const provider = field(
    'Provider',
    select(
      [['', 'Any enabled connector'], ...enabled.map((c): [string, string] => [c.provider, c.name])],
      '',
      { name: 'provider' },
    ),
    {
      optional: true,
    },
  );
  const problem = h('div');
  const form = formIn(
    d,
    'link-now',
    h(
      'p',
      { class: 'muted' },
      'Opens the Hub in a new tab so you can link an account on your customer’s behalf, for example while you are on a call with them.',
    ),
    noConnectorWarning(enabled),
    owner.row,
    ownerName.row,
    provider.row,
    problem,
  );
  const submit = button('Open the Hub', {
    type: 'submit',
    variant: 'primary',
    icon: 'external',
    testid: 'link-now-submit',
  });
  submit.setAttribute('form', form.id);
  d.footer.append(button('Cancel', { onClick: () => d.close() }), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!requireFilled([owner, ownerName])) return;
    problem.replaceChildren();
    void withProgress(submit, 'Opening…', async () => {
      try {
        const s = await call<ConnectSession>('POST', '/connect_sessions', {
          origin_owner_id: owner.control.value.trim(),
          origin_owner_name: ownerName.control.value.trim(),
          expires_in: DIRECT_TTL_S,
          ...(provider.control.value ? { provider: provider.control.value } : {}),
        });
        const tab = window.open(s.auth_link_url, '_blank');
        if (tab) tab.opener = null;
        d.body.replaceChildren(
          alertBox(
            tab ? 'ok' : 'warn',
            tab ? 'The Hub is open in a new tab' : 'Your browser blocked the new tab',
            'When the account is linked it appears in the Accounts list.',
          ),
          h(
            'p',
            null,
            linkButton(tab ? 'Open the Hub again' : 'Open the Hub', s.auth_link_url, {
              external: true,
              icon: 'external',
              testid: 'link-now-open',
            }),
          ),
        );
        d.footer.replaceChildren(button('Done', { variant: 'primary', onClick: () => d.close() }));
        onOpened();
      } catch (err) {
        problem.replaceChildren(alertBox('error', message(err)));
      }
    });
  });
  owner.control.focus();
}
