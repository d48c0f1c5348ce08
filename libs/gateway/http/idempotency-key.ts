import { BadRequestError } from '@cleave/contracts/kernel/errors';
import { IDEMPOTENCY_KEY_FORMAT } from '@cleave/contracts/orders/orders.contract';

/** The optional `Idempotency-Key` header: 1 to 100 printable ASCII characters, else 400. */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY_FORMAT.test(header)) {
    throw new BadRequestError('Idempotency-Key must be 1 to 100 printable ASCII characters');
  }
  return header;
}
