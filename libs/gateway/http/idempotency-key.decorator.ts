import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { BadRequestError } from '@cleave/contracts/kernel/errors';

const KEY = /^[\x21-\x7e]{1,100}$/;

/**
 * The optional `Idempotency-Key` header: 1 to 100 visible ASCII characters (a UUID, say).
 * Repeating a request with the same key returns the first one's result.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) throw new BadRequestError('Idempotency-Key must be 1 to 100 visible ASCII characters');
  return value;
});
