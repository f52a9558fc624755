/** The list of the apps this link offers: search, categories, then one app's form. */
import { h, svg, ICONS } from '../../shared/dom.js';
import { plural, t } from '../../shared/i18n/i18n.js';
import { ctx, listState, mount, announce, heading, logo, catLabel, show } from '../app.js';

export function list(): void {
  const cats = [...new Set(ctx.active.map((i) => i.type).filter(Boolean))];
  if (!cats.includes(listState.cat)) listState.cat = '';

  const search = h('input', {
    type: 'search',
    id: 'search',
    class: 'search',
    'data-testid': 'search',
    placeholder: t('list.search'),
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-controls': 'integrations',
    value: listState.q,
  });
  const ul = h('ul', { id: 'integrations', class: 'list', 'aria-label': t('list.listLabel') });
  const empty = h('p', { class: 'empty muted', hidden: true });
  const pills =
    cats.length > 1 ? h('div', { class: 'pills', role: 'group', 'aria-label': t('list.filterLabel') }) : null;

  const items = (): HTMLButtonElement[] => [...ul.querySelectorAll<HTMLButtonElement>('button.item')];

  function render(): void {
    const q = listState.q.trim().toLowerCase();
    const shown = ctx.active.filter(
      (i) => (!listState.cat || i.type === listState.cat) && i.name.toLowerCase().includes(q),
    );
    ul.replaceChildren(
      ...shown.map((i) =>
        h(
          'li',
          null,
          h(
            'button',
            {
              type: 'button',
              class: 'item',
              'data-testid': `integration-${i.provider}`,
              'data-integration-id': i.integration_id,
              onClick: () => {
                listState.focus = i.integration_id;
                show({ kind: 'connector', integ: i });
              },
            },
            logo(i.logo_url, i.name),
            h('span', { class: 'name' }, i.name || t('list.unnamed')),
            i.type ? h('span', { class: 'tag' }, catLabel(i.type)) : null,
            svg(ICONS.chevron, 'icon chevron'),
          ),
        ),
      ),
    );
    empty.hidden = shown.length > 0;
    empty.textContent =
      ctx.active.length === 0 ? t('list.none') : t('list.noMatch', { query: listState.q.trim() });
    if (pills) {
      for (const b of pills.querySelectorAll('button'))
        b.setAttribute('aria-pressed', String(b.dataset.cat === listState.cat));
    }
  }

  let announceTimer = 0;
  search.addEventListener('input', () => {
    listState.q = search.value;
    render();
    clearTimeout(announceTimer);
    announceTimer = window.setTimeout(() => {
      const n = items().length;
      announce(plural('list.count', n));
    }, 400);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      items()[0]?.focus();
    } else if (e.key === 'Enter') {
      const all = items();
      if (all.length === 1) all[0]!.click();
    }
  });
  ul.addEventListener('keydown', (e) => {
    const all = items();
    const i = all.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = all[i + 1];
    else if (e.key === 'ArrowUp') next = i === 0 ? search : all[i - 1];
    else if (e.key === 'Home') next = all[0];
    else if (e.key === 'End') next = all[all.length - 1];
    else return;
    e.preventDefault();
    next?.focus();
  });

  if (pills) {
    for (const [cat, label] of [['', t('list.all')], ...cats.map((c) => [c, catLabel(c)])] as [
      string,
      string,
    ][]) {
      pills.append(
        h(
          'button',
          {
            type: 'button',
            class: 'pill',
            'data-cat': cat,
            'data-testid': `category-${cat || 'all'}`,
            onClick: () => {
              listState.cat = cat;
              render();
            },
          },
          label,
        ),
      );
    }
  }

  render();
  mount(
    t('list.title'),
    h('div', { class: 'intro' }, heading(t('list.title')), h('p', { class: 'muted' }, t('list.lead'))),
    ctx.active.length > 0
      ? h(
          'div',
          { class: 'search-box' },
          h('label', { for: 'search', class: 'sr-only' }, t('list.searchLabel')),
          svg(ICONS.search, 'icon search-icon'),
          search,
        )
      : null,
    pills,
    ul,
    empty,
  );
  const back = listState.focus
    ? ul.querySelector<HTMLElement>(`[data-integration-id="${CSS.escape(listState.focus)}"]`)
    : null;
  back?.focus();
  // Escape clears the search first (as the browser does for a search box); then it is the modal's.
  ctx.onEscape = () => {
    if (!search.value) return false;
    search.value = '';
    listState.q = '';
    render();
    search.focus();
    return true;
  };
}
