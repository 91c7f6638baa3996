import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { ValidationFailedError } from '../common/errors/job-manager.errors';
import { requestShapeProblem } from '../common/validation/request-shape';
import { parseFlatConfig } from './flat-config.fast-path';
import { HFSSSimulationConfig } from './hfss-simulation-config.dto';

/** "layout_options.mpi_vendor must be one of …; priority must not be greater than 1000". */
export function formatValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`,
    );
    return [...own, ...formatValidationErrors(error.children ?? [], path)];
  });
}

/**
 * Turns plain snake_case JSON into a validated HFSSSimulationConfig with defaults filled in, exactly as the
 * REST pipe does: unknown fields are rejected. Throws ValidationFailedError.
 */
export function parseSimulationConfig(plain: unknown): HFSSSimulationConfig {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new ValidationFailedError('A simulation config must be a JSON object');
  }
  return parseFlatConfig(plain) ?? parseWithClassValidator(plain);
}

/** The full path: every field and nested object checked by class-validator, every problem worded. */
export function parseWithClassValidator(plain: object): HFSSSimulationConfig {
  const problem = requestShapeProblem(plain);
  if (problem) {
    throw new ValidationFailedError(problem);
  }
  const config = plainToInstance(HFSSSimulationConfig, plain);
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ValidationFailedError(formatValidationErrors(errors).join('; '));
  }
  if ((config.project_path === undefined) === (config.project_ref === undefined)) {
    throw new ValidationFailedError('Give exactly one of project_path (a path on the server) and project_ref (a project_id from POST /projects)');
  }
  return config;
}
