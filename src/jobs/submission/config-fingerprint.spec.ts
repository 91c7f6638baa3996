import { canonicalJson, configFingerprint } from './config-fingerprint';

/** The first version, whose output every stored fingerprint is of. */
function firstCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(firstCanonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${firstCanonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const shapes: unknown[] = [
  {},
  [],
  null,
  0,
  -1.5e-7,
  'text with "quotes", \\ and \u2028',
  true,
  { b: 1, a: 2, A: 3, _: 4, '10': 5, '9': 6, é: 7, '\ud83d\ude00': 8, z: undefined },
  { project_path: '/p/a.aedt', jobid: 'j', priority: 3, design_name: 'variant_1', scheduler_options: { queue: 'q', nodes: 2, extra: [1, 'x', null] } },
  { nested: [{ y: [], x: {} }, [[]], [null, undefined, 1], { deep: { deeper: { deepest: 'yes', also: false } } }] },
  { list: [undefined], fn: undefined, value: null },
  [{ b: 2, a: 1 }, 'a', 2, [3, { d: undefined, c: 4 }]],
];

describe(canonicalJson.name, () => {
  it.each(shapes.map((shape) => [JSON.stringify(shape) ?? String(shape), shape]))('writes %s exactly as the first version did', (_name, shape) => {
    expect(canonicalJson(shape)).toBe(firstCanonicalJson(shape));
  });

  it('sorts keys at every level and leaves undefined members out', () => {
    expect(canonicalJson({ b: { d: 1, c: [{ f: 1, e: 2 }] }, a: undefined, '': 0 })).toBe('{"":0,"b":{"c":[{"e":2,"f":1}],"d":1}}');
  });

  it('fingerprints equal configs equally, whatever their key order, and different ones differently', () => {
    expect(configFingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(configFingerprint({ b: { d: 3, c: 2 }, a: 1 }));
    expect(configFingerprint({ a: 1 })).not.toBe(configFingerprint({ a: 2 }));
    // The text hashed is the canonical JSON (a fingerprint stored by an earlier version still matches).
    expect(configFingerprint({ project_path: '/p/a.aedt', priority: 0 })).toBe('faaa57de8329605a2d077967c7766ccce8d482d042fb8393a429979c8b3e912c');
  });
});
