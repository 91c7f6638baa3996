import { isWellFormedUnicode } from '../common/validation/request-shape';
import { hasControlCharacters } from '../common/validation/safe-text';
import {
  HFSSSimulationConfig,
  JOB_ID_PATTERN,
  MAX_TIMEOUT_SECONDS,
  PROJECT_EXTENSION_PATTERN,
  PROJECT_REF_PATTERN,
  SOLVERS,
} from './hfss-simulation-config.dto';
import { SchedulerType } from './scheduler-type.enum';

/**
 * The common submission — only top-level scalar fields (jobid, project_path, priority, names…), every one of them
 * plainly valid — decided without class-transformer and class-validator, which cost most of a submit's CPU.
 *
 * It only ever says "certainly valid": it returns the same config the full path (parseSimulationConfig) builds,
 * or undefined for anything else — an unknown or nested field, a null, a value that is wrong or merely unusual
 * (a string longer than its limit counted in UTF-16 units, where class-validator counts code points) — and the
 * full path then decides and words the 400. So no answer changes; flat-config.fast-path.spec.ts checks that the
 * two agree on generated bodies and on PyEDB's.
 */
type FieldCheck = (value: unknown) => boolean;

const scalarString =
  (maxLength: number, extra?: (value: string) => boolean, nonEmpty = false): FieldCheck =>
  (value) =>
    typeof value === 'string' &&
    value.length <= maxLength &&
    (!nonEmpty || value.length > 0) &&
    !hasControlCharacters(value) &&
    isWellFormedUnicode(value) &&
    (extra === undefined || extra(value));

const boolean: FieldCheck = (value) => typeof value === 'boolean';
const integerIn =
  (min: number, max: number): FieldCheck =>
  (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const noColon = (value: string): boolean => !value.includes(':');
const SCHEDULER_TYPES: readonly unknown[] = Object.values(SchedulerType);

/** Each field the fast path decides, with the check that makes it certainly valid (see the DTO's decorators). */
const FLAT_FIELDS: ReadonlyMap<string, FieldCheck> = new Map<string, FieldCheck>([
  ['jobid', (value) => typeof value === 'string' && JOB_ID_PATTERN.test(value)],
  ['user', scalarString(256, undefined, true)],
  ['project_path', scalarString(4096, (value) => PROJECT_EXTENSION_PATTERN.test(value), true)],
  ['project_ref', (value) => typeof value === 'string' && PROJECT_REF_PATTERN.test(value)],
  ['ansys_edt_path', scalarString(4096, undefined, true)],
  ['solver', (value) => (SOLVERS as readonly unknown[]).includes(value)],
  ['design_name', scalarString(256, noColon)],
  ['design_mode', scalarString(256, noColon)],
  ['setup_name', scalarString(256, noColon)],
  ['distributed', boolean],
  ['auto', boolean],
  ['non_graphical', boolean],
  ['monitor', boolean],
  ['wait_for_license', boolean],
  ['scheduler_type', (value) => SCHEDULER_TYPES.includes(value)],
  ['priority', integerIn(-1000, 1000)],
  ['timeout', integerIn(1, MAX_TIMEOUT_SECONDS)],
]);

/** The config for a flat, certainly valid body (defaults filled in as the full path does), or undefined. */
export function parseFlatConfig(plain: object): HFSSSimulationConfig | undefined {
  if (Object.getPrototypeOf(plain) !== Object.prototype) {
    return undefined;
  }
  // Each value read once (an embedding caller's object may have getters).
  const entries = Object.entries(plain);
  let projectGiven = 0;
  for (const [key, value] of entries) {
    const check = FLAT_FIELDS.get(key);
    if (check === undefined || !check(value)) {
      return undefined;
    }
    if (key === 'project_path' || key === 'project_ref') projectGiven++;
  }
  if (projectGiven !== 1) {
    return undefined;
  }
  const config = new HFSSSimulationConfig();
  for (const [key, value] of entries) {
    (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}
