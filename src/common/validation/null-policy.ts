import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateIf, ValidationOptions, registerDecorator } from 'class-validator';

/**
 * What a JSON `null` means for one field. Every field of a request DTO carries exactly one of these, so the
 * policy is explicit per field (README "Nulls"): null is either the same as leaving the field out, or a 400 —
 * never a value that reaches the job.
 */
export const NULL_POLICY_KEY = 'hfss-jm:null-policy';
export type NullPolicy = 'absent' | 'rejected';

function recordPolicy(target: object, property: string | symbol, policy: NullPolicy): void {
  Reflect.defineMetadata(NULL_POLICY_KEY, policy, target, property);
}

/** The policy a DTO property declares (undefined when it declares none). */
export function nullPolicyOf(dto: abstract new () => object, property: string): NullPolicy | undefined {
  return Reflect.getMetadata(NULL_POLICY_KEY, dto.prototype as object, property) as NullPolicy | undefined;
}

/** Always fails on null, with a message saying what to send instead. */
function RejectNull(hint: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'rejectNull',
      target: target.constructor,
      propertyName: propertyName.toString(),
      options: { message: `${propertyName.toString()} must not be null (${hint})`, ...options },
      validator: { validate: (value: unknown) => value !== null },
    });
  };
}

/**
 * Optional field whose `null` means "not set", exactly as if it were left out (PyEDB sends `None` this way).
 * The null is dropped before validation, so it never reaches the stored configuration. The spec says
 * `nullable` (everything else about the field still comes from the Swagger plugin).
 */
export function OptionalNullAsAbsent(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    recordPolicy(target, propertyName, 'absent');
    ApiProperty({ required: false, nullable: true })(target, propertyName);
    Transform(({ value }: { value: unknown }) => (value === null ? undefined : value))(target, propertyName);
    IsOptional()(target, propertyName);
  };
}

/** Optional field that may be left out, but whose `null` answers 400 (its meaning would be ambiguous). */
export function OptionalNullRejected(hint = 'leave the field out instead'): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    recordPolicy(target, propertyName, 'rejected');
    ValidateIf((_object: object, value: unknown) => value !== undefined)(target, propertyName);
    RejectNull(hint)(target, propertyName);
  };
}

/** Required field, or one with a default: `null` answers 400 (leave it out to get the default). */
export function NullRejected(hint = 'leave the field out to use the default'): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    recordPolicy(target, propertyName, 'rejected');
    RejectNull(hint)(target, propertyName);
  };
}
