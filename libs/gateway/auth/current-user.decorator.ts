import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { AuthenticatedRequest, AuthUser } from './auth-user';

/** The caller JwtAuthGuard authenticated; only meaningful on guarded routes. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new UnauthorizedError();
  return user;
});
