import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { idempotencyKey } from './idempotency-key';

/** The route's checked `Idempotency-Key` header (see idempotencyKey), or undefined. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined =>
  idempotencyKey(context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers['idempotency-key']),
);
