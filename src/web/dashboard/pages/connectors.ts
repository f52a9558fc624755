/** Connector profiles: every connector with its state, one connector's profiles, its setup guide. */
import { h, put } from '../dom.js';
import { call, type ConnectorInfo, type Profile } from '../api.js';
import { connector, connectors, profiles, authLabel, categoryLabel } from '../store.js';
import type { View } from '../view.js';
import {
  alertBox,
  backLink,
  badge,
  button,
  card,
  dataTable,
  emptyState,
  linkButton,
  logo,
  pageHeader,
  time,
  toast,
  withProgress,
} from '../ui.js';
import { copyField } from '../forms.js';

const enabledIn = (c: ConnectorInfo, profs: Profile[]) =>
  profs.some((p) => p.provider === c.provider && p.active);

export async function connectorsPage(v: View): Promise<void> {
  const [all, profs] = await Promise.all([connectors(v.signal), profiles(v.signal)]);
  const anyEnabled = all.some((c) => enabledIn(c, profs));
  put(
    v.main,
    pageHeader(
      'Connector profiles',
      'A profile configures a connector for this project: its OAuth app, environment, scopes and actions. Connectors with an enabled profile appear in the Hub.',
    ),
    anyEnabled
      ? null
      : alertBox(
          'info',
          'No connector is enabled yet',
          'Your end users would see an empty Hub. Choose a connector below and create its profile: its setup guide walks you through it.',
        ),
    h(
      'ul',
      { class: 'connector-list', 'data-testid': 'connector-list' },
      ...all.map((c) => {
        const mine = profs.filter((p) => p.provider === c.provider);
        const on = enabledIn(c, profs);
        return h(
          'li',
          { class: 'connector-item', 'data-testid': `connector-${c.provider}` },
          logo(c.logo_url, c.name, 40),
          h(
            'div',
            { class: 'connector-main' },
            h('a', { href: `/dashboard/connectors/${c.provider}`, class: 'row-link stretched' }, c.name),
            h('p', { class: 'muted small' }, c.description),
            h(
              'p',
              { class: 'tags' },
              ...c.categories.map((cat) => h('span', { class: 'tag' }, categoryLabel(cat))),
              h('span', { class: 'tag' }, authLabel(c)),
            ),
          ),
          h(
            'div',
            { class: 'connector-state' },
            badge(on ? 'Enabled' : 'Disabled', on ? 'ok' : 'neutral', `connector-state-${c.provider}`),
            h(
              'span',
              { class: 'muted small' },
              mine.length ? `${mine.length} profile${mine.length === 1 ? '' : 's'}` : 'Not set up',
            ),
          ),
        );
      }),
    ),
  );
}

export async function connectorPage(v: View, provider: string): Promise<void> {
  const [info, profs] = await Promise.all([connector(provider, v.signal), profiles(v.signal)]);
  if (!info) {
    put(
      v.main,
      pageHeader('Connector not found', null, [], backLink('Connector profiles', '/dashboard/connectors')),
    );
    return;
  }
  const mine = profs.filter((p) => p.provider === provider);
  const newHref = `/dashboard/connectors/${provider}/new`;
  put(
    v.main,
    pageHeader(
      info.name,
      info.description,
      [linkButton('Create profile', newHref, { variant: 'primary', icon: 'plus', testid: 'create-profile' })],
      backLink('Connector profiles', '/dashboard/connectors'),
    ),
    h(
      'div',
      { class: 'grid-aside' },
      card(
        'Profiles',
        mine.length
          ? profileTable(v, info, mine)
          : emptyState({
              icon: 'plug',
              title: `${info.name} is not set up`,
              text:
                info.client_from === 'setup'
                  ? `Follow the setup guide to create an OAuth app in ${info.name}, then create a profile with its credentials. Until then ${info.name} does not appear in the Hub.`
                  : `Create a profile to offer ${info.name} in the Hub. ${info.setup_fields.length ? '' : 'There is nothing to fill in: end users enter their own credentials when they link.'}`,
              actions: [
                linkButton('Create profile', newHref, { variant: 'primary', testid: 'empty-create-profile' }),
              ],
              testid: 'profiles-empty',
            }),
      ),
      guideCard(info),
    ),
  );
}

function profileTable(v: View, info: ConnectorInfo, mine: Profile[]): HTMLElement {
  return dataTable(
    `${info.name} profiles`,
    // Three columns: the card is half the page at desktop widths, and Disable must stay in view.
    [{ label: 'Profile' }, { label: 'State' }, { label: 'Actions', hidden: true, className: 'col-actions' }],
    mine.map((p) => {
      const toggle = button(p.active ? 'Disable' : 'Enable', {
        small: true,
        testid: `toggle-profile-${p.id}`,
        onClick: () =>
          void withProgress(toggle, p.active ? 'Disabling…' : 'Enabling…', () =>
            call<Profile>('PATCH', `/connector_profiles/${p.id}`, { active: !p.active }),
          )
            .then((next) => {
              toast(`${next.label} ${next.active ? 'enabled' : 'disabled'}`);
              if (!v.signal.aborted) {
                v.main.replaceChildren();
                void connectorPage(v, info.provider);
              }
            })
            .catch((e: unknown) => toast((e as Error).message, 'error')),
      });
      return [
        h(
          'div',
          { class: 'stack' },
          h(
            'a',
            {
              href: `/dashboard/connectors/${info.provider}/profiles/${p.id}`,
              class: 'break',
              'data-testid': `profile-link-${p.id}`,
            },
            p.label,
          ),
          h(
            'span',
            { class: 'muted small' },
            info.environments.find((e) => e.key === p.environment)?.label ?? p.environment,
            ' · updated ',
            time(p.updated_at),
          ),
        ),
        h(
          'span',
          { class: 'badges' },
          badge(p.active ? 'Enabled' : 'Disabled', p.active ? 'ok' : 'neutral'),
          p.default ? badge('Default', 'info') : null,
        ),
        toggle,
      ];
    }),
    'profiles-table',
  );
}

/** The connector's setup guide: the callback URL to register (with a copy button) and the steps. */
export function guideCard(info: ConnectorInfo): HTMLElement {
  const hub = info.config_fields.filter((f) => f.key !== 'scopes' || info.scopes?.from === 'config');
  return h(
    'aside',
    { class: 'panel guide', 'aria-labelledby': `guide-${info.provider}`, 'data-testid': 'setup-guide' },
    h('h2', { class: 'card-title', id: `guide-${info.provider}` }, 'Setup guide'),
    info.guide.description ? h('p', null, info.guide.description) : null,
    info.callback_url
      ? copyField(
          'Callback URL',
          info.callback_url,
          'callback-url',
          info.client_from === 'setup'
            ? `Register this exact URL as the redirect (callback) URL of your ${info.name} app.`
            : `Each end user registers this exact URL in their own ${info.name} OAuth app.`,
        )
      : null,
    info.guide.setup_steps.length
      ? h(
          'div',
          null,
          h('h3', null, 'Steps'),
          h(
            'ol',
            { class: 'steps', 'data-testid': 'guide-steps' },
            ...info.guide.setup_steps.map((s) => h('li', null, s)),
          ),
        )
      : null,
    info.environments.length > 1
      ? h(
          'div',
          null,
          h('h3', null, 'Environments'),
          h(
            'p',
            null,
            `Choose the environment that matches the ${info.name} org: ${info.environments.map((e) => e.label).join(', ')}. Create one profile per environment if you need both.`,
          ),
        )
      : null,
    info.scopes?.from === 'setup' && info.scopes.require_one_of.length
      ? h(
          'div',
          null,
          h('h3', null, 'Scopes'),
          h(
            'p',
            null,
            'Left blank, the default scopes are used: ',
            h('code', null, info.scopes.default),
            '. Custom scopes must include ',
            h('code', null, info.scopes.require_one_of.join(' or ')),
            ', or no refresh token is issued.',
          ),
        )
      : null,
    hub.length
      ? h(
          'div',
          null,
          h('h3', null, 'What end users enter in the Hub'),
          h('ul', null, ...hub.map((f) => h('li', null, f.label, f.required ? '' : ' (optional)'))),
        )
      : null,
    info.guide.support_link
      ? h(
          'p',
          null,
          h(
            'a',
            { href: info.guide.support_link, target: '_blank', rel: 'noopener noreferrer' },
            `${info.name} documentation`,
          ),
        )
      : null,
  );
}
