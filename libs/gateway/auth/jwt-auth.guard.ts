import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { AuthenticatedRequest } from './auth-user';
import { TokenService } from './token.service';

const TOKEN_IN_QUERY = 'cleave:token-in-query';

/**
 * Lets a route also take the token as `?access_token=`: for event streams, as a browser's
 * EventSource cannot set headers. Nowhere else, since URLs end up in logs and histories.
 */
export const TokenInQuery = () => SetMetadata(TOKEN_IN_QUERY, true);

/** Admits requests carrying a valid `Authorization: Bearer <token>`, and records who sent them. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.trim()) {
      const fromQuery = this.reflector.get<boolean | undefined>(TOKEN_IN_QUERY, context.getHandler()) ? request.query?.access_token : undefined;
      if (typeof fromQuery === 'string' && fromQuery) {
        request.user = await this.tokens.verify(fromQuery);
        return true;
      }
      throw new UnauthorizedError('Missing access token: send "Authorization: Bearer <token>"');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthorizedError('Malformed Authorization header: expected "Bearer <token>"');
    request.user = await this.tokens.verify(match[1]);
    return true;
  }
}
