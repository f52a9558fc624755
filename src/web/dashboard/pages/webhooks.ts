/** Webhooks: endpoints, event selection, the secret shown once, rotation, the delivery log, redelivery. */
import { h, put } from '../dom.js';
import { call, get, withQuery, WEBHOOK_EVENTS, type Delivery, type Endpoint } from '../api.js';
import { navigate } from '../router.js';
import type { View } from '../view.js';
import { resource } from '../resource.js';
import {
  alertBox,
  backLink,
  badge,
  button,
  card,
  dataTable,
  emptyState,
  errorBlock,
  loadingBlock,
  message,
  mono,
  pageHeader,
  props,
  spinner,
  time,
  toast,
  withProgress,
} from '../ui.js';
import { checkbox, copyField, field, select, textInput } from '../forms.js';
import { confirmAction, openDialog } from '../dialog.js';
import { deliveryTone } from './account.js';

const eventsText = (events: string[]) => (events.includes('*') ? 'All events' : events.join(', '));

export async function webhooksPage(v: View): Promise<void> {
  const endpoints = await get<Endpoint[]>('/webhooks', v.signal);
  const add = () => addEndpointDialog();
  put(
    v.main,
    pageHeader(
      'Webhooks',
      'Switchboard POSTs signed events to your endpoints when accounts are linked, updated, deleted or stop working.',
      [button('Add endpoint', { variant: 'primary', icon: 'plus', testid: 'add-endpoint', onClick: add })],
    ),
    endpoints.length
      ? dataTable(
          'Webhook endpoints',
          [{ label: 'URL' }, { label: 'Events' }, { label: 'State' }, { label: 'Created' }],
          endpoints.map((e) => [
            h(
              'div',
              { class: 'stack' },
              h(
                'a',
                {
                  href: `/dashboard/webhooks/${e.id}`,
                  class: 'row-link mono-link',
                  'data-testid': `endpoint-link-${e.id}`,
                },
                e.url,
              ),
              e.description ? h('span', { class: 'muted small' }, e.description) : null,
            ),
            eventsText(e.events),
            badge(e.active ? 'Active' : 'Disabled', e.active ? 'ok' : 'neutral'),
            time(e.created_at),
          ]),
          'endpoints-table',
        )
      : emptyState({
          icon: 'webhook',
          title: 'No webhook endpoints yet',
          text: 'Add an HTTPS endpoint of your backend to hear about accounts as they change: account.created when an end user links one, account.error when its credentials stop working. Deliveries are signed and retried for 24 hours.',
          actions: [
            button('Add endpoint', {
              variant: 'primary',
              icon: 'plus',
              testid: 'empty-add-endpoint',
              onClick: add,
            }),
          ],
          testid: 'webhooks-empty',
        }),
  );
}

/** Event checkboxes: "All events" (`*`, including future ones) or a chosen set. */
function eventPicker(current: string[]): { row: HTMLElement; value(): string[] } {
  const all = checkbox(
    'All events',
    current.includes('*'),
    { 'data-testid': 'event-all' },
    'Includes event types added in future versions.',
  );
  const each = WEBHOOK_EVENTS.map((e) => ({
    e,
    ...checkbox(h('code', null, e), current.includes('*') || current.includes(e), {
      'data-testid': `event-${e}`,
    }),
  }));
  const sync = () => {
    for (const c of each) c.input.disabled = all.input.checked;
  };
  all.input.addEventListener('change', sync);
  sync();
  return {
    row: h(
      'fieldset',
      { class: 'field events' },
      h('legend', null, 'Events'),
      all.row,
      h('div', { class: 'event-list' }, ...each.map((c) => c.row)),
    ),
    value: () => (all.input.checked ? ['*'] : each.filter((c) => c.input.checked).map((c) => c.e)),
  };
}

function showSecret(title: string, secret: string, intro: string, after: () => void): void {
  const d = openDialog(title, { testid: 'secret-dialog', onClose: after });
  d.body.append(
    alertBox(
      'warn',
      'Copy the signing secret now',
      'It is shown only this once. Your receiver verifies each delivery with it (webhook-signature and x-stackone-signature headers).',
    ),
    h('p', { class: 'muted' }, intro),
    copyField('Signing secret', secret, 'webhook-secret'),
  );
  d.footer.append(
    button('I have stored the secret', {
      variant: 'primary',
      testid: 'secret-done',
      onClick: () => d.close(),
    }),
  );
  d.body.querySelector<HTMLElement>('[data-testid="webhook-secret-copy"]')?.focus();
}

function addEndpointDialog(): void {
  const d = openDialog('Add webhook endpoint', { testid: 'endpoint-dialog' });
  const url = field(
    'Endpoint URL',
    textInput({
      type: 'url',
      name: 'url',
      required: true,
      placeholder: 'https://api.example.com/webhooks/switchboard',
      'data-testid': 'endpoint-url',
    }),
    {
      hint: 'Must answer 2xx within 10 seconds. Private and loopback addresses are refused unless the server allows them.',
    },
  );
  const description = field(
    'Description',
    textInput({ name: 'description', maxlength: 500, 'data-testid': 'endpoint-description' }),
    { optional: true },
  );
  const events = eventPicker(['*']);
  const problem = h('div');
  const form = h(
    'form',
    { id: 'endpoint-form', class: 'form', novalidate: true },
    url.row,
    description.row,
    events.row,
    problem,
  );
  const submit = button('Add endpoint', { type: 'submit', variant: 'primary', testid: 'endpoint-submit' });
  submit.setAttribute('form', form.id);
  d.body.append(form);
  d.footer.append(button('Cancel', { onClick: () => d.close() }), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    problem.replaceChildren();
    const value = url.control.value.trim();
    url.setError(/^https?:\/\/\S+$/.test(value) ? null : 'Enter an absolute http(s) URL');
    if (!/^https?:\/\/\S+$/.test(value)) return url.control.focus();
    const chosen = events.value();
    if (!chosen.length) return void problem.replaceChildren(alertBox('error', 'Choose at least one event'));
    void withProgress(submit, 'Adding…', async () => {
      try {
        const created = await call<Endpoint>('POST', '/webhooks', {
          url: value,
          events: chosen,
          ...(description.control.value.trim() ? { description: description.control.value.trim() } : {}),
        });
        d.close();
        showSecret(
          'Endpoint added',
          created.secret ?? '',
          `Deliveries to ${created.url} are signed with this secret.`,
          () => navigate(`/dashboard/webhooks/${created.id}`),
        );
      } catch (err) {
        problem.replaceChildren(alertBox('error', 'The endpoint was not added', message(err)));
      }
    });
  });
  url.control.focus();
}

export async function webhookPage(v: View, id: string): Promise<void> {
  const e = await get<Endpoint>(`/webhooks/${encodeURIComponent(id)}`, v.signal);
  const reload = () => {
    if (v.signal.aborted) return;
    v.main.replaceChildren();
    void webhookPage(v, id).then(() => v.main.querySelector<HTMLElement>('h1')?.focus());
  };
  const path = `/webhooks/${encodeURIComponent(e.id)}`;
  const toggle = button(e.active ? 'Disable' : 'Enable', {
    testid: 'toggle-endpoint',
    onClick: () =>
      void withProgress(toggle, e.active ? 'Disabling…' : 'Enabling…', () =>
        call('PATCH', path, { active: !e.active }),
      )
        .then(() => {
          toast(e.active ? 'Endpoint disabled' : 'Endpoint enabled');
          reload();
        })
        .catch((err: unknown) => toast(message(err), 'error')),
  });
  const rotate = button('Rotate secret', {
    icon: 'key',
    testid: 'rotate-secret',
    onClick: () => {
      let secret = '';
      void confirmAction({
        title: 'Rotate the signing secret?',
        text: h(
          'p',
          null,
          'A new secret signs every delivery from now on. The current one keeps signing too, for 24 hours, so you can update your receiver without losing events.',
        ),
        confirm: 'Rotate secret',
        busy: 'Rotating…',
        testid: 'rotate-dialog',
        action: async () => {
          secret = (await call<{ secret: string }>('POST', `${path}/rotate_secret`)).secret;
        },
      }).then(
        (done) =>
          done &&
          showSecret('New signing secret', secret, 'The previous secret stops signing in 24 hours.', () =>
            rotate.focus(),
          ),
      );
    },
  });
  const remove = button('Delete', {
    variant: 'danger',
    testid: 'delete-endpoint',
    onClick: () =>
      void confirmAction({
        title: 'Delete this endpoint?',
        text: h(
          'p',
          null,
          'No more events are sent to ',
          mono(e.url),
          '. Pending deliveries are dropped. This cannot be undone.',
        ),
        confirm: 'Delete endpoint',
        busy: 'Deleting…',
        danger: true,
        testid: 'delete-endpoint-dialog',
        action: async () => {
          await call('DELETE', path);
        },
      }).then((done) => {
        if (!done) return;
        toast('Endpoint deleted');
        navigate('/dashboard/webhooks');
      }),
  });

  const picker = eventPicker(e.events);
  const save = button('Save events', { type: 'submit', testid: 'save-events' });
  const eventsForm = h(
    'form',
    { class: 'form', novalidate: true },
    picker.row,
    h('div', { class: 'form-actions' }, save),
  );
  eventsForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const chosen = picker.value();
    if (!chosen.length) return toast('Choose at least one event', 'error');
    void withProgress(save, 'Saving…', () => call('PATCH', path, { events: chosen }))
      .then(() => toast('Events saved'))
      .catch((err: unknown) => toast(message(err), 'error'));
  });

  put(
    v.main,
    pageHeader(
      e.description || 'Webhook endpoint',
      h('span', { class: 'mono break' }, e.url),
      [rotate, toggle, remove],
      backLink('Webhooks', '/dashboard/webhooks'),
    ),
    h(
      'div',
      { class: 'grid-2' },
      card(
        'Endpoint',
        props([
          ['ID', mono(e.id)],
          ['URL', h('span', { class: 'mono break' }, e.url)],
          ['State', badge(e.active ? 'Active' : 'Disabled', e.active ? 'ok' : 'neutral')],
          ['Created', time(e.created_at)],
          ['Updated', time(e.updated_at)],
        ]),
      ),
      card('Events', eventsForm),
    ),
    deliveriesCard(v, e),
  );
}

function deliveriesCard(v: View, e: Endpoint): HTMLElement {
  const status = field(
    'Status',
    select(
      [
        ['', 'All'],
        ['pending', 'Pending'],
        ['delivered', 'Delivered'],
        ['failed', 'Failed'],
      ],
      '',
      { 'data-testid': 'delivery-status' },
    ),
  );
  const busy = h(
    'span',
    { class: 'filter-busy', hidden: true },
    spinner(),
    h('span', { class: 'sr-only' }, 'Loading'),
  );
  const list = h('div', null, loadingBlock('Loading deliveries…'));
  const refresh = button('Refresh', {
    small: true,
    icon: 'refresh',
    testid: 'refresh-deliveries',
    onClick: () => void load(),
  });
  let polls = 0;

  const load = resource({
    signal: v.signal,
    pending: () => {
      busy.hidden = false;
    },
    load: (signal) =>
      get<Delivery[]>(
        withQuery(`/webhooks/${encodeURIComponent(e.id)}/deliveries`, {
          status: status.control.value,
          page_size: 50,
        }),
        signal,
      ),
    settled: () => {
      busy.hidden = true;
    },
    error: (err, retry) => list.replaceChildren(errorBlock(err, retry)),
    render: (rows, signal) => showDeliveries(rows, signal),
  });

  function showDeliveries(rows: Delivery[], signal: AbortSignal): void {
    list.replaceChildren(
      rows.length
        ? dataTable(
            'Deliveries',
            [
              { label: 'Event' },
              { label: 'Status' },
              { label: 'Attempts' },
              { label: 'Last response' },
              { label: 'Created' },
              { label: 'Actions', hidden: true },
            ],
            rows.map((d) => [
              h(
                'div',
                { class: 'stack' },
                mono(d.event ?? 'event'),
                h('span', { class: 'muted small mono' }, d.event_id),
              ),
              h(
                'div',
                { class: 'stack', 'data-testid': `delivery-${d.event ?? 'event'}` },
                badge(d.status, deliveryTone(d.status), `delivery-status-${d.id}`),
                d.status === 'pending' && d.next_attempt_at
                  ? h('span', { class: 'muted small' }, 'next try ', time(d.next_attempt_at))
                  : null,
                d.delivered_at ? h('span', { class: 'muted small' }, time(d.delivered_at)) : null,
              ),
              String(d.attempts),
              d.last_status_code ? `HTTP ${d.last_status_code}` : (d.last_error ?? '—'),
              time(d.created_at),
              redeliverButton(e, d, () => void load()),
            ]),
            'deliveries-table',
          )
        : h(
            'p',
            { class: 'muted', 'data-testid': 'deliveries-empty' },
            status.control.value
              ? 'No deliveries with this status.'
              : 'No deliveries yet. Events are sent here as accounts are linked, updated or deleted.',
          ),
    );
    // Deliveries in flight settle within seconds: look again a few times so the log catches up.
    if (rows.some((d) => d.status === 'pending' && d.attempts === 0) && polls++ < 10)
      window.setTimeout(() => !signal.aborted && void load(), 2000);
  }
  status.control.addEventListener('change', () => void load());
  void load();
  return card(
    'Delivery log',
    h('div', { class: 'filters compact' }, status.row, h('div', { class: 'filter-end' }, busy, refresh)),
    list,
  );
}

function redeliverButton(e: Endpoint, d: Delivery, after: () => void): HTMLButtonElement {
  const b = button('Redeliver', {
    small: true,
    testid: `redeliver-${d.id}`,
    label: `Redeliver ${d.event ?? 'event'} ${d.event_id}`,
    onClick: () =>
      void withProgress(b, 'Queuing…', () =>
        call(
          'POST',
          `/webhooks/${encodeURIComponent(e.id)}/deliveries/${encodeURIComponent(d.id)}/redeliver`,
        ),
      )
        .then(() => {
          toast('Queued for redelivery');
          after();
        })
        .catch((err: unknown) => toast(message(err), 'error')),
  });
  return b;
}
