import { ValidationError } from '@cleave/contracts/kernel/errors';
import { IDEMPOTENCY_KEY_FORMAT } from '@cleave/contracts/orders/orders.contract';
import { PAYMENT_METHOD_FORMAT } from '@cleave/contracts/payments/payments.contract';

/** The most of one product a cart line may hold. */
export const MAX_LINE_QUANTITY = 1000;
const ID = /^[A-Za-z0-9-]{1,36}$/;

export function checkId(value: unknown, name: string): string {
  if (typeof value !== 'string' || !ID.test(value)) throw new ValidationError(`${name} must be an id (letters, digits and dashes, at most 36)`, { [name]: value });
  return value;
}

/** A whole number of units from `min` up to the per-line maximum. */
export function checkQuantity(value: unknown, min: 0 | 1): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new ValidationError(`quantity must be ${min === 1 ? 'a positive' : 'a non-negative'} integer`, { quantity: value });
  }
  if ((value as number) > MAX_LINE_QUANTITY) throw tooMany(value as number);
  return value as number;
}

export function tooMany(quantity: number): ValidationError {
  return new ValidationError(`A cart holds at most ${MAX_LINE_QUANTITY} of one product (${quantity} requested)`, { quantity, max: MAX_LINE_QUANTITY });
}

export function checkIdempotencyKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY_FORMAT.test(value)) throw new ValidationError('idempotencyKey must be 1 to 100 printable characters');
  return value;
}

export function checkPaymentMethod(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !PAYMENT_METHOD_FORMAT.test(value)) throw new ValidationError('paymentMethod must be 1 to 64 letters, digits or underscores');
  return value;
}
