import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { AuthenticatedRequest } from './auth-user';
import { TokenService } from './token.service';

/** Admits requests carrying a valid `Authorization: Bearer <token>`, and records who sent them. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.trim()) throw new UnauthorizedError('Missing access token: send "Authorization: Bearer <token>"');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthorizedError('Malformed Authorization header: expected "Bearer <token>"');
    request.user = await this.tokens.verify(match[1]);
    return true;
  }
}
