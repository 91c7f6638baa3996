import fc from 'fast-check';
import { isNamedLikeSolver } from '../../jobs/submission/executable-policy';
import { isWellFormedUnicode, MAX_INPUT_DEPTH, requestShapeProblem } from './request-shape';

const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('requestShapeProblem', () => {
  it('should accept up to MAX_INPUT_DEPTH levels of nesting and refuse one more', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * MAX_INPUT_DEPTH }), (levels) => {
        const problem = requestShapeProblem({ a: nested(levels) });
        expect(problem === undefined).toBe(levels + 1 <= MAX_INPUT_DEPTH);
      }),
      { seed: 7 },
    );
    expect(requestShapeProblem(nested(MAX_INPUT_DEPTH + 1))).toBe(`${'0.'.repeat(MAX_INPUT_DEPTH).slice(0, -1)} is nested more than 32 levels deep`);
  });

  it('should not use the stack: a body nested a million deep is refused, not overflowed', () => {
    expect(requestShapeProblem(nested(1_000_000))).toMatch(/nested more than 32 levels deep/);
  });

  it('should refuse field names that reach into the object machinery, at any depth', () => {
    // class-transformer crashed on this body (found by the HTTP fuzz): an own "constructor" property.
    expect(requestShapeProblem({ scheduler_options: { extra_directives: { constructor: 2.5e-169 } } })).toBe(
      'scheduler_options.extra_directives has a field named "constructor", which is not allowed',
    );
    expect(requestShapeProblem(JSON.parse('{"a": [{"__proto__": {"polluted": true}}]}'))).toContain('"__proto__"');
    expect(requestShapeProblem({ prototype: 1 })).toContain('"prototype"');
    expect(requestShapeProblem({ constructors: 1, proto: 2 })).toBeUndefined();
  });

  it('should find a lone surrogate in any string or key, and name where it is', () => {
    expect(requestShapeProblem({ scheduler_options: { email_notification: 'a\ud800@x.org' } })).toBe(
      'scheduler_options.email_notification is not well-formed Unicode (it contains a lone surrogate)',
    );
    expect(requestShapeProblem({ machine_nodes: [{ ['h\udc00']: 1 }] })).toMatch(/a field name in machine_nodes\.0 is not well-formed/);
    expect(requestShapeProblem({ ok: '😀 é \u2028' })).toBeUndefined();
  });
});

describe('isWellFormedUnicode', () => {
  it('should agree with encodeURIComponent, which throws exactly on lone surrogates', () => {
    const reference = (text: string): boolean => {
      try {
        encodeURIComponent(text);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (text) => isWellFormedUnicode(text) === reference(text)),
      { seed: 11, numRuns: 2_000 },
    );
  });
});

describe('isNamedLikeSolver', () => {
  it.each([
    ['/opt/AnsysEM/v242/Linux64/ansysedt', 'linux', true],
    ['/opt/x/ansysedt.exe', 'linux', true],
    ['/opt/x/ANSYSEDT', 'linux', false],
    ['C:\\Program Files\\AnsysEM\\ANSYSEDT.EXE', 'win32', true],
    ['/bin/sh', 'linux', false],
    ['/opt/x/ansysedt.sh', 'linux', false],
    ['/opt/ansysedt/solver', 'linux', false],
  ] as const)('should say %s on %s is %s', (path, platform, expected) => {
    expect(isNamedLikeSolver(platform === 'win32' ? path.split('\\').join('/') : path, platform)).toBe(expected);
  });
});
