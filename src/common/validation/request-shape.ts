import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../errors/job-manager.errors';

/** Deepest nesting of objects and arrays a request body or query may have (a job config needs 3). */
export const MAX_INPUT_DEPTH = 32;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed` (ES2024), for the ES2023 library this project compiles against. */
export function isWellFormedUnicode(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/**
 * Field names that reach into JavaScript's object machinery: class-transformer crashes on an own `constructor`
 * property (it reads `value.constructor` to find the class), and `__proto__` is the prototype-pollution vector.
 * No field of this API has these names.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function describe(path: string): string {
  return path === '' ? 'the request' : path;
}

/**
 * Why `input` cannot be a request (too deeply nested, a string or key that is not well-formed Unicode, such as
 * a lone UTF-16 surrogate, or a reserved field name), or undefined. Iterative, so a body nested 100,000 deep costs no stack.
 */
export function requestShapeProblem(input: unknown, maxDepth = MAX_INPUT_DEPTH): string | undefined {
  const pending: Array<{ value: unknown; depth: number; path: string }> = [{ value: input, depth: 0, path: '' }];
  while (pending.length > 0) {
    const { value, depth, path } = pending.pop()!;
    if (typeof value === 'string') {
      if (!isWellFormedUnicode(value)) {
        return `${describe(path)} is not well-formed Unicode (it contains a lone surrogate)`;
      }
      continue;
    }
    if (value === null || typeof value !== 'object') {
      continue;
    }
    if (depth >= maxDepth) {
      return `${describe(path)} is nested more than ${maxDepth} levels deep`;
    }
    for (const [key, item] of Object.entries(value)) {
      if (!isWellFormedUnicode(key)) {
        return `a field name in ${describe(path)} is not well-formed Unicode (it contains a lone surrogate)`;
      }
      if (RESERVED_KEYS.has(key)) {
        return `${describe(path)} has a field named "${key}", which is not allowed`;
      }
      pending.push({ value: item, depth: depth + 1, path: path === '' ? key : `${path}.${key}` });
    }
  }
  return undefined;
}

/**
 * Runs before the validation pipe (class-transformer recurses and would overflow the stack on a deep body):
 * bodies and queries must be shallow and well-formed Unicode, else 400.
 */
@Injectable()
export class RequestShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problem = requestShapeProblem(value);
      if (problem) {
        throw new ValidationFailedError(problem);
      }
    }
    return value;
  }
}
