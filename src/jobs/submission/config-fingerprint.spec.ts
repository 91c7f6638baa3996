import { canonicalJson, configFingerprint } from './config-fingerprint';

/** The first version, whose text every stored fingerprint is of. */
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

class Point {
  x = 1;
  get y(): number {
    return 2;
  }
}

const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays

const shapes: Array<[string, unknown]> = [
  ['an empty object', {}],
  ['an empty array', []],
  ['null', null],
  ['numbers', [0, -0, -1.5e-7, 1e21, NaN, -Infinity]],
  ['a string with quotes, backslash and U+2028', 'text with "quotes", \\ and \u2028'],
  ['a boolean', true],
  ['keys in every order class', { b: 1, a: 2, A: 3, _: 4, é: 7, '\ud83d\ude00': 8, ' ': 9, '01': 10, z: undefined }],
  ['array-index keys', { '10': 5, '9': 6, '0': 1, a: 2 }],
  ['a large integer-like key', { '4294967295': 1, b: 2 }],
  [
    'a config',
    { project_path: '/p/a.aedt', jobid: 'j', priority: 3, design_name: 'variant_1', scheduler_options: { queue: 'q', nodes: 2, extra: [1, 'x', null] } },
  ],
  ['nesting', { nested: [{ y: [], x: {} }, [[]], [null, 1], { deep: { deeper: { deepest: 'yes', also: false } } }] }],
  ['undefined in an array', { list: [null, undefined, 1] }],
  ['a hole in an array', { list: sparse }],
  ['undefined members', { list: [undefined], fn: undefined, value: null }],
  ['arrays of objects', [{ b: 2, a: 1 }, 'a', 2, [3, { d: undefined, c: 4 }]]],
  ['keys absent at other levels', { a: { x: 1 }, b: { y: 2, x: undefined }, c: [{ z: 3 }, { x: 4, y: { z: 5 } }] }],
  ['Object.prototype names', { valueOf: 1, child: {}, toString: 'x', hasOwnProperty: null, constructor: 'c' }],
  ['an own __proto__', JSON.parse('{"__proto__": {"a": 1}, "b": {"c": 2}}') as unknown],
  ['a Date', { when: new Date(0) }],
  ['a function and a symbol in an array', { list: [() => 1, Symbol('s'), 2] }],
  ['a function and a symbol as members', { fn: () => 1, sym: Symbol('s'), n: 1 }],
  ['a class instance', { instance: new Point(), other: { y: 3 } }],
  ['a null-prototype object', Object.assign(Object.create(null) as object, { b: 1, a: { d: 2, c: 3 } })],
];

describe(canonicalJson.name, () => {
  it.each(shapes)('writes %s exactly as the first version did', (_name, shape) => {
    expect(canonicalJson(shape)).toBe(firstCanonicalJson(shape));
  });

  it('sorts keys at every level by code unit and leaves undefined members out', () => {
    expect(canonicalJson({ b: { d: 1, c: [{ f: 1, e: 2 }] }, a: undefined, '': 0, B: [null, 'x'], '10': 1, '9': 2 })).toBe(
      '{"":0,"10":1,"9":2,"B":[null,"x"],"b":{"c":[{"e":2,"f":1}],"d":1}}',
    );
    expect(canonicalJson({ z: { y: 1, x: [{ w: 2, v: 3 }] }, a: 'b' })).toBe('{"a":"b","z":{"x":[{"v":3,"w":2}],"y":1}}');
  });
});

describe(configFingerprint.name, () => {
  it('fingerprints equal configs equally, whatever their key order, and different ones differently', () => {
    expect(configFingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(configFingerprint({ b: { d: 3, c: 2 }, a: 1 }));
    expect(configFingerprint({ a: 1 })).not.toBe(configFingerprint({ a: 2 }));
  });

  it('is the SHA-256 of the canonical JSON: a fingerprint stored by an earlier version still matches', () => {
    expect(configFingerprint({ project_path: '/p/a.aedt', priority: 0 })).toBe('faaa57de8329605a2d077967c7766ccce8d482d042fb8393a429979c8b3e912c');
  });
});
