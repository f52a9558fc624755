import { describe, expect, it } from 'vitest';
import { pathProblem, pick, selectAll, toJsonPath } from './json-path.js';

const page = {
  records: [{ Id: '1' }, { Id: '2' }],
  '@odata.nextLink': 'https://graph.microsoft.com/v1.0/me/messages?$skiptoken=x',
  authed_user: { id: 'U1', access_token: 'xoxp' },
  links: { next: 'https://acme.zendesk.com/api/v2/tickets?page[after]=y' },
};

describe('json paths', () => {
  it('reads the older dot paths as before', () => {
    expect(pick(page, 'links.next')).toBe(page.links.next);
    expect(pick(page, 'records.1.Id')).toBe('2');
    expect(pick([{ message: 'bad' }], '0.message')).toBe('bad');
    expect(pick(page, '')).toBe(page);
    expect(pick(page, 'links.missing')).toBeUndefined();
    expect(toJsonPath('0.message')).toBe("$[0]['message']");
  });

  it('reads keys that contain dots, nested fields and the last item', () => {
    expect(pick(page, "$['@odata.nextLink']")).toBe(page['@odata.nextLink']);
    expect(pick(page, '$.authed_user.id')).toBe('U1');
    expect(pick(page, '$.records[-1:].Id')).toBe('2');
    expect(selectAll(page, '$.records[*].Id')).toEqual(['1', '2']);
  });

  it('filters without running code', () => {
    const tenants = [
      { id: 'a', default: false },
      { id: 'b', default: true },
    ];
    expect(pick(tenants, '$[?@.default == true].id')).toBe('b');
    expect(pathProblem('$[?(@.constructor.constructor("return process")())]')).toMatch(/not a JSONPath/);
  });

  it('names what is wrong with a path', () => {
    expect(pathProblem('$.records[*].Id')).toBeNull();
    expect(pathProblem('links..next')).toMatch(/not a dot path/);
    expect(pathProblem('$.records[')).toMatch(/not a JSONPath/);
  });
});
