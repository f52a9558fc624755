import { describe, expect, it } from 'vitest';
import { loadConnectors } from '../../connectors/loader.js';
import { ActionIndex, actionIndexOf, processTerm, type SearchableAction } from './search.js';

const action = (
  id: string,
  label: string,
  description = '',
  tags: string[] = [],
  inputs = '',
): SearchableAction => ({
  id,
  connector: id.split('_')[0]!,
  label,
  description,
  tags,
  inputs,
});

const ACTIONS = [
  action('crm_list_contacts', 'List contacts', 'Lists the contacts of the CRM.', ['contacts']),
  action('crm_get_contact', 'Get a contact', 'Reads one contact by id.', ['contacts'], 'id The contact id.'),
  action('crm_list_deals', 'List deals', 'Lists open opportunities (deals).', ['deals']),
  action('desk_list_tickets', 'List tickets', 'Lists support tickets with their status.', ['tickets']),
  action(
    'desk_reply_ticket',
    'Reply to a ticket',
    'Posts a reply message on a ticket.',
    ['tickets'],
    'body The reply text.',
  ),
  action('sign_list_companies', 'List companies', 'Lists the companies in the address book.', ['companies']),
];
const index = new ActionIndex(ACTIONS);
const ids = (query: string, o: Partial<Parameters<ActionIndex['search']>[1]> = {}) =>
  index.search(query, { limit: 10, ...o }).hits.map((h) => h.id);

describe('processTerm', () => {
  it('folds case and plurals and drops stop words', () => {
    expect(processTerm('Contacts')).toBe('contact');
    expect(processTerm('opportunities')).toBe('opportunity');
    expect(processTerm('companies')).toBe('company');
    expect(processTerm('status')).toBe('status');
    expect(processTerm('address')).toBe('address');
    expect(processTerm('the')).toBeNull();
    expect(processTerm('x')).toBeNull();
  });
});

describe('ActionIndex', () => {
  it('ranks the action whose label says it first', () => {
    expect(ids('list contacts')[0]).toBe('crm_list_contacts');
    expect(ids('get one contact')[0]).toBe('crm_get_contact');
    expect(ids('reply to a support ticket')[0]).toBe('desk_reply_ticket');
    expect(ids('companies')[0]).toBe('sign_list_companies');
  });

  it('finds words of the description, the tags and the inputs', () => {
    expect(ids('opportunities')[0]).toBe('crm_list_deals');
    expect(ids('reply text')[0]).toBe('desk_reply_ticket');
  });

  it('matches prefixes and small typos', () => {
    expect(ids('tick')[0]).toMatch(/^desk_/);
    expect(ids('contcts')[0]).toMatch(/^crm_.*contact/);
  });

  it('scores in [0, 1], best first, the best at 1 when every query word matched', () => {
    const { hits } = index.search('list tickets', { limit: 10 });
    expect(hits[0]).toMatchObject({ id: 'desk_list_tickets', similarity: 1 });
    for (const h of hits) expect(h.similarity).toBeGreaterThanOrEqual(0);
    const scores = hits.map((h) => h.similarity);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('scores a query half of whose words match nothing at most 0.5', () => {
    const { hits } = index.search('tickets zzyzx', { limit: 10 });
    expect(hits[0]!.id).toMatch(/^desk_/);
    expect(hits[0]!.similarity).toBeLessThanOrEqual(0.5);
  });

  it('filters by connector, by what is allowed and by min similarity, and counts before the limit', () => {
    expect(ids('list', { connector: 'crm' })).toEqual(
      expect.arrayContaining(['crm_list_contacts', 'crm_list_deals']),
    );
    expect(ids('list', { connector: 'crm' }).every((id) => id.startsWith('crm_'))).toBe(true);
    expect(ids('list', { connector: 'nope' })).toEqual([]);
    expect(ids('contacts', { allowed: (id) => id !== 'crm_list_contacts' })).not.toContain(
      'crm_list_contacts',
    );
    const all = index.search('list', { limit: 2 });
    expect(all.hits).toHaveLength(2);
    expect(all.total).toBeGreaterThan(2);
    const strict = index.search('list contacts', { limit: 10, minSimilarity: 0.99 });
    expect(strict.hits.map((h) => h.id)).toEqual(['crm_list_contacts']);
  });

  it('answers nothing for a query of stop words only or of unknown words', () => {
    expect(index.search('the of a', { limit: 10 })).toEqual({ hits: [], total: 0 });
    expect(index.search('qqqqqq', { limit: 10 }).hits).toEqual([]);
  });
});

describe('the shipped catalogue', () => {
  it('is indexed once per registry and finds its actions by plain words', async () => {
    const registry = await loadConnectors();
    const idx = actionIndexOf(registry);
    expect(actionIndexOf(registry)).toBe(idx);
    expect(idx.size).toBe(registry.list().flatMap((c) => c.actions).length);
    const top = (q: string) => idx.search(q, { limit: 3 }).hits[0]?.id;
    expect(top('list salesforce opportunities')).toBe('salesforce_list_opportunities');
    expect(top('messages in a kustomer conversation')).toBe('kustomer_list_conversation_messages');
    expect(top('oneflow contract templates')).toBe('oneflow_list_templates');
  });
});
