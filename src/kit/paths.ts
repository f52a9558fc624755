// Writing a value at a connector path (the reverse of `pick`): the fake provider builds its
// answers so that the connector's own `result.data` and `result.next` paths find the records.
import { toJsonPath } from '../connectors/json-path.js';

type Segment = string | number;

/** The segments of a simple JSONPath or dot path: `$['links']['next']`, `$.a[0].b`, `links.next`. */
export function segmentsOf(path: string): Segment[] {
  const jp = toJsonPath(path);
  const out: Segment[] = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < jp.length) {
    const m = re.exec(jp);
    if (!m) throw new Error(`the fake provider cannot write at ${path}: only plain member paths`);
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push((m[3] ?? m[4])!.replace(/\\(.)/g, '$1'));
  }
  return out;
}

/** Sets `value` at `path` inside `target`, creating objects and arrays on the way. */
export function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const segs = segmentsOf(path);
  if (segs.length === 0) throw new Error('cannot set the whole value');
  let node: Record<string | number, unknown> = target;
  segs.forEach((seg, i) => {
    if (i === segs.length - 1) {
      node[seg] = value;
      return;
    }
    const nextIsIndex = typeof segs[i + 1] === 'number';
    if (node[seg] === undefined || node[seg] === null || typeof node[seg] !== 'object')
      node[seg] = nextIsIndex ? [] : {};
    node = node[seg] as Record<string | number, unknown>;
  });
}
