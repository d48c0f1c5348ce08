import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InputValidationError } from '@cleave/contracts/kernel/errors';

/**
 * Which one of a field's failed rules to report when several fail: what it is before how big it
 * is (`"quantity":"2"` is "must be an integer", not also "must not be less than 1").
 */
const FIRST = ['whitelistValidation', 'isDefined', 'nestedValidation', 'isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject', 'isUuid', 'isEmail', 'isEnum', 'isIn'];

const MAX_FIELDS = 20;
const MAX_NAME = 64;

/**
 * The gateway's input validation: unknown properties refused (named, never with their
 * values), types converted, and one message per field in `details`.
 */
export function gatewayValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => toInputValidationError(errors),
  });
}

export function toInputValidationError(errors: ValidationError[]): InputValidationError {
  const details: Record<string, string> = {};
  collect(errors, '', details);
  const fields = Object.entries(details);
  const summary = fields.slice(0, 5).map(([field, message]) => `${field} ${message}`).join('; ');
  return new InputValidationError(`Invalid input: ${summary}${fields.length > 5 ? `; and ${fields.length - 5} more` : ''}`, details);
}

function collect(errors: ValidationError[], parent: string, into: Record<string, string>): void {
  for (const error of errors) {
    if (Object.keys(into).length >= MAX_FIELDS) return;
    const name = error.property.length > MAX_NAME ? `${error.property.slice(0, MAX_NAME)}…` : error.property;
    const path = parent ? `${parent}.${name}` : name;
    const constraints = error.constraints ?? {};
    const names = Object.keys(constraints);
    if (names.length) {
      const chosen = FIRST.find((rule) => rule in constraints) ?? names[0];
      into[path] = chosen === 'whitelistValidation' ? 'is not a known property' : withoutSubject(constraints[chosen], error.property);
    }
    if (error.children?.length) collect(error.children, path, into);
  }
}

/** class-validator says "quantity must be an integer number": the field is already the key. */
function withoutSubject(message: string, property: string): string {
  const text = message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
  return text.slice(0, 200);
}
