import { BadRequestError } from '@cleave/contracts/kernel/errors';

const KEY = /^[\x20-\x7E]{1,100}$/;

/** The optional `Idempotency-Key` header: 1 to 100 printable ASCII characters, else 400. */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY.test(header)) {
    throw new BadRequestError('Idempotency-Key must be 1 to 100 printable ASCII characters');
  }
  return header;
}
