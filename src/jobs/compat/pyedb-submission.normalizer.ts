import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors/job-manager.errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { SchedulerType } from '../../simulation/scheduler-type.enum';

type Plain = Record<string, unknown>;

/** Keys PyEDB clients put beside `config`: the service's `{config, priority}` and the handler's `user`, `machine_nodes`, `batch_options`. */
const WRAPPER_KEYS = new Set(['config', 'priority', 'user', 'machine_nodes', 'batch_options']);
/** Written by PyEDB's `HFSSSimulationConfig.to_dict()` only; informational, not part of the job. */
const TO_DICT_ONLY_KEYS = ['platform', 'timestamp', 'version'] as const;
/** Fields PyEDB's models default to `None` and `model_dump()` / `to_dict()` send as `null` when unset. */
const NULLABLE_CONFIG_KEYS = ['jobid', 'user', 'ansys_edt_path'] as const;
const NULLABLE_SCHEDULER_OPTION_KEYS = ['account', 'reservation', 'qos', 'constraints', 'gpu_type', 'email_notification'] as const;
/** PyEDB's `SchedulerOptions.queue` default, meaning "the scheduler's default queue". */
const PYEDB_DEFAULT_QUEUE = 'default';

export interface SchedulerChoice {
  /** Scheduler for submissions that name none. */
  defaultScheduler: SchedulerType;
  /** Also send explicit `scheduler_type: "none"` to `defaultScheduler` (PyEDB clients send `none` on clusters). */
  overrideNone: boolean;
}

const isPlainObject = (value: unknown): value is Plain => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * What the original PyEDB clients post, turned into this service's `HFSSSimulationConfig` JSON (still unvalidated):
 * the `{"config": …, "priority": n}` wrapper is unwrapped, `to_dict()`'s `platform` / `timestamp` / `version` are
 * dropped, PyEDB's `null`s for unset options become absent and its placeholder queue `"default"` means the
 * scheduler's default. Bodies in this service's own shape pass through unchanged. Throws ValidationFailedError.
 */
export function unwrapPyedbSubmission(body: unknown): unknown {
  if (!isPlainObject(body)) {
    return body;
  }
  const wrapped = 'config' in body && !('project_path' in body) && !('project_ref' in body);
  if (!wrapped && !['user', ...TO_DICT_ONLY_KEYS].some((key) => key in body)) {
    return body;
  }
  const config = wrapped ? unwrap(body) : { ...body };
  for (const key of TO_DICT_ONLY_KEYS) {
    if (config[key] !== undefined && config[key] !== null && typeof config[key] !== 'string') {
      throw new ValidationFailedError(`${key} must be a string`);
    }
    delete config[key];
  }
  dropNulls(config, NULLABLE_CONFIG_KEYS);
  if (isPlainObject(config.scheduler_options)) {
    const options = { ...config.scheduler_options };
    dropNulls(options, NULLABLE_SCHEDULER_OPTION_KEYS);
    if (options.queue === PYEDB_DEFAULT_QUEUE) {
      delete options.queue;
    }
    config.scheduler_options = options;
  }
  return config;
}

function unwrap(body: Plain): Plain {
  const unknown = Object.keys(body).filter((key) => !WRAPPER_KEYS.has(key));
  if (unknown.length > 0) {
    throw new ValidationFailedError(unknown.map((key) => `property ${key} should not exist`).join('; '));
  }
  if (!isPlainObject(body.config)) {
    throw new ValidationFailedError('config must be a JSON object');
  }
  const config: Plain = { ...body.config };
  // As PyEDB's handler did: the wrapper's user, machine_nodes and batch_options replace the config's.
  if (body.user !== undefined && body.user !== null && body.user !== '') {
    config.user = body.user;
  }
  if (body.machine_nodes !== undefined && body.machine_nodes !== null) {
    config.machine_nodes = body.machine_nodes;
  }
  if (body.batch_options !== undefined && body.batch_options !== null) {
    config.layout_options = body.batch_options;
  }
  if (body.priority !== undefined && body.priority !== null) {
    config.priority = body.priority;
  }
  return config;
}

function dropNulls(target: Plain, keys: readonly string[]): void {
  for (const key of keys) {
    if (target[key] === null) {
      delete target[key];
    }
  }
}

/** Fills in the operator's scheduler where a submission names none (or, when asked, where it names `none`). */
export function chooseScheduler(config: unknown, choice: SchedulerChoice): unknown {
  if (!isPlainObject(config)) {
    return config;
  }
  const given = config.scheduler_type;
  // null is left for validation to refuse (scheduler_type has a default, so null would change nothing PyEDB sends).
  if (given === undefined || (given === SchedulerType.NONE && choice.overrideNone)) {
    return { ...config, scheduler_type: choice.defaultScheduler };
  }
  return config;
}

/** The step in front of validation for `POST /jobs/submit`: PyEDB's wire format, then the operator's scheduler choice. */
@Injectable()
export class PyedbSubmissionNormalizer {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  normalize(body: unknown): unknown {
    return chooseScheduler(unwrapPyedbSubmission(body), this.config.submissions);
  }
}
