import { describe, expect, it } from 'vitest';
import { ID_SHAPE, newId } from './ids.js';

describe('newId', () => {
  it('always has the shape routes check ids against, hyphens and underscores included', () => {
    const ids = Array.from({ length: 2000 }, () => newId('proj', 9));
    expect(ids.every((id) => ID_SHAPE.test(id))).toBe(true);
    // base64url uses both; a check that refused them would fail about one id in six.
    expect(ids.some((id) => id.slice(5).includes('-'))).toBe(true);
    expect(ids.some((id) => id.slice(5).includes('_'))).toBe(true);
  });

  it('refuses what no id looks like', () => {
    for (const bad of ['', 'proj_', 'proj_a/b', 'proj_a.b', '../x', `proj_${'a'.repeat(41)}`]) {
      expect(ID_SHAPE.test(bad)).toBe(false);
    }
  });
});
