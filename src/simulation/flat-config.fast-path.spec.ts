import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseFlatConfig } from './flat-config.fast-path';
import { HFSSSimulationConfig } from './hfss-simulation-config.dto';
import { parseSimulationConfig, parseWithClassValidator } from './simulation-config.validation';

/** What the full path answers: the config, or the 400's message. */
function fullPath(plain: object): { config: HFSSSimulationConfig } | { error: string } {
  try {
    return { config: parseWithClassValidator(plain) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

// Values near every limit and rule of the flat fields: right and wrong types, nulls, lengths at and past the
// limits (also in code points against UTF-16 units), control characters, lone surrogates, colons, device names.
const strings = fc.oneof(
  fc.constantFrom('', 'a', 'job_1', 'CON', 'nul', 'com1', 'COM¹', 'a b', 'a:b', 'x\n', 'x\t', '\u0000', '\uD800', '\uDC00x', '😀', 'Nominal', 'Setup1 : Sweep'),
  fc.constantFrom('/p/board.aedt', '/p/board.AEDB', '/p/board.txt', 'rel/board.aedt', '/p/a\nb.aedt', '/p/\uD83D.aedt', '/p/😀.aedt'),
  fc.constantFrom('prj_0123456789abcdef01234567', 'prj_0123456789ABCDEF01234567', 'prj_123'),
  fc.constantFrom('Hfss3DLayout', 'HFSS', 'hfss', 'none', 'slurm', 'lsf', 'pbs', 'windows_hpc', 'grid_engine', 'condor', 'SLURM'),
  fc.integer({ min: 0, max: 4200 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 60, max: 70 }).map((n) => 'j'.repeat(n)),
  fc.integer({ min: 250, max: 260 }).map((n) => '😀'.repeat(n)),
  fc.integer({ min: 4090, max: 4100 }).map((n) => `/${'p'.repeat(n - 6)}.aedt`),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/),
);
const numbers = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 1000, 1001, -1000, -1001, 0.5, 2 ** 53, Number.MAX_VALUE, Number.NaN, Infinity, -Infinity, 2_592_000, 2_592_001),
  fc.integer({ min: -2000, max: 3_000_000 }),
  fc.double(),
);
const values = fc.oneof(
  strings,
  numbers,
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  fc.constant(['a']),
  fc.constant({ hostname: 'h' }),
);
const FIELDS = [
  'jobid',
  'user',
  'project_path',
  'project_ref',
  'ansys_edt_path',
  'solver',
  'design_name',
  'design_mode',
  'setup_name',
  'distributed',
  'auto',
  'non_graphical',
  'monitor',
  'wait_for_license',
  'scheduler_type',
  'priority',
  'timeout',
  // Not decided by the fast path: it must always hand these to the full path.
  'machine_nodes',
  'layout_options',
  'scheduler_options',
  'retry',
  'surprise',
  '__proto__',
  'constructor',
] as const;
const bodies = fc.dictionary(fc.constantFrom(...FIELDS), values, { maxKeys: 8 });
// Mostly right bodies, so the fast path's "yes" is exercised as often as its "don't know".
const likelyValid = fc.record(
  {
    jobid: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    project_path: fc.constantFrom('/p/board.aedt', '/p/x.aedb', '/p/😀.aedt'),
    priority: fc.integer({ min: -1100, max: 1100 }),
    design_name: fc.string({ maxLength: 10 }),
    user: fc.string({ maxLength: 10 }),
    solver: fc.constantFrom('HFSS', 'Hfss3DLayout'),
    scheduler_type: fc.constantFrom('none', 'slurm', 'grid_engine'),
    timeout: fc.integer({ min: 0, max: 3_000_000 }),
    distributed: fc.boolean(),
  },
  { requiredKeys: ['project_path'] },
);
// A right body with one field set to anything: each rule of each field is met at its edge by some run.
const oneFieldOff = fc
  .tuple(likelyValid, fc.constantFrom(...FIELDS), values)
  .map(
    ([body, field, value]) =>
      Object.defineProperty({ ...body }, field, { value, enumerable: true, configurable: true, writable: true }) as Record<string, unknown>,
  );
const generated = fc.oneof(bodies, likelyValid, oneFieldOff);

describe('parseFlatConfig (the fast path of parseSimulationConfig)', () => {
  it('should, whenever it decides, give exactly the config of the full class-validator path (which must accept it)', () => {
    let decided = 0;
    fc.assert(
      fc.property(generated, (body) => {
        const fast = parseFlatConfig(body);
        if (fast === undefined) return;
        decided++;
        const full = fullPath(body);
        expect(full).toStrictEqual({ config: fast });
      }),
      { numRuns: 20_000 },
    );
    // Not vacuous: the generators reach the fast path's "certainly valid" often.
    expect(decided).toBeGreaterThan(2_000);
  });

  it('should leave every body the full path rejects to the full path, so each 400 keeps its wording', () => {
    fc.assert(
      fc.property(generated, (body) => {
        const full = fullPath(body);
        if ('error' in full) {
          expect(parseFlatConfig(body)).toBeUndefined();
          expect(() => parseSimulationConfig(body)).toThrow(full.error);
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('should decide the common submission (jobid, project_path, priority) with the seed defaults filled in', () => {
    const config = parseFlatConfig({ jobid: 'antenna_001', project_path: '/p/board.aedt', priority: 3 });
    expect(config).toBeInstanceOf(HFSSSimulationConfig);
    expect(config).toStrictEqual(parseWithClassValidator({ jobid: 'antenna_001', project_path: '/p/board.aedt', priority: 3 }));
    expect(config?.machine_nodes).toEqual([{ hostname: 'localhost', cores: -1, max_cores: 20, utilization: 90 }]);
  });

  it.each([
    ['a nested field', { project_path: '/p/b.aedt', machine_nodes: [{ hostname: 'h' }] }],
    ['a null', { project_path: '/p/b.aedt', jobid: null }],
    ['both project fields', { project_path: '/p/b.aedt', project_ref: 'prj_0123456789abcdef01234567' }],
    ['no project', { jobid: 'a' }],
    ['a string past its limit in UTF-16 units though not in code points', { project_path: '/p/b.aedt', user: '😀'.repeat(200) }],
    ['a body that is not a plain object', Object.assign(Object.create(null) as object, { project_path: '/p/b.aedt' })],
  ])('should hand %s to the full path', (_what, body: object) => {
    expect(parseFlatConfig(body)).toBeUndefined();
  });

  it("should agree with the full path on PyEDB's own request bodies (normalized as the controller does: their config object)", () => {
    const dir = join(__dirname, '../../test/fixtures/pyedb');
    const configs = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as { config?: object })
      .map((body) => body.config ?? body);
    expect(configs.length).toBeGreaterThan(3);
    for (const config of configs) {
      const fast = parseFlatConfig(config);
      if (fast !== undefined) expect(fullPath(config)).toStrictEqual({ config: fast });
    }
    // Flattened to their scalar fields, PyEDB's bodies go through the fast path and still agree.
    for (const config of configs) {
      const scalars = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== null && typeof value !== 'object'));
      const fast = parseFlatConfig(scalars);
      expect(fullPath(scalars)).toStrictEqual(fast === undefined ? expect.anything() : { config: fast });
    }
  });
});
