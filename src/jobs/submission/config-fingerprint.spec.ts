import { canonicalJson, configFingerprint } from './config-fingerprint';

describe(canonicalJson.name, () => {
  it('sorts keys at every level by code unit and leaves undefined members out', () => {
    expect(canonicalJson({ b: { d: 1, c: [{ f: 1, e: 2 }] }, a: undefined, '': 0, B: [null, 'x'], '10': 1, '9': 2 })).toBe(
      '{"":0,"10":1,"9":2,"B":[null,"x"],"b":{"c":[{"e":2,"f":1}],"d":1}}',
    );
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
