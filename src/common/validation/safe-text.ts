import { ValidationOptions, registerDecorator } from 'class-validator';

/** C0 control characters (newline, carriage return, NUL, escape, …) and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/**
 * Rejects strings carrying control characters. Every free-text field of a job passes through this,
 * because a newline in a name or a path is how a value escapes its line in a batch script or a log.
 */
export function IsSingleLine(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isSingleLine',
      target: target.constructor,
      propertyName: propertyName.toString(),
      options: { message: `${propertyName.toString()} must not contain control characters (newlines, tabs, NUL)`, ...options },
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !hasControlCharacters(value),
      },
    });
  };
}
