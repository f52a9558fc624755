import { describe, expect, it } from 'vitest';
import { renderBody } from './actions.js';

// Personio's attendance write: `end` is an optional group of inputs.
const TEMPLATE = {
  person: { id: '${input.person_id}' },
  start: { date_time: '${input.start}' },
  end: { date_time: '${input.end}' },
  type: 'WORK',
  tags: [{ name: '${input.tag}' }],
  meta: {},
};

describe('an action body', () => {
  it('types whole-input leaves and keeps every group that has a value', () => {
    const body = renderBody(TEMPLATE, {}, { person_id: 7, start: 'a', end: 'b', tag: 'x' });
    expect(body).toEqual({
      person: { id: 7 },
      start: { date_time: 'a' },
      end: { date_time: 'b' },
      type: 'WORK',
      tags: [{ name: 'x' }],
      meta: {},
    });
  });

  it('leaves out a nested group whose inputs are all missing, not as {}', () => {
    const body = renderBody(TEMPLATE, {}, { person_id: 7, start: 'a' });
    expect(body).toEqual({ person: { id: 7 }, start: { date_time: 'a' }, type: 'WORK', tags: [], meta: {} });
  });

  it('keeps the body itself an object when nothing in it is given', () => {
    expect(renderBody({ filter: { name: '${input.name}' } }, {}, {})).toEqual({});
  });
});
