import { describe, expect, it } from 'vitest';
import { candidatesOf, pickValues, withDiscovered } from './discovery.js';

const tenants = [
  { id: 't1', default: false, name: 'Old' },
  { id: 't2', default: true, name: 'Main' },
  { id: 't3', default: true, name: 'Other' },
];

describe('post-auth candidates', () => {
  it('are a list answer, or the one object answer, when no rule is given', () => {
    expect(candidatesOf(tenants, undefined)).toHaveLength(3);
    expect(candidatesOf({ id: 'x' }, undefined)).toEqual([{ id: 'x' }]);
    expect(candidatesOf(null, undefined)).toEqual([]);
  });

  it('are the first item with `first`, or what a JSONPath filter selects', () => {
    expect(candidatesOf(tenants, 'first')).toEqual([tenants[0]]);
    expect(candidatesOf([], 'first')).toEqual([]);
    expect(candidatesOf(tenants, '$[?@.default == true]').map((t) => (t as { id: string }).id)).toEqual([
      't2',
      't3',
    ]);
    expect(candidatesOf({ data: { tenants } }, '$.data.tenants[?@.name == "Old"]')).toEqual([tenants[0]]);
  });
});

describe('picked values', () => {
  it('are text, numbers written as text, and a missing one is named with its path', () => {
    expect(pickValues({ id: 'c-1', n: 7 }, { cloud_id: '$.id', n: 'n' })).toEqual({
      values: { cloud_id: 'c-1', n: '7' },
    });
    expect(pickValues({ id: { nested: 1 } }, { cloud_id: '$.id' })).toEqual({ missing: 'cloud_id ($.id)' });
    expect(pickValues({}, { cloud_id: '$.id' })).toEqual({ missing: 'cloud_id ($.id)' });
  });

  it('go beside the credentials, with the choices only when there were several', () => {
    expect(withDiscovered({ access_token: 'a' }, { values: { t: '1' }, choices: [] })).toEqual({
      access_token: 'a',
      t: '1',
    });
    expect(
      withDiscovered({ access_token: 'a' }, { values: { t: '1' }, choices: [{ step: 0, candidates: 2 }] }),
    ).toMatchObject({ post_auth_choices: [{ step: 0, candidates: 2 }] });
  });
});
